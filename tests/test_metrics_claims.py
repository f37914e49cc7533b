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
    EVIDENCE,
    EVIDENCE_WORDS,
    NO_DATA,
    NOT_IN_DOCUMENT,
    NOT_SUPPORTED,
    SUPPORTED,
    claims_section,
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
    no = Missing("too few years")
    return cls(years=years, small_mean=0.02, small_median=0.02, large_mean=0.01,
               large_median=0.01, spread_mean=mean, spread_median=mean, hit_rate=hit,
               spread_ci90_low=no if low is None else low,
               spread_ci90_high=no if low is None else low + 0.02, **extra)  # fmt: skip


def month_row(month: int, years: int, hit: float, low: float | None) -> MonthStats:
    return stats(MonthStats, years, hit, low, month=month)


def document() -> Document:
    """The computed document with sections set to known values for each rule."""
    doc = base_doc()
    months = {1: (38, 0.6, 0.001), 2: (38, 0.6, -0.001), 8: (38, 0.4, 0.002), 9: (9, 0.9, 0.05)}
    rows = tuple(month_row(m.month, *months[m.month]) if m.month in months else m
                 for m in doc.seasonality.months)  # fmt: skip
    window = stats(WindowStats, 38, 0.7, 0.01, this_year=2026, this_year_spread=0.01)
    seasonality = replace(doc.seasonality, months=rows, dec15_feb15=window,
                          first5_january=Missing("no data"))  # fmt: skip
    phase = stats(PhaseStats, 9, 0.6, None, 0.02, phase=2, name="midterm")
    cycle = replace(doc.cycle, phase=2, phases=(phase,))
    sens = {
        "13w": Sensitivity("^IRX", -0.01, -0.3, 52),
        "10y": Sensitivity("^TNX", -0.01, -0.1, 52),
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
        (month_row(1, 10, 0.51, 0.0001), SUPPORTED),
        (month_row(1, 10, 0.50, 0.01), NOT_SUPPORTED),
        (month_row(1, 10, 0.9, 0.0), NOT_SUPPORTED),
        (month_row(1, 9, 0.9, 0.05), NO_DATA),
        (month_row(1, 30, 0.9, None), NO_DATA),
        (None, NO_DATA),
    ],
)
def test_seasonal_rule(row: MonthStats | None, verdict: str) -> None:
    assert seasonal_verdict(row) == verdict


def test_claims_on_a_full_document() -> None:
    claims = by_id(document())
    assert claims["small_led_week"].verdict == SUPPORTED
    assert claims["small_led_ytd"].verdict == NOT_SUPPORTED
    assert dict(claims["small_led_ytd"].evidence) == {"returns.ytd.spread": -0.02}
    assert claims["january_effect"].verdict == SUPPORTED
    assert claims["january_effect"].evidence["hit_rate"] == 0.6
    assert claims["february"].verdict == NOT_SUPPORTED
    assert claims["current_month"].statement.endswith("in August")
    assert claims["current_month"].verdict == NOT_SUPPORTED
    assert claims["next_month"].statement.endswith("in September")
    assert claims["next_month"].verdict == NO_DATA  # only 9 years
    assert claims["january_window"].verdict == SUPPORTED
    assert claims["january_first5"].verdict == NO_DATA
    assert claims["cycle_phase"].verdict == SUPPORTED  # no interval: mean and hit-rate rule
    assert "midterm years (2026 is one)" in claims["cycle_phase"].statement
    assert claims["new_high"].verdict == NOT_SUPPORTED
    assert claims["rate_sensitivity_13w"].verdict == SUPPORTED
    assert claims["rate_sensitivity_10y"].verdict == NOT_SUPPORTED
    assert claims["valuation_discount"].verdict == NO_DATA  # the sample has no curated entry


def test_claims_without_sections_say_not_enough_data_with_reasons() -> None:
    doc = replace(base_doc(), returns=Missing("x"), seasonality=Missing("x"), rates=Missing("x"),
                  cycle=Missing("x"), highs=Missing("x"), valuation=Missing("x"),
                  great_rotation=Missing("x"))  # fmt: skip
    claims = claims_section(doc)
    assert len(claims) == 14
    assert {c.verdict for c in claims} == {NO_DATA}
    week = claims[0].evidence
    assert week["returns.1w.spread"] == Missing(NOT_IN_DOCUMENT)
    plain = claims[0].evidence
    assert plain["returns.1w.spread"].reason == "not available in this week's document"


def test_new_high() -> None:
    doc = document()
    small = replace(doc.highs.small, new_high_52w=True, new_all_time_high=False)
    assert (
        by_id(replace(doc, highs=replace(doc.highs, small=small)))["new_high"].verdict == SUPPORTED
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
