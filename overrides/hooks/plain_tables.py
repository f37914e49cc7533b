"""MkDocs hook: write tables whose cells are plain text straight to HTML.

A report's tables hold some 1,000 cells of numbers and words. Python-Markdown's table extension
makes an element per cell and runs every inline pattern over it, which is about 45 ms of the
55 ms a report takes to convert, most of a cold build of a large archive. A cell with no inline
markup converts to its own text, escaped by the serializer; so a table whose every cell is such
plain text is written here directly as the HTML the table extension, the prettifier and the
serializer would have produced, and kept as a raw HTML block.

Everything else goes to the table extension as before: a table with any cell that could hold
markup, Markdown without the table extension, and Markdown with an inline pattern or a tree
processor not known here (another extension could change a cell's text). The site tests build
with and without this hook and compare every file byte for byte; tests/test_plain_tables.py
compares the two conversions table by table.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.extensions.tables import TableProcessor
from mkdocs.plugins import event_priority

# An ``&`` that does not start an entity (``&#38;``, ``&#x26;``, ``&amp;``): Python-Markdown's
# serializer escapes exactly these, so a cell written here reads as the serializer would write it.
BARE_AMPERSAND = re.compile(r"&(?!(?:#[0-9]+|#x[0-9a-f]+|[0-9a-z]+);)", re.IGNORECASE)


def escaped_text(text: str) -> str:
    """Cell text as HTML character data: bare ``&``, ``<`` and ``>`` escaped, entities kept."""
    if "&" in text:
        text = BARE_AMPERSAND.sub("&amp;", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


# Characters that start an inline pattern or an attribute list (``{: .class}``) in a cell; an
# ``&`` is left to the serializer's escaping, which keeps entities as Python-Markdown does.
MARKUP = frozenset("\\`*_[<{")
# What may touch a cell's text: Python-Markdown's inline patterns, and tree processors that
# leave a plain cell alone (MkDocs', the blog's, attr_list's and toc's look at other elements).
KNOWN_INLINE = frozenset(
    {
        "backtick",
        "escape",
        "reference",
        "link",
        "image_link",
        "image_reference",
        "short_reference",
        "short_image_ref",
        "autolink",
        "automail",
        "linebreak",
        "html",
        "entity",
        "not_strong",
        "em_strong",
        "em_strong2",
    }
)
KNOWN_TREE = frozenset(
    {
        "inline",
        "prettify",
        "unescape",
        "attr_list",
        "toc",
        "mkdocs_extract_anchors",
        "mkdocs_extract_title",
        "relpath",
        "excerpt",
    }
)
ALIGN = {(True, True): "center", (True, False): "left", (False, True): "right"}


class PlainTableProcessor(TableProcessor):
    """Takes a table only when every cell is plain text; the table extension gets the rest."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md.parser, {})
        self.md = md
        self.usable: bool | None = None  # decided at the first table: every extension is in
        self.html = ""

    def test(self, parent: etree.Element, block: str) -> bool:
        if self.usable is None:
            self.usable = self._usable()
        if not self.usable or not super().test(parent, block):
            return False
        html = self._table_html(block)
        if html is None:
            return False
        self.html = html
        return True

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        blocks.pop(0)
        # A paragraph holding only a placeholder is how Python-Markdown keeps a raw HTML block.
        etree.SubElement(parent, "p").text = self.md.htmlStash.store(self.html)

    def _usable(self) -> bool:
        blocks = self.parser.blockprocessors
        if "table" not in blocks:
            return False
        self.config = blocks["table"].config
        inline = {item.name for item in self.md.inlinePatterns._priority}
        tree = {item.name for item in self.md.treeprocessors._priority}
        return inline <= KNOWN_INLINE and tree <= KNOWN_TREE

    def _table_html(self, block: str) -> str | None:
        """The table's HTML, or None when a cell is not plain text."""
        lines = block.split("\n")
        aligns = [self._align(side) for side in self.separator]
        header = self._cells(lines[0].strip(" "), "th", aligns)
        body = [self._cells(line.strip(" "), "td", aligns) for line in lines[2:]]
        if header is None or not body or any(row is None for row in body):
            return None  # an empty table gets the extension's empty row
        rows = "\n".join(f"<tr>\n{row}\n</tr>" for row in body)
        return f"<table>\n<thead>\n<tr>\n{header}\n</tr>\n</thead>\n<tbody>\n{rows}\n</tbody>\n</table>"

    def _cells(self, row: str, tag: str, aligns: list[str]) -> str | None:
        """A row's cells as HTML (as many as the separator has: extra ones are dropped)."""
        if "\\" in row or "`" in row:
            return None  # escaped pipes and code spans: the table extension splits those
        if self.border:
            row = row.removeprefix("|").removesuffix("|")
        cells = row.split("|")
        html = []
        for i, align in enumerate(aligns):
            text = cells[i].strip(" ") if i < len(cells) else ""
            if not MARKUP.isdisjoint(text):
                return None
            html.append(f"<{tag}{align}>{escaped_text(text)}</{tag}>")
        return "\n".join(html)

    def _align(self, side: str) -> str:
        """A cell's alignment attribute, from its column's separator cell."""
        side = side.strip(" ")
        align = ALIGN.get((side.startswith(":"), side.endswith(":")))
        if align is None:
            return ""
        if self.config["use_align_attribute"]:
            return f' align="{align}"'
        return f' style="text-align: {align};"'


class PlainTableExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # Before the table extension (75), after indented code (80) as it is.
        md.parser.blockprocessors.register(PlainTableProcessor(md), "plain_table", 76)


@event_priority(100)  # first: the other hooks key their caches on the extensions
def on_config(config: Any) -> Any:
    config.markdown_extensions.append(PlainTableExtension())
    return config
