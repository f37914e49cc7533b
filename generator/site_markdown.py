"""A report's Markdown as the site build reads it: its tables of plain cells already in HTML.

A report holds some 1,000 table cells of numbers and words. Python-Markdown's ``tables``
extension makes an element per cell and runs every inline pattern over it: about three quarters
of a report's conversion, most of a cold build of a large archive. A cell with no inline markup
converts to its own text, escaped by the serializer, so a table whose every cell is such plain
text is written here as exactly the HTML the extension, the prettifier and the serializer would
produce, and Python-Markdown passes it through as a raw HTML block. A table of data behind a
chart sits in a collapsible note (``??? note "Data: ..."``, pymdownx.details); raw HTML is only
recognised at the start of a line, so such a note is written as the ``<details>`` element the
extension would produce around the table.

Anything else stays Markdown for MkDocs to convert as before: a table with a cell that could hold
markup, a table that is not a whole block, a note holding more than one table. The report
tables and chart embeds are marked ``data-search-exclude`` (Material's documented search
exclusion): search indexes a report's prose, not its columns of numbers nor the charts' text
for readers without JavaScript.

tests/test_site_markdown.py compares the conversion with Python-Markdown's, table by table and
report by report; tests/test_site_build.py compares the site with a plain MkDocs build of the
unconverted Markdown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# An ``&`` that does not start an entity (``&#38;``, ``&#x26;``, ``&amp;``): Python-Markdown's
# serializer escapes exactly these, so a cell written here reads as the serializer would write it.
BARE_AMPERSAND = re.compile(r"&(?!(?:#[0-9]+|#x[0-9a-f]+|[0-9a-z]+);)", re.IGNORECASE)
# Characters that start an inline pattern or an attribute list (``{: .class}``) in a cell.
MARKUP = frozenset("\\`*_[<{")
SEPARATOR_CELL = re.compile(r" *:?-+:? *")
# pymdownx.details: the type, then any extra classes, then the title.
NOTE = re.compile(r'\?\?\? note((?: [a-z][a-z0-9-]*)*) "([^"\\]*)"')
INDENT = "    "
FENCE = re.compile(r" {0,3}(```|~~~)")
ALIGN = {(True, True): "center", (True, False): "left", (False, True): "right"}
SEARCH_EXCLUDE = " data-search-exclude"
CHART = '<div class="vl-chart" '  # a chart embed (templates/partials/chart.j2) starts a line
# A box whose body is Markdown (md_in_html's ``markdown`` attribute): a table (written as HTML by
# ``html_tables``: its lines hold no blank line) and an optional list, then ``</div>``, and the
# blank line before the text after it (glued to the box, as md_in_html leaves no blank line);
# a box followed by indented text (code) is left alone.
MARKDOWN_DIV = re.compile(
    r'^<div class="([^"<>&]*)" markdown>\n\n(<table[^\n]*>\n(?:[^\n]+\n)*?</table>)'
    r"((?:\n- [^\n]*)*)\n\n?</div>(\n\n(?=\S)|(?=\n*\Z))",
    re.MULTILINE,
)
MARKDOWN_DIV_START = re.compile(r"^<div\b[^\n]*\smarkdown\b[^\n]*>", re.MULTILINE)


def html_tables(markdown: str, *, search_exclude: bool = True) -> str:
    """``markdown`` with its top-level tables of plain cells (and the notes holding only such a
    table) written as the HTML Python-Markdown would make of them; the rest unchanged."""
    mark = SEARCH_EXCLUDE if search_exclude else ""
    # Split at blank lines (a run of them leaves empty blocks: joining gives the text back).
    blocks = markdown.split("\n\n")
    out: list[str] = []
    fenced = False  # inside a fenced code block: nothing there is a table
    glued = False  # this block follows a raw HTML block on its next line
    i = 0
    while i < len(blocks):
        block, html, used = blocks[i], None, 1
        if fenced:
            pass
        elif block.startswith("|") and _may_follow_raw_html(blocks, i + 1):
            html = _table_block(block, mark)
        elif NOTE.fullmatch(block) and i + 1 < len(blocks) and _may_follow_raw_html(blocks, i + 2):
            html, used = _note_block(block, blocks[i + 1], mark), 2
        fenced ^= sum(1 for line in block.split("\n") if FENCE.match(line)) % 2 == 1
        out.append(("\n" if glued else "\n\n") if i else "")
        out.append(block if html is None else html)
        # Python-Markdown keeps a blank line after a raw HTML block in its output, where the
        # table extension leaves none; a raw block ended by text on its next line has none.
        glued = html is not None
        i += 1 if html is None else used
    text = "".join(out)
    return text.replace("\n" + CHART, "\n" + CHART + mark.lstrip() + " ") if mark else text


def html_divs(markdown: str) -> str:
    """``markdown`` with its ``<div class="..." markdown>`` blocks holding a table already in
    HTML and an optional list of plain items (the summary box) written as the HTML md_in_html
    would make of them; any other such block unchanged (``markdown_divs`` finds them).

    mkdocs.yml loads no md_in_html: it parses every raw HTML block of a page tag by tag (the
    report tables), some 40% of a cold build's CPU, to serve these boxes alone.
    """

    def html(match: re.Match[str]) -> str:
        css, table, items = match.group(1), match.group(2), match.group(3).split("\n")[1:]
        texts = [item[2:] for item in items]
        if not all(MARKUP.isdisjoint(text) for text in texts):
            return match.group(0)
        listed = "".join(f"\n<li>{escaped_text(text)}</li>" for text in texts)
        ul = f"\n<ul>{listed}\n</ul>" if texts else ""
        # The raw block is ended by text on its next line, as md_in_html leaves no blank line.
        glue = "\n" if match.group(4) else ""
        return f'<div class="{css}">\n{table}{ul}\n</div>{glue}'

    return MARKDOWN_DIV.sub(html, markdown)


def markdown_divs(markdown: str) -> list[str]:
    """The opening lines of the ``<div ... markdown>`` blocks left in ``markdown``."""
    return MARKDOWN_DIV_START.findall(markdown)


def _may_follow_raw_html(blocks: list[str], i: int) -> bool:
    """Whether the block at ``i`` (if any) may follow a raw HTML block on its next line: text
    that starts at the margin, not a blank line or indented text."""
    return i >= len(blocks) or blocks[i][:1] not in ("", " ", "\t")


def _table_block(block: str, mark: str) -> str | None:
    """A top-level table block as HTML, or None."""
    if not block.startswith("|"):
        return None
    table = table_html(block.split("\n"))
    return None if table is None else table.replace("<table>", f"<table{mark}>", 1)


def _note_block(title_line: str, body: str, mark: str) -> str | None:
    """A ``??? note "title"`` holding only a table, as pymdownx.details writes it, or None."""
    extra, title = NOTE.fullmatch(title_line).groups()  # type: ignore[union-attr]
    lines = body.split("\n")
    if not MARKUP.isdisjoint(title) or not all(line.startswith(INDENT + "|") for line in lines):
        return None
    table = table_html([line[len(INDENT) :] for line in lines])
    if table is None:
        return None
    return (
        f'<details class="note{extra}"{mark}>\n<summary>{escaped_text(title)}</summary>\n{table}\n'
        "</details>"
    )


def table_html(lines: list[str]) -> str | None:
    """The HTML of a table given as its lines (header, separator, rows), or None when it is not
    a table of plain cells with a border on both sides."""
    lines = [line.strip(" ") for line in lines]
    if len(lines) < 3 or not all(len(line) > 1 and line[0] == line[-1] == "|" for line in lines):
        return None
    separator = lines[1][1:-1].split("|")
    if not all(SEPARATOR_CELL.fullmatch(cell) for cell in separator):
        return None
    aligns = [_align(cell.strip(" ")) for cell in separator]
    if all(MARKUP.isdisjoint(line) for line in lines):
        # No cell can hold markup: escape each row once rather than each cell (most of a
        # cold build's conversion); the escapes neither add nor span a ``|``.
        header = _plain_cells(escaped_text(lines[0]), "th", aligns)
        body = [_plain_cells(escaped_text(line), "td", aligns) for line in lines[2:]]
    else:
        header = _cells(lines[0], "th", aligns)
        body = [_cells(line, "td", aligns) for line in lines[2:]]
    if header is None or any(row is None for row in body):
        return None
    rows = "\n".join(f"<tr>\n{row}\n</tr>" for row in body)
    return f"<table>\n<thead>\n<tr>\n{header}\n</tr>\n</thead>\n<tbody>\n{rows}\n</tbody>\n</table>"


def _cells(row: str, tag: str, aligns: list[str]) -> str | None:
    """A row's cells as HTML (as many as the separator has: extra ones are dropped, missing
    ones are empty, as the extension does), or None when a cell could hold markup."""
    cells = row[1:-1].split("|")
    html = []
    for i, align in enumerate(aligns):
        text = cells[i].strip(" ") if i < len(cells) else ""
        if not MARKUP.isdisjoint(text):
            return None
        html.append(f"<{tag}{align}>{escaped_text(text)}</{tag}>")
    return "\n".join(html)


def _plain_cells(row: str, tag: str, aligns: list[str]) -> str:
    """A row of plain, already escaped cells as HTML, cut or padded to the separator's columns
    as ``_cells`` does."""
    cells = row[1:-1].split("|")
    cells += [""] * (len(aligns) - len(cells))
    return "\n".join(
        f"<{tag}{align}>{text.strip(' ')}</{tag}>"
        for align, text in zip(aligns, cells, strict=False)
    )


def _align(cell: str) -> str:
    """A column's alignment attribute, from its separator cell (the extension's default form)."""
    align = ALIGN.get((cell.startswith(":"), cell.endswith(":")))
    return "" if align is None else f' style="text-align: {align};"'


def escaped_text(text: str) -> str:
    """Text as HTML character data: bare ``&``, ``<`` and ``>`` escaped, entities kept."""
    if "&" in text:
        text = BARE_AMPERSAND.sub("&amp;", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def sidecar_links(markdown: str, names: Iterator[str] | set[str]) -> str:
    """``markdown`` with its links to the files ``names`` (beside the report) written as HTML.

    The build publishes those files beside the report page itself (generator/site_post.py), not
    through MkDocs, which would resolve a link to a JSON file to the report's source folder and
    fail on a link to a file it does not see. A link whose text could hold markup stays
    Markdown (MkDocs then fails the build on it); the HTML is what MkDocs makes of the link to a
    file beside the page (tests/test_site_plain_build.py).
    """
    wanted = set(names)

    def html(match: re.Match[str]) -> str:
        text, target, start = match.group(1), match.group(2), match.start()
        not_a_link = start > 0 and markdown[start - 1] in NOT_BEFORE_LINK
        if not_a_link or target not in wanted or not MARKUP.isdisjoint(text) or "&" in text:
            return match.group(0)
        return f'<a href="{target}">{text}</a>'

    return LINK.sub(html, markdown)


# A ``[`` after one of these is not a link's start (an image, an escape, a reference's text).
# It is checked in ``sidecar_links`` rather than looked behind at: a pattern starting with a
# lookbehind is tried at every position of a report, this one only at each ``[`` (a match
# holds no other ``[``, so none is skipped).
NOT_BEFORE_LINK = frozenset("!\\]")
LINK = re.compile(r"\[([^\[\]\n]+)\]\(([A-Za-z0-9_.-]+)\)")


# A report's heavy blocks (its tables and data notes, written in HTML above, and its chart
# embeds with their long text alternatives) are set aside
# before MkDocs runs and put back into the built page after it (``with_blocks``): MkDocs, Python-
# Markdown and Material's search then parse a comment instead of each table, tag by tag (some
# half of a cold build's CPU). Of the feed excerpt (what the blog listings show: each is
# converted again for the blog index, the year's archive and each category, four times a
# report), only the summary box moves, which search skips (``data-search-exclude``) and which
# links nowhere; it goes back into every page showing the excerpt. A placeholder names its
# report (where the page is built, ``blog/2026/11/20``): a listing holds several reports'.
EXCERPT_END = "<!-- more -->"
HEAVY_BLOCK = re.compile(
    r"^(?:<table data-search-exclude>\n.*?\n</table>"
    r"|<details class=\"[^\"\n]*\" data-search-exclude>\n.*?\n</details>"
    r"|<div class=\"vl-chart\" data-search-exclude [^\n]*>\n"
    r"(?:<img [^\n]*>|<noscript>[^\n]*</noscript>)\n</div>)$",
    re.MULTILINE | re.DOTALL,
)
EXCERPT_BLOCK = re.compile(
    r"^<div class=\"summary-box\" data-search-exclude>\n(?:(?!<div)[^\n]*\n)*?</div>$",
    re.MULTILINE,
)
PLACEHOLDER_START = "<!-- smallcap-block "
PLACEHOLDER = PLACEHOLDER_START + "{} {} -->"
PLACEHOLDER_RE = re.compile(r"<!-- smallcap-block ([^\s<>]+) (\d+) -->")


def blocks_aside(markdown: str, report: str) -> tuple[str, list[str]]:
    """``markdown`` with its excerpt's summary box and each heavy block after the excerpt
    replaced by a comment naming ``report`` and the block's number, and the blocks in their
    order (the text unchanged, no blocks, without an excerpt end)."""
    head, separator, tail = markdown.partition(EXCERPT_END)
    if not separator:
        return markdown, []
    blocks: list[str] = []

    def placeholder(match: re.Match[str]) -> str:
        blocks.append(match.group(0))
        return PLACEHOLDER.format(report, len(blocks) - 1)

    head = EXCERPT_BLOCK.sub(placeholder, head, count=1)
    return head + separator + HEAVY_BLOCK.sub(placeholder, tail), blocks


def with_blocks(text: str, blocks: list[str]) -> str:
    """``text`` (a report's built page, or Markdown) with its placeholders replaced by their
    blocks."""
    return PLACEHOLDER_RE.sub(lambda m: blocks[int(m.group(2))], text) if blocks else text


def with_reports_blocks(text: str, blocks: dict[str, list[str]]) -> str:
    """``text`` (any built page) with the placeholders of the reports in ``blocks`` replaced by
    their blocks."""
    return PLACEHOLDER_RE.sub(lambda m: blocks[m.group(1)][int(m.group(2))], text)
