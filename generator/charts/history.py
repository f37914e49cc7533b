"""Array helpers for chart frames: weekly sampling, trailing windows, year-end returns, yields.

The frames run once per weekly report (a backfill runs a thousand), so these work on plain numpy
arrays - dates (``datetime64``, the store's unit) and float values - and build one DataFrame per
chart at the end; pandas indexing and alignment cost more than the arithmetic here. Each helper
does the same floating-point operations, in the same order, as the pandas expression in its
docstring, so the numbers are those the pandas version gives, bit for bit.

Where the metrics engine has the function, the frames call it from there so a chart and the
report's numbers cannot disagree. ``calendar_year_returns`` and ``yield_close`` are local until
the metrics engine offers the same (see the report of the chart layer).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.calendar import SessionTable
from generator.metrics.common import SESSIONS_PER_YEAR, Unavailable, iso, week_monday
from generator.metrics.monthly import is_last_session_of_month
from generator.model import Market

# The secondary history charts (rolling spread, drawdowns, risk, yields) show this many years;
# the relative ratio shows the full history. Keeps one report's specs near 100 KB.
DETAIL_YEARS = 10
# A December close older than this many days before Dec 31 means a hole at the year end.
YEAR_END_GAP_DAYS = 10


def week_last_mask(dates: np.ndarray) -> np.ndarray:
    """True on the last row of every Monday-to-Sunday week (the week's last available session)
    of sorted ``dates`` (``metrics.relative.week_ids`` on an array)."""
    days = dates.astype("datetime64[D]").astype(np.int64)
    weeks = (days - 4) // 7  # 1970-01-05 (a Monday) starts week 0
    return np.append(weeks[1:] != weeks[:-1], True) if len(weeks) else np.zeros(0, dtype=bool)


def date_frame(dates: np.ndarray, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A frame with a leading ``date`` column, then ``columns`` in order, and a range index."""
    return pd.DataFrame({"date": dates, **columns})


def detail_start(week_end: pd.Timestamp, years: int = DETAIL_YEARS) -> np.datetime64:
    """The first day of the trailing ``years`` ending at ``week_end`` (Feb 29 -> Feb 28)."""
    return (pd.Timestamp(week_end) - pd.DateOffset(years=years)).to_datetime64()


def window_start(dates: np.ndarray, start: np.datetime64) -> int:
    """Position of the first of sorted ``dates`` on or after ``start`` (``.loc[start:]``)."""
    return int(np.searchsorted(dates, start, side="left"))


def weekly_rows(dates: np.ndarray, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """``weekly_arrays`` as a ``date_frame``."""
    return date_frame(*weekly_arrays(dates, columns))


def weekly_arrays(
    dates: np.ndarray, columns: dict[str, np.ndarray]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The last row of every week among the rows where no column is NaN (``frame.dropna()``,
    then the weekly last), as (dates, columns); ``columns`` are aligned with ``dates``."""
    keep = np.ones(len(dates), dtype=bool)
    for values in columns.values():
        keep &= ~np.isnan(values)
    if not keep.all():
        dates, columns = dates[keep], {name: values[keep] for name, values in columns.items()}
    last = week_last_mask(dates)
    return dates[last], {name: values[last] for name, values in columns.items()}


def rolling_return(values: np.ndarray, start: int, sessions: int = SESSIONS_PER_YEAR) -> np.ndarray:
    """values[i] / values[i - sessions] - 1 for i from ``start`` on (NaN until the window is
    full): ``close / close.shift(sessions) - 1`` for the rows from ``start``."""
    out = np.full(len(values) - start, np.nan)
    first = max(start, sessions)
    if first < len(values):
        out[first - start :] = values[first:] / values[first - sessions : -sessions] - 1
    return out


def drawdown(values: np.ndarray, start: int) -> np.ndarray:
    """values / running maximum of all values so far - 1, for the rows from ``start``
    (``close / close.cummax() - 1``; the values are finite)."""
    running = np.maximum.accumulate(values[start:])
    if start > 0:
        running = np.maximum(running, values[:start].max())
    return values[start:] / running - 1


def calendar_year_returns(
    dates: np.ndarray,
    closes: dict[str, np.ndarray],
    week_end: pd.Timestamp,
    calendar: SessionTable | None = None,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Last close of each year against the last close of the year before, complete years only.

    ``closes`` are finite and aligned with sorted ``dates`` (as ``current_close`` gives them).
    Returns (years as int32, returns per name of ``closes``) in year order. A year counts only
    when its last NYSE session is on or before ``week_end``, both year-end closes lie within
    YEAR_END_GAP_DAYS of Dec 31 (no hole at either end) and the year before it counts too.
    """
    years, rows = _year_end_rows(dates, pd.Timestamp(week_end), calendar)
    consecutive = np.diff(years) == 1
    returns = {}
    for name, values in closes.items():
        ends = values[rows]
        returns[name] = (ends[1:] / ends[:-1] - 1)[consecutive]
    return years[1:][consecutive], returns


def _year_end_rows(
    dates: np.ndarray, week_end: pd.Timestamp, calendar: SessionTable | None
) -> tuple[np.ndarray, np.ndarray]:
    """(years as int32, positions) of the usable year-end closes: the last row of each year up
    to ``week_end`` that lies within YEAR_END_GAP_DAYS of Dec 31, for completed years only."""
    dates = dates[: int(np.searchsorted(dates, week_end.to_datetime64(), side="right"))]
    if len(dates) == 0:
        return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int64)
    first, final = (dates[[0, -1]].astype("datetime64[Y]").astype(np.int64) + 1970).tolist()
    # int32 years: the dtype DatetimeIndex.year has, so frames keep the dtype they always had.
    years = np.arange(first, final + 1, dtype=np.int32)
    # The last row before each next January 1st; a year without rows repeats the year before.
    rows = np.searchsorted(dates, _december_31(years) + 1, side="left") - 1
    has_rows = np.append(True, rows[1:] != rows[:-1])
    years, rows = years[has_rows], rows[has_rows]
    gap = (_december_31(years).astype(dates.dtype) - dates[rows]) // np.timedelta64(1, "D")
    last_year_done = week_end.month == 12 and is_last_session_of_month(week_end, calendar)
    done = (years < week_end.year) | ((years == week_end.year) & last_year_done)
    ok = (gap <= YEAR_END_GAP_DAYS) & done
    return years[ok], rows[ok]


def _december_31(years: np.ndarray) -> np.ndarray:
    """Dec 31 of each year as datetime64[D] (no string parsing: runs for every report)."""
    decembers = (np.asarray(years, dtype=np.int64) - 1970) * 12 + 11
    return decembers.astype("datetime64[M]").astype("datetime64[D]") + 30


def group_means(
    groups: np.ndarray, columns: dict[str, np.ndarray]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(sorted distinct groups, mean of each column per group) as ``frame.groupby(groups).mean()``
    computes them: summed in row order with Kahan compensation, so the means are pandas' to the
    bit. Python floats: the rows are a few dozen calendar years, where a groupby costs far more.
    """
    keys = np.unique(groups)
    slots = np.searchsorted(keys, groups).tolist()
    counts = np.bincount(slots, minlength=len(keys)).tolist()
    means = {}
    for name, values in columns.items():
        sums, comps = [0.0] * len(keys), [0.0] * len(keys)
        for i, value in zip(slots, values.tolist(), strict=True):
            y = value - comps[i]
            t = sums[i] + y
            comps[i] = t - sums[i] - y
            if comps[i] != comps[i]:  # an infinite value: keep the infinite sum, not NaN
                comps[i] = 0.0
            sums[i] = t
        means[name] = np.array([total / n for total, n in zip(sums, counts, strict=True)])
    return keys, means


def yield_close(
    market: Market, symbol: str | None, week_end: pd.Timestamp
) -> tuple[np.ndarray, np.ndarray]:
    """(dates, daily yield levels in percent) up to ``week_end`` from an ohlcv or value series.

    Raises Unavailable when the symbol is unconfigured, absent or stale (no row in the week).
    """
    if not symbol:
        raise Unavailable("no 10-year yield symbol configured")
    series = market.series.get(symbol)
    if series is None:
        raise Unavailable(f"{symbol} is not in the store")
    frame = series.frame
    column = "close" if series.schema == "ohlcv" else "value"
    stop = int(frame.index.searchsorted(pd.Timestamp(week_end), side="right"))
    dates = pd.DatetimeIndex(frame.index[:stop]).to_numpy()
    values = frame[column].to_numpy(dtype=float)[:stop]
    known = ~np.isnan(values)
    if not known.all():
        dates, values = dates[known], values[known]
    if len(values) == 0:
        raise Unavailable(f"{symbol} has no data on or before {iso(week_end)}")
    last = pd.Timestamp(dates[-1])
    if last < week_monday(week_end):
        raise Unavailable(f"{symbol} data ends {iso(last)}, before the week ending {iso(week_end)}")
    return dates, values
