"""The built site links each report to its neighbours and to the same week a year earlier."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.site import build_site
from tests.clonedreports import clone_report
from tests.sitebuild import sample_site

pytestmark = pytest.mark.sitebuild  # runs MkDocs: not in `make test-fast`

NAV = re.compile(r'<nav [^>]*class="week-nav"[^>]*>(.*?)</nav>', re.S)
HREF = re.compile(r'<a href="([^"]+)"(?: rel="(\w+)")?>([^<]*)</a>')


def _nav_links(site_dir: Path, week: str) -> dict[str, str]:
    """The week navigation of a built report: link text (its first word) -> resolved path."""
    folder = site_dir / "blog" / week.replace("-", "/")
    navs = NAV.findall((folder / "index.html").read_text(encoding="utf-8"))
    assert len(navs) <= 1
    links = {}
    for href, _rel, text in HREF.findall(navs[0] if navs else ""):
        target = (folder / href).resolve()
        assert (target / "index.html").is_file(), href  # no dead link
        links[text.split()[0]] = target.relative_to(site_dir.resolve()).as_posix()
    return links


def test_links_follow_the_archive_when_a_week_is_added(tmp_path: Path) -> None:
    seeds = sample_site()
    content, build, site = tmp_path / "content", tmp_path / "build", tmp_path / "site"
    project = seeds.project
    for week in ("2025-11-14", "2026-11-13"):
        clone_report(seeds.content, seeds.weeks[-1], content, week)
    build_site(project, site, content_dir=content, build_dir=build)
    assert _nav_links(site, "2026-11-13") == {"←": "blog/2025/11/14", "A": "blog/2025/11/14"}
    assert _nav_links(site, "2025-11-14") == {"Next": "blog/2026/11/13"}

    clone_report(seeds.content, seeds.weeks[-1], content, "2026-11-20")
    build_site(project, site, content_dir=content, build_dir=build)  # the warm build folder
    assert _nav_links(site, "2026-11-13") == {
        "←": "blog/2025/11/14",
        "A": "blog/2025/11/14",
        "Next": "blog/2026/11/20",
    }
    assert _nav_links(site, "2026-11-20") == {"←": "blog/2026/11/13"}  # 2025-11-14: 6 days
    page = (site / "blog/2026/11/20/index.html").read_text(encoding="utf-8")
    assert 'rel="prev"' in page and 'aria-label="Other weeks"' in page
