"""generator/site_markdown.py: tables of plain cells written as HTML in a report's Markdown,
converted by Python-Markdown byte for byte as its table extension converts the Markdown table;
every other table left in Markdown."""

from __future__ import annotations

from pathlib import Path

import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import SiteError
from generator.site_docs import write_build_markdown
from generator.site_markdown import (
    escaped_text,
    html_divs,
    html_tables,
    markdown_divs,
    sidecar_links,
)
from tests.sitebuild import sample_site

ROOT = Path(__file__).resolve().parents[1]


def _mkdocs_extensions() -> tuple[list[str], dict[str, object]]:
    """mkdocs.yml's Markdown extensions and their settings: the conversion the build runs."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    names: list[str] = []
    settings_: dict[str, object] = {}
    for entry in config["markdown_extensions"]:
        name = entry if isinstance(entry, str) else next(iter(entry))
        names.append(name)
        if isinstance(entry, dict):
            settings_[name] = entry[name]
    return names, settings_


EXTENSIONS, EXTENSION_CONFIGS = _mkdocs_extensions()


# The templates write the summary box for md_in_html (a ``markdown`` div); the build writes it
# in HTML and loads no md_in_html. The reference conversion is the templates' Markdown with it.
REFERENCE_EXTENSIONS = [*EXTENSIONS, "md_in_html"]


def _convert(text: str, extensions: list[str] = EXTENSIONS) -> str:
    md = markdown.Markdown(extensions=extensions, extension_configs=EXTENSION_CONFIGS)
    return md.convert(text)


def _reference(text: str) -> str:
    """The templates' Markdown converted with md_in_html: what a page means."""
    return _convert(text, REFERENCE_EXTENSIONS)


def _same_html(text: str) -> tuple[bool, int]:
    """Whether the text converts as its reference once its tables (and summary box) are in
    HTML; how many tables are."""
    written = html_divs(html_tables(text, search_exclude=False))
    return _convert(written) == _reference(text), written.count("<table>")


def _report_bodies() -> list[tuple[str, str]]:
    content = sample_site().content
    pages = sorted((content / "blog" / "posts").rglob("index.md"))
    return [(p.parent.name, p.read_text(encoding="utf-8").split("---", 2)[2]) for p in pages]


@pytest.mark.sitebuild
def test_every_table_of_a_report_is_written_in_html_and_converts_identically() -> None:
    bodies = _report_bodies()
    assert len(bodies) == 3
    for week, body in bodies:
        tables = sum(1 for line in body.splitlines() if line.lstrip().startswith("|---"))
        tables += sum(1 for line in body.splitlines() if line.lstrip().startswith("| ---"))
        same, written = _same_html(body)
        assert same, week
        # The hostile sample names (a <script> symbol, Markdown link syntax) are escaped as
        # entities by the report template, so even those tables are plain.
        # Besides, the summary box's table, which its template writes as HTML.
        boxes = body.count('<div class="summary-box"')
        assert tables >= 15 and written == tables + boxes, week


def test_a_table_with_markup_stays_markdown() -> None:
    text = "| a | b |\n|---|--:|\n| *em* | 1 |\n\n| c |\n|---|\n| x &amp; y > z & w |\n\nEnd.\n"
    same, written = _same_html(text)
    assert same and written == 1  # only the second table
    assert "x &amp; y &gt; z &amp; w" in html_tables(text)


def test_report_tables_and_chart_embeds_are_excluded_from_search() -> None:
    text = (
        'Text.\n\n<div class="vl-chart" data-spec="a.vl.json">\n</div>\n\n'
        '??? note "Data: A"\n\n    | a |\n    |---|\n    | 1 |\n\n| b |\n|---|\n| 2 |\n\nEnd.\n'
    )
    written = html_tables(text)
    assert '<div class="vl-chart" data-search-exclude data-spec="a.vl.json">' in written
    assert '<details class="note" data-search-exclude>\n<summary>Data: A</summary>' in written
    assert "<table data-search-exclude>\n<thead>\n<tr>\n<th>b</th>" in written


def test_a_table_in_a_fenced_code_block_stays_as_it_is() -> None:
    text = "```\n\n| a |\n|---|\n| 1 |\n\n```\n\nEnd.\n"
    assert html_tables(text) == text


