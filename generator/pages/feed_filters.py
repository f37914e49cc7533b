"""Jinja filters for a report's front matter: its meta description and its feed item.

Material writes ``page.meta.description`` into the page's ``<meta name="description">`` as it
is (its templates do not escape), and mkdocs-rss-plugin takes ``rss.feed_description`` as the
feed item's HTML; both come from the report's own text, so these filters make that text a safe
YAML scalar of the right kind.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from markupsafe import Markup

# A sentence ends at a full stop followed by a space (numbers such as 1.6 have none).
_SENTENCE_END = re.compile(r"(?<=\.)\s")


def meta_sentence(text: Any) -> Markup:
    """The first sentence of ``text`` (Markdown text, entities allowed) as a YAML
    double-quoted scalar of HTML attribute text: characters such as ``&`` and ``<`` escaped."""
    plain = " ".join(html.unescape(str(text)).split())
    sentence = _SENTENCE_END.split(plain, maxsplit=1)[0]
    return Markup(json.dumps(html.escape(sentence, quote=True), ensure_ascii=False))


def yaml_json(text: Any) -> Markup:
    """Any text (an HTML fragment) as one YAML double-quoted scalar (JSON's string syntax)."""
    return Markup(json.dumps(str(text).strip(), ensure_ascii=False))


FEED_FILTERS = {"meta_sentence": meta_sentence, "yaml_json": yaml_json}
