"""Seasonality and presidential-cycle metrics: hand-computed tiny frames and real-data checks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from generator.calendar import sessions
from generator.config import parse_config
from generator.metrics.common import Unavailable
from generator.metrics.cycle import annual_arrays, compute_cycle, phase_of_year
from generator.metrics.groupstats import bootstrap_mean_ci
from generator.metrics.monthly import (
    Closes,
    clean_arrays,
    closes_of,
    key_to_month_start,
    month_pairs,
    month_stats,
)
from generator.metrics.paths import spread_paths
from generator.metrics.seasonality import (
    FIRST_SESSIONS,
    compute_seasonality,
    first_sessions_arrays,
    window_arrays,
)
from generator.model import FF_BIG_MONTHLY, FF_SMALL_MONTHLY, Market, Series

CONFIG = parse_config(
    {
        "pair": {"small": {"index": "^RUT"}, "large": {"index": "^GSPC"}},
        "rates": {"13w": "^IRX", "5y": "^FVX", "10y": "^TNX", "30y": "^TYX"},
    }
)


# The package's array functions on a close Series (the sections call them on ``Closes``).


def closes_of_series(close: pd.Series, week_end: pd.Timestamp | None = None) -> Closes:
    return closes_of(*clean_arrays(close.index.values, close.to_numpy(dtype=float), week_end))


def monthly_returns(close: pd.Series, week_end: pd.Timestamp | None = None) -> pd.Series:
    keys, returns = closes_of_series(close, week_end).month_returns()
    return pd.Series(returns, index=key_to_month_start(keys))


def by_year(years: np.ndarray, returns: np.ndarray) -> dict[int, float]:
    return dict(zip(years.tolist(), returns.tolist(), strict=True))


def window_returns(close: pd.Series, week_end: pd.Timestamp | None = None) -> dict[int, float]:
    days, values = clean_arrays(close.index.values, close.to_numpy(dtype=float), week_end)
    return by_year(*window_arrays(days, values))


def first_sessions_returns(
    close: pd.Series, week_end: pd.Timestamp | None = None
) -> dict[int, float]:
    side = closes_of_series(close, week_end)
    return by_year(
        *first_sessions_arrays(side.days, side.values, FIRST_SESSIONS, side.first_key, side.ends)
    )


def annual_returns(close: pd.Series) -> dict[int, float]:
    side = closes_of_series(close)
    return by_year(*annual_arrays(side.end_keys, side.ends))


def closes(points: dict[str, float]) -> pd.Series:
    """A close series from {ISO date: close}."""
    index = pd.DatetimeIndex(pd.to_datetime(list(points)), name="date")
    return pd.Series(list(points.values()), index=index, dtype=float)


def last_sessions(start: str, end: str) -> pd.DatetimeIndex:
    """The last NYSE session of every month from start to end."""
    days = sessions(start, end)
    keys = days.year * 12 + days.month
    return days[np.r_[keys[1:] != keys[:-1], True]]


def month_end_series(first_month_end: str, returns: list[float], base: float = 100.0) -> pd.Series:
    """Closes on month-end sessions compounding ``returns`` from ``base`` at the first month end."""
    ends = last_sessions(first_month_end, "2100-01-01")[: len(returns) + 1]
    levels = base * np.cumprod(np.r_[1.0, 1 + np.asarray(returns)])
    return pd.Series(levels, index=pd.DatetimeIndex(ends, name="date"))


def as_series(symbol: str, close: pd.Series) -> Series:
    frame = pd.DataFrame(
        {c: close.to_numpy() for c in ("open", "high", "low", "close", "adj_close")}
    )
    frame["volume"] = np.nan
    frame.index = close.index
    return Series(symbol, frame, "test")


# Three years 2018-2020 from the Dec 2017 month end. Small: 0.01 * month plus a year offset
# (0, +0.03, -0.0325); large: 0.005 * month every year. Spread = 0.005 * month + offset.
OFFSETS = {2018: 0.0, 2019: 0.03, 2020: -0.0325}
SMALL_RETURNS = [0.01 * m + OFFSETS[y] for y in (2018, 2019, 2020) for m in range(1, 13)]
LARGE_RETURNS = [0.005 * m for _ in range(3) for m in range(1, 13)]


@pytest.fixture
def three_years() -> tuple[pd.Series, pd.Series]:
    return month_end_series("2017-12-01", SMALL_RETURNS), month_end_series(
        "2017-12-01", LARGE_RETURNS
    )


def test_monthly_returns_use_month_end_closes_and_drop_an_incomplete_month() -> None:
    close = closes(
        {
            "2019-12-31": 100,
            "2020-01-15": 105,
            "2020-01-31": 110,
            "2020-02-28": 99,
            "2020-03-13": 120,
        }
    )
    out = monthly_returns(close)
    assert list(out.index) == [pd.Timestamp("2020-01-01"), pd.Timestamp("2020-02-01")]
    assert out.tolist() == pytest.approx([0.10, -0.10], abs=1e-15)
    # Cut at the last session of February: March does not exist yet.
    assert len(monthly_returns(close, pd.Timestamp("2020-02-28"))) == 2
    # Cut inside February: only January is complete.
    assert monthly_returns(close, pd.Timestamp("2020-02-27")).tolist() == pytest.approx([0.10])


def test_month_after_a_hole_has_no_return() -> None:
    # No close in February: March's return would span two months, so it is dropped.
    close = closes({"2019-12-31": 100, "2020-01-31": 110, "2020-03-31": 121})
    assert monthly_returns(close).tolist() == pytest.approx([0.10])


def test_month_table_hand_computed(three_years: tuple[pd.Series, pd.Series]) -> None:
    small, large = three_years
    pairs = month_pairs(
        closes_of_series(small).month_returns(), closes_of_series(large).month_returns()
    )
    assert pairs.first_year() == 2018 and len(pairs.keys) == 36
    table = month_stats(pairs).set_index("month")
    for m in range(1, 13):
        row = table.loc[m]
        offsets = list(OFFSETS.values())
        assert row["years"] == 3
        assert row["small_mean"] == pytest.approx(0.01 * m + np.mean(offsets), abs=1e-12)
        assert row["small_median"] == pytest.approx(0.01 * m, abs=1e-12)
        assert row["large_mean"] == pytest.approx(0.005 * m, abs=1e-12)
        assert row["spread_mean"] == pytest.approx(0.005 * m + np.mean(offsets), abs=1e-12)
        assert row["spread_median"] == pytest.approx(0.005 * m, abs=1e-12)
        assert row["hit_rate"] == pytest.approx(2 / 3 if m <= 6 else 1.0)
        spreads = [0.005 * m + o for o in offsets]  # chronological order
        assert (row["spread_ci90_low"], row["spread_ci90_high"]) == pytest.approx(
            bootstrap_mean_ci(np.array(spreads)), abs=1e-12
        )
        assert row["spread_ci90_low"] <= row["spread_mean"] <= row["spread_ci90_high"]


def test_bootstrap_matches_a_plain_resampling_loop_and_is_deterministic() -> None:
    values = np.array([0.03, -0.01, 0.02, 0.05, -0.04, 0.00, 0.01])
    rng = np.random.default_rng(20260101)
    picks = rng.integers(0, len(values), size=(2000, len(values)))
    means = np.array([values[row].mean() for row in picks])
    expected = np.quantile(means, [0.05, 0.95])
    assert bootstrap_mean_ci(values) == pytest.approx(tuple(expected), abs=1e-14)
    assert bootstrap_mean_ci(values) == bootstrap_mean_ci(values.copy())
    assert bootstrap_mean_ci(values, seed=1) != bootstrap_mean_ci(values)
    assert np.isnan(bootstrap_mean_ci(np.array([0.01]))).all()


def test_window_and_first_five_sessions() -> None:
    close = closes(
        {
            "2018-12-14": 100,  # last close on or before Sat Dec 15
            "2018-12-31": 90,
            "2019-01-02": 91,
            "2019-01-03": 92,
            "2019-01-04": 93,
            "2019-01-07": 94,
            "2019-01-08": 99,  # fifth January session
            "2019-01-09": 50,
            "2019-02-15": 110,  # last close on or before Feb 15
            "2019-02-19": 10,
        }
    )
    assert window_returns(close) == pytest.approx({2019: 0.10})
    assert first_sessions_returns(close) == pytest.approx({2019: 0.10})
    # Before Feb 15 has closed the window is not complete; before the fifth session neither.
    assert window_returns(close, pd.Timestamp("2019-02-14")) == {}
    assert first_sessions_returns(close, pd.Timestamp("2019-01-07")) == {}


def test_cumulative_spread_path_compounds() -> None:
    years, grid = spread_paths(
        np.array([2020, 2020]), np.array([1, 2]), np.array([0.10, 0.10]), np.array([0.05, 0.0])
    )
    assert years.tolist() == [2020]
    path = grid[0]
    assert path[0] == pytest.approx(0.05) and path[1] == pytest.approx(1.21 - 1.05)
    assert np.isnan(path[2])


def test_compute_seasonality_section(three_years: tuple[pd.Series, pd.Series]) -> None:
    small, large = three_years
    week_end = pd.Timestamp("2020-12-31")
    market = Market({"^RUT": as_series("^RUT", small), "^GSPC": as_series("^GSPC", large)})
    out = compute_seasonality(market, CONFIG, week_end)
    assert out["first_year"] == 2018 and out["last_complete_month"] == "2020-12"
    january = out["months"][0]
    assert january["month"] == 1 and january["years"] == 3
    assert january["hit_rate"] == pytest.approx(2 / 3)
    assert (
        out["french"] is None
        and "no Ken French size-portfolio data on record" in out["french_reason"]
    )
    # Average path over 2018 and 2019, month 1: mean of the two January spreads.
    assert out["average_path_years"] == 2
    assert out["average_path"][0]["spread"] == pytest.approx(0.005 + 0.015)
    assert out["current_year_path"][0]["spread"] == pytest.approx(0.005 - 0.0325)


def test_french_monthly_series_feed_the_french_table(
    three_years: tuple[pd.Series, pd.Series],
) -> None:
    small, large = three_years
    months = pd.date_range("2018-01-01", periods=36, freq="MS", name="date")

    def monthly(symbol: str, values: list[float]) -> Series:
        frame = pd.DataFrame({"value": values}, index=months)
        return Series(
            symbol, frame, "french", schema="value", measure="return", frequency="monthly"
        )

    market = Market(
        {
            "^RUT": as_series("^RUT", small),
            "^GSPC": as_series("^GSPC", large),
            FF_SMALL_MONTHLY: monthly(FF_SMALL_MONTHLY, SMALL_RETURNS),
            FF_BIG_MONTHLY: monthly(FF_BIG_MONTHLY, LARGE_RETURNS),
        }
    )
    french = compute_seasonality(market, CONFIG, pd.Timestamp("2020-12-31"))["french"]
    assert french["basis"] == "monthly" and french["first_year"] == 2018
    assert french["months"][6]["spread_median"] == pytest.approx(0.035)
    assert french["dec15_feb15"] is None and french["dec15_feb15_reason"]


@pytest.mark.parametrize(("year", "phase"), [(2024, 0), (2025, 1), (2026, 2), (2027, 3), (1988, 0)])
def test_cycle_phase_by_year(year: int, phase: int) -> None:
    assert phase_of_year(year) == phase


def test_cycle_section_hand_computed() -> None:
    # Year-end closes 2015..2019: small 100, 110, 121, 108.9, 130.68; large flat then +5% in 2019.
    ends = last_sessions("2015-12-01", "2019-12-31")[::12]
    small = pd.Series([100, 110, 121, 108.9, 130.68], index=ends, dtype=float)
    large = pd.Series([100, 100, 100, 100, 105], index=ends, dtype=float)
    extra = pd.Timestamp("2020-06-30")  # 2020 is not complete: no annual return
    small[extra], large[extra] = 200.0, 50.0
    assert annual_returns(small) == pytest.approx({2016: 0.10, 2017: 0.10, 2018: -0.10, 2019: 0.20})
    market = Market({"^RUT": as_series("^RUT", small), "^GSPC": as_series("^GSPC", large)})
    out = compute_cycle(market, CONFIG, pd.Timestamp("2020-06-30"))
    assert out["phase"] == 0 and out["phase_name"] == "election"
    by_phase = {row["phase"]: row for row in out["phases"]}
    assert by_phase[0]["spread_mean"] == pytest.approx(0.10) and by_phase[0]["years"] == 1
    assert by_phase[2]["spread_mean"] == pytest.approx(-0.10) and by_phase[2]["hit_rate"] == 0
    assert by_phase[3]["spread_mean"] == pytest.approx(0.15)
    assert by_phase[3]["spread_ci90_low"] is None and by_phase[3]["spread_ci90_low_reason"]
    assert out["last_complete_year"] == 2019


# --- real data -------------------------------------------------------------------------------


def read_prices(folder: Path, symbol: str) -> pd.Series:
    frame = pd.read_csv(folder / "prices" / f"{symbol}.csv", na_values=["null"], index_col="Date")
    frame.index = pd.DatetimeIndex(pd.to_datetime(frame.index), name="date")
    return frame["Close"].astype(float)


def real_market(folder: Path) -> Market:
    return Market({s: as_series(s, read_prices(folder, s)) for s in ("^RUT", "^GSPC")})


@pytest.mark.parametrize("week_end", ["2019-09-13", "2026-08-21"])
def test_january_hit_rate_against_a_plain_loop(marketdata: Path, week_end: str) -> None:
    market = real_market(marketdata)
    out = compute_seasonality(market, CONFIG, pd.Timestamp(week_end))
    rut, spx = read_prices(marketdata, "^RUT").dropna(), read_prices(marketdata, "^GSPC").dropna()
    wins = years = 0
    spreads = []
    for year in range(1988, pd.Timestamp(week_end).year + 1):
        december = (pd.Timestamp(year - 1, 12, 1), pd.Timestamp(year - 1, 12, 31))
        january = (pd.Timestamp(year, 1, 1), pd.Timestamp(year, 1, 31))
        r = rut[january[0] : january[1]].iloc[-1] / rut[december[0] : december[1]].iloc[-1] - 1
        s = spx[january[0] : january[1]].iloc[-1] / spx[december[0] : december[1]].iloc[-1] - 1
        years += 1
        wins += r > s
        spreads.append(r - s)
    assert out["first_year"] == 1988  # ^RUT starts 1987-09-10
    assert out["months"][0]["years"] == years
    assert out["months"][0]["hit_rate"] == pytest.approx(wins / years, abs=1e-15)
    assert out["months"][0]["spread_mean"] == pytest.approx(np.mean(spreads), abs=1e-12)


def test_french_table_against_the_library_file(marketdata: Path) -> None:
    raw = pd.read_csv(marketdata / "french" / "Portfolios_Formed_on_ME_Daily.csv")
    dates = pd.DatetimeIndex(pd.to_datetime(raw["Date"].astype(str), format="%Y%m%d"), name="date")
    series = {}
    for column, symbol in (("Lo 30", "FF_ME_LO30"), ("Hi 30", "FF_ME_HI30")):
        values = raw[column].astype(float).where(raw[column] != -99.99) / 100
        frame = pd.DataFrame({"value": values.to_numpy()}, index=dates)
        series[symbol] = Series(symbol, frame, "french", schema="value", measure="return")
    market = Market({**real_market(marketdata).series, **series})
    french = compute_seasonality(market, CONFIG, pd.Timestamp("2019-09-13"))["french"]
    assert french["basis"] == "daily" and french["first_year"] == 1927
    # Independent: compound each January's daily returns, 1927..2019.
    daily = raw.assign(date=dates).set_index("date")[["Lo 30", "Hi 30"]].astype(float) / 100
    january = daily[
        (daily.index.month == 1) & (daily.index.year >= 1927) & (daily.index.year <= 2019)
    ]
    compounded = (1 + january).groupby(january.index.year).prod() - 1
    spread = compounded["Lo 30"] - compounded["Hi 30"]
    assert french["months"][0]["years"] == len(spread) == 93
    assert french["months"][0]["spread_mean"] == pytest.approx(spread.mean(), abs=1e-12)
    assert french["months"][0]["hit_rate"] == pytest.approx((spread > 0).mean(), abs=1e-15)


def test_cycle_on_real_data_2026_is_midterm(marketdata: Path) -> None:
    out = compute_cycle(real_market(marketdata), CONFIG, pd.Timestamp("2026-08-21"))
    assert out["phase"] == 2 and out["phase_name"] == "midterm"
    rut, spx = read_prices(marketdata, "^RUT").dropna(), read_prices(marketdata, "^GSPC").dropna()
    years = [y for y in range(1988, 2026) if y % 4 == 2]
    spreads = [
        (rut[str(y)].iloc[-1] / rut[str(y - 1)].iloc[-1])
        - (spx[str(y)].iloc[-1] / spx[str(y - 1)].iloc[-1])
        for y in years
    ]
    midterm = out["phases"][2]
    assert midterm["years"] == len(years)
    assert midterm["spread_mean"] == pytest.approx(np.mean(spreads), abs=1e-12)


@pytest.mark.parametrize(
    "points",
    [
        {"2020-01-31": 100.0},  # one row
        {"2019-12-31": 100.0, "2020-01-31": 100.0, "2020-02-28": 100.0},  # flat
        {"2019-12-31": 100.0, "2020-06-30": 90.0, "2020-07-02": 95.0},  # gappy
        {"2020-07-01": 100.0, "2020-07-02": np.nan, "2020-07-03": -1.0},  # junk closes
    ],
)
def test_short_or_odd_series_give_nulls_not_crashes(points: dict[str, float]) -> None:
    close = closes(points)
    market = Market({"^RUT": as_series("^RUT", close), "^GSPC": as_series("^GSPC", close)})
    week_end = close.index[-1]
    for compute in (compute_seasonality, compute_cycle):
        try:
            out = compute(market, CONFIG, week_end)
        except Unavailable as exc:
            assert str(exc)
        else:
            assert out["small"] == "^RUT"


def test_sections_are_point_in_time(marketdata: Path) -> None:
    market = real_market(marketdata)
    for day in ("1999-12-31", "2008-10-10", "2019-01-04", "2020-03-20"):
        week_end = pd.Timestamp(day)
        cut = Market({s: as_series(s, read_prices(marketdata, s)[:day]) for s in ("^RUT", "^GSPC")})
        for compute in (compute_seasonality, compute_cycle):
            assert compute(market, CONFIG, week_end) == compute(cut, CONFIG, week_end)
