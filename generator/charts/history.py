"""Array helpers for chart frames: weekly sampling, trailing windows, yields.

The frames run once per weekly report (a backfill runs a thousand), so these work on plain numpy
arrays - dates (``datetime64``, the store's unit) and float values - and build one DataFrame per
chart at the end; pandas indexing and alignment cost more than the arithmetic here. Each helper
does the same floating-point operations, in the same order, as the pandas expression in its
docstring, so the numbers are those the pandas version gives, bit for bit (tests/
test_chart_data.py holds those expressions as the reference).

Statistics the report publishes (month and phase tables, paths, regimes, rolling beta) are not
computed here: the frames read them from ``generator.metrics``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.metrics.common import SESSIONS_PER_YEAR, Unavailable, iso, week_monday
from generator.metrics.relative import week_last_rows
from generator.model import Market

# The secondary history charts (rolling spread, drawdowns, risk, yields) show this many years;
# the relative ratio shows the full history. Keeps one report's specs near 100 KB.
DETAIL_YEARS = 10


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
    last = week_last_rows(dates)
    return dates[last], {name: values[last] for name, values in columns.items()}


def rolling_return(values: np.ndarray, start: int, sessions: int = SESSIONS_PER_YEAR) -> np.ndarray:
    """values[i] / values[i - sessions] - 1 for i from ``start`` on (NaN until the window is
    full): ``close / close.shift(sessions) - 1`` for the rows from ``start``."""
    out = np.full(len(values) - start, np.nan)
    first = max(start, sessions)
    if first < len(values):
        out[first - start :] = values[first:] / values[first - sessions : -sessions] - 1
    return out


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
        raise Unavailable(f"{symbol} has no data on record")
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
