"""Core metrics against hand-computed values on tiny frames the tests build."""

from __future__ import annotations

import json
import math
import statistics

import numpy as np
import pandas as pd
import pytest

from generator.config import parse_config
from generator.jsontext import indented_json
from generator.metrics import compute_core, leadership_regimes, relative_ratio
from generator.metrics.changes import changes_section
from generator.metrics.codec import Missing
from generator.metrics.common import Unavailable, current_close, truncate_frame, truncate_market
from generator.metrics.document import plain
from generator.metrics.drawdowns import drawdown_metrics, high_metrics, max_drawdown
from generator.metrics.ladder import ladder_section
from generator.metrics.relative import (
    common_closes,
    percentile_of_last,
    relative_metrics,
    run_lengths,
    turning_points,
    weekly_closes,
    weekly_last,
    weekly_spread_arrays,
)
from generator.metrics.returns import pair_returns, period_boundary, period_return
from generator.metrics.risk import corr_beta, risk_section, rolling_risk_table, vol
from generator.model import Market, Series

RAW_CONFIG = {
    "pair": {
        "small": {"index": "SM", "total_return": "SMTR", "name": "Small"},
        "large": {"index": "LG", "total_return": "LGTR", "name": "Large"},
    },
    "ladder": {"AAA": "Ladder A", "BBB": "Ladder B"},
    "rates": {"13w": "R13", "5y": "R5", "10y": "R10", "30y": "R30"},
    "rotation": {"a_vs_b": ["AAA", "BBB"]},
}
CONFIG = parse_config(RAW_CONFIG)


def closes(values: list[float], dates: list[str] | pd.DatetimeIndex) -> pd.Series:
    return pd.Series(values, index=pd.DatetimeIndex(dates, name="date"), dtype=float)


def ohlcv(symbol: str, close: pd.Series, adj: pd.Series | None = None) -> Series:
    frame = pd.DataFrame(
        {
            "open": close,
            "high": close,
            "low": close,
            "close": close,
            "adj_close": close if adj is None else adj,
            "volume": np.nan,
        }
    )
    frame.index.name = "date"
    return Series(symbol=symbol, frame=frame, source="test")


def market_of(**closes_by_symbol: pd.Series) -> Market:
    return Market(series={sym: ohlcv(sym, c) for sym, c in closes_by_symbol.items()})


# --- returns -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("week_end", "period", "boundary"),
    [
        ("2024-01-12", "1w", "2024-01-08"),
        ("2024-05-17", "mtd", "2024-05-01"),
        ("2024-05-17", "qtd", "2024-04-01"),
        ("2024-11-15", "qtd", "2024-10-01"),
        ("2024-05-17", "ytd", "2024-01-01"),
        ("2024-02-29", "1y", "2023-02-28"),
        ("2024-02-29", "3y_ann", "2021-02-28"),
        ("2024-02-29", "5y_ann", "2019-02-28"),
        ("2025-03-14", "10y_ann", "2015-03-14"),
    ],
)
def test_period_boundary(week_end: str, period: str, boundary: str) -> None:
    assert period_boundary(pd.Timestamp(week_end), period) == pd.Timestamp(boundary)


def test_period_boundary_rejects_unknown_period() -> None:
    with pytest.raises(ValueError, match="allowed"):
        period_boundary(pd.Timestamp("2024-01-12"), "2w")


def test_short_period_returns_start_at_previous_period_last_session() -> None:
    c = closes(
        [100, 104, 110, 121, 125, 130],
        ["2023-12-29", "2024-01-02", "2024-01-05", "2024-01-08", "2024-01-10", "2024-01-12"],
    )
    w = pd.Timestamp("2024-01-12")
    assert period_return(c, w, "1w") == pytest.approx(130 / 110 - 1, abs=1e-15)
    assert period_return(c, w, "ytd") == pytest.approx(0.30, abs=1e-15)
    assert period_return(c, w, "mtd") == pytest.approx(0.30, abs=1e-15)
    assert period_return(c, w, "qtd") == pytest.approx(0.30, abs=1e-15)


def test_one_year_return_uses_feb_28_for_feb_29_and_annualises_longer_periods() -> None:
    c = closes(
        [100.0, 999.0, 110.0, 133.1, 150.0],
        ["2021-02-26", "2021-03-01", "2023-02-28", "2024-02-28", "2024-02-29"],
    )
    w = pd.Timestamp("2024-02-29")
    # 1y starts on or before 2023-02-28 -> 110.
    assert period_return(c, w, "1y") == pytest.approx(150 / 110 - 1, abs=1e-15)
    # 3y starts on or before 2021-02-28 -> 2021-02-26 (100): (1.5)^(1/3) - 1.
    assert period_return(c, w, "3y_ann") == pytest.approx(1.5 ** (1 / 3) - 1, abs=1e-15)


