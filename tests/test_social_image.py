"""The social image: the report's title over the headline chart's drawn SVG, 1200x630."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from generator.charts.assets import load_themes
from generator.charts.social import (
    SOCIAL_HEIGHT,
    SOCIAL_WIDTH,
    TITLE_CHARS,
    chart_size,
    social_svg,
    title_lines,
)

SVG = "{http://www.w3.org/2000/svg}"
# A drawn chart as vl-convert writes one: a sized root, its own background and marks.
CHART = (
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'version="1.1" class="marks" width="720" height="417" viewBox="0 0 720 417">'
    '<rect width="720" height="417" fill="#ffffff"/><text x="5" y="20">Year to date</text></svg>'
)
TITLE = "Week ending October 10, 2008: the S&P 500's 2nd-worst week since 1928 (−18.2%)"


def test_the_chart_fills_the_social_size_under_the_wrapped_title() -> None:
    root = ET.fromstring(social_svg(CHART, TITLE))
    assert (root.get("width"), root.get("height")) == (str(SOCIAL_WIDTH), str(SOCIAL_HEIGHT))
    lines = [t.text for t in root.iter(f"{SVG}text") if t.text != "Year to date"]
    assert " ".join(lines) == TITLE and len(lines) == 2  # the "&" escaped and read back
    [chart] = root.findall(f"{SVG}svg")
    x, y = float(chart.get("x")), float(chart.get("y"))
    width, height = float(chart.get("width")), float(chart.get("height"))
    assert chart.get("viewBox") == "0 0 720 417"
    assert abs(width / height - 720 / 417) < 0.01  # proportions kept
    assert y > 2 * 34 and y + height <= SOCIAL_HEIGHT - 24 + 0.1  # below the title, inside
    assert x >= 24 and abs((x - 24) - (SOCIAL_WIDTH - 24 - x - width)) < 0.2  # centred
    assert [t.text for t in chart.iter(f"{SVG}text")] == ["Year to date"]  # the chart whole


def test_the_title_is_set_in_the_theme_font_on_its_background() -> None:
    theme = load_themes()["dark"]
    root = ET.fromstring(social_svg(CHART, "A short title", "dark"))
    assert root.find(f"{SVG}rect").get("fill") == theme["background"]
    group = root.find(f"{SVG}g")
    assert group.get("font-family") == theme["font"]
    assert group.get("fill") == theme["title"]["color"]


def test_a_long_title_is_cut_to_two_lines_with_an_ellipsis() -> None:
    lines = title_lines("word " * 60)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(len(line) <= TITLE_CHARS for line in lines)


def test_a_chart_without_a_size_is_refused() -> None:
    assert chart_size(CHART) == (720, 417)
    with pytest.raises(ValueError, match="no width and height"):
        social_svg(re.sub(r' width="720"', "", CHART, count=1), TITLE)


@pytest.mark.slow
def test_vl_convert_rasterises_it_at_the_social_size() -> None:
    import struct

    from generator.charts.assets import VegaRenderer

    with VegaRenderer() as renderer:
        png = renderer.png_from_svg(social_svg(CHART, TITLE))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (SOCIAL_WIDTH, SOCIAL_HEIGHT)
