"""Series helpers for chart frames: weekly sampling, trailing windows, rolling statistics.

Where the metrics engine has the function, it is re-exported from there so a chart and the
report's numbers cannot disagree. ``calendar_year_returns`` and ``yield_close`` are local until
the metrics engine offers the same (see the report of the chart layer).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.metrics.common import SESSIONS_PER_YEAR, Unavailable, iso, week_monday
from generator.metrics.monthly import is_last_session_of_month
from generator.metrics.relative import week_ids
from generator.metrics.risk import (
    paired_returns,
    rolling_beta,
    rolling_beta_of,
    rolling_corr,
    rolling_corr_of,
)
from generator.model import Market

__all__ = ["paired_returns", "rolling_beta", "rolling_beta_of", "rolling_corr", "rolling_corr_of"]

# The secondary history charts (rolling spread, drawdowns, risk, yields) show this many years;
# the relative ratio shows the full history. Keeps one report's specs near 100 KB.
DETAIL_YEARS = 10
# A December close older than this many days before Dec 31 means a hole at the year end.
YEAR_END_GAP_DAYS = 10


def weekly_last(frame: pd.DataFrame) -> pd.DataFrame:
    """The last row of every calendar week (the week's last available session)."""
    if frame.empty:
        return frame
    ids = week_ids(frame.index)
    return frame[np.append(ids[1:] != ids[:-1], True)]


def with_date_column(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with its date index as a leading ``date`` column and a plain range index."""
    columns = {"date": pd.DatetimeIndex(frame.index).to_numpy()}
    columns.update((name, frame[name].to_numpy(copy=True)) for name in frame.columns)
    return pd.DataFrame(columns)


def recent_weekly(
    frame: pd.DataFrame, week_end: pd.Timestamp, years: int = DETAIL_YEARS
) -> pd.DataFrame:
    """Weekly rows (all columns present) of the trailing ``years`` ending at ``week_end``."""
    start = pd.Timestamp(week_end) - pd.DateOffset(years=years)
    # Cut before dropna: the same rows, without scanning decades that are cut anyway.
    window = frame.loc[start : pd.Timestamp(week_end)].dropna()
    return with_date_column(weekly_last(window))


def rolling_return(close: pd.Series, sessions: int = SESSIONS_PER_YEAR) -> pd.Series:
    """Simple return over the trailing ``sessions`` rows (NaN until the window is full)."""
    return close / close.shift(sessions) - 1


def calendar_year_returns(close: pd.Series, week_end: pd.Timestamp) -> pd.Series:
    """Last close of each year against the last close of the year before, complete years only.

    Indexed by year. A year counts only when its last NYSE session is on or before ``week_end``
    and both year-end closes lie within YEAR_END_GAP_DAYS of Dec 31 (no hole at either end).
    """
    close = close.loc[: pd.Timestamp(week_end)].dropna()
    if close.empty:
        return pd.Series(dtype=float)
    years = close.index.year
    last = np.append(years[1:] != years[:-1], True)
    ends = close[last]
    end_years = ends.index.year
    gap = (
        _december_31(end_years).astype(ends.index.dtype) - ends.index.to_numpy()
    ) // np.timedelta64(1, "D")
    week_end = pd.Timestamp(week_end)
    last_year_done = week_end.month == 12 and is_last_session_of_month(week_end)
    done = (end_years < week_end.year) | ((end_years == week_end.year) & last_year_done)
    ok = (np.asarray(gap) <= YEAR_END_GAP_DAYS) & np.asarray(done)
    year_ends = pd.Series(ends.to_numpy(dtype=float), index=end_years)[ok]
    returns = year_ends / year_ends.shift(1) - 1
    consecutive = np.diff(year_ends.index.to_numpy(), prepend=-1) == 1
    return returns[consecutive].dropna()


def _december_31(years: pd.Index) -> np.ndarray:
    """Dec 31 of each year as datetime64[D] (no string parsing: runs for every report)."""
    decembers = (np.asarray(years, dtype=np.int64) - 1970) * 12 + 11
    return decembers.astype("datetime64[M]").astype("datetime64[D]") + 30


def yield_close(market: Market, symbol: str | None, week_end: pd.Timestamp) -> pd.Series:
    """Daily yield levels (percent) up to ``week_end`` from an ohlcv or value series.

    Raises Unavailable when the symbol is unconfigured, absent or stale (no row in the week).
    """
    if not symbol:
        raise Unavailable("no 10-year yield symbol configured")
    series = market.series.get(symbol)
    if series is None:
        raise Unavailable(f"{symbol} is not in the store")
    column = "close" if series.schema == "ohlcv" else "value"
    values = series.frame[column].loc[: pd.Timestamp(week_end)].astype(float).dropna()
    if values.empty:
        raise Unavailable(f"{symbol} has no data on or before {iso(week_end)}")
    if values.index[-1] < week_monday(week_end):
        raise Unavailable(
            f"{symbol} data ends {iso(values.index[-1])}, before the week ending {iso(week_end)}"
        )
    return values
