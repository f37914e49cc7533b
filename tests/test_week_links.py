"""Links between weeks: previous, next and a year earlier, added when the site is built."""

from __future__ import annotations

import itertools
import os
import posixpath
from pathlib import Path

import pytest

from generator.archive import report_dir
from generator.pages.render import environment
from generator.week_links import (
    WeekLinks,
    add_week_links,
    page_source,
    relative_link,
    week_links,
    with_week_nav,
)

PAGE = "---\ndate: {week}\ntitle: Week {week}\n---\n\n# Week {week}\n\nHeadline.\n\n<!-- more -->\n\n## Details\n"


def _archive(docs: Path, weeks: list[str]) -> None:
    for week in weeks:
        folder = report_dir(docs, week)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.md").write_text(PAGE.format(week=week), encoding="utf-8")


def _page(docs: Path, week: str) -> str:
    return (report_dir(docs, week) / "index.md").read_text(encoding="utf-8")


def test_each_week_links_its_neighbours_and_the_nearest_week_a_year_earlier() -> None:
    weeks = ["2025-08-15", "2025-08-22", "2026-08-14", "2026-08-21"]
    links = week_links(weeks)
    assert links["2026-08-21"] == WeekLinks("2026-08-14", None, "2025-08-22")
    assert links["2026-08-14"] == WeekLinks("2025-08-22", "2026-08-21", "2025-08-15")
    assert links["2025-08-15"] == WeekLinks(None, "2025-08-22", None)


@pytest.mark.parametrize(
    ("weeks", "expected"),
    [
        (["2025-08-16", "2026-08-21"], None),  # 5 days away: too far
        (["2025-08-17", "2026-08-21"], "2025-08-17"),  # exactly 4 days
        (["2025-08-17", "2025-08-20", "2026-08-21"], "2025-08-20"),  # the nearest
        (["2025-08-17", "2025-08-25", "2026-08-21"], "2025-08-17"),  # a tie: the earlier
        (["2023-02-24", "2024-02-29"], "2023-02-24"),  # from February 29 (to February 28)
        (["2026-08-21"], None),
    ],
)
def test_a_year_earlier_is_the_nearest_week_within_four_days(
    weeks: list[str], expected: str | None
) -> None:
    assert week_links(weeks)[weeks[-1]].year_ago == expected


def test_links_are_relative_to_the_report_page() -> None:
    assert relative_link("2026-08-21", "2026-08-14") == "../14/index.md"
    assert relative_link("2026-01-02", "2025-01-03") == "../../../2025/01/03/index.md"
    weeks = ["2026-08-21", "2026-08-14", "2026-07-31", "2025-08-22", "2025-12-26", "2026-01-02"]
    for a, b in itertools.permutations(weeks, 2):
        assert relative_link(a, b) == posixpath.relpath(page_source(b), page_source(a)[:-9])


def test_the_block_goes_after_the_excerpt_or_at_the_end() -> None:
    assert with_week_nav("a\n<!-- more -->\nb\n", "NAV") == "a\n<!-- more -->\n\nNAV\n\nb\n"
    assert with_week_nav("a\n", "NAV") == "a\n\nNAV\n"
    assert with_week_nav("a\n", "") == "a\n"


def test_the_build_copy_gets_the_links_and_the_archive_is_not_written(tmp_path: Path) -> None:
    archive, build = tmp_path / "archive", tmp_path / "build"
    weeks = ["2025-11-21", "2026-11-13", "2026-11-20"]
    _archive(archive, weeks)
    for week in weeks:  # the site's build copy hard-links the archive's files
        report_dir(build, week).mkdir(parents=True)
        os.link(report_dir(archive, week) / "index.md", report_dir(build, week) / "index.md")
    assert add_week_links(build, environment()) == 3
    page = _page(build, "2026-11-20")
    assert '<a href="../13/" rel="prev">← Previous week: November 13, 2026</a>' in page
    assert '<a href="../../../2025/11/21/">A year earlier: November 21, 2025</a>' in page
    assert "Next week" not in page
    assert page.index("<!-- more -->") < page.index('<nav class="week-nav"')
    assert '<a href="../20/" rel="next">Next week: November 20, 2026 →</a>' in _page(
        build, "2026-11-13"
    )
    assert "A year earlier" not in _page(build, "2026-11-13")
    # Across a gap in the archive the link names the report, not "the previous week".
    assert "← Previous report: November 21, 2025</a>" in _page(build, "2026-11-13")
    assert ">Next report: November 13, 2026 →</a>" in _page(build, "2025-11-21")
    for week in weeks:
        assert _page(archive, week) == PAGE.format(week=week)


def test_a_week_ending_on_thursday_is_still_the_next_week(tmp_path: Path) -> None:
    _archive(tmp_path, ["2026-03-27", "2026-04-02"])  # Good Friday, April 3: a Thursday close
    add_week_links(tmp_path, environment())
    assert ">Next week: April 2, 2026 →</a>" in _page(tmp_path, "2026-03-27")


def test_a_new_week_adds_the_next_link_to_the_week_before(tmp_path: Path) -> None:
    _archive(tmp_path, ["2026-11-06", "2026-11-13"])
    add_week_links(tmp_path, environment())
    assert "Next week" not in _page(tmp_path, "2026-11-13")
    _archive(tmp_path, ["2026-11-06", "2026-11-13", "2026-11-20"])  # the next build's copy
    add_week_links(tmp_path, environment())
    assert ">Next week: November 20, 2026 →</a>" in _page(tmp_path, "2026-11-13")


def test_a_lone_report_gets_no_block(tmp_path: Path) -> None:
    _archive(tmp_path, ["2026-11-20"])
    assert add_week_links(tmp_path, environment()) == 0
    assert _page(tmp_path, "2026-11-20") == PAGE.format(week="2026-11-20")
