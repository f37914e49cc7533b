"""The NYSE (XNYS) session calendar and trading weeks.

A week is an NYSE trading week (Monday-Friday) and ends on its last session: Thursday when
Friday is a holiday. Weeks are identified by the date of that last session.
"""

from __future__ import annotations

import datetime as dt
import warnings
from functools import lru_cache

import exchange_calendars as xcals
import pandas as pd

CALENDAR_START = "1885-01-01"
NY_TZ = "America/New_York"


@lru_cache(maxsize=1)
def _calendar() -> xcals.ExchangeCalendar:
    with warnings.catch_warnings():
        # exchange_calendars 4.13 trips a pandas 3 deprecation while building; not ours to fix.
        warnings.simplefilter("ignore", category=DeprecationWarning)
        warnings.simplefilter("ignore", category=FutureWarning)
        return xcals.get_calendar("XNYS", start=CALENDAR_START)


def sessions(
    start: dt.date | str | pd.Timestamp, end: dt.date | str | pd.Timestamp
) -> pd.DatetimeIndex:
    """NYSE sessions between start and end inclusive, as a naive DatetimeIndex."""
    cal = _calendar()
    lo = max(pd.Timestamp(start), cal.first_session)
    hi = min(pd.Timestamp(end), cal.last_session)
    if lo > hi:
        return pd.DatetimeIndex([], name="date")
    out = cal.sessions_in_range(lo, hi)
    return pd.DatetimeIndex(out.tz_localize(None) if out.tz else out, name="date")


def session_close(session: pd.Timestamp) -> pd.Timestamp:
    """The UTC close time of a session (early closes included)."""
    return _calendar().session_close(pd.Timestamp(session))


def is_closed(session: pd.Timestamp, now: pd.Timestamp) -> bool:
    """Whether the session's closing bell has rung at ``now`` (tz-aware)."""
    return now >= session_close(session)


def week_start(day: pd.Timestamp) -> pd.Timestamp:
    """Monday of the calendar week containing ``day``."""
    day = pd.Timestamp(day).normalize()
    return day - pd.Timedelta(days=day.weekday())


def week_sessions(day: dt.date | str | pd.Timestamp) -> pd.DatetimeIndex:
    """The sessions of the NYSE week containing ``day`` (possibly empty)."""
    monday = week_start(pd.Timestamp(day))
    return sessions(monday, monday + pd.Timedelta(days=4))


def week_end(day: dt.date | str | pd.Timestamp) -> pd.Timestamp | None:
    """The last session of the week containing ``day``, or None for a week without sessions."""
    s = week_sessions(day)
    return s[-1] if len(s) else None


def week_ends(
    start: dt.date | str | pd.Timestamp, end: dt.date | str | pd.Timestamp
) -> pd.DatetimeIndex:
    """Last sessions of every week with a session in [start, end], as far as ``end`` allows.

    A week whose last session falls after ``end`` is not included (it is not complete).
    """
    s = sessions(week_start(pd.Timestamp(start)), pd.Timestamp(end) + pd.Timedelta(days=6))
    if not len(s):
        return pd.DatetimeIndex([], name="date")
    keys = s - pd.to_timedelta(s.day_of_week, unit="D")
    last = pd.Series(s, index=s).groupby(keys).max()
    ends = pd.DatetimeIndex(last.values, name="date")
    return ends[(ends >= pd.Timestamp(start)) & (ends <= pd.Timestamp(end))]


def latest_complete_week(
    last_data_date: pd.Timestamp, now: pd.Timestamp | None = None
) -> pd.Timestamp | None:
    """The last session of the latest week fully covered by data ending on ``last_data_date``.

    The calendar decides which session ends each week; the data decides how far we have got.
    ``now`` (tz-aware) additionally excludes a week whose final session has not closed yet.
    """
    last = pd.Timestamp(last_data_date).normalize()
    end = week_end(last)
    if end is not None and end <= last and (now is None or is_closed(end, now)):
        return end
    previous = week_ends(last - pd.Timedelta(days=14), last - pd.Timedelta(days=last.weekday() + 1))
    return previous[-1] if len(previous) else None


def resolve_week(
    last_data_date: pd.Timestamp, requested: dt.date | str | None = None
) -> pd.Timestamp:
    """The week end to report on: the week containing ``requested``, or the latest complete one.

    Raises DataError when the requested week is not fully covered by the data.
    """
    from generator.errors import DataError

    last = pd.Timestamp(last_data_date).normalize()
    if requested is None:
        end = latest_complete_week(last)
        if end is None:
            raise DataError(f"no complete NYSE week in data ending {last:%Y-%m-%d}")
        return end
    end = week_end(requested)
    if end is None:
        raise DataError(f"the week of {pd.Timestamp(requested):%Y-%m-%d} has no NYSE session")
    if end > last:
        raise DataError(
            f"week ending {end:%Y-%m-%d} is not complete: data runs through {last:%Y-%m-%d}"
        )
    return end
