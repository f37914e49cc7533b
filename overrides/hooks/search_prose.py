"""MkDocs hook: index a report's prose for search, not its tables and charts.

Material's search plugin parses each page's HTML with Python's ``html.parser``, which costs about
a microsecond per byte. Two thirds of a report's HTML are tables of numbers (scoreboard,
seasonality, claims evidence, collapsible chart data), which cost 30 ms a report to parse and add
nothing a reader would search for; half of the rest is the charts' embeds, whose long text
alternatives (attributes, and "This chart needs JavaScript" for readers without it) repeat the
tables' numbers. The report's headline, narrative, takeaways and section text stay indexed, as do
every table of the other pages (methodology, about).
"""

from __future__ import annotations

import re

from material.plugins.search.plugin import SearchIndex, SearchPlugin
from mkdocs.plugins import event_priority

POSTS = "blog/posts/"
# Tables are never nested in a report; a data table's <details> holds one table and nothing else;
# a chart's <div> holds its fallback image or <noscript> text (templates/partials/chart.j2).
TABLES = re.compile(
    r"<details\b[^>]*>\s*<summary>Data:.*?</details>|<table\b.*?</table>"
    r'|<div class="vl-chart"[^>]*>.*?</div>',
    re.S,
)


class ProseIndex(SearchIndex):
    """Material's search index, fed a report without its tables."""

    def add_entry_from_context(self, page):  # type: ignore[no-untyped-def]
        if not page.file.src_uri.startswith(POSTS):
            return super().add_entry_from_context(page)
        full = page.content
        page.content = TABLES.sub("", full)
        try:
            return super().add_entry_from_context(page)
        finally:
            page.content = full


@event_priority(-100)  # after the search plugin's on_config, which creates its index
def on_config(config):  # type: ignore[no-untyped-def]
    for plugin in config.plugins.values():
        if isinstance(plugin, SearchPlugin) and plugin.config.enabled:
            plugin.search_index = ProseIndex(**plugin.config)
    return config
