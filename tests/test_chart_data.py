"""Chart data helpers against the pandas expressions they replace, bit for bit, and frames that
must not depend on how the closes reach them (aligned or not, a cut shared with the metrics)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from generator import calendar
from generator.charts import compute_charts, history
from generator.config import load_config
from generator.metrics import compute_metrics
from generator.metrics.common import truncate_market
from generator.metrics.drawdowns import drawdown_path
from generator.model import Market, Series
from tests.conftest import ROOT

CONFIG = load_config(ROOT / "smallcap.toml")


def random_closes(days: pd.DatetimeIndex, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return 100.0 * np.cumprod(1 + rng.normal(0.0003, 0.012, len(days)))


def weekly_reference(frame: pd.DataFrame) -> pd.DataFrame:
    """dropna, then the last row of every Monday-to-Sunday week, with a leading date column."""
    frame = frame.dropna()
    week = frame.index.to_period("W-SUN")
    last = frame[~week.duplicated(keep="last")]
    return last.rename_axis("date").reset_index()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_weekly_rows_are_dropna_then_each_weeks_last_row(seed: int) -> None:
    rng = np.random.default_rng(seed)
    days = calendar.sessions("2023-01-03", "2024-06-28")
    days = days[rng.random(len(days)) > 0.2]  # holes, some whole weeks
    a, b = rng.normal(size=len(days)), rng.normal(size=len(days))
    a[rng.random(len(days)) < 0.1] = np.nan
    b[-1] = np.nan  # the last week's last session drops: the week ends a session earlier
    expected = weekly_reference(pd.DataFrame({"a": a, "b": b}, index=days))
    got = history.weekly_rows(days.to_numpy(), {"a": a, "b": b})
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


@pytest.mark.parametrize("sessions", [1, 100, 200, 252, 253, 1500])
def test_rolling_return_and_drawdown_are_the_pandas_expressions(sessions: int) -> None:
    days = calendar.sessions("2010-01-04", "2016-12-30")[:sessions]
    close = pd.Series(random_closes(days, 7), index=days)
    values = close.to_numpy()
    n = len(values)
    for start in sorted({0, min(100, n - 1), min(252, n - 1), n - 1}):
        expected = (close / close.shift(252) - 1).to_numpy()[start:]
        np.testing.assert_array_equal(history.rolling_return(values, start), expected)
        expected = (close / close.cummax() - 1).to_numpy()[start:]
        np.testing.assert_array_equal(drawdown_path(values, start), expected)


def price_series(symbol: str, days: pd.DatetimeIndex, values: np.ndarray) -> Series:
    frame = pd.DataFrame(
        {c: values for c in ("open", "high", "low", "close", "adj_close")} | {"volume": 0.0},
        index=pd.DatetimeIndex(days, name="date"),
    )
    return Series(symbol, frame, "test")


def pair_market(small_days: pd.DatetimeIndex, large_days: pd.DatetimeIndex) -> Market:
    """Small and large with closes that depend only on the date, on their own sessions."""
    every = calendar.sessions("1995-01-03", "2024-06-28")
    small, large = random_closes(every, 11), random_closes(every, 12)
    tnx = every[every.day % 7 != 3]  # a calendar of its own, with missing values
    yields = np.linspace(6.0, 1.5, len(tnx))
    yields[::50] = np.nan
    series = {
        "^TNX": price_series("^TNX", tnx, yields),
        CONFIG.small.index: price_series(
            CONFIG.small.index, small_days, small[every.isin(small_days)]
        ),
        CONFIG.large.index: price_series(
            CONFIG.large.index, large_days, large[every.isin(large_days)]
        ),
    }
    return Market(series)


def assert_same_charts(left: Market, right: Market, week: pd.Timestamp) -> None:
    a, b = compute_charts(left, CONFIG, week), compute_charts(right, CONFIG, week)
    assert a.omitted == b.omitted
    assert list(a.frames) == list(b.frames)
    for name, frame in a.frames.items():
        pd.testing.assert_frame_equal(frame, b.frames[name], check_exact=True)
        assert frame.attrs == b.frames[name].attrs


def test_frames_do_not_depend_on_dates_only_one_side_has() -> None:
    days = calendar.sessions("2000-01-03", "2024-06-28")
    longer = calendar.sessions("1995-01-03", "2024-06-28")
    week = pd.Timestamp("2024-06-28")
    # Large's extra history predates small's: the pair is aligned, the ladder unaffected.
    assert_same_charts(pair_market(days, days), pair_market(days, longer), week)


def test_a_cut_shared_with_the_metrics_gives_the_same_frames() -> None:
    days = calendar.sessions("2000-01-03", "2024-06-28")
    market = pair_market(days, days)
    week = pd.Timestamp("2024-06-28")
    shared = truncate_market(market, week)
    compute_metrics(shared, CONFIG, week)  # fills the cut's caches the charts read
    assert_same_charts(shared, truncate_market(market, week), week)
