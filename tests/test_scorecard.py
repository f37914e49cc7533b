"""The story scorecard: its sentences from the claims' evidence, the seasons, the stories that
cannot be tested, and the dot-and-interval chart read from the document."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

from generator.charts import build_chart
from generator.charts.scorecard import document_charts, scorecard_frame
from generator.config import load_config
from generator.metrics import compute_metrics
from generator.metrics.claims import with_claims
from generator.metrics.groupstats import BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED
from generator.metrics.schema import Document
from generator.metrics.stories import STORY_DEFS, in_season, spread_rows
from generator.model import Market
from generator.pages import ChartView, render_report
from generator.sources.sample import sample_market
from tests import reference_metrics as ref
from tests.conftest import ROOT

CONFIG = load_config(ROOT / "smallcap.toml")
JANUARY_WEEK = "2026-01-09"
MINUS = "\u2212"


@lru_cache(maxsize=2)
def market(week: str) -> Market:
    return Market({s.symbol: s for s in sample_market(CONFIG, week)}, sample=True)


@lru_cache(maxsize=2)
def doc_of(week: str) -> Document:
    return compute_metrics(market(week), CONFIG, pd.Timestamp(week))


def scorecard(doc: Document, charts: dict | None = None) -> str:
    page = render_report(doc, charts or {}, sample=False)
    section = page.split("## Story scorecard\n", 1)[1].split("\n## ", 1)[0]
    # The stories' own evidence (valuation, rotation, rate cuts) follows this line.
    return section.split("Each verdict follows a fixed rule", 1)[0]


def januaries(week: str) -> pd.Series:
    """The January spreads (small minus large) of the sample pair, by plain pandas."""
    closes = {side: market(week).series[sym].frame["close"]
              for side, sym in (("small", CONFIG.small.index), ("large", CONFIG.large.index))}  # fmt: skip
    pair = ref.paired_months(*(ref.keyed_monthly_returns(c, pd.Timestamp(week))
                               for c in closes.values()))  # fmt: skip
    january = pair[pair["month"] == 1]
    return pd.Series(january["spread"].to_numpy(), index=january["year"].to_numpy())


def pp(x: float, digits: int = 2) -> str:
    return f"{x * 100:+.{digits}f} pp".replace("-", MINUS)


def bootstrap_99(values: np.ndarray) -> tuple[float, float]:
    """The percentile bootstrap 99% interval of the mean, resampled the plain way."""
    n = len(values)
    picks = np.random.default_rng(BOOTSTRAP_SEED).integers(0, n, size=(BOOTSTRAP_RESAMPLES, n))
    low, high = np.quantile(values[picks].mean(axis=1), [0.005, 0.995])
    return float(low), float(high)


def test_the_january_claim_counts_the_years_small_caps_led() -> None:
    spreads = januaries(JANUARY_WEEK)
    evidence = {c.id: c for c in doc_of(JANUARY_WEEK).claims}["january_effect"].evidence
    assert evidence["wins"] == int((spreads > 0).sum())
    assert evidence["years"] == len(spreads)


def test_the_january_sentence_in_january_from_numbers_computed_here() -> None:
    spreads = januaries(JANUARY_WEEK)
    wins, years, first = int((spreads > 0).sum()), len(spreads), int(spreads.index[0])
    low, high = bootstrap_99(spreads.to_numpy())
    edge = ("is above zero" if low > 0 else "is below zero" if high < 0
            else "is indistinguishable from zero")  # fmt: skip
    expected = (
        f"In {wins} of {years} years since {first} small caps beat large caps in January "
        f"(Russell 2000 against S&#38;P 500); the average edge, {pp(spreads.mean())}, {edge} "
        f"(99% interval {pp(low)} to {pp(high)})."
    )
    assert expected in scorecard(doc_of(JANUARY_WEEK))


@pytest.mark.parametrize(
    ("week", "written", "resting"),
    [
        ("2026-01-09", {"January effect", "February", "Midterm year"}, set()),
        ("2025-12-05", {"January effect", "Midterm year"}, {"February"}),
        ("2026-02-06", {"February", "Midterm year"}, {"January effect"}),
        ("2026-11-20", {"Midterm year"}, {"January effect", "February"}),
        ("2027-03-05", set(), {"January effect", "February", "Midterm year"}),
    ],
)
def test_seasonal_stories_are_written_out_this_month_or_next_else_listed(
    week: str, written: set[str], resting: set[str]
) -> None:
    text = scorecard(replace(doc_of(JANUARY_WEEK), week_ending=week))
    seasonal = {"January effect", "February", "Midterm year"}
    blocks = {t for t in seasonal if f"<strong>{t}</strong>" in text}
    assert blocks == written
    listed = text.split(
        "Stories told for other months (each gets its full card in its months): ", 1
    )
    assert {
        t for t in seasonal if len(listed) == 2 and f"{t} (" in listed[1].split("\n")[0]
    } == resting
    # The stories that are not seasonal are always written out, in the scorecard's order.
    order = [s.title for s in STORY_DEFS if f"<strong>{s.title}</strong>" in text]
    assert order[:2] == ["Great Rotation", "Rate cuts"]
    assert order[-2:] == ["Earnings growth", "Valuation"]
    assert {d.title for d in STORY_DEFS if in_season(d, week)} == written | (
        {d.title for d in STORY_DEFS} - seasonal
    )


def test_a_story_without_enough_data_says_why_in_words() -> None:
    doc = doc_of(JANUARY_WEEK)
    months = tuple(replace(m, years=12) if m.month == 1 else m for m in doc.seasonality.months)
    short = with_claims(replace(doc, seasonality=replace(doc.seasonality, months=months)))
    text = scorecard(short)
    january = next(b for b in text.split("\n\n") if "<strong>January effect</strong>" in b)
    assert "Russell 2000: ○ not enough data · Ken French: ✔ supports" in january
    assert (
        "Russell 2000: Cannot be tested: only 12 years of data; at least 20 are needed." in january
    )
    earnings = next(b for b in text.split("\n\n") if "<strong>Earnings growth</strong>" in b)
    # The operator's hint ("run `generator fetch ...`") stays out of the published page.
    assert (
        "Cannot be tested: no earnings or valuation snapshots of the index funds yet; the weekly "
        "job records one a week from the first fetch of fund data."
    ) in earnings
    assert "<small>" not in earnings  # no "n = –" line for a story that has no n
    assert "January, Russell 2000" not in [r.label for r in spread_rows(short)]  # not judged
    assert "January, Ken French" in [r.label for r in spread_rows(short)]
    shown = text.split("??? note", 1)[0]
    assert "n/a" not in shown and "undefined" not in shown and "None" not in shown


def test_the_chart_reads_the_documents_claims_exactly() -> None:
    doc = doc_of(JANUARY_WEEK)
    claims = {c.id: c for c in doc.claims}
    # A value no statistic of the market gives: the chart must show the document's.
    odd = replace(claims["february"], evidence={**claims["february"].evidence,
                                                "spread_mean": 0.0123456789})  # fmt: skip
    doc = replace(doc, claims=tuple(odd if c.id == "february" else c for c in doc.claims))
    frame = document_charts(doc)["scorecard"]
    rows = spread_rows(doc)
    assert frame["label"].tolist() == [r.label for r in rows]
    assert frame["label"].tolist()[:2] == ["January, Russell 2000", "January, Ken French"]
    for row, (_, line) in zip(rows, frame.iterrows(), strict=True):
        ev = row.claim.evidence
        assert (line["estimate"], line["low"], line["high"]) == (
            ev["spread_mean"], ev["spread_ci99_low"], ev["spread_ci99_high"])  # fmt: skip
        assert line["n"] == row.claim.n and line["verdict"] == row.claim.verdict
    february = frame[frame["label"] == "February, Russell 2000"].iloc[0]
    assert february["estimate"] == 0.0123456789 and february["estimate_text"] == "+1.23 pp"
    spec = build_chart("scorecard", frame, sample=False)
    assert "February, Russell 2000 +1.23 pp (99% interval" in spec["description"]
    data = next(iter(spec["datasets"].values()))
    assert data.splitlines()[0] == ",".join(frame.columns)
    assert "February, Russell 2000" in data and "+1.23 pp" in data
    layers = json.dumps(spec["layer"])
    assert '"x2": {"field": "high"' in layers and '"datum": 0' in layers


def test_no_chart_when_no_story_has_an_interval() -> None:
    doc = doc_of(JANUARY_WEEK)
    assert scorecard_frame(replace(doc, claims=())).empty
    assert document_charts(replace(doc, claims=())) == {}


def test_the_charts_data_table_has_human_headers_and_the_claims_formats() -> None:
    doc = doc_of(JANUARY_WEEK)
    view = ChartView("scorecard", "Story scorecard", "Dots and intervals.", svg=False)
    text = scorecard(doc, {"scorecard": view})
    assert 'data-spec="scorecard.vl.json"' in text
    note = '??? note scorecard-data "Data: Story scorecard"'
    table = text.split(note, 1)[1].split("??? note", 1)[0]
    lines = [line.strip() for line in table.strip().splitlines()]
    assert lines[0] == "| Story | Mean spread | 99% interval | n |"
    january = {c.id: c for c in doc.claims}["january_effect"]
    ev = january.evidence
    assert lines[2] == (f"| January, Russell 2000 | {pp(ev['spread_mean'])} | "
                        f"{pp(ev['spread_ci99_low'])} to {pp(ev['spread_ci99_high'])} | "
                        f"{january.n} |")  # fmt: skip
    midterm = next(line for line in lines if line.startswith("| Midterm year, Russell 2000 |"))
    mean = {c.id: c for c in doc.claims}["midterm_year"].evidence["spread_mean"]
    assert f"| {pp(mean, 1)} |" in midterm  # the cycle's own format: one decimal


def test_every_claim_is_kept_in_a_collapsed_list_not_a_table() -> None:
    doc = doc_of(JANUARY_WEEK)
    text = scorecard(doc)
    listed = text.split("<summary>All claims checked</summary>", 1)[1].split("</details>")[0]
    items = [line for line in listed.splitlines() if line.startswith("<li>")]
    assert len(items) == len(doc.claims) and all(line.endswith("</li>") for line in items)
    # One raw HTML block (no blank line), so the site builds it without converting it.
    assert '\n\n<details class="note" data-search-exclude>\n' in text  # a block of its own
    block = text[text.index('<details class="note" data-search-exclude>') :]
    assert "\n\n" not in block.split("</details>")[0]
    assert not [line for line in text.splitlines() if line.startswith("|")]


def test_the_rate_cuts_sentence_counts_cycles_and_says_when_one_is_pending() -> None:
    doc = doc_of(JANUARY_WEEK)
    evidence = {"n": 27, "pending": 1, "wins": 13, "spread_mean": 0.037, "spread_median": -0.005,
                "hit_rate": 13 / 27, "spread_ci99_low": -0.047, "spread_ci99_high": 0.148,
                "first_year": 1957, "last_year": 2024}  # fmt: skip
    cuts = replace({c.id: c for c in doc.claims}["rate_cuts"], verdict="no reliable edge",
                   evidence=evidence, n=27, period="1957-2024")  # fmt: skip
    text = scorecard(replace(doc, claims=tuple(cuts if c.id == "rate_cuts" else c
                                               for c in doc.claims)))  # fmt: skip
    assert (
        "In the 12 months after the first cut of 27 Fed easing cycles since 1957, small caps beat "
        "large caps in 13; the average edge, +3.7 pp, is indistinguishable from zero (99% "
        "interval −4.7 pp to +14.8 pp). 1 more cycle is too recent for a full 12 months."
    ) in text
    assert "Rate cuts, 12 months after" in [
        r.label for r in spread_rows(replace(doc, claims=(cuts,)))
    ]


def test_the_great_rotation_sentence_names_the_indices_in_words() -> None:
    """A reader saw "Against the Nasdaq (^RUT / ^IXIC)": ticker symbols in running text."""
    doc = doc_of(JANUARY_WEEK)
    rotation = {c.id: c for c in doc.claims}["great_rotation"]
    gauge = rotation.evidence["gauge"]
    assert gauge == f"{CONFIG.small.index} / ^IXIC"
    text = scorecard(doc).split("<details", 1)[0]  # the evidence list names the gauge exactly
    assert (
        "Against the Nasdaq Composite (the Russell 2000 / Nasdaq Composite ratio), small " in text
    )
    assert gauge not in text and "^" not in text


def test_the_seasonality_table_prints_the_verdicts_99_percent_interval() -> None:
    """The month table printed 90% intervals beside verdicts judged on 99% ones."""
    doc = doc_of(JANUARY_WEEK)
    january = next(m for m in doc.seasonality.months if m.month == 1)
    page = render_report(doc, {}, sample=False)
    [row] = [line for line in page.splitlines() if line.startswith("| January | ")]
    interval = f"{pp(january.spread_ci99_low)} to {pp(january.spread_ci99_high)}"
    assert row.split(" | ")[6] == interval
    assert "| Hit rate | 99% interval | Years |" in page


def test_the_chart_colours_each_story_by_its_verdict() -> None:
    """The dots were all one colour: a reader could not tell a supported story from one with
    no reliable edge without reading every tooltip."""
    from generator.charts.scorecard import VERDICT_COLORS
    from generator.metrics.verdicts import CONTRADICTS, NO_EDGE, SUPPORTS

    frame = document_charts(doc_of(JANUARY_WEEK))["scorecard"]
    spec = build_chart("scorecard", frame, sample=False)
    marks = [layer for layer in spec["layer"] if "color" in layer.get("encoding", {})]
    assert len(marks) == 2  # the interval and the dot; the zero line stays neutral
    for layer in marks:
        color = layer["encoding"]["color"]
        assert color["field"] == "verdict"
        assert color["scale"]["domain"] == [SUPPORTS, NO_EDGE, CONTRADICTS]
        assert color["scale"]["range"] == [VERDICT_COLORS[v] for v in color["scale"]["domain"]]
    assert len(set(VERDICT_COLORS.values())) == 3
