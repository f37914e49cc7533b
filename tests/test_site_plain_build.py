"""The guard of the site build's speed work: the site `generator site` builds is what a plain
`mkdocs build` (no hooks) makes of the same docs, byte for byte, plus what the build adds after
MkDocs (the reports' files beside their pages, the chart JavaScript, the feeds' enclosure
lengths); and with the reports' tables and summary box left in Markdown (built with md_in_html,
as the templates write the box) and their files beside them for MkDocs to copy and link, the
pages are the same but for the tables' search exclusion."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from generator import mkdocs_run
from generator.site_docs import BLOCKS_FILE, MARKDOWN_SUFFIX, POSTS
from generator.site_js import JS_DIR
from generator.site_markdown import PLACEHOLDER_RE, sidecar_links, with_blocks
from generator.site_post import ENCLOSURE
from tests.sitebuild import SampleSite, sample_site

pytestmark = pytest.mark.sitebuild

LENGTH = re.compile(r'(<enclosure url="[^"]+" type="[^"]+" length=)"\d+"')
BUILD_TIME = re.compile(r"<(pubDate|lastBuildDate)>[^<]* -0000</")  # the channel's, not items'
ITEM_IMAGE = re.compile(r'(src=&#34;|src=\\")https?://[^&"\\]+/social\.png(&#34;|\\")')


@pytest.fixture(scope="module")
def site() -> SampleSite:
    return sample_site()


def plain_build(site: SampleSite, docs: Path, out: Path, *, md_in_html: bool = False) -> Path:
    """``docs`` built by ``mkdocs build --strict`` with the build's mkdocs.yml, hooks removed
    (and with md_in_html, which the templates' summary box is written for, when asked)."""
    build = site.build.site_dir.parent / "build"
    config = yaml.safe_load((build / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["hooks"], "the build runs the public hook the comparison leaves out"
    config.update(hooks=[], docs_dir=str(docs), site_dir=str(out / "site"))
    if md_in_html:
        assert "md_in_html" not in config["markdown_extensions"]
        config["markdown_extensions"].append("md_in_html")
    out.mkdir(parents=True, exist_ok=True)
    path = out / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    mkdocs_run.run_mkdocs(path)
    return out / "site"


def docs_with_blocks(site: SampleSite, out: Path) -> Path:
    """A copy of the assembled docs with each report's heavy blocks back in its Markdown (the
    build sets them aside and puts them into the built page: ``site_post.restore_blocks``)."""
    build = site.build.site_dir.parent / "build"
    assembled, docs = build / "docs", out / "docs"
    restored = 0
    docs.mkdir(parents=True)
    for path in sorted(assembled.rglob("*")):
        target = docs / path.relative_to(assembled)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        data = path.read_bytes()
        if path.name == "index.md" and path.parent.is_relative_to(assembled / POSTS):
            day = path.parent.relative_to(assembled / POSTS)
            stored = build / "blocks" / "blog" / day / BLOCKS_FILE
            text = data.decode("utf-8")
            assert PLACEHOLDER_RE.search(text) and stored.is_file()
            data = with_blocks(text, yaml.safe_load(stored.read_text("utf-8"))).encode("utf-8")
            restored += 1
        target.write_bytes(data)
    assert restored == len(site.weeks)
    return docs


def files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def added_after_mkdocs(site: SampleSite, built: dict[str, bytes]) -> set[str]:
    """The files the build writes after MkDocs: chart JavaScript, the reports' files."""
    added = {name for name in built if name.startswith(JS_DIR.as_posix() + "/")}
    for week in site.weeks:
        folder = site.content / POSTS / week.replace("-", "/")
        added |= {
            f"blog/{week.replace('-', '/')}/{p.name}"
            for p in folder.iterdir()
            if p.suffix != MARKDOWN_SUFFIX
        }
    return added


def feed(data: bytes, *, lengths: bool = False) -> bytes:
    """A feed (RSS or JSON) without its build time and with its items' inline image named as
    the plugin writes it (``social.png``: the build makes it absolute); with its enclosure
    lengths as the RSS plugin writes them ("None") unless ``lengths``."""
    text = BUILD_TIME.sub(r"<\1>build time</", data.decode("utf-8"))
    text = ITEM_IMAGE.sub(r"\1social.png\2", text)
    return (text if lengths else LENGTH.sub(r'\1"None"', text)).encode("utf-8")


def test_the_site_is_a_plain_mkdocs_build_of_the_assembled_docs(
    tmp_path: Path, site: SampleSite
) -> None:
    docs = docs_with_blocks(site, tmp_path / "restored")
    plain = files(plain_build(site, docs, tmp_path))
    built = files(site.build.site_dir)
    added = added_after_mkdocs(site, built)
    assert len(added) > 3 * len(site.weeks)
    assert set(built) - set(plain) == added
    assert set(plain) <= set(built)
    feeds = ["feed_rss_created.xml", "feed_rss_updated.xml"]
    json_feeds = ["feed_json_created.json", "feed_json_updated.json"]
    changed = [name for name in plain if plain[name] != built[name]]
    assert sorted(changed) == sorted(feeds + json_feeds)  # only the feeds, as below
    for name in feeds:
        assert ENCLOSURE.search(plain[name].decode("utf-8"))  # the plugin's "None"
        assert not ENCLOSURE.search(built[name].decode("utf-8"))  # measured by the build
        assert feed(built[name]) == feed(plain[name], lengths=True)
    for name in json_feeds:
        assert feed(built[name]) == feed(plain[name])


def test_tables_written_in_html_make_the_pages_markdown_would(
    tmp_path: Path, site: SampleSite
) -> None:
    """The assembled docs with each report's original Markdown (its tables in Markdown, its
    summary box for md_in_html, its links to its files other than JSON in Markdown, those files
    beside it for MkDocs to copy) give the same site, but for the ``data-search-exclude`` of the
    report tables and the search index."""
    docs = docs_with_blocks(site, tmp_path / "restored")
    pages = 0
    for original in (site.content / POSTS).rglob("index.md"):
        target = docs / original.relative_to(site.content)
        # MkDocs would publish a JSON file at its source path: those links stay in HTML.
        names = {p.name for p in original.parent.iterdir() if p.suffix == ".json"}
        for path in original.parent.iterdir():
            if path.suffix not in (MARKDOWN_SUFFIX, ".json"):
                (target.parent / path.name).write_bytes(path.read_bytes())
        converted = target.read_text(encoding="utf-8")
        markdown = sidecar_links(original.read_text(encoding="utf-8"), names)
        assert converted.count("<table data-search-exclude>") >= 15
        assert "](chart-data.csv)" in markdown  # left for MkDocs to link, here
        # Only the summary box, which its template writes as HTML.
        assert markdown.count("<table") == markdown.count('<div class="summary-box"') == 1
        # The week links the site stage adds to the build copy (week_links), in both.
        nav = re.search(r"\n<nav class=\"week-nav\".*?</nav>\n", converted, re.S)
        if nav:
            markdown = markdown.replace("<!-- more -->\n", "<!-- more -->\n" + nav.group(0), 1)
        target.write_text(markdown, encoding="utf-8")
        pages += 1
    assert pages == len(site.weeks)
    plain = files(plain_build(site, docs, tmp_path / "out", md_in_html=True))
    built = files(site.build.site_dir)
    for name, data in plain.items():
        if name == "search/search_index.json":
            continue
        mine = built[name].replace(b" data-search-exclude", b"")
        data = data.replace(b" data-search-exclude", b"")  # the summary box's, in both
        if name.startswith("feed_"):
            mine, data = feed(mine), feed(data)
        assert mine == data, name
