"""Claims: each rule's verdicts on hand-built documents, including missing sections."""

from __future__ import annotations

import pytest

from generator.metrics.claims import (
    NO_DATA,
    NOT_SUPPORTED,
    SUPPORTED,
    claims_section,
    seasonal_verdict,
)


def month_row(month: int, years: int, hit: float, low: float | None, mean: float = 0.01) -> dict:
    return {
        "month": month,
        "years": years,
        "hit_rate": hit,
        "spread_mean": mean,
        "spread_median": mean,
        "spread_ci90_low": low,
        "spread_ci90_high": None if low is None else low + 0.02,
    }


def by_id(doc: dict) -> dict[str, dict]:
    return {c["id"]: c for c in claims_section(doc)}


BASE = {
    "week_ending": "2026-08-21",
    "returns": {"1w": {"spread": 0.004}, "ytd": {"spread": -0.02}},
    "highs": {"small": {"new_high_52w": False, "new_all_time_high": False, "all_time": 10.0}},
    "seasonality": {
        "first_year": 1988,
        "months": [
            month_row(1, 38, 0.6, 0.001),
            month_row(2, 38, 0.6, -0.001),
            month_row(8, 38, 0.4, 0.002),
            month_row(9, 9, 0.9, 0.05),
        ],
        "dec15_feb15": month_row(0, 38, 0.7, 0.01),
    },
    "cycle": {
        "phase": 2,
        "phases": [{"phase": 2, "years": 9, "hit_rate": 0.6, "spread_mean": 0.02}],
    },
    "rates": {
        "sensitivity": {"13w": {"beta": -0.01, "corr": -0.3}, "10y": {"beta": -0.01, "corr": -0.1}}
    },
    "valuation": {
        "curated": {"discount": -0.25, "stale": False, "date": "2026-06-30", "source": "x"}
    },
}


@pytest.mark.parametrize(
    ("stats", "verdict"),
    [
        (month_row(1, 10, 0.51, 0.0001), SUPPORTED),
        (month_row(1, 10, 0.50, 0.01), NOT_SUPPORTED),
        (month_row(1, 10, 0.9, 0.0), NOT_SUPPORTED),
        (month_row(1, 9, 0.9, 0.05), NO_DATA),
        (month_row(1, 30, 0.9, None), NO_DATA),
        (None, NO_DATA),
    ],
)
def test_seasonal_rule(stats: dict | None, verdict: str) -> None:
    assert seasonal_verdict(stats) == verdict


def test_claims_on_a_full_document() -> None:
    claims = by_id(BASE)
    assert claims["small_led_week"]["verdict"] == SUPPORTED
    assert claims["small_led_ytd"]["verdict"] == NOT_SUPPORTED
    assert claims["small_led_ytd"]["evidence"] == {"returns.ytd.spread": -0.02}
    assert claims["january_effect"]["verdict"] == SUPPORTED
    assert claims["january_effect"]["evidence"]["hit_rate"] == 0.6
    assert claims["february"]["verdict"] == NOT_SUPPORTED
    assert claims["current_month"]["statement"].endswith("in August")
    assert claims["current_month"]["verdict"] == NOT_SUPPORTED
    assert claims["next_month"]["statement"].endswith("in September")
    assert claims["next_month"]["verdict"] == NO_DATA  # only 9 years
    assert claims["january_window"]["verdict"] == SUPPORTED
    assert claims["january_first5"]["verdict"] == NO_DATA
    assert claims["cycle_phase"]["verdict"] == SUPPORTED  # no interval: mean and hit-rate rule
    assert "midterm years (2026 is one)" in claims["cycle_phase"]["statement"]
    assert claims["new_high"]["verdict"] == NOT_SUPPORTED
    assert claims["rate_sensitivity_13w"]["verdict"] == SUPPORTED
    assert claims["rate_sensitivity_10y"]["verdict"] == NOT_SUPPORTED
    assert claims["valuation_discount"]["verdict"] == SUPPORTED
    assert claims["valuation_discount"]["evidence"]["date"] == "2026-06-30"


def test_claims_without_sections_say_not_enough_data_with_reasons() -> None:
    claims = claims_section({"week_ending": "2026-01-09", "seasonality": None, "rates": None})
    assert len(claims) == 13
    assert {c["verdict"] for c in claims} == {NO_DATA}
    week = claims[0]["evidence"]
    assert week["returns.1w.spread"] is None
    assert week["returns.1w.spread_reason"] == "not available in this week's document"


def test_new_high_and_stale_valuation() -> None:
    doc = dict(BASE)
    doc["highs"] = {"small": {"new_high_52w": True, "new_all_time_high": False}}
    doc["valuation"] = {"curated": {"discount": -0.25, "stale": True}}
    claims = by_id(doc)
    assert claims["new_high"]["verdict"] == SUPPORTED
    assert claims["valuation_discount"]["verdict"] == NO_DATA