def test_period_return_unavailable_when_history_short_or_holed() -> None:
    c = closes([100, 101, 102], ["2024-01-03", "2024-01-04", "2024-01-05"])
    with pytest.raises(Unavailable, match="history starts 2024-01-03"):
        period_return(c, pd.Timestamp("2024-01-05"), "ytd")
    holed = closes([100, 120], ["2023-11-30", "2024-01-05"])
    with pytest.raises(Unavailable, match="within 10 days"):
        period_return(holed, pd.Timestamp("2024-01-05"), "ytd")


def test_pair_returns_spread_and_missing_side_reason() -> None:
    dates = ["2023-12-29", "2024-01-05"]
    market = market_of(SM=closes([100, 110], dates), LG=closes([200, 210], dates))
    out = pair_returns(market, "SM", "LG", pd.Timestamp("2024-01-05"), adjusted=False)
    assert out["ytd"]["small"] == pytest.approx(0.10, abs=1e-15)
    assert out["ytd"]["large"] == pytest.approx(0.05, abs=1e-15)
    assert out["ytd"]["spread"] == pytest.approx(0.05, abs=1e-15)
    assert out["1y"]["small"] is None and "history starts" in out["1y"]["small_reason"]
    missing = pair_returns(market, "SM", "NOPE", pd.Timestamp("2024-01-05"), adjusted=False)
    assert missing["1w"]["large"] is None
    assert missing["1w"]["large_reason"] == "NOPE has no data on record"
    assert missing["1w"]["spread_reason"] == "small or large return is missing"


# --- point-in-time helpers ---------------------------------------------------------------


