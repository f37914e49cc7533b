"""`mkdocs build --strict` of a small generated sample site, and what the built site holds."""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.site import SiteError, build_site
from tests.projectcopy import make_project
from tests.sitebuild import SampleSite, sample_site

pytestmark = pytest.mark.sitebuild  # runs MkDocs: not in `make test-fast`

# Tags whose URL the browser fetches (a canonical or alternate <link> is only a reference).
LOADING_TAG = re.compile(r"<(?:script|link|img|iframe|source)\b[^>]*>")
URL_ATTR = re.compile(r'\b(?:src|href)="([^"]+)"')
SPEC = re.compile(r'data-spec="([^"]+)"')


@pytest.fixture(scope="module")
def site() -> SampleSite:
    return sample_site()


def _pages(site: SampleSite) -> list[Path]:
    return sorted(site.build.site_dir.rglob("*.html"))


def test_reports_are_published_with_their_files(site: SampleSite) -> None:
    out = site.build.site_dir
    for week in site.weeks:
        folder = out / "blog" / week[:4] / week[5:7] / week[8:10]
        names = {p.name for p in folder.iterdir()}
        assert {"index.html", "metrics.json", "chart-data.csv"} <= names
        assert {"ytd_rebased.vl.json", "ytd_rebased.svg", "relative_ratio.vl.json"} <= names
    assert (out / "blog" / "archive" / "2026" / "index.html").is_file()  # archived by year
    assert not (out / "blog" / "archive" / "2026" / "11").exists()
    categories = {p.name for p in (out / "blog" / "category").iterdir()}
    assert "midterm-year" in categories
    assert categories & {"small-caps-led", "large-caps-led"}


def test_mkdocs_reads_only_the_reports_markdown_and_copies_none_of_their_files(
    site: SampleSite,
) -> None:
    """A report's files (some 6,000 and 600 MB for 1,000 reports) are linked into the site after
    MkDocs, not copied by it: the docs folder MkDocs reads holds each report's Markdown only."""
    docs = site.build.site_dir.parent / "build" / "docs" / "blog" / "posts"
    for week in site.weeks:
        folder = docs / week[:4] / week[5:7] / week[8:10]
        assert [p.name for p in folder.iterdir()] == ["index.md"], folder
        text = (folder / "index.md").read_text(encoding="utf-8")
        assert '<a href="chart-data.csv">' in text and "](chart-data.csv)" not in text


def test_the_summary_box_is_built_once_and_shown_by_the_report_and_every_listing(
    site: SampleSite,
) -> None:
    """MkDocs converts a report's excerpt for its page and again for each listing showing it
    (the blog index, its year's archive, each category): the summary box, set aside, is put
    back into each of those pages after the build."""
    build, out = site.build.site_dir.parent / "build", site.build.site_dir
    assert not [
        page
        for page in (build / "docs" / "blog" / "posts").rglob("index.md")
        if "summary-box" in page.read_text(encoding="utf-8")
    ]
    listings = [out / "blog" / "index.html", out / "blog" / "archive" / "2026" / "index.html"]
    for page in [*_pages(site), *listings]:
        html = page.read_text(encoding="utf-8")
        assert "smallcap-block" not in html, page
    for page in listings:
        html = page.read_text(encoding="utf-8")
        assert html.count('<div class="summary-box"') == html.count('class="md-post '), page


def test_every_chart_spec_and_local_asset_resolves(site: SampleSite) -> None:
    out = site.build.site_dir
    specs = 0
    for page in _pages(site):
        html = page.read_text(encoding="utf-8")
        for ref in SPEC.findall(html):
            assert (page.parent / ref).is_file(), f"{page}: data-spec {ref} not found"
            specs += 1
        for tag in LOADING_TAG.findall(html):
            if 'rel="canonical"' in tag or 'rel="alternate"' in tag:
                continue
            for ref in URL_ATTR.findall(tag):
                assert not ref.startswith(("http:", "https:", "//")), f"{page}: {tag}"
    assert specs >= 2 * len(site.weeks) + 2  # every report's charts plus the home page's two
    assert (out / "assets" / "javascripts" / "charts" / "vega-bundle.js").is_file()


