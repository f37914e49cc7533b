"""Rates, valuation and the curated valuation file: hand-computed values and real-data nulls."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.calendar import sessions
from generator.config import parse_config
from generator.curated import VALUATION_COLUMNS, load_valuations, parse_valuations
from generator.errors import DataError
from generator.metrics.common import Unavailable
from generator.metrics.cycle import compute_cycle
from generator.metrics.rates import compute_rates, rolling_rate_sensitivity, yield_changes
from generator.metrics.seasonality import compute_seasonality
from generator.metrics.valuation import compute_valuation
from generator.model import FF_BEME_BIG, FF_BEME_SMALL, Market, Series

CONFIG = parse_config(
    {
        "pair": {
            "small": {"index": "^RUT", "total_return": "IWM"},
            "large": {"index": "^GSPC", "total_return": "SPY"},
        },
        "rates": {"13w": "^IRX", "5y": "^FVX", "10y": "^TNX", "30y": "^TYX"},
        "valuation": {"stale_after_days": 30},
    }
)
HEADER = ",".join(VALUATION_COLUMNS)


def ohlcv(symbol: str, close: pd.Series) -> Series:
    """An OHLCV series whose every price column is ``close`` (yields use the same layout)."""
    prices = {c: close.to_numpy(dtype=float) for c in ("open", "high", "low", "close", "adj_close")}
    frame = pd.DataFrame(prices, index=pd.DatetimeIndex(close.index, name="date"))
    frame["volume"] = np.nan
    return Series(symbol, frame, "test")


def values(symbol: str, points: dict[str, float], frequency: str = "daily") -> Series:
    index = pd.DatetimeIndex(pd.to_datetime(list(points)), name="date")
    frame = pd.DataFrame({"value": list(points.values())}, index=index, dtype=float)
    return Series(symbol, frame, "test", schema="value", measure="ratio", frequency=frequency)


def daily(points: dict[str, float]) -> pd.Series:
    return pd.Series(
        list(points.values()), index=pd.DatetimeIndex(pd.to_datetime(list(points))), dtype=float
    )


# --- rates -----------------------------------------------------------------------------------

TNX = daily({"2019-06-13": 2.10, "2019-09-06": 1.55, "2019-09-09": 1.60, "2019-09-13": 1.90})


def test_yield_level_and_changes_in_percentage_points() -> None:
    out = yield_changes(TNX, pd.Timestamp("2019-09-13"))
    assert out["level"] == 1.90
    assert out["change_1w"] == pytest.approx(0.35)  # against Friday 2019-09-06
    assert out["change_3m"] == pytest.approx(-0.20)  # against 2019-06-13


def test_yield_change_without_a_recent_base_is_null_with_reason() -> None:
    out = yield_changes(daily({"2019-08-01": 2.0, "2019-09-13": 1.9}), pd.Timestamp("2019-09-13"))
    assert out["change_1w"] is None and "within 10 days" in out["change_1w_reason"]


def test_stale_yield_is_null_with_data_through() -> None:
    irx = daily({"2019-09-10": 1.9, "2019-09-13": 1.95})
    market = Market({"^TNX": ohlcv("^TNX", TNX), "^IRX": ohlcv("^IRX", irx)})
    out = compute_rates(market, CONFIG, pd.Timestamp("2019-09-27"))
    tnx = out["yields"]["10y"]
    assert tnx["level"] is None and "2019-09-13" in tnx["level_reason"]
    assert tnx["data_through"] == "2019-09-13" and tnx["stale"] is True
    assert out["yields"]["30y"]["data_through"] is None and out["yields"]["30y"]["stale"] is False
    assert out["slope_10y_13w"] is None and out["slope_10y_13w_reason"]
    assert out["sensitivity"]["10y"] is None and out["sensitivity"]["10y_reason"]


def test_slope_is_ten_year_minus_thirteen_week() -> None:
    irx = daily({"2019-09-06": 1.95, "2019-09-13": 1.90})
    market = Market({"^TNX": ohlcv("^TNX", TNX), "^IRX": ohlcv("^IRX", irx)})
    out = compute_rates(market, CONFIG, pd.Timestamp("2019-09-13"))
    assert out["slope_10y_13w"] == pytest.approx(0.0)
    assert out["yields"]["13w"]["change_1w"] == pytest.approx(-0.05)


def weekly_market(weeks: int, noise: float) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Friday closes where small's weekly return = -0.02 * yield change (+ noise); large flat."""
    rng = np.random.default_rng(7)
    fridays = pd.date_range("2018-01-05", periods=weeks, freq="7D")
    changes = rng.normal(0, 0.1, weeks)
    changes[0] = 0.0
    yields = 2.0 + np.cumsum(changes)
    weekly = -0.02 * changes + noise * rng.normal(0, 0.01, weeks)
    weekly[0] = 0.0
    small = 100 * np.cumprod(1 + weekly)
    return pd.Series(small, fridays), pd.Series(100.0, fridays), pd.Series(yields, fridays)


