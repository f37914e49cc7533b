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
    inner_positions,
    iso,
    missing,
    record,
    run_ends,
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
    found = inner_positions(small.index, large.index)
    plain = small.index.freq is None and large.index.freq is None  # see _plain_pair
    if found is None or not (plain and _plain_pair(small, large)):
        s, lg = small.align(large, join="inner")
        return (s / lg).rename("ratio")
    # The same join as positions: pandas' align costs ten times more on two sorted indexes.
    i, j = found
    index = small.index if len(i) == len(small) else small.index[i]
    return pd.Series(small.to_numpy()[i] / large.to_numpy()[j], index=index, name="ratio")


def _plain_pair(small: pd.Series, large: pd.Series) -> bool:
    """Float series whose indexes share a name and have no freq: then the joined index is
    ``small.index`` at the common positions, as pandas builds it (a freq or two names may not
    survive pandas' join the same way)."""
    return (
        small.index.name == large.index.name
        and small.dtype == np.float64
        and large.dtype == np.float64
    )


def common_closes(small: pd.Series, large: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dates, small values, large values) on the dates both series have, as float arrays."""
    found = inner_positions(small.index, large.index)
    if found is None:
        s, lg = small.align(large, join="inner")
        return s.index.to_numpy(), s.to_numpy(dtype=float), lg.to_numpy(dtype=float)
    i, j = found
    return small.index.values[i], small.to_numpy(dtype=float)[i], large.to_numpy(dtype=float)[j]


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
    return series[week_last_rows(series.index.to_numpy())]


def week_last_rows(dates: np.ndarray) -> np.ndarray:
    """Mask of the last date of every Monday-to-Sunday week in sorted ``dates`` (the week's last
    available session); the one weekly sampling of the metrics and the charts."""
    if not len(dates):
        return np.zeros(0, dtype=bool)
    days = dates.astype("datetime64[D]").astype(np.int64)
    ids = (days - 4) // 7  # week_ids
    return run_ends(ids)


CommonCloses = tuple[np.ndarray, np.ndarray, np.ndarray]  # (dates, small, large) on common dates


def weekly_closes(common: CommonCloses) -> CommonCloses:
    """``weekly_last`` of both sides of ``common_closes``."""
    dates, s, lg = common
    if not len(dates):
        return dates, s, lg
    last = week_last_rows(dates)
    return dates[last], s[last], lg[last]


def weekly_spread_arrays(weekly: CommonCloses) -> tuple[np.ndarray, np.ndarray]:
    """Weekly relative return of ``weekly_closes``: small's weekly return - large's, as (dates,
    values), dated by each week's last common session; the first week has no return."""
    dates, s, lg = weekly
    spread = (s[1:] / s[:-1] - 1) - (lg[1:] / lg[:-1] - 1)
    return dates[1:], spread


def run_lengths(flags: np.ndarray) -> tuple[int, int, int]:
    """(current run of True at the end, longest run, end position of the longest run).

    The longest run is the first one of that length (a later tie does not replace it).
    """
    flags = np.asarray(flags, dtype=bool)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], flags.view(np.int8), [0]))))
    if not len(edges):
        return 0, 0, -1
    starts, stops = edges[::2], edges[1::2]  # each run is flags[start:stop]
    lengths = stops - starts
    first = int(np.argmax(lengths))  # argmax: the first of equal maxima
    current = int(lengths[-1]) if stops[-1] == len(flags) else 0
    return current, int(lengths[first]), int(stops[first]) - 1


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


REGIME_COLUMNS = ("start", "end", "weeks", "small_return", "large_return", "cum_spread",
                  "relative_return", "leader", "ongoing")  # fmt: skip


def leadership_regimes(
    small: pd.Series, large: pd.Series, threshold: float = REGIME_THRESHOLD
) -> pd.DataFrame:
    """``regime_table`` of two close series (joined on their common dates, sampled weekly)."""
    return regime_table(weekly_closes(common_closes(small, large)), threshold)


