"""The NYSE (XNYS) session calendar and trading weeks.

A week is an NYSE trading week (Monday-Friday) and ends on its last session: Thursday when
Friday is a holiday. Weeks are identified by the date of that last session.
"""

from __future__ import annotations

import datetime as dt
import os
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import numpy as np
import pandas as pd

from generator.atomic import create_temp_file

CALENDAR_START = "1885-01-01"
NY_TZ = "America/New_York"


@dataclass(frozen=True, eq=False)  # pandas indexes: compared by identity
class SessionTable:
    """Every XNYS session from ``CALENDAR_START`` (naive dates) and its close (UTC), with the
    trading-week questions asked of them. A run makes one (``load_calendar``, from its cache
    folder) and passes it down; ``month_ends`` remembers the last session of each month asked
    about (this object's own memo: it lives as long as the table)."""

    days: pd.DatetimeIndex
    closes: pd.DatetimeIndex
    month_ends: dict[int, np.datetime64 | None] = field(
        default_factory=dict, compare=False, repr=False
    )

    def in_range(self, lo: pd.Timestamp, hi: pd.Timestamp) -> pd.DatetimeIndex:
        first = self.days.searchsorted(lo, side="left")
        last = self.days.searchsorted(hi, side="right")
        return pd.DatetimeIndex(self.days[first:last], name="date")

    def close(self, session: pd.Timestamp) -> pd.Timestamp:
        position = self.days.searchsorted(session)
        if position == len(self.days) or self.days[position] != session:
            raise ValueError(f"{session:%Y-%m-%d} is not an NYSE session")
        return self.closes[position]

    def sessions(
        self, start: dt.date | str | pd.Timestamp, end: dt.date | str | pd.Timestamp
    ) -> pd.DatetimeIndex:
        """NYSE sessions between start and end inclusive, as a naive DatetimeIndex."""
        lo = max(pd.Timestamp(start), self.days[0])
        hi = min(pd.Timestamp(end), self.days[-1])
        if lo > hi:
            return pd.DatetimeIndex([], name="date")
        return self.in_range(lo, hi)

    def known_range(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """The first and last session of the table (it ends about a year after today)."""
        return self.days[0], self.days[-1]

    def session_close(self, session: pd.Timestamp) -> pd.Timestamp:
        """The UTC close time of a session (early closes included)."""
        return self.close(pd.Timestamp(session))

    def is_closed(self, session: pd.Timestamp, now: pd.Timestamp) -> bool:
        """Whether the session's closing bell has rung at ``now`` (tz-aware)."""
        return now >= self.session_close(session)

    def last_session_of_month(self, key: int) -> np.datetime64 | None:
        """The last session of the month keyed ``year * 12 + month - 1`` (None: it has none)."""
        if key not in self.month_ends:
            first = pd.Timestamp(year=key // 12, month=key % 12 + 1, day=1)
            found = self.sessions(first, first + pd.offsets.MonthEnd(0))
            self.month_ends[key] = np.datetime64(found[-1].date(), "D") if len(found) else None
        return self.month_ends[key]

    def week_sessions(self, day: dt.date | str | pd.Timestamp) -> pd.DatetimeIndex:
        """The sessions of the NYSE week containing ``day`` (possibly empty)."""
        monday = week_start(pd.Timestamp(day))
        return self.sessions(monday, monday + pd.Timedelta(days=4))

    def week_end(self, day: dt.date | str | pd.Timestamp) -> pd.Timestamp | None:
        """The last session of the week containing ``day``, or None for a week without
        sessions."""
        s = self.week_sessions(day)
        return s[-1] if len(s) else None

    def week_ends(
        self, start: dt.date | str | pd.Timestamp, end: dt.date | str | pd.Timestamp
    ) -> pd.DatetimeIndex:
        """Last sessions of every week with a session in [start, end], as far as ``end`` allows.

        A week whose last session falls after ``end`` is not included (it is not complete).
        """
        s = self.sessions(week_start(pd.Timestamp(start)), pd.Timestamp(end) + pd.Timedelta(days=6))
        if not len(s):
            return pd.DatetimeIndex([], name="date")
        keys = s - pd.to_timedelta(s.day_of_week, unit="D")
        last = pd.Series(s, index=s).groupby(keys).max()
        ends = pd.DatetimeIndex(last.values, name="date")
        return ends[(ends >= pd.Timestamp(start)) & (ends <= pd.Timestamp(end))]

    def latest_complete_week(
        self, last_data_date: pd.Timestamp, now: pd.Timestamp | None = None
    ) -> pd.Timestamp | None:
        """The last session of the latest week fully covered by data ending on
        ``last_data_date``.

        The calendar decides which session ends each week; the data decides how far we have
        got. ``now`` (tz-aware) additionally excludes a week whose final session has not closed.
        """
        last = pd.Timestamp(last_data_date).normalize()
        end = self.week_end(last)
        if end is not None and end <= last and (now is None or self.is_closed(end, now)):
            return end
        previous = self.week_ends(
            last - pd.Timedelta(days=14), last - pd.Timedelta(days=last.weekday() + 1)
        )
        return previous[-1] if len(previous) else None

    def requested_week_end(self, requested: dt.date | str | pd.Timestamp) -> pd.Timestamp:
        """The last session of the week containing ``requested``; DataError for a week without
        sessions, saying when that is because the week lies beyond the calendar's end."""
        from generator.errors import DataError

        day = pd.Timestamp(requested).normalize()
        end = self.week_end(day)
        if end is not None:
            return end
        last = self.known_range()[1]
        if week_start(day) > last:
            raise DataError(
                f"the week of {day:%Y-%m-%d} is in the future, beyond the NYSE calendar "
                f"(which ends at {last:%Y-%m-%d})"
            )
        raise DataError(f"the week of {day:%Y-%m-%d} has no NYSE session")

    def closed_week_end(
        self, requested: dt.date | str | pd.Timestamp, now: pd.Timestamp
    ) -> pd.Timestamp:
        """The last session of the week containing ``requested``, which must have closed at
        ``now`` (tz-aware); DataError otherwise."""
        from generator.errors import DataError

        end = self.requested_week_end(requested)
        if not self.is_closed(end, now):
            closes = self.session_close(end).tz_convert(NY_TZ)
            raise DataError(
                f"the week ending {end:%Y-%m-%d} has not closed yet "
                f"(its last session closes at {closes:%Y-%m-%d %H:%M} New York time)"
            )
        return end

    def resolve_week(
        self, last_data_date: pd.Timestamp, requested: dt.date | str | None = None
    ) -> pd.Timestamp:
        """The week end to report on: the week containing ``requested``, or the latest complete
        one. Raises DataError when the requested week is not fully covered by the data."""
        from generator.errors import DataError

        last = pd.Timestamp(last_data_date).normalize()
        if requested is None:
            end = self.latest_complete_week(last)
            if end is None:
                raise DataError(f"no complete NYSE week in data ending {last:%Y-%m-%d}")
            return end
        end = self.requested_week_end(requested)
        if end > last:
            raise DataError(
                f"week ending {end:%Y-%m-%d} is not complete: data runs through {last:%Y-%m-%d}"
            )
        return end


def load_calendar(folder: Path | None) -> SessionTable:
    """The session table, kept in ``folder`` between processes (rebuilt each day): building it
    takes exchange_calendars about half a second (it derives every holiday to 2200), longer than
    the rest of a weekly report's computing. None: the table this process builds (``xnys``)."""
    if folder is None:
        return xnys()
    today = dt.date.today().isoformat()
    path = Path(folder) / f"xnys-{version('exchange_calendars')}-{CALENDAR_START}-{today}.npz"
    try:
        with np.load(path) as arrays:
            return SessionTable(
                pd.DatetimeIndex(arrays["days"].astype("datetime64[ns]"), name="date"),
                pd.DatetimeIndex(arrays["closes"].astype("datetime64[ns]")).tz_localize("UTC"),
            )
    except (OSError, KeyError, ValueError):
        table = xnys()
        _write_table(path, table)
        return table


def xnys() -> SessionTable:
    """The session table as exchange_calendars builds it today, built once per process and day
    (for library callers and tests; a command passes its run's ``load_calendar`` table)."""
    return _built_table(dt.date.today().isoformat())


# Pure memoisation: the table is a function of the installed exchange_calendars, CALENDAR_START
# and the day it is built (its end is about a year after ``today``), all of them arguments or
# constants; it is never modified.
@lru_cache(maxsize=1)
def _built_table(today: str) -> SessionTable:
    with warnings.catch_warnings():
        # exchange_calendars 4.13 trips a pandas 3 deprecation while building; not ours to fix.
        warnings.simplefilter("ignore", category=DeprecationWarning)
        warnings.simplefilter("ignore", category=FutureWarning)
        import exchange_calendars as xcals

        cal = xcals.get_calendar("XNYS", start=CALENDAR_START)
        days = pd.DatetimeIndex(cal.sessions, name="date")
        days = days.tz_localize(None) if days.tz is not None else days
        return SessionTable(days, pd.DatetimeIndex(cal.closes).tz_convert("UTC"))


def _write_table(path: Path, table: SessionTable) -> None:
    """Replace older tables by this one (temp file and rename); a failure only costs time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = create_temp_file(path)
        with os.fdopen(fd, "wb") as handle:
            np.savez(
                handle,
                days=table.days.to_numpy(dtype="datetime64[ns]"),
                closes=table.closes.tz_localize(None).to_numpy(dtype="datetime64[ns]"),
            )
        os.replace(tmp, path)
        for old in path.parent.glob("xnys-*.npz"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass


# The same questions of the table this process builds (``xnys``), for library callers and tests.


def sessions(
    start: dt.date | str | pd.Timestamp, end: dt.date | str | pd.Timestamp
) -> pd.DatetimeIndex:
    """NYSE sessions between start and end inclusive, as a naive DatetimeIndex."""
    return xnys().sessions(start, end)


def known_range() -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last session of the calendar table (it ends about a year after today)."""
    return xnys().known_range()


def session_close(session: pd.Timestamp) -> pd.Timestamp:
    """The UTC close time of a session (early closes included)."""
    return xnys().session_close(session)


def is_closed(session: pd.Timestamp, now: pd.Timestamp) -> bool:
    """Whether the session's closing bell has rung at ``now`` (tz-aware)."""
    return xnys().is_closed(session, now)


def week_start(day: pd.Timestamp) -> pd.Timestamp:
    """Monday of the calendar week containing ``day``."""
    day = pd.Timestamp(day).normalize()
    return day - pd.Timedelta(days=day.weekday())


def week_sessions(day: dt.date | str | pd.Timestamp) -> pd.DatetimeIndex:
    """The sessions of the NYSE week containing ``day`` (possibly empty)."""
    return xnys().week_sessions(day)


def week_end(day: dt.date | str | pd.Timestamp) -> pd.Timestamp | None:
    """The last session of the week containing ``day``, or None for a week without sessions."""
    return xnys().week_end(day)


def week_ends(
    start: dt.date | str | pd.Timestamp, end: dt.date | str | pd.Timestamp
) -> pd.DatetimeIndex:
    """Last sessions of every week with a session in [start, end] (``SessionTable.week_ends``)."""
    return xnys().week_ends(start, end)


def latest_complete_week(
    last_data_date: pd.Timestamp, now: pd.Timestamp | None = None
) -> pd.Timestamp | None:
    """The last session of the latest week fully covered by data ending on ``last_data_date``."""
    return xnys().latest_complete_week(last_data_date, now)


def requested_week_end(requested: dt.date | str | pd.Timestamp) -> pd.Timestamp:
    """The last session of the week containing ``requested`` (DataError: none)."""
    return xnys().requested_week_end(requested)


def closed_week_end(requested: dt.date | str | pd.Timestamp, now: pd.Timestamp) -> pd.Timestamp:
    """The last session of the week containing ``requested``, closed at ``now``."""
    return xnys().closed_week_end(requested, now)


def resolve_week(
    last_data_date: pd.Timestamp, requested: dt.date | str | None = None
) -> pd.Timestamp:
    """The week end to report on (``SessionTable.resolve_week``)."""
    return xnys().resolve_week(last_data_date, requested)
