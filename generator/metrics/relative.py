"""Relative strength of small against large: ratio, averages, percentiles, streaks, regimes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from generator.metrics.common import (
    SESSIONS_PER_YEAR,
    Unavailable,
    current_close,
    finite,
    iso,
    missing,
    record,
)
from generator.model import Market

ZSCORE_SESSIONS = 3 * SESSIONS_PER_YEAR
STREAK_KEYS = (
    "outperf_streak_weeks",
    "outperf_streak_record_weeks",
    "outperf_streak_record_end",
    "underperf_streak_weeks",
    "last_week_spread",
)
# Leadership changes when the weekly ratio reverses by this much from its extreme (see methodology).
REGIME_THRESHOLD = 0.10


def relative_ratio(small: pd.Series, large: pd.Series) -> pd.Series:
    """small / large on the dates both series have (inner join), named ``ratio``."""
    s, lg = small.align(large, join="inner")
    return (s / lg).rename("ratio")


def moving_average(series: pd.Series, sessions: int) -> pd.Series:
    """Simple moving average over ``sessions`` rows (NaN until a full window exists)."""
    return series.rolling(sessions, min_periods=sessions).mean()


def week_ids(index: pd.DatetimeIndex) -> np.ndarray:
    """Integer id of the Monday-to-Sunday week of each date (1970-01-05 is week 0)."""
    days = index.to_numpy(dtype="datetime64[D]").astype(np.int64)
    return (days - 4) // 7


def weekly_last(series: pd.Series) -> pd.Series:
    """The last row of every calendar week (the week's last available session)."""
    if series.empty:
        return series
    ids = week_ids(series.index)
    last = np.append(ids[1:] != ids[:-1], True)
    return series[last]


def weekly_spread(small: pd.Series, large: pd.Series) -> pd.Series:
    """Weekly relative return: small's weekly return - large's, from week-end closes on common
    dates. Indexed by each week's last common session; the first week has no return (dropped)."""
    s, lg = small.align(large, join="inner")
    ws, wl = weekly_last(s), weekly_last(lg)
    return (ws.pct_change() - wl.pct_change()).iloc[1:].rename("spread")


def run_lengths(flags: np.ndarray) -> tuple[int, int, int]:
    """(current run of True at the end, longest run, end position of the longest run)."""
    current = longest = run = 0
    longest_end = -1
    # Iterate a list: iterating a numpy array boxes every element and is several times slower.
    for i, flag in enumerate(np.asarray(flags).tolist()):
        run = run + 1 if flag else 0
        if run > longest:
            longest, longest_end = run, i
    current = run
    return current, longest, longest_end


def percentile_of_last(values: np.ndarray) -> float:
    """Share of ``values`` (the last one included) that are <= the last one, in [0, 1]."""
    return float(np.count_nonzero(values <= values[-1]) / len(values))


def turning_points(values: np.ndarray, threshold: float = REGIME_THRESHOLD) -> list[int]:
    """Positions of confirmed extremes: a peak (trough) followed by a fall (rise) of at least
    ``threshold`` relative to it. A zig-zag filter; the last swing is not yet confirmed."""
    pivots: list[int] = []
    trend, hi, lo = 0, 0, 0
    values = np.asarray(values, dtype=float).tolist()  # Python floats: same arithmetic, faster
    for i in range(1, len(values)):
        v = values[i]
        if trend >= 0 and v > values[hi]:
            hi = i
        if trend <= 0 and v < values[lo]:
            lo = i
        if trend >= 0 and v <= values[hi] * (1.0 - threshold):
            pivots.append(hi)
            trend, lo = -1, i
        elif trend <= 0 and v >= values[lo] * (1.0 + threshold):
            pivots.append(lo)
            trend, hi = 1, i
    return pivots


def leadership_regimes(
    small: pd.Series, large: pd.Series, threshold: float = REGIME_THRESHOLD
) -> pd.DataFrame:
    """Leadership regimes from the weekly small/large ratio.

    Columns: ``start``, ``end`` (week-end dates), ``weeks``, ``small_return``, ``large_return``,
    ``cum_spread`` (small_return - large_return), ``relative_return`` (ratio end/start - 1),
    ``leader`` (``small``/``large``/``none``), ``ongoing`` (the last, unconfirmed regime).
    Regimes are separated by the turning points of ``turning_points`` on the weekly ratio.
    """
    columns = ["start", "end", "weeks", "small_return", "large_return", "cum_spread",
               "relative_return", "leader", "ongoing"]  # fmt: skip
    return pd.DataFrame(regime_rows(small, large, threshold), columns=columns)


def regime_rows(
    small: pd.Series, large: pd.Series, threshold: float = REGIME_THRESHOLD
) -> list[list[Any]]:
    """The rows of ``leadership_regimes`` as lists (no frame: the document needs only records)."""
    s, lg = small.align(large, join="inner")
    ws, wl = weekly_last(s), weekly_last(lg)
    if len(ws) < 2:
        return []
    ratio = (ws / wl).to_numpy(dtype=float)
    bounds = sorted({0, *turning_points(ratio, threshold), len(ratio) - 1})
    sv, lv = ws.to_numpy(dtype=float), wl.to_numpy(dtype=float)
    rows = []
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        sr, lr = sv[b] / sv[a] - 1.0, lv[b] / lv[a] - 1.0
        rel = ratio[b] / ratio[a] - 1.0
        leader = "small" if rel > 0 else "large" if rel < 0 else "none"
        rows.append([ws.index[a], ws.index[b], b - a, sr, lr, sr - lr, rel, leader, False])
    rows[-1][-1] = True
    return rows


def _regime_records(small: pd.Series, large: pd.Series) -> list[dict[str, Any]]:
    keys = ("start", "end", "weeks", "small_return", "large_return", "cum_spread",
            "relative_return", "leader", "ongoing")  # fmt: skip
    records = []
    for row in regime_rows(small, large):
        item = dict(zip(keys, row, strict=True))
        item.update(start=iso(item["start"]), end=iso(item["end"]), weeks=int(item["weeks"]))
        for key in ("small_return", "large_return", "cum_spread", "relative_return"):
            item[key] = float(item[key])
        records.append(item)
    return records


def _window(values: np.ndarray, sessions: int) -> np.ndarray:
    if len(values) < sessions:
        raise Unavailable(f"{len(values)} sessions of common history, {sessions} needed")
    return values[-sessions:]


def _pct_all(values: np.ndarray) -> float:
    """Percentile within the full history, once it spans at least a year (so a young series is
    not "at a record")."""
    _window(values, SESSIONS_PER_YEAR)
    return percentile_of_last(values)


def _zscore(values: np.ndarray) -> float:
    window = _window(values, ZSCORE_SESSIONS)
    std = window.std(ddof=1)
    if not std > 0:
        raise Unavailable("the ratio did not vary over the last 3 years")
    return finite((window[-1] - window.mean()) / std, "3-year z-score")


def ratio_headlines(values: np.ndarray) -> dict[str, Any]:
    """``pct_52w``, ``pct_all``, ``zscore_3y`` and ``drawdown`` of a non-empty ratio history."""
    out: dict[str, Any] = {}
    record(out, "pct_52w", lambda: percentile_of_last(_window(values, SESSIONS_PER_YEAR)))
    record(out, "pct_all", lambda: _pct_all(values))
    record(out, "zscore_3y", lambda: _zscore(values))
    out["drawdown"] = float(values[-1] / values.max() - 1.0)
    return out


def relative_metrics(small: pd.Series, large: pd.Series, regimes: bool = True) -> dict[str, Any]:
    """The ``relative`` section from two current close series (``regimes`` adds the table)."""
    ratio = relative_ratio(small, large)
    values = ratio.to_numpy(dtype=float)
    if len(values) == 0:
        raise Unavailable("small and large have no date in common")
    out: dict[str, Any] = {"ratio": float(values[-1]), "ratio_date": iso(ratio.index[-1])}
    record(out, "ma_50", lambda: float(_window(values, 50).mean()))
    record(out, "ma_200", lambda: float(_window(values, 200).mean()))
    out.update(ratio_headlines(values))
    spread = weekly_spread(small, large)
    if spread.empty:
        for key in STREAK_KEYS:
            missing(out, key, "fewer than two weeks of common history")
    else:
        current, longest, end = run_lengths(spread.to_numpy() > 0)
        out["outperf_streak_weeks"] = current
        out["outperf_streak_record_weeks"] = longest
        if end >= 0:
            out["outperf_streak_record_end"] = iso(spread.index[end])
        else:
            missing(out, "outperf_streak_record_end", "small never beat large in a week")
        out["underperf_streak_weeks"] = run_lengths(spread.to_numpy() < 0)[0]
        out["last_week_spread"] = float(spread.iloc[-1])
    if regimes:
        out["regime_threshold"] = REGIME_THRESHOLD
        out["regimes"] = _regime_records(small, large)
    return out


def relative_section(
    market: Market, config: Any, week_end: pd.Timestamp, regimes: bool = True
) -> dict[str, Any]:
    """The ``relative`` section (price indices), or raises Unavailable."""
    small = current_close(market, config.small.index, week_end)
    large = current_close(market, config.large.index, week_end)
    return relative_metrics(small, large, regimes)