def test_rolling_sensitivity_recovers_an_exact_beta() -> None:
    small, large, yields = weekly_market(60, noise=0.0)
    out = rolling_rate_sensitivity(small, large, yields)
    # 52 weekly changes need 53 weeks: the first beta is in the 53rd week (labelled by Monday).
    assert out["beta"].first_valid_index() == small.index[52] - pd.Timedelta(days=4)
    assert out["beta"].iloc[-1] == pytest.approx(-0.02, abs=1e-12)
    assert out["corr"].iloc[-1] == pytest.approx(-1.0, abs=1e-12)


def test_rolling_sensitivity_against_numpy_on_the_last_52_weeks() -> None:
    small, large, yields = weekly_market(80, noise=1.0)
    out = rolling_rate_sensitivity(small, large, yields)
    x = np.diff(yields.to_numpy())[-52:]
    y = (small.pct_change() - large.pct_change()).to_numpy()[-52:]
    assert out["beta"].iloc[-1] == pytest.approx(np.polyfit(x, y, 1)[0], rel=1e-9)
    assert out["corr"].iloc[-1] == pytest.approx(np.corrcoef(x, y)[0, 1], rel=1e-9)
    assert out["weeks"].iloc[-1] == 52


def test_compute_rates_reports_current_sensitivity() -> None:
    small, large, yields = weekly_market(70, noise=1.0)
    market = Market(
        {
            "^RUT": ohlcv("^RUT", small),
            "^GSPC": ohlcv("^GSPC", large),
            "^TNX": ohlcv("^TNX", yields),
        }
    )
    out = compute_rates(market, CONFIG, small.index[-1])
    rolling = rolling_rate_sensitivity(small, large, yields).iloc[-1]
    assert out["sensitivity"]["10y"]["beta"] == pytest.approx(rolling["beta"], rel=1e-9)
    assert out["sensitivity"]["10y"]["corr"] == pytest.approx(rolling["corr"], rel=1e-9)
    assert out["sensitivity"]["10y"]["weeks"] == 52
    assert out["sensitivity"]["13w"] is None and "^IRX" in out["sensitivity"]["13w_reason"]
    # A week without data inside the window makes the current value null, not a shorter fit.
    holed = Market({**market.series, "^GSPC": ohlcv("^GSPC", large.drop(large.index[-10]))})
    sens = compute_rates(holed, CONFIG, small.index[-1])["sensitivity"]
    assert sens["10y"] is None and "52 complete consecutive weeks" in sens["10y_reason"]


def test_real_data_2026_has_rates_null_with_reasons(marketdata: Path) -> None:
    def read(symbol: str) -> pd.Series:
        frame = pd.read_csv(
            marketdata / "prices" / f"{symbol}.csv", na_values=["null"], index_col="Date"
        )
        return pd.Series(frame["Close"].to_numpy(dtype=float), index=pd.to_datetime(frame.index))

    market = Market(
        {s: ohlcv(s, read(s)) for s in ("^RUT", "^GSPC", "^IRX", "^FVX", "^TNX", "^TYX")}
    )
    late = compute_rates(market, CONFIG, pd.Timestamp("2026-08-21"))
    for key in ("13w", "5y", "10y", "30y"):
        entry = late["yields"][key]
        assert entry["level"] is None and entry["stale"] and entry["data_through"] == "2019-09-17"
    early = compute_rates(market, CONFIG, pd.Timestamp("2019-09-13"))
    tnx = read("^TNX").dropna()
    assert early["yields"]["10y"]["level"] == tnx["2019-09-13"]
    assert early["yields"]["10y"]["change_1w"] == pytest.approx(
        tnx["2019-09-13"] - tnx["2019-09-06"]
    )
    assert early["slope_10y_13w"] == pytest.approx(tnx["2019-09-13"] - read("^IRX")["2019-09-13"])
    assert early["sensitivity"]["10y"]["weeks"] == 52


