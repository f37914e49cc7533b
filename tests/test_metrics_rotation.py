"""The Great Rotation evidence: gauges on weekly closes, the rotation rule and the claim.

Exact values on hand-made series (one close a week, so each weekly ratio is known by heart),
point-in-time cuts, missing inputs, the claim's branches, and the real ^RUT / ^IXIC history
checked against an independent pandas computation.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import numpy as np
import pandas as pd
import pytest

from generator.config import load_config, parse_config
from generator.metrics import compute_metrics
from generator.metrics.claims import (
    CONTRADICTS,
    NO_DATA,
    NO_EDGE,
    SUPPORTS,
    claim_by_id,
    claims_section,
)
from generator.metrics.codec import Missing
from generator.metrics.groupstats import bootstrap_mean_ci
from generator.metrics.rotation import great_rotation_section, rotation_state
from generator.metrics.schema import Document
from generator.metrics.schema_rotation import NEITHER, REVERSED, UNDER_WAY, RotationGauge
from generator.model import Market, Series
from generator.sources.csvfiles import parse_file
from generator.sources.sample import sample_market
from tests.conftest import ROOT

WEEK = "2026-08-21"
CONFIG = parse_config(
    {
        "pair": {"small": {"index": "SM"}, "large": {"index": "LG"}},
        "rates": {"13w": "R13", "5y": "R5", "10y": "R10", "30y": "R30"},
        "rotation": {"s_vs_n": ["SM", "NQ"], "claim_gauges": ["s_vs_n"]},
    }
)


def ohlcv(symbol: str, close: pd.Series) -> Series:
    frame = pd.DataFrame({c: close for c in ("open", "high", "low", "close", "adj_close")})
    frame["volume"] = np.nan
    return Series(symbol=symbol, frame=frame, source="test")


def fridays(count: int) -> pd.DatetimeIndex:
    return pd.date_range("2024-01-05", periods=count, freq="7D", name="date")


def weekly_market(small: list[float], nasdaq: list[float] | None = None) -> Market:
    """One close a week (Fridays): SM as given, NQ constant 1 unless given."""
    days = fridays(len(small))
    nq = [1.0] * len(small) if nasdaq is None else nasdaq
    return Market({"SM": ohlcv("SM", pd.Series(small, index=days)),
                   "NQ": ohlcv("NQ", pd.Series(nq, index=days))})  # fmt: skip


def gauge_of(market: Market, week_end: pd.Timestamp) -> dict:
    return great_rotation_section(market, CONFIG, week_end)["gauges"]["s_vs_n"]


# --- exact values on hand-made weekly closes ----------------------------------------------


def test_relative_returns_percentiles_and_interval_on_a_known_ratio() -> None:
    # SM = 1, 2, ..., 70 against a constant NQ: the ratio at week i (0-based) is i + 1.
    market = weekly_market([float(i) for i in range(1, 71)])
    last = fridays(70)[-1]
    g = gauge_of(market, last)
    assert g["first_week"] == "2024-01-05" and g["last_week"] == last.date().isoformat()
    assert g["weeks"] == 70
    assert g["change_4w"] == pytest.approx(70 / 66 - 1, abs=1e-15)
    assert g["change_13w"] == pytest.approx(70 / 57 - 1, abs=1e-15)
    assert g["change_52w"] == pytest.approx(70 / 18 - 1, abs=1e-15)
    assert g["pct_all"] == 1.0  # the ratio has only risen: the last close is the highest
    # 13-week changes (i + 1) / (i - 12) - 1 shrink as i grows: the last of 57 is the lowest.
    assert g["change_13w_pct"] == pytest.approx(1 / 57)
    assert g["state"] == NEITHER  # gained over both horizons, but a small 13-week gain
    weekly = np.array([(i + 1) / i - 1 for i in range(18, 70)])  # the last 52 weekly changes
    assert g["weekly_n"] == 52
    assert g["weekly_mean"] == pytest.approx(weekly.mean(), abs=1e-15)
    assert (g["weekly_ci_low"], g["weekly_ci_high"]) == pytest.approx(
        bootstrap_mean_ci(weekly, level=0.99)
    )
    assert g["weekly_from"] == fridays(70)[18].date().isoformat()


def test_weekly_closes_are_each_weeks_last_common_session() -> None:
    # Daily data: SM trades every weekday, NQ misses every Friday. The gauge's weekly close is
    # the last session both have (Thursday), so Friday's SM close is never used.
    days = pd.bdate_range("2024-01-01", periods=5 * 60, name="date")
    sm = pd.Series(100.0 * 1.001 ** np.arange(len(days)), index=days)
    sm[days.day_of_week == 4] = 1e6  # a Friday value would wreck every figure
    nq = pd.Series(50.0, index=days[days.day_of_week != 4])
    market = Market({"SM": ohlcv("SM", sm), "NQ": ohlcv("NQ", nq)})
    g = gauge_of(market, days[-1])
    thursday = days[-2]
    assert g["last_week"] == thursday.date().isoformat()
    assert g["change_4w"] == pytest.approx(1.001**20 - 1)  # 20 sessions between the Thursdays
    assert g["change_52w"] == pytest.approx(1.001 ** (52 * 5) - 1)


def test_a_week_without_a_close_leaves_the_changes_that_span_from_it_missing() -> None:
    days = fridays(60)
    values = pd.Series(np.arange(1.0, 61.0), index=days).drop(days[-5])  # 4 weeks before the last
    market = Market({"SM": ohlcv("SM", values), "NQ": ohlcv("NQ", pd.Series(1.0, index=days))})
    g = gauge_of(market, days[-1])
    assert g["change_4w"] is None
    assert g["change_4w_reason"] == "no weekly close 4 weeks before the last one"
    assert g["change_13w"] == pytest.approx(60 / 47 - 1)
    assert g["weekly_n"] == 50  # the gap removes two weekly changes
    assert g["weekly_ci_low"] is None
    assert g["weekly_ci_low_reason"] == "50 weekly changes in the last 52 weeks, 52 needed"


def test_a_short_history_has_no_percentile_and_no_rule_state() -> None:
    market = weekly_market([float(i) for i in range(1, 41)])
    g = gauge_of(market, fridays(40)[-1])
    assert g["pct_all"] is None
    assert g["pct_all_reason"] == "40 weeks of weekly closes, 52 needed"
    assert g["change_52w"] is None
    assert g["state"] is None and g["state_reason"]


@pytest.mark.parametrize(
    ("c13", "c52", "pct", "state"),
    [
        (0.05, 0.10, 0.90, UNDER_WAY),
        (0.05, 0.10, 2 / 3, UNDER_WAY),  # the top third includes its edge
        (0.05, 0.10, 0.66, NEITHER),  # gaining, but not by much for this gauge
        (0.05, -0.10, 0.95, NEITHER),  # a bounce inside a 52-week decline
        (0.0, 0.10, 0.90, NEITHER),  # no gain is not a gain
        (-0.05, -0.10, 0.10, REVERSED),
        (-0.05, -0.10, 1 / 3, REVERSED),
        (-0.05, -0.10, 0.34, NEITHER),
        (-0.05, 0.10, 0.05, NEITHER),  # a dip inside a 52-week advance
    ],
)
def test_rotation_rule(c13: float, c52: float, pct: float, state: str) -> None:
    assert rotation_state(c13, c52, pct) == state


def test_a_strong_recent_gain_over_a_year_of_gains_is_a_rotation_under_way() -> None:
    # Flat for a year, then a year of slow gains, then a sharp 13 weeks: the rule's three parts.
    values = (
        [1.0] * 60 + [1.0 + 0.001 * i for i in range(40)] + [1.04 * 1.01**i for i in range(1, 14)]
    )
    g = gauge_of(weekly_market(values), fridays(len(values))[-1])
    assert g["change_13w"] > 0 and g["change_52w"] > 0 and g["change_13w_pct"] == 1.0
    assert g["state"] == UNDER_WAY
    down = [1 / v for v in values]
    assert gauge_of(weekly_market(down), fridays(len(values))[-1])["state"] == REVERSED


# --- point in time and missing inputs -----------------------------------------------------


@lru_cache(maxsize=1)
def sample_setup() -> tuple[Market, object]:
    config = load_config(ROOT / "smallcap.toml")
    return Market({s.symbol: s for s in sample_market(config, WEEK)}, sample=True), config


def with_later_data_changed(market: Market, week_end: pd.Timestamp) -> Market:
    """The market with every close after ``week_end`` multiplied by 10 (and one more row)."""
    out = {}
    for sym, s in market.series.items():
        frame = s.frame.copy()
        if s.schema == "ohlcv":
            later = frame.index > week_end
            frame.loc[later, ["close", "adj_close"]] *= 10
        out[sym] = replace(s, frame=frame)
    return Market(out, sample=market.sample)


@pytest.mark.parametrize("week", ["2001-03-16", "2019-06-28", "2024-01-05"])
def test_a_weeks_rotation_figures_ignore_later_data(week: str) -> None:
    market, config = sample_setup()
    week_end = pd.Timestamp(week)
    cut = Market(
        {sym: replace(s, frame=s.frame.loc[:week_end]) for sym, s in market.series.items()}
    )
    full = great_rotation_section(market, config, week_end)
    assert full == great_rotation_section(cut, config, week_end)
    assert full == great_rotation_section(
        with_later_data_changed(market, week_end), config, week_end
    )
    assert full["gauges"]["small_vs_nasdaq_index"]["last_week"] == week


def without(market: Market, *symbols: str) -> Market:
    return Market({k: v for k, v in market.series.items() if k not in symbols}, sample=True)


def test_without_the_nasdaq_index_the_gauge_says_why_and_the_claim_reads_the_etf_pair() -> None:
    market, config = sample_setup()
    doc = compute_metrics(without(market, "^IXIC"), config, pd.Timestamp(WEEK))
    gauge = doc.great_rotation.gauges["small_vs_nasdaq_index"]
    for key in ("change_4w", "change_13w", "change_52w", "pct_all", "state", "weekly_ci_low"):
        assert getattr(gauge, key) == Missing("^IXIC has no data on record")
    claim = claim_by_id(doc.claims, "great_rotation")
    assert claim.evidence["gauge"] == "IWM / QQQ"
    assert claim.verdict != NO_DATA and claim.n == 52


def test_without_any_nasdaq_series_the_claim_has_not_enough_data_and_says_why() -> None:
    market, config = sample_setup()
    doc = compute_metrics(without(market, "^IXIC", "QQQ"), config, pd.Timestamp(WEEK))
    claim = claim_by_id(doc.claims, "great_rotation")
    assert claim.verdict == NO_DATA
    assert claim.evidence["gauge"] == "^RUT / ^IXIC"
    assert claim.reason == "^IXIC has no data on record"
    assert isinstance(claim.n, Missing) and isinstance(claim.period, Missing)


def test_an_archived_document_without_the_section_still_reads() -> None:
    market, config = sample_setup()
    plain = compute_metrics(market, config, pd.Timestamp(WEEK)).to_plain()
    del plain["great_rotation"]
    plain["claims"] = [c for c in plain["claims"] if c["id"] != "great_rotation"]
    doc = Document.from_plain(plain)
    assert isinstance(doc.great_rotation, Missing)
    claim = claim_by_id(claims_section(doc), "great_rotation")
    assert claim.verdict == NO_DATA
    assert claim.reason == "no rotation gauges: not available in this week's document"


# --- the claim's verdicts -----------------------------------------------------------------


def gauge(state: str, low: float, high: float, n: int = 52) -> RotationGauge:
    return RotationGauge(numerator="^RUT", denominator="^IXIC", first_week="1985-01-04",
                         last_week=WEEK, weeks=2000, change_4w=0.01, change_13w=0.05,
                         change_52w=0.1, pct_all=0.5, change_13w_pct=0.8, state=state,
                         weekly_mean=(low + high) / 2, weekly_ci_low=low, weekly_ci_high=high,
                         weekly_n=n, weekly_from="2025-08-29")  # fmt: skip


@lru_cache(maxsize=1)
def base_doc() -> Document:
    market, config = sample_setup()
    return compute_metrics(market, config, pd.Timestamp(WEEK))


def claim_with(g: RotationGauge):  # type: ignore[no-untyped-def]
    doc = base_doc()
    gauges = MappingProxyType({**doc.great_rotation.gauges, "small_vs_nasdaq_index": g})
    doc = replace(doc, great_rotation=replace(doc.great_rotation, gauges=gauges))
    return claim_by_id(claims_section(doc), "great_rotation")


@pytest.mark.parametrize(
    ("g", "verdict"),
    [
        (gauge(UNDER_WAY, 0.001, 0.01), SUPPORTS),
        (gauge(UNDER_WAY, -0.001, 0.01), NO_EDGE),  # the rule sees it, the interval does not
        (gauge(NEITHER, 0.001, 0.01), NO_EDGE),  # a year of gains, but not a strong recent one
        (gauge(REVERSED, -0.01, -0.001), CONTRADICTS),
        (gauge(REVERSED, -0.01, 0.001), NO_EDGE),
        (gauge(UNDER_WAY, -0.01, -0.001), NO_EDGE),  # signs disagree: no edge either way
    ],
)
def test_claim_verdicts(g: RotationGauge, verdict: str) -> None:
    claim = claim_with(g)
    assert claim.verdict == verdict
    assert claim.n == 52 and claim.period == f"2025-08-29 to {WEEK}"
    assert claim.evidence["state"] == g.state
    assert claim.evidence["weekly_ci_low"] == g.weekly_ci_low
    assert claim.statement == "Money is rotating out of mega-cap tech into small caps"


def test_claim_is_listed_and_falls_back_when_the_first_gauge_has_no_interval() -> None:
    assert "great_rotation" in [c.id for c in base_doc().claims]
    short = replace(gauge(UNDER_WAY, 0.001, 0.01), weekly_ci_low=Missing("30 weekly changes"),
                    weekly_ci_high=Missing("30 weekly changes"), weekly_n=30)  # fmt: skip
    claim = claim_with(short)
    assert claim.evidence["gauge"] == "IWM / QQQ"  # the next gauge of claim_gauges


# --- real data ------------------------------------------------------------------------------


@pytest.mark.realdata
def test_real_russell_against_nasdaq_percentile_matches_an_independent_computation(
    marketdata: Path,
) -> None:
    series = [s for name in ("^RUT", "^IXIC")
              for s in parse_file(marketdata / "prices" / f"{name}.csv")]  # fmt: skip
    market = Market({s.symbol: s for s in series})
    config = load_config(ROOT / "smallcap.toml")
    week_end = pd.Timestamp(WEEK)
    g = great_rotation_section(market, config, week_end)["gauges"]["small_vs_nasdaq_index"]
    # Independently: pandas join of the two close columns, rows with both, each week's last row.
    closes = pd.concat(
        [s.frame["close"].rename(s.symbol) for s in series], axis=1, sort=True
    ).dropna()
    closes = closes[(closes > 0).all(axis=1) & (closes.index <= week_end)]
    weekly = closes.groupby(closes.index.to_period("W-SUN")).tail(1)
    ratio = weekly["^RUT"] / weekly["^IXIC"]
    assert g["first_week"] == "1987-09-11"  # ^RUT starts on Thursday 1987-09-10
    assert g["last_week"] == WEEK and g["weeks"] == len(ratio)
    assert g["pct_all"] == pytest.approx((ratio <= ratio.iloc[-1]).mean(), abs=1e-12)
    # Every calendar week, a week without a close as NaN: a change spans calendar weeks.
    periods = pd.Series(ratio.to_numpy(), index=weekly.index.to_period("W-SUN"))
    full = periods.reindex(pd.period_range(periods.index[0], periods.index[-1], freq="W-SUN"))
    for h in (4, 13, 52):
        assert g[f"change_{h}w"] == pytest.approx(full.iloc[-1] / full.iloc[-1 - h] - 1, abs=1e-12)
    thirteen = (full / full.shift(13) - 1).dropna()
    assert g["change_13w_pct"] == pytest.approx((thirteen <= thirteen.iloc[-1]).mean(), abs=1e-12)


@pytest.mark.realdata
def test_real_week_2026_08_21_claim_reads_the_index_pair(marketdata: Path) -> None:
    series = [s for name in ("^RUT", "^GSPC", "^IXIC")
              for s in parse_file(marketdata / "prices" / f"{name}.csv")]  # fmt: skip
    config = load_config(ROOT / "smallcap.toml")
    doc = compute_metrics(Market({s.symbol: s for s in series}), config, pd.Timestamp(WEEK))
    claim = claim_by_id(doc.claims, "great_rotation")
    gauge = doc.great_rotation.gauges["small_vs_nasdaq_index"]
    assert claim.evidence["gauge"] == "^RUT / ^IXIC"  # the ETF pair ends in 2022 here
    assert claim.n == 52 and claim.period == f"2025-08-29 to {WEEK}"
    assert claim.evidence["state"] == gauge.state
    expected = rotation_state(gauge.change_13w, gauge.change_52w, gauge.change_13w_pct)
    assert gauge.state == expected
    assert claim.verdict in (SUPPORTS, CONTRADICTS, NO_EDGE)


def test_the_page_lists_gauges_without_current_data_in_one_line_not_as_rows() -> None:
    from generator.pages.context import gauge_labels
    from generator.pages.filters import md_text
    from generator.pages.render import environment

    doc = base_doc()
    gone = Missing("RSP has no data on record")
    rsp = replace(doc.great_rotation.gauges["equal_vs_cap"], change_4w=gone, change_13w=gone,
                  change_52w=gone, pct_all=gone)  # fmt: skip
    gauges = MappingProxyType({**doc.great_rotation.gauges, "equal_vs_cap": rsp})
    doc = replace(doc, great_rotation=replace(doc.great_rotation, gauges=gauges))
    labels = gauge_labels(doc)
    text = (
        environment().get_template("partials/rotation.md.j2").render(doc=doc, gauge_labels=labels)
    )
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    assert [row.split(" | ")[0] for row in rows] == [
        "| Gauge", f"| {md_text(labels['IWM / QQQ'])}", f"| {md_text(labels['^RUT / ^IXIC'])}"
    ]  # fmt: skip
    # The gauge in words, as the table names gauges (the reason gives the symbol).
    assert (
        f"Without current data: {md_text(labels['RSP / SPY'])} — RSP has no data on record." in text
    )
    assert "n/a" not in text
