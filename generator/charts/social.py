"""The social image of a report: the report's title over the headline chart, a 1200x630 PNG.

Social sites and many feed readers show a page's ``og:image`` but do not render SVG. The image
is composed from the headline chart's static SVG, already drawn for the page (year to date,
rebased), scaled into the size those sites crop to under the report's title, and rasterised by
vl-convert's SVG rasteriser: no second Vega pass, which cost about a fifth of a report's time.
"""

from __future__ import annotations

import html
import re
import textwrap

from generator.charts.assets import Renderer, load_themes
from generator.errors import RenderError

SOCIAL_CHART = "ytd_rebased"
SOCIAL_WIDTH, SOCIAL_HEIGHT = 1200, 630  # the size Facebook, LinkedIn and X show whole
PADDING = 24
TITLE_SIZE = 34
TITLE_LEADING = 42  # pixels from one title line's baseline to the next
TITLE_CHARS = 58  # characters per line of the title at TITLE_SIZE px in 1,150 pixels
TITLE_LINES = 2
# The root element of a vl-convert SVG: its size is what the chart is scaled from.
SVG_ROOT = re.compile(r"<svg\b[^>]*>")
SIZE_ATTRIBUTE = re.compile(r'\s(width|height)="([0-9.]+)"')


def title_lines(title: str) -> list[str]:
    """The title wrapped to at most TITLE_LINES lines (the rest is cut with an ellipsis)."""
    lines = textwrap.wrap(title, TITLE_CHARS)
    if len(lines) > TITLE_LINES:
        lines = lines[: TITLE_LINES - 1] + [
            textwrap.shorten(" ".join(lines[TITLE_LINES - 1 :]), TITLE_CHARS, placeholder=" …")
        ]
    return lines


def chart_size(svg: str) -> tuple[float, float]:
    """The width and height of a drawn chart (its root element's attributes); ValueError when the
    text is not a sized SVG."""
    root = SVG_ROOT.search(svg)
    sizes = dict(SIZE_ATTRIBUTE.findall(root.group(0))) if root else {}
    if "width" not in sizes or "height" not in sizes:
        raise ValueError("the chart's SVG has no width and height")
    return float(sizes["width"]), float(sizes["height"])


def social_svg(chart_svg: str, title: str, theme: str = "light") -> str:
    """The social image as one SVG: ``title`` on top, then ``chart_svg`` scaled to fill the rest
    of SOCIAL_WIDTH x SOCIAL_HEIGHT, keeping its proportions, centred."""
    config = load_themes()[theme]
    font = html.escape(config["font"], quote=True)
    lines = title_lines(title)
    top = PADDING + TITLE_SIZE
    texts = "".join(
        f'<text x="{PADDING}" y="{top + i * TITLE_LEADING}">{html.escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    chart_top = top + (len(lines) - 1) * TITLE_LEADING + PADDING
    width, height = chart_size(chart_svg)
    box_width, box_height = SOCIAL_WIDTH - 2 * PADDING, SOCIAL_HEIGHT - chart_top - PADDING
    scale = min(box_width / width, box_height / height)
    x = PADDING + (box_width - width * scale) / 2
    inner = SVG_ROOT.search(chart_svg)
    assert inner is not None  # chart_size found it
    nested = (
        f'<svg x="{x:.1f}" y="{chart_top}" width="{width * scale:.1f}" '
        f'height="{height * scale:.1f}" viewBox="0 0 {width:g} {height:g}">'
    )
    body = chart_svg[inner.end() :]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="{SOCIAL_WIDTH}" height="{SOCIAL_HEIGHT}" '
        f'viewBox="0 0 {SOCIAL_WIDTH} {SOCIAL_HEIGHT}">'
        f'<rect width="{SOCIAL_WIDTH}" height="{SOCIAL_HEIGHT}" fill="{config["background"]}"/>'
        f'<g font-family="{font}" font-size="{TITLE_SIZE}" font-weight="bold" '
        f'fill="{config["title"]["color"]}">{texts}</g>'
        f"{nested}{body.rstrip()}</svg>\n"
    )


def draw_social_image(renderer: Renderer, chart_svg: str, title: str) -> bytes:
    """The PNG of ``social_svg``; a failure is a RenderError naming the image."""
    try:
        return renderer.png_from_svg(social_svg(chart_svg, title))
    except (RenderError, ValueError) as exc:
        raise RenderError(f"social image: cannot draw it ({exc})") from None
