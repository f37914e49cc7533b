"""The social image of a report: the headline chart with the report's title, as a 1200x630 PNG.

Social sites and many feed readers show a page's ``og:image`` but do not render SVG, so the key
chart (year to date, rebased) is drawn once more by vl-convert as a PNG of the size they crop
to, with the report's title written above it.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

from generator.charts.assets import Renderer, static_spec
from generator.errors import RenderError

SOCIAL_CHART = "ytd_rebased"
SOCIAL_WIDTH, SOCIAL_HEIGHT = 1200, 630  # the size Facebook, LinkedIn and X show whole
TITLE_SIZE = 34
TITLE_CHARS = 58  # characters per line of the title at TITLE_SIZE px in 1,150 pixels
TITLE_LINES = 2


def social_spec(chart: Mapping[str, Any], title: str, theme: str = "light") -> dict[str, Any]:
    """The static spec ``chart`` (data inlined) fitted to the social image, under ``title``."""
    spec = static_spec(dict(chart), theme)
    subtitle = _title_text(spec.get("title"))
    spec.update(
        width=SOCIAL_WIDTH,
        height=SOCIAL_HEIGHT,
        autosize={"type": "fit", "contains": "padding"},
        padding=24,
        title={
            "text": textwrap.wrap(title, TITLE_CHARS)[:TITLE_LINES],
            "subtitle": subtitle,
            "fontSize": TITLE_SIZE,
            "subtitleFontSize": 20,
            "anchor": "start",
            "offset": 18,
        },
    )
    return spec


def _title_text(title: Any) -> str:
    """A chart title's main text (a title may be a string, lines or a title object)."""
    if isinstance(title, Mapping):
        title = title.get("text", "")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    return str(title or "")


def draw_social_image(renderer: Renderer, chart: Mapping[str, Any], title: str) -> bytes:
    """The PNG of ``social_spec``; a failure is a RenderError naming the image."""
    try:
        return renderer.png(social_spec(chart, title))
    except RenderError as exc:
        raise RenderError(f"social image: cannot draw it ({exc})") from None
