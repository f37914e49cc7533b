"""Which NYSE week a command reports: a date given on the command line, the latest complete
week of a market's data, the weeks of a backfill range."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from generator.calendar import SessionTable, xnys
from generator.config import Config
from generator.errors import DataError, UsageError
from generator.model import Market


def resolve_market_week(
    market: Market,
    config: Config,
    requested: str | None,
    option: str = "--week",
    calendar: SessionTable | None = None,
) -> pd.Timestamp:
    """The report week for a market: requested (by ``option``) or latest complete, limited by
    the pair's data (``calendar``: the run's session table; None: the process's own)."""
    calendar = xnys() if calendar is None else calendar
    closes = [market.close(config.small.index), market.close(config.large.index)]
    if any(c is None or c.empty for c in closes):
        raise DataError(
            f"store lacks {config.small.index} or {config.large.index}: nothing to report"
        )
    if requested is not None:
        parse_date(requested, option)
    last = min(c.index[-1] for c in closes)
    week = calendar.resolve_week(last, requested)
    first = max(c.index[0] for c in closes)
    if week < first:
        raise DataError(f"week ending {week:%Y-%m-%d} is before the data starts ({first:%Y-%m-%d})")
    return week


def parse_date(text: str, option: str) -> pd.Timestamp:
    """A command-line date written YYYY-MM-DD, or a UsageError naming the option (pandas alone
    would also take 'today', '2026-11' or 'Nov 20', each meaning something else)."""
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return pd.Timestamp(dt.date.fromisoformat(text))
    except ValueError:
        raise UsageError(f"{option} {text!r} is not a date (use YYYY-MM-DD)") from None


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def backfill_weeks(
    market: Market,
    config: Config,
    *,
    since: str | None,
    until: str | None,
    last: int | None,
    calendar: SessionTable | None = None,
) -> pd.DatetimeIndex:
    """The weeks of a backfill: from the week of ``since``, or the ``last`` N, to the week of
    ``until`` (default: the latest complete week of the market; ``calendar``: the run's session
    table, None: the process's own)."""
    calendar = xnys() if calendar is None else calendar
    end = resolve_market_week(market, config, until, "--until", calendar)
    if last is not None:
        return calendar.week_ends(end - pd.Timedelta(weeks=last + 1), end)[-last:]
    if since is None:
        raise UsageError("give exactly one of --since DATE or --last N")
    return calendar.week_ends(parse_date(since, "--since"), end)


def closed_report_week(
    market: Market,
    config: Config,
    requested: str | None,
    now: pd.Timestamp,
    calendar: SessionTable | None = None,
) -> pd.Timestamp:
    """The weekly job's week: as ``resolve_market_week``, and closed at ``now`` (``calendar``:
    the run's session table; None: the process's own)."""
    calendar = xnys() if calendar is None else calendar
    week = resolve_market_week(market, config, requested, calendar=calendar)
    if not calendar.is_closed(week, now):
        raise DataError(f"week ending {week:%Y-%m-%d} has not closed yet: refusing a partial week")
    return week
