"""Claims: each rule's verdicts on computed documents with sections replaced or missing."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from types import MappingProxyType

import pandas as pd
import pytest

from generator.config import load_config
from generator.metrics import compute_metrics
from generator.metrics.claims import (
    CONTRADICTS,
    EVIDENCE,
    EVIDENCE_WORDS,
    NO_DATA,
    NO_EDGE,
    NOT_IN_DOCUMENT,
    SUPPORTS,
    claims_section,
    interval_verdict,
    seasonal_verdict,
)
from generator.metrics.codec import Missing
from generator.metrics.registry import BY_PATH
from generator.metrics.schema import Document, MonthStats, PhaseStats, Sensitivity, WindowStats
from generator.model import Market
from generator.sources.sample import sample_market
from tests.conftest import ROOT

WEEK = "2026-08-21"


@lru_cache(maxsize=1)
def base_doc() -> Document:
    config = load_config(ROOT / "smallcap.toml")
    market = Market({s.symbol: s for s in sample_market(config, WEEK)}, sample=True)
    return compute_metrics(market, config, pd.Timestamp(WEEK))


def stats(cls: type, years: int, hit: float, low: float | None, mean: float = 0.01, **extra):  # type: ignore[no-untyped-def]
    """A stats row whose 99% interval runs from ``low`` to ``low + 0.02`` (90%: narrower)."""
    no = Missing("too few years")
    return cls(years=years, small_mean=0.02, small_median=0.02, large_mean=0.01,
               large_median=0.01, spread_mean=mean, spread_median=mean, hit_rate=hit,
               spread_ci90_low=no if low is None else low + 0.005,
               spread_ci90_high=no if low is None else low + 0.015,
               spread_ci99_low=no if low is None else low,
               spread_ci99_high=no if low is None else low + 0.02, **extra)  # fmt: skip


def month_row(month: int, years: int, hit: float, low: float | None) -> MonthStats:
    return stats(MonthStats, years, hit, low, month=month)


def document() -> Document:
    """The computed document with sections set to known values for each rule."""
    doc = base_doc()
    months = {1: (38, 0.6, 0.001), 2: (38, 0.6, -0.03), 8: (38, 0.4, -0.01), 9: (19, 0.9, 0.05)}
    rows = tuple(month_row(m.month, *months[m.month]) if m.month in months else m
                 for m in doc.seasonality.months)  # fmt: skip
    window = stats(WindowStats, 38, 0.7, 0.01, this_year=2026, this_year_spread=0.01)
    seasonality = replace(doc.seasonality, months=rows, dec15_feb15=window,
                          first5_january=Missing("no data"))  # fmt: skip
    midterm = stats(PhaseStats, 9, 0.6, 0.001, 0.02, phase=2, name="midterm")
    election = stats(PhaseStats, 7, 0.6, 0.001, 0.02, phase=0, name="election")
    cycle = replace(doc.cycle, phase=2, phases=(election, midterm), french=Missing("no FF"))
    sens = {
        # beta -0.01, r -0.3 over 52 weeks: se = 0.01 * sqrt(0.91 / (0.09 * 50)) = 0.004497
        "13w": Sensitivity("^IRX", -0.01, -0.3, 52, beta_ci99_low=-0.022, beta_ci99_high=-0.001),
        "10y": Sensitivity("^TNX", -0.01, -0.1, 52, beta_ci99_low=-0.05, beta_ci99_high=0.03),
    }
    rates = replace(doc.rates, sensitivity=MappingProxyType(sens))
    returns = replace(doc.returns, w1=replace(doc.returns.w1, spread=0.004),
                      ytd=replace(doc.returns.ytd, spread=-0.02))  # fmt: skip
    small = replace(doc.highs.small, new_high_52w=False, new_all_time_high=False)
    return replace(doc, seasonality=seasonality, cycle=cycle, rates=rates, returns=returns,
                   highs=replace(doc.highs, small=small))  # fmt: skip


def by_id(doc: Document) -> dict:
    return {c.id: c for c in claims_section(doc)}


@pytest.mark.parametrize(
    ("row", "verdict"),
    [
        (month_row(1, 20, 0.51, 0.0001), SUPPORTS),
        (month_row(1, 20, 0.40, 0.0001), SUPPORTS),  # the hit rate is evidence, not the rule
        (month_row(1, 20, 0.50, 0.0), NO_EDGE),  # an interval touching zero straddles it
        (month_row(1, 20, 0.9, -0.01), NO_EDGE),
        (month_row(1, 20, 0.9, -0.0201), CONTRADICTS),
        (month_row(1, 20, 0.9, -0.02), NO_EDGE),  # high end exactly 0
        (month_row(1, 19, 0.9, 0.05), NO_DATA),  # fewer than 20 years
        (month_row(1, 30, 0.9, None), NO_DATA),
        (None, NO_DATA),
    ],
)
def test_seasonal_rule(row: MonthStats | None, verdict: str) -> None:
    assert seasonal_verdict(row) == verdict


def test_the_verdict_uses_the_99_percent_interval_not_the_90_one() -> None:
    # 90% interval above zero, 99% interval straddling it: no reliable edge.
    row = replace(month_row(1, 30, 0.7, -0.001), spread_ci90_low=0.002)
    assert row.spread_ci90_low > 0 and seasonal_verdict(row) == NO_EDGE


@pytest.mark.parametrize(
    ("low", "high", "n", "verdict"),
    [(0.1, 0.2, 8, SUPPORTS), (-0.2, -0.1, 8, CONTRADICTS), (-0.1, 0.1, 8, NO_EDGE),
     (0.1, 0.2, 7, NO_DATA), (Missing("x"), 0.2, 8, NO_DATA), (0.1, 0.2, Missing("x"), NO_DATA)],
)  # fmt: skip
def test_interval_verdict(low, high, n, verdict) -> None:  # type: ignore[no-untyped-def]
    assert interval_verdict(low, high, n, 8) == verdict


def test_claims_on_a_full_document() -> None:
    claims = by_id(document())
    assert claims["small_led_week"].verdict == SUPPORTS
    assert claims["small_led_ytd"].verdict == CONTRADICTS
    assert dict(claims["small_led_ytd"].evidence) == {"returns.ytd.spread": -0.02}
    assert claims["january_effect"].verdict == SUPPORTS
    assert claims["january_effect"].evidence["hit_rate"] == 0.6
    assert claims["february"].verdict == CONTRADICTS
    assert claims["current_month"].statement.endswith("in August")
    assert claims["current_month"].verdict == NO_EDGE
    assert claims["next_month"].statement.endswith("in September")
    assert claims["next_month"].verdict == NO_DATA
    assert claims["next_month"].reason == "only 19 years of data; at least 20 are needed"
    assert claims["january_window"].verdict == SUPPORTS
    assert claims["january_window"].period == f"{base_doc().seasonality.first_year}-2026"
    assert claims["january_first5"].verdict == NO_DATA
    # 2026 is a midterm year: the midterm claim is this year's phase claim, stated once.
    assert "cycle_phase" not in claims
    assert "midterm years (2026 is one)" in claims["midterm_year"].statement
    assert claims["midterm_year"].verdict == SUPPORTS and claims["midterm_year"].n == 9
    assert claims["midterm_year_long"].verdict == NO_DATA
    assert "Ken French" in claims["midterm_year_long"].reason
    assert claims["new_high"].verdict == CONTRADICTS
    assert claims["rate_sensitivity_13w"].verdict == SUPPORTS  # beta's interval below zero
    assert claims["rate_sensitivity_10y"].verdict == NO_EDGE
    assert claims["valuation_discount"].verdict == NO_DATA  # the sample has no curated entry


def test_cycle_claims_need_eight_cycles() -> None:
    doc = document()
    election = doc.cycle.phase_row(0)
    assert election is not None and election.years == 7
    claims = by_id(replace(doc, cycle=replace(doc.cycle, phase=0)))
    assert claims["cycle_phase"].verdict == NO_DATA
    assert claims["cycle_phase"].reason == "only 7 cycles of data; at least 8 are needed"


def test_every_claim_states_n_and_period_or_why_not() -> None:
    for claim in claims_section(document()):
        if claim.verdict == NO_DATA:
            assert isinstance(claim.reason, str) and claim.reason, claim.id
        else:
            assert isinstance(claim.n, int) and claim.n >= 1, claim.id
            assert isinstance(claim.period, str) and claim.period, claim.id


def test_the_month_period_ends_with_the_last_complete_year_of_that_month() -> None:
    doc = base_doc()
    last = doc.seasonality.last_complete_month  # "2026-07" for the week ending 2026-08-21
    assert last == "2026-07"
    claims = by_id(doc)
    first = doc.seasonality.first_year
    assert claims["january_effect"].period == f"{first}-2026"
    assert claims["current_month"].period == f"{first}-2025"  # August 2026 is not complete


def test_claims_without_sections_say_not_enough_data_with_reasons() -> None:
    doc = replace(base_doc(), returns=Missing("x"), seasonality=Missing("x"), rates=Missing("x"),
                  cycle=Missing("x"), highs=Missing("x"), valuation=Missing("x"),
                  great_rotation=Missing("x"), fundamentals=Missing("x"),
                  ratecuts=Missing("x"))  # fmt: skip
    claims = claims_section(doc)
    assert len(claims) == 19  # a midterm year: no separate phase claim
    assert {c.verdict for c in claims} == {NO_DATA}
    assert all(c.reason for c in claims)
    week = claims[0].evidence
    assert week["returns.1w.spread"] == Missing(NOT_IN_DOCUMENT)
    plain = claims[0].evidence
    assert plain["returns.1w.spread"].reason == "not available in this week's document"


def test_new_high() -> None:
    doc = document()
    small = replace(doc.highs.small, new_high_52w=True, new_all_time_high=False)
    assert (
        by_id(replace(doc, highs=replace(doc.highs, small=small)))["new_high"].verdict == SUPPORTS
    )


def test_every_evidence_key_is_declared_with_a_registered_metric() -> None:
    for claim in claims_section(document()):
        for key in claim.evidence:
            path = EVIDENCE[claim.id][key]
            assert path is None or path in BY_PATH, (claim.id, key)
            value = claim.evidence[key]
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            assert not numeric or path is not None, (claim.id, key)
            assert path is not None or key in EVIDENCE_WORDS, (claim.id, key)


@pytest.mark.parametrize(
    ("pct", "z", "unusual"),
    [(0.5, 1.9, False), (0.95, 0.0, True), (0.05, 0.0, True), (0.5, -2.0, True),
     (Missing("short"), Missing("short"), False), (0.06, 1.99, False)],
)  # fmt: skip
def test_ratio_is_unusual_is_the_one_rule_the_narrative_uses(pct, z, unusual) -> None:  # type: ignore[no-untyped-def]
    from generator.metrics.claims import ratio_is_unusual

    relative = replace(base_doc().relative, pct_52w=pct, zscore_3y=z)
    assert ratio_is_unusual(relative) is unusual
    assert ratio_is_unusual(Missing("no ratio")) is False
