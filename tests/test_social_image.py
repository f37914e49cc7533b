"""The social image's spec: the headline chart fitted to 1200x630 under the report's title."""

from __future__ import annotations

from generator.charts.social import SOCIAL_HEIGHT, SOCIAL_WIDTH, TITLE_CHARS, social_spec

CHART = {
    "width": "container",
    "title": {"text": "Year-to-date performance", "subtitle": "price indices"},
    "data": {"values": [{"x": 1, "y": 2}]},
    "mark": "line",
    "layer": [{"mark": "line"}, {"name": "hover", "mark": "rule"}],
}


def test_the_chart_fills_the_social_size_under_the_wrapped_title() -> None:
    title = "Week ending October 10, 2008: the S&P 500's 2nd-worst week since 1928, down 18.2%"
    spec = social_spec(CHART, title)
    assert (spec["width"], spec["height"]) == (SOCIAL_WIDTH, SOCIAL_HEIGHT) == (1200, 630)
    assert spec["autosize"] == {"type": "fit", "contains": "padding"}  # title and axes inside
    lines = spec["title"]["text"]
    assert " ".join(lines) == title and len(lines) == 2
    assert all(len(line) <= TITLE_CHARS for line in lines)
    assert spec["title"]["subtitle"] == "Year-to-date performance"
    assert [layer.get("name") for layer in spec["layer"]] == [None]  # no hover layer
    assert CHART["width"] == "container"  # the chart's own spec is untouched
