"""Golden Markdown of computed weeks of the sample market: a crash week (the Russell 2000's
worst week since its data start) and a record-high week, besides the ordinary week of
tests/golden/report.md. Each page is rendered from the document the pipeline computes, so a
change anywhere from the metrics to the templates shows up here as a diff to review.
``UPDATE_GOLDEN=1`` rewrites the files after a reviewed change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.pages import render_report
from tests.test_pages import sample_doc

GOLDEN = Path(__file__).parent / "golden"
# week -> the headline the week must carry (why it was chosen)
WEEKS = {
    "2014-03-28": "# Week ending March 28, 2014: the Russell 2000's worst week since 1985 (−19.5%)",
    "2026-11-06": "# Week ending November 6, 2026: the S&#38;P 500 closes at a record 15,535.9",
}


@pytest.mark.parametrize("week", sorted(WEEKS))
def test_a_computed_week_renders_its_golden_markdown(week: str) -> None:
    page = render_report(sample_doc(week), {}, sample=True)
    assert WEEKS[week] in page.splitlines()
    golden = GOLDEN / f"report-{week}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(page, encoding="utf-8")
    assert page == golden.read_text(encoding="utf-8")
