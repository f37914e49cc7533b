"""Reference implementations: the plain pandas versions of the metrics' array code.

The package keeps one implementation of each statistic, the fast numpy one. The pandas versions
it replaced live here, written the obvious way (groupby, shift, pivot, a loop per year), as the
reference the package is checked against (tests/test_metrics_reference.py: same numbers, mostly
to the bit). Nothing in ``generator`` imports this module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from generator.calendar import sessions
from generator.metrics.common import MAX_START_GAP_DAYS
from generator.metrics.monthly import is_last_session_of_month

WINDOW_START = (12, 15)  # month, day of the previous year
WINDOW_END = (2, 15)  # month, day of the labelled year


def clean_close(close: pd.Series, week_end: pd.Timestamp | None = None) -> pd.Series:
    """Finite, positive closes on or before ``week_end`` (all of them when it is None)."""
    if week_end is not None:
        close = close[close.index <= pd.Timestamp(week_end)]
    close = close.astype(float)
    return close[np.isfinite(close) & (close > 0)]


def month_key_of(index: pd.DatetimeIndex) -> np.ndarray:
    return np.asarray(index.year * 12 + index.month - 1, dtype=np.int64)


def month_end_closes(close: pd.Series, week_end: pd.Timestamp | None = None) -> pd.Series:
    """Last close of every month, indexed by month key (year * 12 + month - 1), every month of
    the span: NaN without data, when the last close lies more than MAX_START_GAP_DAYS before
    the month's last day, or for a final month whose last row is not its last NYSE session."""
    close = clean_close(close, week_end)
    if close.empty:
        return pd.Series(dtype=float)
    last = close.groupby(month_key_of(close.index)).tail(1)
    gap = (last.index + pd.offsets.MonthEnd(0) - last.index).days
    ends = pd.Series(last.to_numpy(), index=month_key_of(last.index))
    ends[np.asarray(gap > MAX_START_GAP_DAYS)] = np.nan
    if not is_last_session_of_month(close.index[-1]):
        ends.iloc[-1] = np.nan
    return ends.reindex(range(int(ends.index[0]), int(ends.index[-1]) + 1))


def keyed_monthly_returns(close: pd.Series, week_end: pd.Timestamp | None = None) -> pd.Series:
    """Month-end to month-end returns by month key; months without both closes dropped."""
    ends = month_end_closes(close, week_end)
    return (ends / ends.shift(1) - 1).dropna()


def paired_months(small: pd.Series, large: pd.Series) -> pd.DataFrame:
    """Months where both returns exist, from the first common January on: columns ``year,
    month, small, large, spread``, index month key."""
    both = pd.concat({"small": small, "large": large}, axis=1, join="inner").dropna()
    both = both.sort_index()
    januaries = both.index[both.index % 12 == 0]
    both = both[both.index >= januaries[0]] if len(januaries) else both.iloc[:0]
    keys = both.index.to_numpy(dtype=np.int64)
    frame = pd.DataFrame(
        {
            "year": keys // 12,
            "month": keys % 12 + 1,
            "small": both["small"].to_numpy(),
            "large": both["large"].to_numpy(),
        },
        index=pd.Index(keys, name="key"),
    )
    frame["spread"] = frame["small"] - frame["large"]
    return frame


def cumulative_spread_paths(pair: pd.DataFrame) -> pd.DataFrame:
    """Per year (index) and month 1..12 (columns): compounded small minus compounded large
    return from the start of the year, NaN from a missing month on."""
    years = range(int(pair["year"].min()), int(pair["year"].max()) + 1)
    growth = {}
    for side in ("small", "large"):
        grid = pair.pivot(index="year", columns="month", values=side)
        grid = grid.reindex(index=years, columns=range(1, 13))
        growth[side] = (1 + grid).cumprod(axis=1, skipna=False)
    return growth["small"] - growth["large"]


def average_path(paths: pd.DataFrame, years: list[int] | None = None) -> tuple[pd.Series, int]:
    """Mean path over the complete years (all 12 months) among ``years``, and their count."""
    chosen = paths if years is None else paths[paths.index.isin(years)]
    complete = chosen.dropna()
    return complete.mean(), len(complete)


