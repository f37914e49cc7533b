"""The package's array implementations against the pandas reference (tests/reference_metrics.py).

Random closes with holes, bad values and a final month cut anywhere: every monthly, yearly,
weekly and rolling computation must give the reference's numbers, bit for bit where the two do
the same arithmetic (the weekly documents are compared byte for byte across runs).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from generator.calendar import sessions
from generator.metrics.cycle import annual_arrays, phase_month_means
from generator.metrics.monthly import Closes, clean_arrays, closes_of, month_pairs
from generator.metrics.paths import mean_path, spread_paths
from generator.metrics.relative import common_closes, weekly_closes, weekly_spread_arrays
from generator.metrics.risk import rolling_risk_table
from generator.metrics.seasonality import FIRST_SESSIONS, first_sessions_arrays, window_arrays
from tests import reference_metrics as ref
from tests.test_metrics_fastpaths import same_bits

SEEDS = range(8)


def random_close(seed: int, start: str = "2004-11-01", end: str = "2012-03-20") -> pd.Series:
    """Daily closes on NYSE sessions with holes (some over a month end), a NaN, a zero."""
    rng = np.random.default_rng(seed)
    days = sessions(start, end)
    days = days[: len(days) - int(rng.integers(0, 40))]  # end anywhere in a month
    keep = rng.random(len(days)) > 0.05
    hole = int(rng.integers(100, len(days) - 200))
    keep[hole : hole + int(rng.integers(5, 40))] = False
    days = days[keep]
    values = 100 * np.cumprod(1 + rng.normal(0.0003, 0.012, len(days)))
    values[int(rng.integers(0, len(days)))] = np.nan
    values[int(rng.integers(0, len(days)))] = 0.0
    return pd.Series(values, index=pd.DatetimeIndex(days, name="date"))


def package_closes(close: pd.Series, week_end: pd.Timestamp | None = None) -> Closes:
    days, values = clean_arrays(close.index.values, close.to_numpy(dtype=float), week_end)
    return closes_of(days, values)


def week_end_of(close: pd.Series, seed: int) -> pd.Timestamp:
    return pd.Timestamp(close.index[-1 - seed * 3])


@pytest.mark.parametrize("seed", SEEDS)
def test_month_end_closes_and_returns_are_the_references(seed: int) -> None:
    close = random_close(seed)
    week_end = week_end_of(close, seed)
    closes = package_closes(close, week_end)
    expected = ref.month_end_closes(close, week_end)
    assert closes.end_keys.tolist() == expected.index.tolist()
    assert same_bits(closes.ends, expected.to_numpy())
    keys, returns = closes.month_returns()
    expected = ref.keyed_monthly_returns(close, week_end)
    assert keys.tolist() == expected.index.tolist()
    assert same_bits(returns, expected.to_numpy())


@pytest.mark.parametrize("seed", SEEDS)
def test_paired_months_and_paths_are_the_references(seed: int) -> None:
    small, large = random_close(seed), random_close(seed + 100, start="2005-06-01")
    pairs = month_pairs(
        package_closes(small).month_returns(), package_closes(large).month_returns()
    )
    expected = ref.paired_months(ref.keyed_monthly_returns(small), ref.keyed_monthly_returns(large))
    assert pairs.keys.tolist() == expected.index.tolist()
    assert same_bits(pairs.small, expected["small"].to_numpy())
    assert same_bits(pairs.large, expected["large"].to_numpy())
    assert pairs.first_year() == int(expected["year"].iloc[0])
    years, grid = spread_paths(pairs.keys // 12, pairs.keys % 12 + 1, pairs.small, pairs.large)
    paths = ref.cumulative_spread_paths(expected)
    assert years.tolist() == paths.index.tolist()
    assert same_bits(grid, paths.to_numpy())
    chosen = years < years[-1]
    mean, count = mean_path(grid, chosen)
    expected_mean, expected_count = ref.average_path(paths, years[chosen].tolist())
    assert count == expected_count
    assert same_bits(mean, expected_mean.to_numpy())
    spread = pairs.small - pairs.large
    means = phase_month_means(pairs.keys // 12, pairs.keys % 12 + 1, spread)
    # bincount adds in row order, pandas' groupby mean with compensation: equal to rounding.
    np.testing.assert_allclose(means, ref.monthly_spread_by_phase(expected), rtol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
def test_january_windows_and_calendar_years_are_the_references(seed: int) -> None:
    close = random_close(seed, start="2003-12-01")
    week_end = week_end_of(close, seed)
    days, values = clean_arrays(close.index.values, close.to_numpy(dtype=float), week_end)
    closes = closes_of(days, values)
    years, returns = window_arrays(days, values)
    expected = ref.window_returns(close, week_end)
    assert years.tolist() == expected.index.tolist()
    assert same_bits(returns, expected.to_numpy())
    years, returns = first_sessions_arrays(
        days, values, FIRST_SESSIONS, closes.first_key, closes.ends
    )
    expected = ref.first_sessions_returns(close, week_end)
    assert years.tolist() == expected.index.tolist()
    assert same_bits(returns, expected.to_numpy())
    years, returns = annual_arrays(closes.end_keys, closes.ends)
    expected = ref.annual_returns(close, week_end)
    assert years.tolist() == expected.index.tolist()
    assert same_bits(returns, expected.to_numpy())


def test_calendar_years_need_both_year_ends_and_a_finished_year() -> None:
    days = sessions("2018-06-01", "2023-06-30")
    # A hole at the end of 2020: its last close is Dec 15, so 2020 and 2021 have no return.
    days = days[(days <= "2020-12-15") | (days >= "2021-01-04")]
    close = pd.Series(np.linspace(100.0, 200.0, len(days)), index=days)

    def years_through(week_end: str) -> list[int]:
        closes = package_closes(close, pd.Timestamp(week_end))
        return annual_arrays(closes.end_keys, closes.ends)[0].tolist()

    assert years_through("2023-06-30") == [2019, 2022]
    assert years_through("2022-12-30") == [2019, 2022]  # the last session finishes the year
    assert years_through("2022-12-29") == [2019]


def positive_pair(seed: int) -> tuple[pd.Series, pd.Series]:
    """Two random closes without their NaN and zero (as ``current_close`` gives them)."""
    small, large = random_close(seed), random_close(seed + 50)
    return small[small > 0], large[large > 0]


@pytest.mark.parametrize("seed", SEEDS)
def test_weekly_spread_is_the_reference(seed: int) -> None:
    small, large = positive_pair(seed)
    dates, spread = weekly_spread_arrays(weekly_closes(common_closes(small, large)))
    expected = ref.weekly_spread(small, large)
    assert dates.tolist() == expected.index.to_numpy().tolist()
    assert same_bits(spread, expected.to_numpy())


@pytest.mark.parametrize("seed", SEEDS)
def test_rolling_risk_table_is_the_reference(seed: int) -> None:
    small, large = positive_pair(seed)
    dates, s, lg = common_closes(small, large)
    table = rolling_risk_table(dates, s, lg)
    expected = ref.rolling_corr_beta(small, large)
    assert table["date"].tolist() == expected.index.tolist()
    assert same_bits(table["corr"].to_numpy(), expected["corr"].to_numpy())
    assert same_bits(table["beta"].to_numpy(), expected["beta"].to_numpy())
