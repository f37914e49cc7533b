"""The metrics' numpy fast paths against the plain pandas/numpy computations they replace.

Each fast path must give the same bits (not merely close values): the weekly documents are
compared byte for byte across runs, so a last-digit change would rewrite archived reports.
"""

from __future__ import annotations

import functools
import operator

import numpy as np
import pandas as pd
import pytest

from generator.config import parse_config
from generator.metrics.common import (
    _period_end,
    inner_positions,
    run_ends,
    truncate_frame,
    truncate_market,
)
from generator.metrics.groupstats import (
    BOOTSTRAP_RESAMPLES,
    BOOTSTRAP_SEED,
    CI_LEVEL,
    STAT_COLUMNS,
    VERDICT_CI_LEVEL,
    _resample_counts,
    group_arrays,
    row_quantiles,
)
from generator.metrics.monthly import clean_arrays, closes_of, pair_months
from generator.metrics.relative import relative_ratio, run_lengths
from generator.metrics.risk import corr_beta
from generator.model import Market, Series
from tests import reference_metrics as ref


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Equal arrays, NaN where NaN, and the same sign on every zero."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or not np.array_equal(np.isnan(a), np.isnan(b)):
        return False
    return bool((a[~np.isnan(a)].view(np.int64) == b[~np.isnan(b)].view(np.int64)).all())


def daily(values: list[float] | np.ndarray, start: str, name: str = "date") -> pd.Series:
    dates = pd.bdate_range(start, periods=len(values))
    return pd.Series(np.asarray(values, dtype=float), index=pd.DatetimeIndex(dates, name=name))