def _close_on_or_before(close: pd.Series, day: pd.Timestamp) -> float:
    before = close[close.index <= day]
    if before.empty or (day - before.index[-1]).days > MAX_START_GAP_DAYS:
        return np.nan
    return float(before.iloc[-1])


def window_returns(close: pd.Series, week_end: pd.Timestamp | None = None) -> pd.Series:
    """Dec 15 - Feb 15 returns by the year of the February; the final year only once no session
    remains between the last row and Feb 15."""
    close = clean_close(close, week_end)
    out = {}
    if close.empty:
        return pd.Series(out, dtype=float)
    last = close.index[-1]
    for year in range(close.index[0].year + 1, last.year + 1):
        start = _close_on_or_before(close, pd.Timestamp(year - 1, *WINDOW_START))
        anchor = pd.Timestamp(year, *WINDOW_END)
        end = _close_on_or_before(close, anchor)
        if anchor > last and len(sessions(last + pd.Timedelta(days=1), anchor)):
            end = np.nan
        if not np.isnan(end / start - 1):
            out[year] = end / start - 1
    return pd.Series(out, dtype=float)


def first_sessions_returns(
    close: pd.Series, week_end: pd.Timestamp | None = None, count: int = 5
) -> pd.Series:
    """Return of the first ``count`` January rows against the previous December's month-end
    close, by year; a year counts once it has ``count`` January rows."""
    close = clean_close(close, week_end)
    ends = month_end_closes(close)
    out = {}
    january = close[close.index.month == 1]
    for year, rows in january.groupby(january.index.year):
        december = year * 12 - 1
        if len(rows) < count or december not in ends.index:
            continue
        value = rows.iloc[count - 1] / ends[december] - 1
        if np.isfinite(value):
            out[int(year)] = value
    return pd.Series(out, dtype=float)


def annual_returns(close: pd.Series, week_end: pd.Timestamp | None = None) -> pd.Series:
    """December month-end close against the previous December's, by year."""
    ends = month_end_closes(close, week_end)
    decembers = ends[ends.index % 12 == 11]
    out = {}
    for before, after in zip(decembers.index[:-1], decembers.index[1:], strict=True):
        value = decembers[after] / decembers[before] - 1
        if after - before == 12 and np.isfinite(value):
            out[int(after // 12)] = value
    return pd.Series(out, dtype=float)


def monthly_spread_by_phase(pair: pd.DataFrame) -> pd.DataFrame:
    """Mean monthly spread by phase (index 0..3) and calendar month (columns 1..12)."""
    means = pair.groupby([pair["year"] % 4, pair["month"]])["spread"].mean().unstack()
    return means.reindex(index=range(4), columns=range(1, 13))


def weekly_spread(small: pd.Series, large: pd.Series) -> pd.Series:
    """Weekly relative return: small's weekly return - large's, from week-end closes on common
    dates. Indexed by each week's last common session; the first week has no return."""
    s, lg = small.align(large, join="inner")
    week = s.index.to_period("W-SUN")
    last = ~week.duplicated(keep="last")
    ws, wl = s[last], lg[last]
    return (ws.pct_change() - wl.pct_change()).iloc[1:].rename("spread")


def paired_returns(small: pd.Series, large: pd.Series) -> pd.DataFrame:
    """Columns ``small``, ``large``: simple returns between consecutive common dates."""
    both = pd.DataFrame({"small": small, "large": large}).dropna()
    return both.pct_change().iloc[1:]


def rolling_corr_beta(small: pd.Series, large: pd.Series, sessions: int = 252) -> pd.DataFrame:
    """Rolling correlation and beta of small on large over ``sessions`` daily returns."""
    returns = paired_returns(small, large)
    s, lg = returns["small"], returns["large"]
    corr = s.rolling(sessions, min_periods=sessions).corr(lg)
    cov = s.rolling(sessions, min_periods=sessions).cov(lg)
    beta = cov / lg.rolling(sessions, min_periods=sessions).var()
    return pd.DataFrame({"corr": corr, "beta": beta})