def test_links_to_the_reports_json_files_are_written_as_the_html_mkdocs_makes() -> None:
    text = "- [metrics.json](metrics.json)\n- [chart data](chart-data.csv)\n- [*x*](a.json)\n"
    written = sidecar_links(text, {"metrics.json", "a.json"})
    assert written.splitlines() == [
        '- <a href="metrics.json">metrics.json</a>',
        "- [chart data](chart-data.csv)",  # not a JSON file: MkDocs resolves it
        "- [*x*](a.json)",  # markup in the text: left to MkDocs (which fails on it)
    ]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("[a](a.json) x", '<a href="a.json">a</a> x'),  # at the very start
        ("![a](a.json)", "![a](a.json)"),  # an image
        ("\\[a](a.json)", "\\[a](a.json)"),  # an escaped bracket
        ("[b][c](a.json)", "[b][c](a.json)"),  # after a reference's text
        ("![a](a.json) [b](a.json)", '![a](a.json) <a href="a.json">b</a>'),
    ],
)
def test_only_a_link_to_a_json_file_is_written_not_an_image_or_escape(
    text: str, written: str
) -> None:
    assert sidecar_links(text, {"a.json"}) == written


PIECES = [*"ab1 .,%−✔&#;<>*_`[]()!{}:=~^\\", "&#38;", "&amp;", "\\|", "**", "`x`"]
CELL = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)
SEPARATOR = st.sampled_from(["---", ":--", "--:", ":-:", " --- "])
AFTER = st.sampled_from(
    ["After.\n", "## Heading\n", "- item\n", "", "    indented\n", "\n\nText\n"]
)


@st.composite
def tables(draw: st.DrawFn) -> str:
    columns = draw(st.integers(1, 4))
    header = draw(st.lists(CELL, min_size=columns, max_size=columns))
    separator = draw(st.lists(SEPARATOR, min_size=columns, max_size=columns))
    rows = draw(st.lists(st.lists(CELL, min_size=0, max_size=columns + 1), max_size=4))
    lines = [header, separator, *rows]
    outer = draw(st.booleans())
    text = "\n".join(
        ("| " if outer else "") + " | ".join(cells) + (" |" if outer else "") for cells in lines
    )
    if draw(st.booleans()):  # in a collapsible block, as the reports' data tables are
        title = draw(st.sampled_from(["Data", "Data: a & b", "Data: *x*", "Data: <b>"]))
        text = f'??? note "{title}"\n\n' + "\n".join("    " + line for line in text.splitlines())
    return "Before.\n\n" + text + "\n\n" + draw(AFTER)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(tables())
def test_any_table_converts_as_the_table_extension_converts_it(text: str) -> None:
    assert _same_html(text)[0]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("&<>;#x0a9Zb ;é")), max_size=30))
def test_cell_text_is_escaped_as_the_markdown_serializer_escapes_it(text: str) -> None:
    # Cells are written here; they must read as Python-Markdown's own (public) serializer
    # writes the same text, entities kept and bare ampersands escaped.
    import xml.etree.ElementTree as etree

    from markdown.serializers import to_html_string

    cell = etree.Element("td")
    cell.text = text
    assert f"<td>{escaped_text(text)}</td>" == to_html_string(cell)


BOX_TABLE = "| At a glance | A &#38; B | C |\n|---|--:|--:|\n| Week | +1.00% | n/a |\n"


@pytest.mark.parametrize(
    "items",
    [[], ["The S&#38;P 500 closes at a record 15,535.9."], ["One.", "Two &#60;3&#62;."]],
)
@pytest.mark.parametrize("after", ["", "\n<!-- more -->\n\n## Next\n", "\nText.\n", "\n\n"])
def test_a_summary_box_is_written_in_html_as_md_in_html_converts_it(
    items: list[str], after: str
) -> None:
    facts = "".join(f"- {item}\n" for item in items)
    text = f'Intro.\n\n<div class="summary-box" markdown>\n\n{BOX_TABLE}\n{facts}\n</div>\n{after}'
    written = html_divs(html_tables(text, search_exclude=False))
    assert markdown_divs(written) == []
    assert _convert(written) == _reference(text)


