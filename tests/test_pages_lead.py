"""The top of the report follows the week's lead: the title states the most unusual fact, the
narrative never repeats a sentence over four consecutive reports, and the words for the spread
read right when both sides fell."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

import numpy as np
import pandas as pd

from generator.config import load_config
from generator.metrics import compute_metrics
from generator.metrics.schema import Document
from generator.metrics.schema_lead import LeadFact
from generator.model import Market
from generator.pages import render_report
from generator.sources.sample import sample_market
from tests.conftest import ROOT
from tests.test_metrics_lead import LAST_WEEK, below_high, document, walk

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")
# 30 consecutive Fridays of the sample market, across four month ends and a year's start.
FRIDAYS = pd.date_range("2025-11-07", periods=30, freq="W-FRI")


def title_of(page: str) -> str:
    return next(line[2:] for line in page.splitlines() if line.startswith("# "))


def narrative_of(page: str) -> str:
    """The narrative paragraph: the first paragraph after the title."""
    return page.split("\n# ", 1)[1].split("\n\n", 2)[1]


def test_a_crash_week_is_headlined_by_its_rank_not_by_who_led() -> None:
    small, large = below_high(walk(3)), below_high(walk(4))
    small[LAST_WEEK] *= np.linspace(0.97, 0.85, LAST_WEEK.sum())  # −15%
    large[LAST_WEEK] *= np.linspace(0.94, 0.70, LAST_WEEK.sum())  # −30%
    doc = document(small, large)
    page = render_report(doc, {}, sample=False)
    fall = f"{abs(doc.returns.w1.large) * 100:.1f}%"
    assert (
        title_of(page)
        == f"Week ending June 30, 2023: the S&#38;P 500's worst week since 2020 (\u2212{fall})"
    )
    text = narrative_of(page)
    assert text.startswith(f"The S&#38;P 500 fell {fall}, its worst week since 2020")
    assert "small caps fell less than large caps, by" in text
    assert " led by " not in text


def test_a_record_close_heads_the_title() -> None:
    small = below_high(walk(1))
    large = walk(2)
    large[-1] = large.max() * 1.01
    doc = document(small, large)
    level = f"{large[-1]:,.1f}"
    page = render_report(doc, {}, sample=False)
    assert (
        title_of(page) == f"Week ending June 30, 2023: the S&#38;P 500 closes at a record {level}"
    )
    assert narrative_of(page).startswith(f"The S&#38;P 500 closed at a record {level}, ")
    # The box names the record once, escaped once ("S&#38;&#35;38;P" was seen on real data).
    box = page.split('<div class="summary-box" data-search-exclude>\n', 1)[1].split("</div>", 1)[0]
    assert f"\n<li>The S&#38;P 500 closes at a record {level}.</li>\n" in box


def test_a_streak_heads_the_title_of_an_ordinary_week() -> None:
    small, large = below_high(walk(8)), below_high(walk(7))
    doc = _streak_doc(small, large)
    weeks = doc.relative.outperf_streak_weeks
    page = render_report(doc, {}, sample=False)
    assert title_of(page) == (f"Week ending June 30, 2023: small caps ahead of large caps "
                              f"{weeks} weeks in a row")  # fmt: skip


def _streak_doc(small: np.ndarray, large: np.ndarray) -> Document:
    from tests.test_metrics_lead import DAYS

    weeks = pd.Series(DAYS, index=DAYS).dt.to_period("W-SUN")
    for period in weeks.unique()[-5:]:
        days = (weeks == period).to_numpy()
        first = np.flatnonzero(days)[0]
        small[days] = small[first - 1] * (large[days] / large[first - 1]) * 1.01
    return document(small, large)


@lru_cache(maxsize=1)
def sample_narratives() -> tuple[str, ...]:
    config = load_config(ROOT / "smallcap.toml")
    market = Market({s.symbol: s for s in sample_market(config, str(FRIDAYS[-1].date()))},
                    sample=True)  # fmt: skip
    pages = (
        render_report(compute_metrics(market, config, day), {}, sample=False) for day in FRIDAYS
    )
    return tuple(narrative_of(page) for page in pages)


def test_no_sentence_repeats_over_four_consecutive_reports() -> None:
    narratives = [set(SENTENCE_END.split(text)) for text in sample_narratives()]
    repeated = []
    for i in range(len(narratives) - 3):
        for sentence in set.intersection(*narratives[i : i + 4]):
            repeated.append(f"{FRIDAYS[i].date()}: {sentence}")
    assert repeated == []


def test_the_narrative_talks_about_the_current_month_every_week() -> None:
    for day, text in zip(FRIDAYS, sample_narratives(), strict=True):
        month = day.strftime("%B")
        assert f"In {month} so far, small caps returned" in text, day


def test_out_of_season_claims_are_left_out_of_the_takeaways() -> None:
    from dataclasses import replace

    from tests.test_pages import fixed_doc, section_of

    doc = fixed_doc()
    claims = tuple(replace(c, verdict="supports") if c.id == "january_effect" else c
                   for c in doc.claims)  # fmt: skip
    statement = next(c.statement for c in claims if c.id == "january_effect")
    for week, shown in (("2026-11-20", False), ("2026-12-04", True), ("2027-01-08", True),
                        ("2027-02-05", False)):  # fmt: skip
        page = render_report(replace(doc, claims=claims, week_ending=week), {}, sample=False)
        assert (f"- {statement}." in section_of(page, "Key takeaways")) is shown, week


def test_the_summary_box_shows_both_sides_at_a_glance() -> None:
    small, large = below_high(walk(3)), below_high(walk(4))
    small[LAST_WEEK] *= np.linspace(0.97, 0.85, LAST_WEEK.sum())
    large[LAST_WEEK] *= np.linspace(0.94, 0.70, LAST_WEEK.sum())
    doc = document(small, large)
    page = render_report(doc, {}, sample=False)
    box = page.split('<div class="summary-box" data-search-exclude>\n', 1)[1].split("</div>", 1)[0]

    def pct(x: float, digits: int = 2) -> str:
        return f"{x * 100:+.{digits}f}%".replace("-", "\u2212")

    r, h = doc.returns, doc.highs
    rows = [
        tuple(re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row))
        for row in re.findall(r"<tr>(.*?)</tr>", box)
    ]
    assert rows == [
        ("At a glance", "Russell 2000", "S&#38;P 500"),
        ("Level", f"{small[-1]:,.2f}", f"{large[-1]:,.2f}"),
        ("Week", pct(r.w1.small), pct(r.w1.large)),
        ("Year to date", pct(r.ytd.small), pct(r.ytd.large)),
        ("1 year", pct(r.y1.small), pct(r.y1.large)),
        ("From all-time high", pct(h.small.pct_from_all_time, 1),
         pct(h.large.pct_from_all_time, 1)),
        ("The week&#39;s rank", "worst", "worst"),
        ("Weeks ranked since", "2020", "2020"),
    ]  # fmt: skip
    assert page.index("summary-box") < page.index("<!-- more -->") < page.index("## Key takeaways")


def test_a_level_week_reads_level_not_led() -> None:
    from dataclasses import replace

    from generator.metrics.lead import with_lead
    from tests.test_pages import fixed_doc

    doc = fixed_doc()
    level = replace(doc.returns.w1, small=0.01, large=0.01, spread=0.0)
    doc = with_lead(replace(doc, returns=replace(doc.returns, w1=level)))
    assert doc.lead.facts == (LeadFact("spread", "none"),)
    page = render_report(doc, {}, sample=False)
    assert title_of(page) == "Week ending November 20, 2026: small and large caps finished level"
    assert " led by 0.0 pp" not in page


def test_a_small_cap_record_is_said_once_in_the_takeaways() -> None:
    """A record week read "closed at a record …" and then "Small caps set a new 52-week or
    all-time closing high this week" in the same list (2026-08-14 on the real data)."""
    from tests.test_pages import section_of

    small = walk(1)
    small[-1] = small.max() * 1.01
    doc = document(small, below_high(walk(2)))
    assert [f.kind for f in doc.lead.facts][:1] == ["record_close"]
    assert next(c for c in doc.claims if c.id == "new_high").verdict == "supports"
    takeaways = section_of(render_report(doc, {}, sample=False), "Key takeaways")
    assert sum("record" in line for line in takeaways.splitlines()) == 1, takeaways
    assert "Small caps set a new 52-week or all-time closing high" not in takeaways
    # Without the record in the lead, the claim is the takeaway that says it.
    plain = replace(doc, lead=replace(doc.lead, facts=tuple(f for f in doc.lead.facts
                                                          if f.kind != "record_close")))  # fmt: skip
    takeaways = section_of(render_report(plain, {}, sample=False), "Key takeaways")
    assert "- Small caps set a new 52-week or all-time closing high this week." in takeaways


def test_the_years_result_says_by_how_much() -> None:
    """ "Small caps beat large caps this year." said nothing of the size (a reviewer's note)."""
    from tests.test_pages import fixed_doc, section_of

    doc = fixed_doc()
    claims = tuple(
        replace(c, verdict="supports", evidence={"returns.ytd.spread": 0.0437})
        if c.id == "small_led_ytd" else c
        for c in doc.claims
    )  # fmt: skip
    takeaways = section_of(render_report(replace(doc, claims=claims), {}, sample=False),
                           "Key takeaways")  # fmt: skip
    assert "- Small caps beat large caps this year, by 4.4 pp." in takeaways, takeaways