# --- valuation -------------------------------------------------------------------------------

CURATED = f"""{HEADER}
2026-01-15,small,16.0,0.20,Source A,
2026-01-15,large,20.0,0.10,Source A,
2026-03-31,large,22.0,,Source B,only P/E
"""


def test_valuation_discount_uses_the_latest_row_per_side() -> None:
    market = Market({}, valuations=parse_valuations(CURATED, "v.csv"))
    out = compute_valuation(market, CONFIG, pd.Timestamp("2026-04-03"))["curated"]
    assert out["small"]["date"] == "2026-01-15" and out["large"]["date"] == "2026-03-31"
    assert out["discount"] == pytest.approx(16.0 / 22.0 - 1)
    assert out["large_earnings_growth"] is None and out["earnings_growth_gap"] is None
    assert out["earnings_growth_gap_reason"]
    assert out["small"]["age_days"] == 78 and out["small"]["stale"] is True  # > 30 days
    assert out["large"]["stale"] is False and out["stale"] is True
    assert out["source"] == "Source A; Source B" and out["date"] == "2026-01-15"


def test_valuation_before_any_entry_and_future_rows_ignored() -> None:
    market = Market({}, valuations=parse_valuations(CURATED, "v.csv"))
    early = compute_valuation(market, CONFIG, pd.Timestamp("2026-01-09"))
    assert early["curated"] is None and early["curated_reason"]
    fresh = compute_valuation(market, CONFIG, pd.Timestamp("2026-01-16"))["curated"]
    assert fresh["discount"] == pytest.approx(-0.2) and fresh["stale"] is False
    assert fresh["earnings_growth_gap"] == pytest.approx(0.10)


def test_trailing_pe_and_book_to_market() -> None:
    market = Market(
        {
            "PE:IWM": values("PE:IWM", {"2026-08-14": 18.0, "2026-08-21": 15.0}),
            "PE:SPY": values("PE:SPY", {"2026-08-21": 25.0}),
            FF_BEME_SMALL: values(FF_BEME_SMALL, {"2024-11-01": 1.1, "2024-12-01": 1.2}, "monthly"),
            FF_BEME_BIG: values(FF_BEME_BIG, {"2024-11-01": 0.3, "2024-12-01": 0.4}, "monthly"),
        }
    )
    out = compute_valuation(market, CONFIG, pd.Timestamp("2024-12-20"))
    # December's row is not known before December ends: November is the latest.
    assert out["book_to_market"]["ratio"] == pytest.approx(1.1 / 0.3)
    out = compute_valuation(market, CONFIG, pd.Timestamp("2026-08-21"))
    assert out["trailing_pe"]["discount"] == pytest.approx(15.0 / 25.0 - 1)
    assert out["trailing_pe"]["small"]["date"] == "2026-08-21"
    assert out["book_to_market"]["ratio"] == pytest.approx(1.2 / 0.4)
    later = compute_valuation(market, CONFIG, pd.Timestamp("2026-09-25"))
    assert (
        later["trailing_pe"]["small"]["stale"] is True and later["trailing_pe"]["discount"] is None
    )


def test_missing_valuation_inputs_are_null_with_reasons() -> None:
    out = compute_valuation(Market({}), CONFIG, pd.Timestamp("2026-08-21"))
    for key in ("curated", "trailing_pe", "book_to_market"):
        assert out[key] is None and out[f"{key}_reason"]


# --- curated file ----------------------------------------------------------------------------


def test_load_valuations_missing_file_is_empty(tmp_path: Path) -> None:
    frame = load_valuations(tmp_path / "valuation.csv")
    assert frame.empty and tuple(frame.columns) == VALUATION_COLUMNS


def test_load_valuations_sorts_and_skips_comments(tmp_path: Path) -> None:
    path = tmp_path / "valuation.csv"
    path.write_text(
        f'# comment\n{HEADER}\n2026-03-31,small,15,0.1,"Pub, p. 3",\n\n2026-01-15,large,20,,Pub,\n',
        encoding="utf-8",
    )
    frame = load_valuations(path)
    assert frame["date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-01-15", "2026-03-31"]
    assert frame["source"].tolist() == ["Pub", "Pub, p. 3"]
    assert np.isnan(frame["earnings_growth"].iloc[0]) and frame["forward_pe"].iloc[1] == 15.0


