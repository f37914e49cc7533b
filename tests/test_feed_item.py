"""A report's front matter for sharing and feeds: its meta description and its feed item."""

from __future__ import annotations

import json
from dataclasses import replace

import yaml

from generator.metrics.codec import Missing
from generator.metrics.schema import SideWeekRank, WeekRank
from generator.pages import render_report
from generator.pages.feed_filters import meta_sentence
from tests.test_pages import fixed_charts, fixed_doc


def _front_matter(page: str) -> dict:
    return yaml.safe_load(page.split("\n---\n", 1)[0].removeprefix("---\n"))


def test_the_feed_item_says_a_record_close_and_a_week_ranked_in_history() -> None:
    doc = fixed_doc()
    highs = replace(doc.highs, small=replace(doc.highs.small, new_all_time_high=True))
    ranks = WeekRank(SideWeekRank(1100, 1098, 3, 1987), Missing("no close"))
    page = render_report(replace(doc, highs=highs, week_rank=ranks), fixed_charts(), sample=False)
    item = _front_matter(page)["rss"]["feed_description"]
    assert "<li><strong>Russell 2000</strong>: " in item
    assert "year to date" in item and "; a record close.</li>" in item
    assert "<li>The Russell 2000's 3rd-worst week since 1987.</li>" in item
    assert "from its all-time high.</li>" in item  # the S&P 500 is below its record
    assert "<img" not in item  # no social image beside this page


def test_the_feed_item_shows_the_social_image_with_the_chart_description() -> None:
    page = render_report(fixed_doc(), fixed_charts(), sample=False, social_image=True)
    meta = _front_matter(page)
    assert meta["image"] == "blog/2026/11/20/social.png"
    assert (
        '<img src="social.png" width="1200" height="630" alt="Both indices rebased to 100.">'
        in meta["rss"]["feed_description"]
    )


def test_the_meta_description_is_one_escaped_sentence() -> None:
    text = "Small caps (A&#38;B <i>) rose 1.5%. Then   more. And more."
    assert json.loads(meta_sentence(text)) == "Small caps (A&amp;B &lt;i&gt;) rose 1.5%."
    quoted = meta_sentence('Say "hi"')
    assert yaml.safe_load("d: " + quoted) == {"d": "Say &quot;hi&quot;"}