@pytest.mark.parametrize(
    "fact", ["- A *bold* fact.", "A paragraph.", "- Fact.\n\n</div>\n\n    code"]
)
def test_a_box_the_build_cannot_write_stays_markdown_and_fails_the_build(
    tmp_path: Path, fact: str
) -> None:
    text = f'<div class="summary-box" markdown>\n\n{BOX_TABLE}\n{fact}\n\n</div>\n'
    written = html_divs(html_tables(text))
    assert markdown_divs(written) == ['<div class="summary-box" markdown>']
    page = tmp_path / "index.md"
    page.write_text(text, encoding="utf-8")
    with pytest.raises(SiteError, match=r"index\.md: '<div class=\"summary-box\" markdown>'"):
        write_build_markdown(page, set(), None, set())


@pytest.mark.sitebuild
def test_no_report_keeps_a_markdown_div_for_md_in_html() -> None:
    for week, body in _report_bodies():
        written = html_divs(html_tables(body))
        assert '<div class="summary-box"' in written and " markdown>" not in written, week
        assert markdown_divs(written) == [], week


def test_heavy_blocks_after_the_excerpt_are_set_aside_and_put_back_exactly() -> None:
    from generator.site_markdown import blocks_aside, with_blocks

    table = "<table data-search-exclude>\n<tr><td>1</td></tr>\n</table>"
    note = '<details class="note x" data-search-exclude>\n<summary>Data</summary>\n</details>'
    chart = ('<div class="vl-chart" data-search-exclude data-spec="a.vl.json" aria-label="A">\n'
             "<noscript>This chart needs JavaScript: A</noscript>\n</div>")  # fmt: skip
    text = f"# T\n\n{table}\n\n<!-- more -->\n\n{table}\n\nWords.\n\n{note}\nText.\n\n{chart}\n"
    aside, blocks = blocks_aside(text, "blog/2026/01/02")
    assert blocks == [table, note, chart]
    # The excerpt (what listings and feeds show) keeps its table; nothing else is touched.
    assert aside == (f"# T\n\n{table}\n\n<!-- more -->\n\n<!-- smallcap-block blog/2026/01/02 0 -->\n\n"
                     "Words.\n\n<!-- smallcap-block blog/2026/01/02 1 -->\nText.\n\n"
                     "<!-- smallcap-block blog/2026/01/02 2 -->\n")  # fmt: skip
    assert with_blocks(aside, blocks) == text
    assert blocks_aside("no excerpt\n\n" + table, "r") == ("no excerpt\n\n" + table, [])


BOX = (
    '<div class="summary-box" data-search-exclude>\n<table>\n<tr><td>1</td></tr>\n</table>\n'
    "<ul>\n<li>A fact.</li>\n</ul>\n</div>"
)


def test_the_excerpts_summary_box_is_set_aside_and_put_back_in_every_page_showing_it() -> None:
    """The excerpt is converted four more times, once for each listing of the report: of it
    only the summary box (which search skips and which links nowhere) is set aside."""
    from generator.site_markdown import blocks_aside, with_blocks, with_reports_blocks

    text = f"# T\n\nNarrative.\n\n{BOX}\n\n<!-- more -->\n\nMore.\n"
    aside, blocks = blocks_aside(text, "blog/2026/01/02")
    assert blocks == [BOX]
    assert aside == (
        "# T\n\nNarrative.\n\n<!-- smallcap-block blog/2026/01/02 0 -->\n\n<!-- more -->\n\nMore.\n"
    )
    assert with_blocks(aside, blocks) == text
    # A listing shows several reports' excerpts: each placeholder finds its own report's block.
    other, other_blocks = blocks_aside(text.replace("1</td>", "2</td>"), "blog/2026/01/09")
    listing = f"<h2>A</h2>\n{aside}\n<h2>B</h2>\n{other}"
    reports = {"blog/2026/01/02": blocks, "blog/2026/01/09": other_blocks}
    assert with_reports_blocks(listing, reports) == (
        f"<h2>A</h2>\n{text}\n<h2>B</h2>\n{text.replace('1</td>', '2</td>')}"
    )