def test_the_shipped_curated_file_loads() -> None:
    frame = load_valuations(Path(__file__).resolve().parents[1] / "data" / "valuation.csv")
    assert tuple(frame.columns) == VALUATION_COLUMNS


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("2026-02-30,small,15,,Pub,", "line 3, column date: '2026-02-30' is not an ISO date"),
        ("15/01/2026,small,15,,Pub,", "line 3, column date"),
        ("2026-01-15,mid,15,,Pub,", "line 3, column side: 'mid' is not one of small, large"),
        ("2026-01-15,small,fifteen,,Pub,", "line 3, column forward_pe: 'fifteen' is not a number"),
        (
            "2026-01-15,small,15,12,Pub,",
            "line 3, column earnings_growth: '12' looks like a percent",
        ),
        ("2026-01-15,small,-3,,Pub,", "line 3, column forward_pe: '-3' must be positive"),
        ("2026-01-15,small,15,,,", "line 3, column source: a source is required"),
        ("2026-01-15,small,,,Pub,", "line 3: forward_pe and earnings_growth are both empty"),
        ("2026-01-15,small,15,Pub,", "line 3: expected 6 columns, found 5"),
        ("2026-01-01,small,15,,Pub,", "line 3: a small row dated 2026-01-01 already exists"),
    ],
)
def test_curated_file_errors_name_file_line_and_column(
    tmp_path: Path, row: str, message: str
) -> None:
    path = tmp_path / "valuation.csv"
    path.write_text(f"{HEADER}\n2026-01-01,small,14,,Pub,\n{row}\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        load_valuations(path)
    assert str(info.value).startswith(f"{path} line")
    assert message in str(info.value)


def test_curated_file_with_a_wrong_header(tmp_path: Path) -> None:
    path = tmp_path / "valuation.csv"
    path.write_text("date,side,pe\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"valuation.csv line 1: header must be date,side"):
        load_valuations(path)


@settings(max_examples=25, deadline=None)
@given(
    start=st.integers(0, 400),
    length=st.integers(1, 90),
    steps=st.lists(st.floats(-0.2, 0.2), min_size=90, max_size=90),
    holes=st.lists(st.booleans(), min_size=90, max_size=90),
)
def test_sections_never_raise_on_short_or_gappy_series(
    start: int, length: int, steps: list[float], holes: list[bool]
) -> None:
    days = sessions("2018-01-01", "2020-12-31")[start : start + length]
    keep = ~np.asarray(holes[: len(days)])
    keep[-1] = True  # the week's last session exists
    price = pd.Series(100 * np.cumprod(1 + np.asarray(steps[: len(days)])), index=days)[keep]
    rate = pd.Series(2 + np.cumsum(steps[: len(days)]), index=days)[keep]
    market = Market(
        {
            "^RUT": ohlcv("^RUT", price),
            "^GSPC": ohlcv("^GSPC", price * 0 + 50),
            "^TNX": ohlcv("^TNX", rate),
            "^IRX": ohlcv("^IRX", rate * 0 + 1),
        }
    )
    week_end = days[-1]
    for compute in (compute_seasonality, compute_cycle, compute_rates, compute_valuation):
        try:
            out = compute(market, CONFIG, week_end)
        except Unavailable:
            continue
        json.dumps(out, allow_nan=False)


def test_beta_interval_matches_the_residual_standard_error() -> None:
    """The 99% interval of the rate beta, from beta and r alone, equals the textbook OLS one
    computed from the residuals, with t(0.995, 50) = 2.677793 from a t table."""
    from generator.metrics.rates import beta_interval

    rng = np.random.default_rng(7)
    x = rng.normal(size=52)
    y = -0.004 * x + rng.normal(scale=0.01, size=52)
    dx, dy = x - x.mean(), y - y.mean()
    beta = (dx @ dy) / (dx @ dx)
    corr = (dx @ dy) / np.sqrt((dx @ dx) * (dy @ dy))
    residuals = dy - beta * dx
    se = np.sqrt(residuals @ residuals / 50 / (dx @ dx))
    low, high = beta_interval(beta, corr, 52)
    assert (low, high) == pytest.approx((beta - 2.677793 * se, beta + 2.677793 * se), rel=1e-5)