def test_no_markup_injected_from_data_or_config(site: SampleSite) -> None:
    newest = site.build.site_dir / "blog" / site.weeks[-1].replace("-", "/") / "index.html"
    report = newest.read_text(encoding="utf-8")
    # The hostile texts are shown, as inert text: the side name and the curated source.
    assert "&#60;script&#62;alert&#40;1&#41;&#60;/script&#62;" in report
    assert "&#91;click&#93;&#40;javascript:alert&#40;1&#41;&#41; &#60;img src=x" in report
    for page in _pages(site):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in html, page
        assert "<img src=x" not in html and 'href="javascript:' not in html, page


def test_rss_feed_lists_reports_newest_first_with_report_dates(site: SampleSite) -> None:
    root = ET.parse(site.build.site_dir / "feed_rss_created.xml").getroot()
    items = root.findall("./channel/item")
    links = [item.findtext("link") for item in items]
    expected = [f"blog/{w.replace('-', '/')}/" for w in reversed(site.weeks)]
    assert [link.removeprefix(site.url) for link in links] == expected
    dates = [item.findtext("pubDate") for item in items]
    assert dates[0].startswith("Fri, 20 Nov 2026")
    for item, week in zip(items, reversed(site.weeks), strict=True):
        enclosure = item.find("enclosure")
        assert enclosure is not None
        png = site.build.site_dir / "blog" / week.replace("-", "/") / "social.png"
        assert enclosure.get("url") == site.url + png.relative_to(site.build.site_dir).as_posix()
        assert enclosure.get("length") == str(png.stat().st_size)
        assert enclosure.get("type") == "image/png"
    titles = [item.findtext("title") for item in items]
    assert titles[0].startswith("Week ending November 20, 2026: ")


def test_build_does_not_touch_the_project_docs(tmp_path: Path, site: SampleSite) -> None:
    before = _tree_hash(site.project / "docs")
    build_site(
        site.project, tmp_path / "site", content_dir=site.content, build_dir=tmp_path / "build"
    )
    assert _tree_hash(site.project / "docs") == before
    assert (tmp_path / "site" / "index.html").is_file()


def test_strict_build_fails_on_a_broken_link_and_keeps_the_old_site(tmp_path: Path) -> None:
    content = tmp_path / "content"
    (content / "blog").mkdir(parents=True)
    (content / "broken.md").write_text("# Broken\n\n[missing](nowhere.md)\n", encoding="utf-8")
    old = tmp_path / "site"
    old.mkdir()
    (old / "marker").write_text("old", encoding="utf-8")
    project = make_project(tmp_path / "project")
    with pytest.raises(SiteError, match="nowhere.md"):
        build_site(project, old, content_dir=content, build_dir=tmp_path / "build")
    assert (old / "marker").read_text(encoding="utf-8") == "old"


def _tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _published(folder: Path, pattern: str) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob(pattern))}


def test_the_downloads_link_to_the_files_beside_the_report(site: SampleSite) -> None:
    for week in site.weeks:
        page = site.build.site_dir / "blog" / week.replace("-", "/") / "index.html"
        html = page.read_text(encoding="utf-8")
        assert '<a href="metrics.json">metrics.json</a>' in html
        assert '<a href="chart-data.csv">chart-data.csv</a>' in html


def test_search_indexes_a_report_without_its_tables_and_charts(site: SampleSite) -> None:
    index = json.loads((site.build.site_dir / "search" / "search_index.json").read_text("utf-8"))
    newest = f"blog/{site.weeks[-1].replace('-', '/')}/"
    docs = [d for d in index["docs"] if d["location"].split("#")[0] == newest]
    text = " ".join(d["title"] + " " + d["text"] for d in docs)
    assert "Key takeaways" in text and "Seasonality" in text
    assert "The small/large ratio stands at the" in text  # the narrative
    assert "<table" not in text and "Data:" not in text
    assert "The numbers behind this chart" in text  # the prose around a chart stays
    assert "This chart needs JavaScript" not in text and "Line chart of" not in text
    methodology = " ".join(
        d["text"] for d in index["docs"] if d["location"].startswith("methodology/")
    )
    assert "seasonal rule on that calendar month" in methodology  # other pages' tables are kept


def test_every_listing_offers_continue_reading_for_each_report(site: SampleSite) -> None:
    # The blog shows "Continue reading" when a post has more than its excerpt; the hook that
    # shortens a post's Markdown for the listings (post_excerpts.py) must keep that.
    out = site.build.site_dir
    for listing in ("blog/index.html", "blog/archive/2026/index.html"):
        html = (out / listing).read_text(encoding="utf-8")
        assert html.count("Continue reading") == len(site.weeks), listing