@pytest.mark.parametrize("seed", range(40))
def test_row_quantiles_are_numpys_quantiles(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.normal(size=(int(rng.integers(1, 13)), int(rng.integers(1, 2100))))
    if seed % 4 == 0:
        values = np.round(values, 1)  # ties, and -0.0 next to 0.0
    if seed % 5 == 0:
        values[0, -1] = np.nan
    for quantiles in ([0.05, 0.95], [0.0, 1.0], [0.3, 0.5, 0.99]):
        q = np.array(quantiles)
        assert same_bits(row_quantiles(values, q), np.quantile(values, q, axis=1).T)


def reference_group_arrays(
    small: np.ndarray, large: np.ndarray, keys: np.ndarray, groups: list[int]
) -> dict[str, list[float]]:
    """STAT_COLUMNS group by group in plain Python and numpy: sums added in row order, medians
    from a stable sort, intervals from np.quantile over the bootstrap means."""
    out: dict[str, list[float]] = {}
    for group in groups:
        rows = keys == group
        s, lg = small[rows], large[rows]
        stats = {"small": s, "large": lg, "spread": s - lg}
        n = len(s)
        row: dict[str, float] = {"years": n}
        for side, values in stats.items():
            total = functools.reduce(operator.add, values.tolist(), 0.0)
            row[f"{side}_mean"] = total / n if n else np.nan
            ranked = np.sort(values, kind="stable")
            row[f"{side}_median"] = (ranked[(n - 1) // 2] + ranked[n // 2]) / 2 if n else np.nan
        wins = functools.reduce(operator.add, (stats["spread"] > 0).astype(float).tolist(), 0.0)
        row["hit_rate"] = wins / n if n else np.nan
        row["wins"] = wins
        for level, name in ((CI_LEVEL, "ci90"), (VERDICT_CI_LEVEL, "ci99")):
            low = high = np.nan
            if n >= 2:
                counts = _resample_counts(n, BOOTSTRAP_SEED, BOOTSTRAP_RESAMPLES)
                means = np.einsum("gn,bn->gb", stats["spread"][None, :], counts) / n
                tail = (1 - level) / 2
                low, high = np.quantile(means, [tail, 1 - tail], axis=1)[:, 0]
            row[f"spread_{name}_low"], row[f"spread_{name}_high"] = low, high
        for key, value in row.items():
            out.setdefault(key, []).append(value)
    return out


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("groups", [list(range(1, 13)), [0, 1, 2, 3], [0], [5, 2, 9]])
def test_group_arrays_match_a_group_by_group_reference(seed: int, groups: list[int]) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 150))
    keys = rng.choice(np.array([*groups, 99]), size=n)  # 99: a key in no group
    small, large = np.round(rng.normal(size=(2, n)) * 0.05, 3)
    small[rng.random(n) < 0.1] = -0.0
    got = group_arrays(small, large, keys, groups)
    expected = reference_group_arrays(small, large, keys, groups)
    assert set(expected) == set(STAT_COLUMNS)
    for key, values in expected.items():
        assert same_bits(got[key], np.array(values)), key


@pytest.mark.parametrize("seed", range(20))
def test_run_lengths_match_a_loop(seed: int) -> None:
    flags = np.random.default_rng(seed).random(int(seed * 7)) < 0.6
    current = longest = run = 0
    end = -1
    for i, flag in enumerate(flags.tolist()):
        run = run + 1 if flag else 0
        if run > longest:
            longest, end = run, i
    current = run
    assert run_lengths(flags) == (current, longest, end)


def test_run_ends_marks_each_runs_last_element() -> None:
    assert run_ends(np.array([1, 1, 2, 3, 3, 3])).tolist() == [
        False,
        True,
        True,
        False,
        False,
        True,
    ]
    assert run_ends(np.array([], dtype=int)).tolist() == []


OVERLAPS = [
    ("2020-01-01", 300, "2020-01-01", 300),  # the same dates
    ("2020-01-01", 300, "2020-03-02", 100),  # one inside the other
    ("2020-03-02", 100, "2020-01-01", 300),
    ("2020-01-01", 200, "2020-06-01", 200),  # partly
    ("2020-01-01", 50, "2021-01-01", 50),  # not at all
]


@pytest.mark.parametrize(("a_start", "a_len", "b_start", "b_len"), OVERLAPS)
def test_relative_ratio_is_the_aligned_quotient(
    a_start: str, a_len: int, b_start: str, b_len: int
) -> None:
    rng = np.random.default_rng(a_len + b_len)
    small = daily(rng.uniform(50, 150, a_len), a_start)
    large = daily(rng.uniform(50, 150, b_len), b_start)
    large = large.drop(large.index[::7])  # holes on one side only
    s, lg = small.align(large, join="inner")
    pd.testing.assert_series_equal(relative_ratio(small, large), (s / lg).rename("ratio"))
    found = inner_positions(small.index, large.index)
    assert found is not None
    days, i, j = np.intersect1d(small.index.values, large.index.values, return_indices=True)
    assert np.array_equal(found[0], i) and np.array_equal(found[1], j)


def test_relative_ratio_keeps_pandas_join_for_other_indexes() -> None:
    small = pd.Series([1.0, 2.0, 3.0], index=pd.date_range("2024-01-01", periods=3, freq="D"))
    large = pd.Series([2.0, 2.0], index=pd.date_range("2024-01-02", periods=2, freq="D"))
    s, lg = small.align(large, join="inner")
    pd.testing.assert_series_equal(relative_ratio(small, large), (s / lg).rename("ratio"))
    unsorted = large.iloc[::-1]
    assert inner_positions(small.index, unsorted.index) is None
    s, lg = small.align(unsorted, join="inner")
    pd.testing.assert_series_equal(relative_ratio(small, unsorted), (s / lg).rename("ratio"))


def test_corr_beta_reads_past_missing_closes_at_the_end() -> None:
    rng = np.random.default_rng(3)
    small = daily(100 * np.cumprod(1 + rng.normal(0, 0.01, 900)), "2020-01-01")
    large = daily(100 * np.cumprod(1 + rng.normal(0, 0.01, 900)), "2020-01-01")
    small.iloc[-400:-100] = np.nan  # the last 253 common closes reach far back
    both = pd.concat([small, large], axis=1).dropna().to_numpy()[-253:]
    r = both[1:] / both[:-1] - 1
    cov = np.cov(r[:, 0], r[:, 1], ddof=1)[0, 1]
    corr, beta = corr_beta(small, large)
    assert corr == cov / np.sqrt(r[:, 0].var(ddof=1) * r[:, 1].var(ddof=1))
    assert beta == cov / r[:, 1].var(ddof=1)


def month_frame(index: pd.DatetimeIndex) -> pd.DataFrame:
    return pd.DataFrame({"value": np.arange(len(index), dtype=float)}, index=index)


@pytest.mark.parametrize("week_end", ["1925-03-31", "1926-08-30", "1999-12-31", "2026-11-20"])
def test_truncate_frame_monthly_keeps_rows_of_ended_months(week_end: str) -> None:
    starts = pd.date_range("1926-07-01", "2026-10-01", freq="MS")
    cases = [
        pd.DatetimeIndex(starts, name="date"),  # no freq: sliced
        starts,  # with a freq: selected by mask, as before
        pd.DatetimeIndex(starts + pd.Timedelta(hours=13), name="date"),  # a time of day
        pd.DatetimeIndex(starts[::-1], name="date"),  # not sorted
    ]
    for index in cases:
        frame = month_frame(index)
        expected = frame[_period_end(frame.index, "monthly") <= pd.Timestamp(week_end)]
        got = truncate_frame(frame, pd.Timestamp(week_end), "monthly")
        pd.testing.assert_frame_equal(got, expected)


def test_month_end_closes_are_unchanged_by_the_array_path() -> None:
    rng = np.random.default_rng(11)
    close = daily(100 * np.cumprod(1 + rng.normal(0, 0.01, 800)), "2023-01-02")
    close = close.drop(close.index[100:130])  # a hole longer than the gap limit
    closes = closes_of(*clean_arrays(close.index.values, close.to_numpy(), None))
    ends = pd.Series(closes.ends, index=closes.end_keys)
    for key, value in ends.items():
        month = close[(close.index.year * 12 + close.index.month - 1) == key]
        if np.isnan(value):
            continue
        assert value == month.iloc[-1]


def test_pair_months_are_the_pandas_references_months() -> None:
    """``pair_months`` (the paired months the seasonality, cycle and charts share) of a cut
    market against the pandas reference on the uncut closes."""
    config = parse_config(
        {
            "pair": {"small": {"index": "SM"}, "large": {"index": "LG"}},
            "rates": {"13w": "R13", "5y": "R5", "10y": "R10", "30y": "R30"},
        }
    )
    rng = np.random.default_rng(7)
    sides = {}
    for symbol in ("SM", "LG"):
        close = daily(100 * np.cumprod(1 + rng.normal(0, 0.01, 1500)), "2019-11-01")
        frame = pd.DataFrame({column: close for column in ("open", "high", "low", "close")})
        frame["adj_close"], frame["volume"] = close, np.nan
        sides[symbol] = Series(symbol=symbol, frame=frame, source="test")
    week = pd.Timestamp(sides["SM"].frame.index[-3])
    months = pair_months(truncate_market(Market(series=sides), week), config, week)
    closes = [sides[s].frame["close"] for s in ("SM", "LG")]
    expected = ref.paired_months(*(ref.keyed_monthly_returns(c, week) for c in closes))
    assert months.months.keys.tolist() == expected.index.tolist()
    assert same_bits(months.months.small, expected["small"].to_numpy())
    assert same_bits(months.months.large, expected["large"].to_numpy())
    paths = ref.cumulative_spread_paths(expected)
    assert months.years.tolist() == paths.index.tolist()
    assert same_bits(months.grid, paths.to_numpy())
