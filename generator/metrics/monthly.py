"""Monthly building blocks shared by the seasonality and presidential-cycle metrics.

Months are keyed internally by ``year * 12 + month - 1`` so consecutive months differ by 1 and a
missing month is a gap. Returns are simple decimal returns between month-end closes; spreads are
small minus large. Pure functions; the only outside knowledge is the NYSE calendar (is a date the
month's last session?), which decides whether a series' final month is complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from generator.calendar import sessions
from generator.metrics.common import MAX_START_GAP_DAYS, current_close, memo, truncate_frame
from generator.model import Market

BOOTSTRAP_SEED = 20260101
BOOTSTRAP_RESAMPLES = 2000
CI_LEVEL = 0.90
MONTHS = list(range(1, 13))
NS_PER_DAY = 86_400_000_000_000
STAT_COLUMNS = (
    "small_mean",
    "small_median",
    "large_mean",
    "large_median",
    "spread_mean",
    "spread_median",
    "hit_rate",
    "years",
    "spread_ci90_low",
    "spread_ci90_high",
)


def month_key(index: pd.DatetimeIndex) -> np.ndarray:
    """Months counted from year 0: year * 12 + month - 1 (consecutive months differ by 1)."""
    nanoseconds = np.asarray(index.to_numpy(), dtype="datetime64[ns]").view(np.int64)
    first, table = _month_key_table()
    return table[nanoseconds // NS_PER_DAY - first]


@lru_cache(maxsize=1)
def _month_key_table() -> tuple[int, np.ndarray]:
    """(first day number, month key of every day datetime64[ns] can hold), read-only.

    A table lookup is ten times faster than casting each date to ``datetime64[M]``, and month
    keys are taken for every daily series of every section.
    """
    days = np.arange(
        np.datetime64("1677-09-21"), np.datetime64("2262-04-12"), dtype="datetime64[D]"
    )
    table = days.astype("datetime64[M]").astype(np.int64) + 1970 * 12
    table.setflags(write=False)
    return int(days[0].astype(np.int64)), table


def key_to_month_start(keys: np.ndarray) -> pd.DatetimeIndex:
    """First day of each keyed month."""
    months = (np.asarray(keys, dtype=np.int64) - 1970 * 12).astype("datetime64[M]")
    return pd.DatetimeIndex(months.astype("datetime64[ns]"), name="month")


@lru_cache(maxsize=4096)
def _last_session_day(key: int) -> np.datetime64 | None:
    """The last NYSE session of the keyed month (None when the month has none)."""
    first = pd.Timestamp(key_to_month_start(np.array([key]))[0])
    found = sessions(first, first + pd.offsets.MonthEnd(0))
    return np.datetime64(found[-1].date(), "D") if len(found) else None


def is_last_session_of_month(day: pd.Timestamp) -> bool:
    """Whether no NYSE session follows ``day`` within its calendar month."""
    day = pd.Timestamp(day)
    last = _last_session_day(day.year * 12 + day.month - 1)
    return last is None or np.datetime64(day.date(), "D") >= last


def clean_close(close: pd.Series, week_end: pd.Timestamp | None) -> pd.Series:
    """Finite, positive closes on or before ``week_end`` (all of them when it is None)."""
    if week_end is not None:
        close = close.iloc[: int(close.index.searchsorted(pd.Timestamp(week_end), side="right"))]
    values = close.to_numpy(dtype=float)
    keep = np.isfinite(values) & (values > 0)
    close = close if keep.all() else close[keep]
    return close if close.dtype == np.float64 else close.astype(float)


def month_end_closes(close: pd.Series, week_end: pd.Timestamp | None = None) -> pd.Series:
    """Last close of every complete month, indexed by month key (year * 12 + month - 1).

    Months in the span without a usable close are NaN: no data, or the last close lies more than
    MAX_START_GAP_DAYS before the month's last day (a hole). The final month counts only when its
    last row is the month's last NYSE session.
    """
    close = clean_close(close, week_end)
    if close.empty:
        return pd.Series(dtype=float)
    keys = month_key(close.index)
    last_of_key = np.r_[keys[1:] != keys[:-1], True]
    keys = keys[last_of_key]
    days = close.index.to_numpy()[last_of_key].astype("datetime64[D]")
    values = close.to_numpy()[last_of_key].copy()
    month_last_day = (keys + 1 - 1970 * 12).astype("datetime64[M]").astype("datetime64[D]") - 1
    values[(month_last_day - days).astype(np.int64) > MAX_START_GAP_DAYS] = np.nan
    if not is_last_session_of_month(close.index[-1]):
        values[-1] = np.nan
    full = np.full(keys[-1] - keys[0] + 1, np.nan)
    full[keys - keys[0]] = values
    return pd.Series(full, index=np.arange(keys[0], keys[-1] + 1))


def monthly_returns(close: pd.Series, week_end: pd.Timestamp | None = None) -> pd.Series:
    """Simple monthly returns from month-end closes, complete months only.

    Index: ``DatetimeIndex`` named ``month`` (first day of the month); values: decimal return of
    the month's last close against the previous month's last close. Months whose own or previous
    month-end close is missing are dropped.
    """
    keyed = keyed_monthly_returns(close, week_end)
    return pd.Series(keyed.to_numpy(), index=key_to_month_start(keyed.index), name="return")


def keyed_monthly_returns(close: pd.Series, week_end: pd.Timestamp | None) -> pd.Series:
    """monthly_returns indexed by month key."""
    return month_end_returns(month_end_closes(close, week_end))


def month_end_returns(ends: pd.Series) -> pd.Series:
    """Returns between consecutive month-end closes (``month_end_closes``), by month key."""
    values = ends.to_numpy()
    returns = values[1:] / values[:-1] - 1
    ok = np.isfinite(returns)
    return pd.Series(returns[ok], index=ends.index.to_numpy()[1:][ok])


def keyed_from_monthly_series(frame: pd.DataFrame, week_end: pd.Timestamp) -> pd.Series:
    """Month-keyed returns from a monthly return series dated on each month's first day."""
    frame = truncate_frame(frame, week_end, "monthly")
    values = frame["value"].to_numpy(dtype=float)
    ok = np.isfinite(values)
    return pd.Series(values[ok], index=month_key(frame.index)[ok])


