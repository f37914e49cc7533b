"""Statistics of paired returns by group (calendar month, cycle phase): means, medians, hit
rates and percentile-bootstrap intervals, vectorised over groups with numpy.

Used by the seasonality and presidential-cycle metrics through ``monthly``'s tables. Every
function reproduces the pandas / ``np.quantile`` result it replaced bit for bit (see
tests/test_metrics_fastpaths.py).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

BOOTSTRAP_SEED = 20260101
BOOTSTRAP_RESAMPLES = 2000
CI_LEVEL = 0.90
# The verdicts' level: about sixteen claims are judged every week, so a 90% interval would call
# 1.6 of them "significant" by chance; at 99% that is 0.16 (see the methodology page).
VERDICT_CI_LEVEL = 0.99
STAT_COLUMNS = (
    "small_mean",
    "small_median",
    "large_mean",
    "large_median",
    "spread_mean",
    "spread_median",
    "hit_rate",
    "wins",
    "years",
    "spread_ci90_low",
    "spread_ci90_high",
    "spread_ci99_low",
    "spread_ci99_high",
)


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


def _bootstrap_rows(rows: np.ndarray, seed: int, resamples: int, *levels: float) -> np.ndarray:
    """bootstrap_mean_ci of every row of a (groups x n) matrix at each of ``levels``, from one
    set of resampled means, as a (groups x 2 * len(levels)) array (low, high per level)."""
    n = rows.shape[1]
    if n < 2:
        return np.full((rows.shape[0], 2 * len(levels)), np.nan)
    # einsum, not BLAS matmul: the matrices are small and threaded BLAS costs far more here.
    means = np.einsum("gn,bn->gb", rows, _resample_counts(n, seed, resamples)) / n
    tails = [(1 - level) / 2 for level in levels]
    return row_quantiles(means, np.array([q for t in tails for q in (t, 1 - t)]))


def row_quantiles(values: np.ndarray, quantiles: np.ndarray) -> np.ndarray:
    """``np.quantile(values, quantiles, axis=1).T`` (method "linear"), bit for bit.

    One sort of the rows and numpy's own interpolation formula: np.quantile's partition and
    argument handling cost twice as much on these small matrices.
    """
    below, above, gamma, upper = _quantile_plan(values.shape[1], tuple(quantiles.tolist()))
    ordered = np.sort(values, axis=1)  # NaNs sort last, as after numpy's partition
    low, high = ordered[:, below], ordered[:, above]
    if not (low.all() and high.all()):
        # -0.0 == 0.0: which zero lands at a position depends on the algorithm, so ask numpy.
        return np.quantile(values, quantiles, axis=1).T
    diff = high - low
    # numpy's _lerp: from the lower value, or from the upper one where the weight is >= 0.5
    out = np.where(upper, high - diff * (1 - gamma), low + diff * gamma)
    nan_rows = np.isnan(ordered[:, -1])
    if nan_rows.any():
        out[nan_rows] = np.nan
    return out


@lru_cache(maxsize=16)
def _quantile_plan(
    count: int, quantiles: tuple[float, ...]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(positions below, positions above, interpolation weights, upper-side mask) of np.quantile's
    "linear" method for rows of ``count`` values, computed as numpy computes them."""
    virtual = (count - 1) * np.array(quantiles)
    below = np.floor(virtual)
    above = below + 1
    below[virtual >= count - 1] = above[virtual >= count - 1] = -1  # numpy's bounds rules
    below[virtual < 0] = above[virtual < 0] = 0
    gamma = virtual - below
    return below.astype(np.intp), above.astype(np.intp), gamma, gamma >= 0.5


# group_arrays columns filled per distinct group size (NaN for empty groups).
_BY_SIZE = ("small_median", "large_median", "spread_median", "spread_ci90_low", "spread_ci90_high",
            "spread_ci99_low", "spread_ci99_high")  # fmt: skip


_INTERVAL_COLUMNS = ("spread_ci90_low", "spread_ci90_high", "spread_ci99_low", "spread_ci99_high")


def group_arrays(
    small: np.ndarray, large: np.ndarray, keys: np.ndarray, groups: list[int]
) -> dict[str, np.ndarray]:
    """STAT_COLUMNS per group (arrays aligned with ``groups``) of paired returns.

    ``spread`` = small - large; ``hit_rate`` = share of rows where small beat large (``wins`` of them); ``years`` =
    rows in the group (0 gives NaN statistics). The bootstrap resamples each group's spreads in
    row (chronological) order. Vectorised over rows: sums by bincount; medians and intervals
    from one (groups x size) matrix per distinct group size, so the only loop is over sizes.
    """
    gid, valid = _group_ids(np.asarray(keys), groups)
    size = len(groups)
    counts = np.bincount(gid, minlength=size)
    starts = np.cumsum(counts) - counts
    small, large = np.asarray(small, dtype=float)[valid], np.asarray(large, dtype=float)[valid]
    spread = small - large
    sides = {"small": small, "large": large, "spread": spread}
    out: dict[str, np.ndarray] = {"years": counts}
    with np.errstate(invalid="ignore", divide="ignore"):
        # bincount adds each group's values in row order; a row-wise sum would add pairwise.
        for side, values in sides.items():
            out[f"{side}_mean"] = np.bincount(gid, weights=values, minlength=size) / counts
        wins = (spread > 0).astype(float)
        # The count of years small led, beside its share: sentences say "in 16 of 39 years".
        out["wins"] = np.bincount(gid, weights=wins, minlength=size).astype(int)
        out["hit_rate"] = out["wins"] / counts
    out.update({key: np.full(size, np.nan) for key in _BY_SIZE})
    grouped = np.argsort(gid, kind="stable")  # rows by group, in row order within a group
    for count in sorted(set(counts[counts >= 1].tolist())):  # np.unique, at a tenth of the cost
        rows = np.flatnonzero(counts == count)
        cells = grouped[starts[rows][:, None] + np.arange(count)]  # (groups x count) row numbers
        for side, values in sides.items():
            # A stable sort keeps equal values (0.0 and -0.0 too) in row order, as lexsort did.
            ranked = np.sort(values[cells], axis=1, kind="stable")
            out[f"{side}_median"][rows] = (ranked[:, (count - 1) // 2] + ranked[:, count // 2]) / 2
        if count >= 2:
            bounds = _bootstrap_rows(
                spread[cells], BOOTSTRAP_SEED, BOOTSTRAP_RESAMPLES, CI_LEVEL, VERDICT_CI_LEVEL
            )
            for column, key in enumerate(_INTERVAL_COLUMNS):
                out[key][rows] = bounds[:, column]
    return out


def _group_ids(keys: np.ndarray, groups: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(position in ``groups`` of each key that is one of them, mask of those keys)."""
    order = np.asarray(groups)
    first = groups[0] if len(groups) and isinstance(groups[0], int) else None
    if (
        keys.dtype.kind in "iu"
        and first is not None
        and groups == list(range(first, first + len(groups)))
    ):
        slot = keys - first  # consecutive groups (months, phases): positions by subtraction
        valid = (slot >= 0) & (slot < len(groups))
        return slot[valid], valid
    sorter = np.argsort(order, kind="stable")
    slot = sorter[np.clip(np.searchsorted(order, keys, sorter=sorter), 0, len(order) - 1)]
    valid = order[slot] == keys
    return slot[valid], valid