def regime_table(weekly: CommonCloses, threshold: float = REGIME_THRESHOLD) -> pd.DataFrame:
    """Leadership regimes from weekly closes on common dates (``weekly_closes``).

    Columns (REGIME_COLUMNS): ``start``, ``end`` (week-end dates, datetime64), ``weeks``,
    ``small_return``, ``large_return``, ``cum_spread`` (small_return - large_return),
    ``relative_return`` (ratio end/start - 1), ``leader`` (``small``/``large``/``none``),
    ``ongoing`` (the last, unconfirmed regime): ``regime_arrays`` as a table, for the
    relative-ratio chart (the document's records are the same rows, ``regime_records``).
    """
    dates, rows = regime_arrays(weekly, threshold)
    columns: dict[str, Any] = dict(
        zip(REGIME_COLUMNS, map(list, zip(*rows, strict=True)), strict=True)
    )
    if not rows:
        columns = {key: [] for key in REGIME_COLUMNS}
    positions = np.array(columns["start"] + columns["end"], dtype=np.int64)
    columns["start"], columns["end"] = np.split(dates[positions], 2)
    return pd.DataFrame(columns, columns=list(REGIME_COLUMNS))


def regime_arrays(weekly: CommonCloses, threshold: float) -> tuple[np.ndarray, list[list[Any]]]:
    """The one computation of the leadership regimes: (weekly dates, one row per regime of the
    REGIME_COLUMNS values, with ``start`` and ``end`` as positions in those dates). Regimes are
    separated by the turning points of ``turning_points`` on the weekly small/large ratio."""
    dates, sv, lv = weekly
    if len(dates) < 2:
        return dates, []
    ratio = sv / lv
    bounds = sorted({0, *turning_points(ratio, threshold), len(ratio) - 1})
    rows = []
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        sr, lr = sv[b] / sv[a] - 1.0, lv[b] / lv[a] - 1.0
        rel = ratio[b] / ratio[a] - 1.0
        leader = "small" if rel > 0 else "large" if rel < 0 else "none"
        rows.append([a, b, b - a, sr, lr, sr - lr, rel, leader, False])
    rows[-1][-1] = True
    return dates, rows


def regime_records(weekly: CommonCloses) -> list[dict[str, Any]]:
    """``regime_arrays`` as the document's JSON objects (ISO dates, Python numbers)."""
    dates, rows = regime_arrays(weekly, REGIME_THRESHOLD)
    bounds = [row[0] for row in rows] + [row[1] for row in rows[-1:]]
    days = dict(zip(bounds, np.datetime_as_string(dates[bounds], unit="D").tolist(), strict=True))
    records = []
    for row in rows:
        item = dict(zip(REGIME_COLUMNS, row, strict=True))
        item.update(start=days[row[0]], end=days[row[1]], weeks=int(item["weeks"]))
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
    common = common_closes(small, large)
    days, s, lg = common
    values = s / lg  # relative_ratio, as arrays
    if len(values) == 0:
        raise Unavailable("small and large have no date in common")
    out: dict[str, Any] = {"ratio": float(values[-1]), "ratio_date": iso(days[-1])}
    record(out, "ma_50", lambda: float(_window(values, 50).mean()))
    record(out, "ma_200", lambda: float(_window(values, 200).mean()))
    out.update(ratio_headlines(values))
    weekly = weekly_closes(common)
    weeks, spread = weekly_spread_arrays(weekly)
    if not len(spread):
        for key in STREAK_KEYS:
            missing(out, key, "fewer than two weeks of common history")
    else:
        current, longest, end = run_lengths(spread > 0)
        out["outperf_streak_weeks"] = current
        out["outperf_streak_record_weeks"] = longest
        if end >= 0:
            out["outperf_streak_record_end"] = iso(weeks[end])
        else:
            missing(out, "outperf_streak_record_end", "small never beat large in a week")
        out["underperf_streak_weeks"] = run_lengths(spread < 0)[0]
        out["last_week_spread"] = float(spread[-1])
    if regimes:
        out["regime_threshold"] = REGIME_THRESHOLD
        out["regimes"] = regime_records(weekly)
    return out


def relative_section(
    market: Market, config: Any, week_end: pd.Timestamp, regimes: bool = True
) -> dict[str, Any]:
    """The ``relative`` section (price indices), or raises Unavailable."""
    small = current_close(market, config.small.index, week_end)
    large = current_close(market, config.large.index, week_end)
    return relative_metrics(small, large, regimes)