def test_current_close_rejects_stale_series_and_drops_bad_rows() -> None:
    c = closes([100, np.nan, 0.0, 105], ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"])
    market = market_of(SM=c)
    got = current_close(market, "SM", pd.Timestamp("2024-01-05"))
    assert list(got) == [100.0, 105.0]
    with pytest.raises(
        Unavailable, match="SM data ends 2024-01-05, before the week ending 2024-01-12"
    ):
        current_close(market, "SM", pd.Timestamp("2024-01-12"))


def test_truncate_frame_keeps_monthly_rows_only_once_their_month_ended() -> None:
    frame = pd.DataFrame(
        {"value": [0.01, 0.02, 0.03]},
        index=pd.DatetimeIndex(["2024-07-01", "2024-08-01", "2024-09-01"], name="date"),
    )
    assert list(truncate_frame(frame, pd.Timestamp("2024-09-13"), "monthly")["value"]) == [
        0.01,
        0.02,
    ]
    assert len(truncate_frame(frame, pd.Timestamp("2024-08-30"), "monthly")) == 1
    assert len(truncate_frame(frame, pd.Timestamp("2024-08-31"), "monthly")) == 2
    assert len(truncate_frame(frame, pd.Timestamp("2024-09-13"), "daily")) == 3


def test_truncate_market_cuts_curated_valuations() -> None:
    vals = pd.DataFrame({"date": ["2024-01-01", "2024-06-01"], "side": ["small", "large"]})
    market = Market(series={}, valuations=vals)
    assert len(truncate_market(market, pd.Timestamp("2024-03-01")).valuations) == 1


# --- highs and drawdowns -----------------------------------------------------------------


def test_drawdowns_and_highs_by_hand() -> None:
    dates = pd.bdate_range("2024-01-01", periods=6)  # Mon 1 .. Mon 8 Jan
    c = closes([100, 120, 90, 110, 130, 104], dates)
    dd = drawdown_metrics(c)
    assert dd["current"] == pytest.approx(104 / 130 - 1, abs=1e-15)
    assert dd["max_all"] == pytest.approx(90 / 120 - 1, abs=1e-15)
    assert dd["max_1y"] is None and dd["max_1y_reason"] == "6 sessions of history, 252 needed"
    assert max_drawdown(c.iloc[2:]) == pytest.approx(104 / 130 - 1, abs=1e-15)
    hi = high_metrics(c, pd.Timestamp("2024-01-08"))
    assert hi["all_time"] == 130 and hi["all_time_date"] == "2024-01-05"
    assert hi["sessions_since_all_time"] == 1
    assert hi["pct_from_all_time"] == pytest.approx(-0.2, abs=1e-15)
    assert hi["new_all_time_high"] is False
    assert hi["high_52w"] is None and "252 needed" in hi["high_52w_reason"]


def test_52_week_window_is_the_last_252_sessions() -> None:
    dates = pd.bdate_range("2022-01-03", periods=300)
    values = np.full(300, 100.0)
    values[10] = 500.0  # outside the last 252 sessions
    values[100] = 150.0  # inside
    values[-1] = 90.0
    c = closes(list(values), dates)
    hi = high_metrics(c, dates[-1])
    assert hi["all_time"] == 500.0
    assert hi["high_52w"] == 150.0 and hi["high_52w_date"] == dates[100].date().isoformat()
    assert hi["low_52w"] == 90.0 and hi["new_high_52w"] is False
    assert hi["pct_from_high_52w"] == pytest.approx(90 / 150 - 1, abs=1e-15)
    assert drawdown_metrics(c)["max_1y"] == pytest.approx(90 / 150 - 1, abs=1e-15)


# --- relative strength -------------------------------------------------------------------


def test_ratio_percentile_runs_and_turning_points() -> None:
    s = closes([1, 2, 3], ["2024-01-02", "2024-01-03", "2024-01-04"])
    lg = closes([2, 4], ["2024-01-03", "2024-01-04"])
    assert list(relative_ratio(s, lg)) == [1.0, 0.75]
    assert percentile_of_last(np.array([1.0, 3.0, 2.0])) == pytest.approx(2 / 3)
    assert run_lengths(np.array([True, False, True, True])) == (2, 2, 3)
    assert run_lengths(np.array([True, True, True, False])) == (0, 3, 2)
    assert turning_points(np.array([1.0, 1.2, 1.05, 1.0, 0.8, 0.95])) == [0, 1, 4]


def test_weekly_last_and_weekly_spread() -> None:
    dates = ["2024-01-03", "2024-01-05", "2024-01-08", "2024-01-11", "2024-01-16", "2024-01-19"]
    s = closes([100, 100, 105, 110, 120, 99], dates)
    lg = closes([200, 200, 205, 210, 210, 210], dates)
    assert list(weekly_last(s).index.strftime("%d")) == ["05", "11", "19"]
    _, spread = weekly_spread_arrays(weekly_closes(common_closes(s, lg)))
    assert list(spread) == pytest.approx([0.10 - 0.05, 99 / 110 - 1.0])


def test_leadership_regimes_table() -> None:
    fridays = pd.date_range("2024-01-05", periods=6, freq="7D")
    large = closes([100.0] * 6, fridays)
    small = closes([100, 120, 105, 100, 80, 95], fridays)
    table = leadership_regimes(small, large)
    assert list(table["leader"]) == ["small", "large", "small"]
    assert list(table["weeks"]) == [1, 3, 1]
    assert list(table["ongoing"]) == [False, False, True]
    assert table["cum_spread"].tolist() == pytest.approx([0.2, 80 / 120 - 1, 95 / 80 - 1])
    assert table["start"].iloc[1] == fridays[1] and table["end"].iloc[1] == fridays[4]


def test_relative_metrics_by_hand() -> None:
    dates = pd.bdate_range("2020-01-01", periods=800)
    ratio = 1.0 + 0.001 * np.sin(np.arange(800) / 7.0) + np.arange(800) * 1e-5
    large = closes([100.0] * 800, dates)
    small = closes(list(100.0 * ratio), dates)
    out = relative_metrics(small, large)
    r = list(ratio)
    assert out["ratio"] == pytest.approx(r[-1], rel=1e-12)
    assert out["ma_50"] == pytest.approx(statistics.fmean(r[-50:]), rel=1e-12)
    assert out["ma_200"] == pytest.approx(statistics.fmean(r[-200:]), rel=1e-12)
    window = r[-756:]
    z = (r[-1] - statistics.fmean(window)) / statistics.stdev(window)
    assert out["zscore_3y"] == pytest.approx(z, rel=1e-9)
    assert out["pct_52w"] == pytest.approx(sum(v <= r[-1] for v in r[-252:]) / 252)
    assert out["pct_all"] == pytest.approx(sum(v <= r[-1] for v in r) / 800)
    assert out["drawdown"] == pytest.approx(r[-1] / max(r) - 1, abs=1e-15)


def test_relative_short_history_nulls_with_reasons() -> None:
    dates = ["2024-01-04", "2024-01-05"]
    out = relative_metrics(closes([1, 2], dates), closes([1, 1], dates))
    assert out["ma_50"] is None and out["ma_50_reason"] == "2 sessions of common history, 50 needed"
    assert out["outperf_streak_weeks"] is None
    assert out["zscore_3y_reason"] == "2 sessions of common history, 756 needed"


# --- risk ---------------------------------------------------------------------------------


def test_vol_corr_beta_by_hand() -> None:
    rng = np.random.default_rng(7)
    r = rng.normal(0, 0.01, 300)
    dates = pd.bdate_range("2023-01-02", periods=301)
    large = closes(list(100 * np.cumprod(np.r_[1.0, 1 + r])), dates)
    small = closes(list(100 * np.cumprod(np.r_[1.0, 1 + 2 * r])), dates)
    assert vol(large) == pytest.approx(statistics.stdev(r[-63:]) * math.sqrt(252), rel=1e-9)
    corr, beta = corr_beta(small, large)
    assert corr == pytest.approx(1.0, abs=1e-12)
    assert beta == pytest.approx(2.0, rel=1e-12)
    rolling = rolling_risk_table(*common_closes(small, large))
    assert rolling["beta"].iloc[-1] == pytest.approx(2.0, rel=1e-9)
    assert rolling["corr"].iloc[-1] == pytest.approx(1.0, abs=1e-9)


def test_risk_flat_series_is_null_with_reason() -> None:
    dates = pd.bdate_range("2023-01-02", periods=300)
    market = market_of(
        SM=closes([10.0] * 300, dates), LG=closes(list(np.linspace(1, 2, 300)), dates)
    )
    out = risk_section(market, CONFIG, dates[-1])
    assert out["vol_3m"]["small"] == 0.0
    assert (
        out["corr_1y"] is None and out["corr_1y_reason"] == "a series did not move over the window"
    )


# --- ladder, changes, document -------------------------------------------------------------


def test_ladder_rows_and_rotation() -> None:
    dates = ["2023-12-29", "2024-01-05", "2024-01-12"]
    market = market_of(AAA=closes([100, 110, 121], dates), BBB=closes([100, 100, 110], dates))
    out = ladder_section(market, CONFIG, pd.Timestamp("2024-01-12"))
    a = out["rows"][0]
    assert (a["symbol"], a["label"]) == ("AAA", "Ladder A")
    assert a["1w"] == pytest.approx(0.1) and a["ytd"] == pytest.approx(0.21)
    assert a["1y"] is None and "history starts" in a["1y_reason"]
    gauge = out["rotation"]["a_vs_b"]
    assert gauge["ratio"] == pytest.approx(1.1)
    assert gauge["change_1w"] == pytest.approx(0.0, abs=1e-15)
    assert gauge["pct_52w"] is None


def test_changes_sorted_by_scaled_move() -> None:
    now = {"relative.zscore_3y": 1.0, "relative.pct_52w": 0.5}
    before = {"relative.zscore_3y": 0.8, "relative.pct_52w": 0.53}
    out = changes_section(now, before, "2024-01-05")
    assert out.previous_week_ending == "2024-01-05"
    first, second = out.items[:2]
    assert first.key == "relative.pct_52w" and first.change == pytest.approx(-0.03)
    assert second.key == "relative.zscore_3y" and second.change == pytest.approx(0.2)
    assert isinstance(out.items[-1].change, Missing)
    assert len(out.items) == 16  # every registered "what changed" metric, once


def test_metrics_json_is_sorted_and_never_emits_nan() -> None:
    text = indented_json(plain({"b": float("nan"), "a": np.float64(0.1), "c": [np.int64(2)]}))
    text += "\n"
    assert json.loads(text) == {"a": 0.1, "b": None, "b_reason": "not a finite number", "c": [2]}
    assert text.index('"a"') < text.index('"b"') and text.endswith("}\n")
    assert "NaN" not in text


def test_compute_core_identity_and_missing_pair() -> None:
    dates = pd.bdate_range("2023-12-29", periods=6)
    market = market_of(SM=closes(list(range(10, 16)), dates), LG=closes([5.0] * 6, dates))
    doc = compute_core(market, CONFIG, dates[-1])
    assert doc["week_ending"] == "2024-01-05" and doc["data_through"] == "2024-01-05"
    assert doc["returns"]["ytd"]["small"] == pytest.approx(15 / 10 - 1)
    assert doc["returns_tr"] is None and "SMTR has no data on record" in doc["returns_tr_reason"]
    empty = compute_core(Market(series={}), CONFIG, dates[-1])
    assert empty["relative"] is None and empty["relative_reason"] == "SM has no data on record"
    assert empty["drawdown"]["small"] is None and empty["data_through"] is None


def test_a_period_before_the_history_is_named_in_words_in_its_reason() -> None:
    # The report printed "after the 10y_ann start 1998-10-10": a raw key in front of readers.
    days = pd.bdate_range("2000-05-26", "2008-10-10")
    close = pd.Series(np.linspace(100.0, 120.0, len(days)), index=days)
    with pytest.raises(Unavailable) as caught:
        period_return(close, pd.Timestamp("2008-10-10"), "10y_ann")
    assert str(caught.value) == (
        "history starts 2000-05-26, after the 10-year period's start 1998-10-10"
    )