def paired_months(small: pd.Series, large: pd.Series) -> pd.DataFrame:
    """Months where both month-keyed returns exist: columns ``year, month, small, large, spread``.

    Index: month key. Rows start at ``first_year`` (see ``first_january_year``).
    """
    keys, i, j = np.intersect1d(small.index.to_numpy(), large.index.to_numpy(), return_indices=True)
    s, lg = small.to_numpy()[i], large.to_numpy()[j]
    ok = np.isfinite(s) & np.isfinite(lg)
    keys, s, lg = keys[ok], s[ok], lg[ok]
    januaries = keys[keys % 12 == 0]
    keep = keys >= januaries[0] if len(januaries) else np.zeros(len(keys), dtype=bool)
    keys, s, lg = keys[keep], s[keep], lg[keep]
    data = {"year": keys // 12, "month": keys % 12 + 1, "small": s, "large": lg, "spread": s - lg}
    return pd.DataFrame(data, index=pd.Index(keys, name="key"))


def first_january_year(pair: pd.DataFrame) -> int | None:
    """The first calendar year whose January return exists for both series."""
    january = pair["year"].to_numpy()[pair["month"].to_numpy() == 1]
    return int(january[0]) if len(january) else None


@lru_cache(maxsize=16)
def _resample_counts(n: int, seed: int, resamples: int) -> np.ndarray:
    """How often each of n positions is drawn in each resample (resamples x n), read-only.

    Row r counts the indices ``default_rng(seed).integers(0, n, (resamples, n))[r]``, so a mean
    over a resample is ``counts @ values / n``: one matrix product for many groups of size n.
    """
    picks = np.random.default_rng(seed).integers(0, n, size=(resamples, n))
    flat = (picks + n * np.arange(resamples)[:, None]).ravel()
    counts = np.bincount(flat, minlength=resamples * n).reshape(resamples, n).astype(float)
    counts.setflags(write=False)
    return counts


def bootstrap_mean_ci(
    values: np.ndarray,
    seed: int = BOOTSTRAP_SEED,
    resamples: int = BOOTSTRAP_RESAMPLES,
    level: float = CI_LEVEL,
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean; NaN when fewer than 2 values.

    Resample indices come from a fresh ``numpy.random.default_rng(seed)`` per group, so a
    group's interval depends only on its own values (not on which groups came before it).
    """
    low, high = _bootstrap_rows(np.asarray(values, dtype=float)[None, :], seed, resamples, level)[0]
    return (float(low), float(high))


def _bootstrap_rows(rows: np.ndarray, seed: int, resamples: int, level: float) -> np.ndarray:
    """bootstrap_mean_ci of every row of a (groups x n) matrix, as a (groups x 2) array."""
    n = rows.shape[1]
    if n < 2:
        return np.full((rows.shape[0], 2), np.nan)
    # einsum, not BLAS matmul: the matrices are small and threaded BLAS costs far more here.
    means = np.einsum("gn,bn->gb", rows, _resample_counts(n, seed, resamples)) / n
    tail = (1 - level) / 2
    return np.quantile(means, [tail, 1 - tail], axis=1).T


def group_arrays(
    small: np.ndarray, large: np.ndarray, keys: np.ndarray, groups: list[int]
) -> dict[str, np.ndarray]:
    """STAT_COLUMNS per group (arrays aligned with ``groups``) of paired returns.

    ``spread`` = small - large; ``hit_rate`` = share of rows where small beat large; ``years`` =
    rows in the group (0 gives NaN statistics). The bootstrap resamples each group's spreads in
    row (chronological) order. Vectorised over rows: sums by bincount, medians from one sort;
    the only loop is over distinct group sizes.
    """
    order = np.asarray(groups)
    keys = np.asarray(keys)
    sorter = np.argsort(order, kind="stable")
    slot = sorter[np.clip(np.searchsorted(order, keys, sorter=sorter), 0, len(order) - 1)]
    valid = order[slot] == keys
    gid = slot[valid]
    counts = np.bincount(gid, minlength=len(order))
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    has = counts > 0
    low, high = np.where(has, starts + (counts - 1) // 2, 0), np.where(has, starts + counts // 2, 0)
    small, large = np.asarray(small, dtype=float)[valid], np.asarray(large, dtype=float)[valid]
    spread = small - large
    out: dict[str, np.ndarray] = {"years": counts}
    with np.errstate(invalid="ignore", divide="ignore"):
        for side, values in (("small", small), ("large", large), ("spread", spread)):
            out[f"{side}_mean"] = np.bincount(gid, weights=values, minlength=len(order)) / counts
            ranked = values[np.lexsort((values, gid))] if len(values) else np.zeros(1)
            out[f"{side}_median"] = np.where(has, (ranked[low] + ranked[high]) / 2, np.nan)
        wins = (spread > 0).astype(float)
        out["hit_rate"] = np.bincount(gid, weights=wins, minlength=len(order)) / counts
    chronological = spread[np.argsort(gid, kind="stable")]
    out["spread_ci90_low"] = np.full(len(order), np.nan)
    out["spread_ci90_high"] = np.full(len(order), np.nan)
    for count in np.unique(counts[counts >= 2]):
        rows = np.flatnonzero(counts == count)
        matrix = chronological[starts[rows][:, None] + np.arange(count)]
        bounds = _bootstrap_rows(matrix, BOOTSTRAP_SEED, BOOTSTRAP_RESAMPLES, CI_LEVEL)
        out["spread_ci90_low"][rows], out["spread_ci90_high"][rows] = bounds[:, 0], bounds[:, 1]
    return out


def group_stats(frame: pd.DataFrame, by: str, groups: list[int]) -> pd.DataFrame:
    """group_arrays of a frame with columns ``small, large`` and the group column ``by``, as a
    DataFrame indexed by group (columns STAT_COLUMNS)."""
    arrays = group_arrays(
        frame["small"].to_numpy(), frame["large"].to_numpy(), frame[by].to_numpy(), groups
    )
    return pd.DataFrame({key: arrays[key] for key in STAT_COLUMNS}, index=pd.Index(groups, name=by))


def month_table(pair: pd.DataFrame) -> pd.DataFrame:
    """The 12-row calendar-month table (index ``month`` 1..12, columns STAT_COLUMNS)."""
    return group_stats(pair, "month", MONTHS)


def cumulative_spread_paths(pair: pd.DataFrame) -> pd.DataFrame:
    """Per year (index ``year``), columns 1..12: compounded small minus compounded large return
    from the start of the year through each month; NaN from a missing month on."""
    years = pair["year"].to_numpy()
    first = years.min() if len(years) else 0
    index = np.arange(first, years.max() + 1) if len(years) else np.array([], dtype=np.int64)
    growth = {}
    for side in ("small", "large"):
        grid = np.full((len(index), 12), np.nan)
        grid[years - first, pair["month"].to_numpy() - 1] = pair[side].to_numpy()
        growth[side] = np.cumprod(1 + grid, axis=1)
    path = growth["small"] - growth["large"]
    return pd.DataFrame(path, index=pd.Index(index, name="year"), columns=range(1, 13))


def average_path(
    paths: pd.DataFrame, years: list[int] | np.ndarray | None = None
) -> tuple[pd.Series, int]:
    """Mean path over complete years (all 12 months present), optionally restricted to ``years``;
    returns (path indexed by month 1..12, number of years averaged)."""
    values = paths.to_numpy()
    keep = np.isfinite(values).all(axis=1)
    if years is not None:
        keep &= np.isin(paths.index.to_numpy(), np.asarray(years))
    mean = values[keep].mean(axis=0) if keep.any() else np.full(values.shape[1], np.nan)
    return pd.Series(mean, index=paths.columns), int(keep.sum())


def num(value: Any) -> float | None:
    if value is None:
        return None
    x = float(value)
    return x if np.isfinite(x) else None


def _reason(years: int) -> str:
    return "no complete year" if years == 0 else "a bootstrap interval needs at least 2 years"


def stats_records(
    arrays: dict[str, np.ndarray], label: str, labels: list[Any]
) -> list[dict[str, Any]]:
    """group_arrays as JSON objects ``{<label>, <STAT_COLUMNS>}``; NaN becomes null + reason."""
    columns = {key: arrays[key].tolist() for key in STAT_COLUMNS}
    out = []
    for row, name in enumerate(labels):
        years = int(columns["years"][row])
        item: dict[str, Any] = {label: name, "years": years}
        for key in STAT_COLUMNS:
            if key == "years":
                continue
            item[key] = num(columns[key][row])
            if item[key] is None:
                item[key + "_reason"] = _reason(years)
        out.append(item)
    return out


def month_records(pair: pd.DataFrame) -> list[dict[str, Any]]:
    """The month table of a pair frame as a list of ``{month, <STAT_COLUMNS>}`` objects."""
    arrays = group_arrays(
        pair["small"].to_numpy(), pair["large"].to_numpy(), pair["month"].to_numpy(), MONTHS
    )
    return stats_records(arrays, "month", MONTHS)


@dataclass(frozen=True)
class PairMonths:
    """Monthly data of the configured pair at one week's end, shared by seasonality and cycle.

    ``closes``: current closes (small, large); ``ends``: their ``month_end_closes``; ``pair``:
    ``paired_months`` of the month-end returns; ``paths``: ``cumulative_spread_paths(pair)``.
    """

    closes: tuple[pd.Series, pd.Series]
    ends: tuple[pd.Series, pd.Series]
    pair: pd.DataFrame
    paths: pd.DataFrame


def pair_months(market: Market, config: Any, week_end: pd.Timestamp) -> PairMonths:
    """PairMonths of the configured small and large indices (computed once per cut market);
    raises Unavailable when either is missing or stale."""
    week_end = pd.Timestamp(week_end)
    small, large = config.small.index, config.large.index
    return memo(
        market,
        ("pair_months", small, large, week_end),
        lambda: _pair_months(market, small, large, week_end),
    )


def _pair_months(market: Market, small: str, large: str, week_end: pd.Timestamp) -> PairMonths:
    closes = tuple(
        clean_close(current_close(market, sym, week_end), week_end) for sym in (small, large)
    )
    ends = tuple(month_end_closes(close) for close in closes)
    pair = paired_months(*(month_end_returns(end) for end in ends))
    return PairMonths(closes, ends, pair, cumulative_spread_paths(pair))  # type: ignore[arg-type]


def path_records(path: pd.Series) -> list[dict[str, Any]]:
    """A month-indexed path as ``[{month, spread}]``, skipping months without a value."""
    return [{"month": int(m), "spread": float(v)} for m, v in path.items() if np.isfinite(v)]
