"""overrides/hooks/plain_tables.py: tables of plain cells written straight to HTML, byte for byte
as Python-Markdown's table extension writes them; every other table left to the extension."""

from __future__ import annotations

import sys

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.sitebuild import ROOT, sample_site

sys.path.insert(0, str(ROOT / "overrides" / "hooks"))
from plain_tables import PlainTableExtension, PlainTableProcessor, escaped_text  # noqa: E402

EXTENSIONS = [  # mkdocs.yml's
    "admonition",
    "attr_list",
    "md_in_html",
    "tables",
    "toc",
    "pymdownx.details",
    "pymdownx.superfences",
]


def _convert(text: str, *, plain: bool, extensions: list[str] = EXTENSIONS) -> tuple[str, int]:
    """The HTML, and how many tables the plain path wrote."""
    extension = PlainTableExtension()
    md = markdown.Markdown(
        extensions=[*extensions, *([extension] if plain else [])],
        extension_configs={"toc": {"permalink": True}},
    )
    html = md.convert(text)
    written = 0
    if plain:
        processor = md.parser.blockprocessors["plain_table"]
        assert isinstance(processor, PlainTableProcessor)
        written = sum(1 for block in md.htmlStash.rawHtmlBlocks if str(block).startswith("<table>"))
    return html, written


def _report_bodies() -> list[tuple[str, str]]:
    content = sample_site().content
    pages = sorted((content / "blog" / "posts").rglob("index.md"))
    return [(p.parent.name, p.read_text(encoding="utf-8").split("---", 2)[2]) for p in pages]


@pytest.mark.sitebuild
def test_every_table_of_a_report_is_written_directly_and_identically() -> None:
    bodies = _report_bodies()
    assert len(bodies) == 3
    for week, body in bodies:
        tables = sum(1 for line in body.splitlines() if line.lstrip().startswith("|---"))
        tables += sum(1 for line in body.splitlines() if line.lstrip().startswith("| ---"))
        reference, _ = _convert(body, plain=False)
        html, written = _convert(body, plain=True)
        assert html == reference, week
        # The hostile sample names (a <script> symbol, Markdown link syntax) are escaped as
        # entities by the report template, so even those tables are plain.
        assert tables >= 15 and written == tables, week


def test_a_table_with_markup_goes_to_the_table_extension() -> None:
    text = "| a | b |\n|---|--:|\n| *em* | 1 |\n\n| c |\n|---|\n| x &amp; y > z & w |\n"
    reference, _ = _convert(text, plain=False)
    html, written = _convert(text, plain=True)
    assert html == reference
    assert "<em>em</em>" in html and "x &amp; y &gt; z &amp; w" in html
    assert written == 1  # only the second table


def test_an_unknown_inline_pattern_turns_the_plain_path_off() -> None:
    # pymdownx.mark makes ==text== a <mark>: a cell this hook would take as plain is not.
    text = "| a |\n|---|\n| ==marked== |\n"
    extensions = [*EXTENSIONS, "pymdownx.mark"]
    reference, _ = _convert(text, plain=False, extensions=extensions)
    html, written = _convert(text, plain=True, extensions=extensions)
    assert "<mark>marked</mark>" in html and html == reference and written == 0


def test_without_the_table_extension_no_table_is_made() -> None:
    text = "| a |\n|---|\n| 1 |\n"
    extensions = [e for e in EXTENSIONS if e != "tables"]
    html, written = _convert(text, plain=True, extensions=extensions)
    assert "<table>" not in html and written == 0


PIECES = [*"ab1 .,%−✔&#;<>*_`[]()!{}:=~^\\", "&#38;", "&amp;", "\\|", "**", "`x`"]
CELL = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)
SEPARATOR = st.sampled_from(["---", ":--", "--:", ":-:", " --- "])


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
        text = '??? note "Data"\n\n' + "\n".join("    " + line for line in text.splitlines())
    return "Before.\n\n" + text + "\n\nAfter.\n"


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(tables())
def test_any_table_converts_as_the_table_extension_converts_it(text: str) -> None:
    reference, _ = _convert(text, plain=False)
    html, _ = _convert(text, plain=True)
    assert html == reference


@pytest.mark.parametrize("use_align_attribute", [False, True])
def test_alignment_follows_the_table_extension_setting(use_align_attribute: bool) -> None:
    text = "| a | b | c | d |\n|:--|:-:|--:|---|\n| 1 | 2 | 3 | 4 |\n"
    configs = {"tables": {"use_align_attribute": use_align_attribute}}
    results = []
    for plain in (False, True):
        md = markdown.Markdown(
            extensions=[*EXTENSIONS, *([PlainTableExtension()] if plain else [])],
            extension_configs=configs,
        )
        results.append(md.convert(text))
    assert results[0] == results[1]
    assert ('align="center"' in results[1]) is use_align_attribute


def test_the_hook_adds_the_extension_to_the_sites_markdown() -> None:
    import plain_tables

    class Config:
        markdown_extensions = list(EXTENSIONS)

    config = plain_tables.on_config(Config())
    assert isinstance(config.markdown_extensions[-1], PlainTableExtension)
    assert config.markdown_extensions[:-1] == EXTENSIONS
    listed = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - overrides/hooks/plain_tables.py" in listed


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("&<>;#x0a9Zb ;é")), max_size=30))
def test_cell_text_is_escaped_as_the_markdown_serializer_escapes_it(text: str) -> None:
    # The hook writes cells itself; they must read as Python-Markdown's own (public) serializer
    # writes the same text, entities kept and bare ampersands escaped.
    import xml.etree.ElementTree as etree

    from markdown.serializers import to_html_string

    cell = etree.Element("td")
    cell.text = text
    assert f"<td>{escaped_text(text)}</td>" == to_html_string(cell)
