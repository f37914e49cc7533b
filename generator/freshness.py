"""How fresh each source's stored data is: its "as of" date, its age, stale or not.

The freshness policy (README, "Sources and freshness"): Yahoo's prices of the pair are required,
every other source that fails keeps its last stored data, and its age is shown wherever the data
is used: one warning line per stale source from ``fetch`` and ``weekly``, a row per source in
``generator status`` and in each report (the document's ``sources`` section, point-in-time: ages
counted to the week's end from the data cut at it). A source with no stored series at all is
"never fetched", never silently empty.

A stored series belongs to a source by what it is: the configured Yahoo symbols; the Ken French
series (``FF_*``, whatever file or import brought them); the configured FRED ids (or any series
a FRED download stored); and the ETF fundamentals' snapshots (``FUND_*``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from generator.config import Config
from generator.model import Market, Series

SOURCE_NAMES = ("yahoo", "french", "fred", "fundamentals")
LABELS = {
    "yahoo": "Yahoo Finance prices",
    "french": "Ken French Data Library",
    "fred": "FRED, Federal Reserve Bank of St. Louis",
    "fundamentals": "ETF fundamentals from yfinance",
}
FRESH, STALE, NEVER = "fresh", "stale", "never fetched"
FRENCH_PREFIX = "FF_"
FUNDAMENTALS_PREFIX = "FUND_"  # the ETF fundamentals' snapshots (FUND_IWM_PE, ...)


@dataclass(frozen=True)
class Freshness:
    """One source's stored data, as of a day."""

    name: str
    series: int  # stored series of the source
    as_of: pd.Timestamp | None  # its latest observation (None: never fetched)
    age_days: int | None  # days from as_of to the day asked about
    stale_after_days: int
    version: str  # the source's own edition line(s), "" when it states none
    # Series whose own latest observation is older than stale_after_days: a source is as fresh
    # as its newest series, so a fresh source can still hold series that stopped long ago.
    stale_series: int = 0

    @property
    def state(self) -> str:
        """``fresh``, ``stale`` (older than ``stale_after_days``) or ``never fetched``."""
        if self.as_of is None or self.age_days is None:
            return NEVER
        return STALE if self.age_days > self.stale_after_days else FRESH

    @property
    def label(self) -> str:
        return LABELS[self.name]


def source_of(series: Series, config: Config, yahoo: frozenset[str]) -> str | None:
    """The source a stored series belongs to (see the module docstring), or None."""
    source = series.source.lower()
    if series.symbol in yahoo:
        return "yahoo"
    if series.symbol.startswith(FRENCH_PREFIX) or source.startswith("french"):
        return "french"
    if series.symbol in config.sources.fred.series or source.startswith("fred"):
        return "fred"
    if series.symbol.startswith(FUNDAMENTALS_PREFIX) or source.startswith("fundamentals"):
        return "fundamentals"
    if source.startswith(("yahoo", "yfinance")):
        return "yahoo"
    return None


def stale_after_days(config: Config, name: str) -> int:
    return int(getattr(config.sources, name).stale_after_days)


def source_freshness(
    market: Market, config: Config, day: pd.Timestamp, names: Iterable[str] = SOURCE_NAMES
) -> list[Freshness]:
    """Each source's freshness on ``day`` (a date; its time of day is ignored)."""
    day = _day(day)
    yahoo = frozenset(config.symbols())
    grouped: dict[str, list[Series]] = {name: [] for name in SOURCE_NAMES}
    for series in market.series.values():
        name = source_of(series, config, yahoo)
        if name is not None and len(series.frame.index):
            grouped[name].append(series)
    return [_freshness(name, grouped[name], config, day) for name in names]


def _freshness(name: str, members: list[Series], config: Config, day: pd.Timestamp) -> Freshness:
    limit = stale_after_days(config, name)
    if not members:
        return Freshness(name, 0, None, None, limit, "")
    lasts = [s.frame.index[-1] for s in members]
    as_of = max(lasts)
    versions = sorted({s.version for s in members if s.version})
    stale = sum(1 for last in lasts if (day - last).days > limit)
    return Freshness(
        name, len(members), as_of, (day - as_of).days, limit, " / ".join(versions), stale
    )


def _day(day: pd.Timestamp) -> pd.Timestamp:
    day = pd.Timestamp(day)
    if day.tzinfo is not None:
        day = day.tz_convert("America/New_York").tz_localize(None)
    return day.normalize()


def warning_line(fresh: Freshness, failure: str | None = None) -> str:
    """The one warning line of a source that failed (``failure``: its error) or whose data is
    stale or absent; "" for a fetched source with fresh data."""
    if failure is not None:
        if fresh.as_of is None:
            return f"{failure}; {fresh.name} has never been fetched: no stored data"
        return f"{failure}; keeping its stored data as of {_age(fresh)}"
    if fresh.state == NEVER:
        return f"{fresh.name}: no stored data"
    if fresh.state == STALE:
        return f"{fresh.name}: its data is as of {_age(fresh)}"
    return ""


def _age(fresh: Freshness) -> str:
    """``2025-05-30, 552 days old: stale (the limit is 120 days)``."""
    state = "stale" if fresh.state == STALE else "not stale yet"
    return (
        f"{fresh.as_of:%Y-%m-%d}, {_days(fresh.age_days)} old: {state} (the limit is "
        f"{fresh.stale_after_days} days)"
    )


def _days(count: int | None) -> str:
    return "1 day" if count == 1 else f"{count} days"


def sources_section(market: Market, config: Config, week_end: pd.Timestamp) -> dict[str, Any]:
    """The document's ``sources`` section: one row per source, as of the week's end (the market
    is already cut at it)."""
    rows = []
    for fresh in source_freshness(market, config, week_end):
        row: dict[str, Any] = {
            "name": fresh.name,
            "label": fresh.label,
            "series": fresh.series,
            "stale_after_days": fresh.stale_after_days,
            "state": fresh.state,
            "stale_series": fresh.stale_series,
        }
        if fresh.as_of is None:
            reason = f"never fetched (run `generator fetch --source {fresh.name}`)"
            row.update(as_of=None, as_of_reason=reason, age_days=None, age_days_reason=reason)
        else:
            row.update(as_of=f"{fresh.as_of:%Y-%m-%d}", age_days=fresh.age_days)
        rows.append(row)
    return {"rows": rows}
