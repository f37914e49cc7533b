"""The week's lead (``metrics.lead``): the ranking of the week's facts on built closes (a
record-high week, a crash week, a streak week, an ordinary week), each fact's numbers computed
here independently with pandas, and the regime turn on a hand-made ratio."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

from generator.config import load_config
from generator.metrics import compute_metrics
from generator.metrics.lead import regime_turned
from generator.metrics.schema import Document
from generator.metrics.schema_lead import LeadFact
from generator.model import Market, Series
from tests.conftest import ROOT

WEEK = pd.Timestamp("2023-06-30")  # a Friday
DAYS = pd.bdate_range("2020-01-01", WEEK, name="date")
LAST_WEEK = DAYS >= pd.Timestamp("2023-06-26")


@lru_cache(maxsize=1)
def config():  # type: ignore[no-untyped-def]
    return load_config(ROOT / "smallcap.toml")


def walk(seed: int, drift: float = 0.0) -> np.ndarray:
    """A seeded random walk of daily closes (moves of about 1%) that stays near 100."""
    rng = np.random.default_rng(seed)
    return 100 * np.exp(np.cumsum(rng.normal(drift, 0.01, len(DAYS))))


def market(small: np.ndarray, large: np.ndarray) -> Market:
    def series(symbol: str, closes: np.ndarray) -> Series:
        frame = pd.DataFrame({c: closes for c in ("open", "high", "low", "close", "adj_close")},
                             index=DAYS)  # fmt: skip
        frame["volume"] = 0.0
        return Series(symbol, frame, "test")

    cfg = config()
    return Market({cfg.small.index: series(cfg.small.index, small),
                   cfg.large.index: series(cfg.large.index, large)})  # fmt: skip


def document(small: np.ndarray, large: np.ndarray) -> Document:
    return compute_metrics(market(small, large), config(), WEEK)


def below_high(values: np.ndarray) -> np.ndarray:
    """The walk with its last week moved 10% below its highest close (no record, no big move)."""
    out = values.copy()
    out[LAST_WEEK] = values.max() * 0.9 * values[LAST_WEEK] / values[LAST_WEEK][0]
    out[LAST_WEEK] *= values[~LAST_WEEK][-1] / out[LAST_WEEK][0]  # no jump into the week
    out[LAST_WEEK] = np.minimum(out[LAST_WEEK], values[~LAST_WEEK].max() * 0.95)
    return out


def weekly_returns(values: np.ndarray) -> pd.Series:
    closes = pd.Series(values, index=DAYS)
    weekly = closes.groupby(closes.index.to_period("W-SUN")).last()
    return (weekly / weekly.shift(1) - 1).dropna()


def facts(doc: Document) -> list[tuple[str, str]]:
    return [(f.kind, f.side) for f in doc.lead.facts]


def test_a_record_close_leads() -> None:
    small = below_high(walk(1))
    large = walk(2)
    large[-1] = large.max() * 1.01  # the week's last close is the highest ever
    doc = document(small, large)
    assert facts(doc)[0] == ("record_close", "large")
    assert facts(doc)[-1][0] == "spread"
    closes = pd.Series(large, index=DAYS)
    before = closes[closes.index < pd.Timestamp("2023-06-26")]
    record_day = before.idxmax()
    rec = doc.lead.records.large
    assert rec.record_close and rec.close == large[-1]
    assert rec.previous_record_date == record_day.date().isoformat()
    monday = record_day - pd.Timedelta(days=record_day.weekday())
    assert rec.weeks_since_previous_record == (pd.Timestamp("2023-06-26") - monday).days // 7
    assert doc.lead.records.small.record_close is False


def test_a_crash_week_leads_with_the_rarer_rank() -> None:
    small, large = below_high(walk(3)), below_high(walk(4))
    small[LAST_WEEK] *= np.linspace(0.94, 0.70, LAST_WEEK.sum())  # −30% over the week
    large[LAST_WEEK] *= np.linspace(0.97, 0.85, LAST_WEEK.sum())  # −15%
    doc = document(small, large)
    for side, values in (("small", small), ("large", large)):
        history = weekly_returns(values)
        rank = getattr(doc.week_rank, side).rank_worst
        assert rank == int((history < history.iloc[-1]).sum()) + 1 == 1
    # Both are the worst week over the same history: the larger fall leads.
    assert facts(doc)[:2] == [("week_rank", "small"), ("week_rank", "large")]
    assert facts(doc)[-1] == ("spread", "large")
    # The ratio fell 18% in the week: a new large-cap regime is confirmed, ranked after the
    # ranks and any streak.
    assert ("regime_change", "large") in facts(doc)[2:-1]


def test_the_rarer_rank_comes_first_then_the_longer_history() -> None:
    from dataclasses import replace

    from generator.metrics.lead import ranked_facts
    from generator.metrics.schema import SideWeekRank, WeekRank

    doc = document(below_high(walk(5)), below_high(walk(6)))
    rare = replace(doc, week_rank=WeekRank(SideWeekRank(1100, 1098, 3, 1987),
                                           SideWeekRank(4213, 4212, 2, 1928)))  # fmt: skip
    assert [f.side for f in ranked_facts(rare) if f.kind == "week_rank"] == ["large", "small"]
    tie = replace(doc, week_rank=WeekRank(SideWeekRank(4213, 4212, 2, 1928),
                                          SideWeekRank(1100, 1098, 2, 1987)))  # fmt: skip
    assert [f.side for f in ranked_facts(tie) if f.kind == "week_rank"] == ["small", "large"]
    eleventh = replace(doc, week_rank=WeekRank(SideWeekRank(1100, 1090, 11, 1987),
                                               SideWeekRank(4213, 11, 4203, 1928)))  # fmt: skip
    assert [f for f in ranked_facts(eleventh) if f.kind == "week_rank"] == []


def test_a_streak_week() -> None:
    large = below_high(walk(7))
    small = below_high(walk(8))
    # Five weeks in a row small beats large by 1 pp a week, in ordinary markets.
    weeks = pd.Series(DAYS, index=DAYS).dt.to_period("W-SUN")
    last5 = weeks.unique()[-5:]
    for period in last5:
        days = (weeks == period).to_numpy()
        first = np.flatnonzero(days)[0]
        small[days] = small[first - 1] * (large[days] / large[first - 1]) * 1.01
    spread = weekly_returns(small) - weekly_returns(large)
    run = 0
    for value in reversed(spread.to_list()):
        if value <= 0:
            break
        run += 1
    doc = document(small, large)
    assert doc.relative.outperf_streak_weeks == run >= 5
    assert facts(doc)[0] == ("streak", "small")
    assert facts(doc) == [("streak", "small"), ("spread", "small")]


def test_an_ordinary_week_has_only_its_spread() -> None:
    small, large = below_high(walk(9)), below_high(walk(10))
    doc = document(small, large)
    spread = weekly_returns(small).iloc[-1] - weekly_returns(large).iloc[-1]
    assert doc.returns.w1.spread == pytest.approx(spread, abs=1e-12)
    expected_streak = [("streak", "small" if spread > 0 else "large")]
    lead = facts(doc)
    assert lead[-1] == ("spread", "small" if spread > 0 else "large")
    assert lead in ([lead[-1]], [*expected_streak, lead[-1]])  # a 2-week run may precede it
    assert all(kind in ("streak", "spread") for kind, _ in lead)


def test_the_ratio_context_and_the_longest_large_cap_run() -> None:
    small, large = below_high(walk(11)), below_high(walk(12))
    doc = document(small, large)
    ratio = pd.Series(small / large, index=DAYS)
    assert doc.lead.ratio_first_year == 2020
    assert doc.lead.ratio_peak_date == ratio.idxmax().date().isoformat()
    spread = weekly_returns(small) - weekly_returns(large)
    longest = max(len(run) for run in "".join("x" if v < 0 else " " for v in spread).split(" "))
    assert doc.lead.underperf_streak_record_weeks == longest


def test_a_regime_turns_the_week_the_ratio_reverses_ten_percent() -> None:
    ratio = np.array([1.0, 1.05, 1.10, 1.20, 1.15, 1.10, 1.085])  # 9.6% below the 1.20 peak
    assert not regime_turned(ratio)
    assert regime_turned(np.r_[ratio, 1.07])  # 10.8% below: confirmed this week
    assert not regime_turned(np.r_[ratio, 1.07, 1.06])  # confirmed last week, not this one


def test_a_document_without_a_lead_reads_and_keeps_its_shape() -> None:
    doc = document(below_high(walk(13)), below_high(walk(14)))
    plain = doc.to_plain()
    del plain["lead"]
    assert Document.from_plain(plain).lead.__class__.__name__ == "Missing"
    assert isinstance(doc.lead.facts[0], LeadFact)
