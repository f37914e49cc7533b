"""Charts that read on a 375 px phone: titles, subtitles and legends fit its width in the specs
(the browser test ``test_every_chart_of_a_report_reads_right[375px]`` checks them as drawn)."""

from __future__ import annotations

import pytest

from generator.charts import build_chart
from generator.charts.builders import (
    LEGEND_WIDTH,
    SAMPLE_NOTE,
    SUBTITLE_CHARS,
    TITLE_CHARS,
    legend_columns,
    subtitle_lines,
)
from generator.charts.catalogue import CHARTS
from tests.chartsample import sample_chart_frames, spec_nodes


@pytest.fixture(scope="module")
def specs() -> dict[str, dict]:
    frames = sample_chart_frames()
    return {name: build_chart(name, frame, sample=True) for name, frame in frames.items()}


def test_a_subtitle_breaks_at_spaces_into_short_lines() -> None:
    text = "Russell 2000 against S&P 500, labels: share of years small caps led; whiskers: 99%"
    lines = subtitle_lines(text, 30)
    assert " ".join(lines) == text
    assert all(len(line) <= 30 for line in lines) and len(lines) == 3
    assert subtitle_lines("short", 30) == ["short"]
    assert subtitle_lines("a " + "x" * 40, 30) == ["a", "x" * 40]  # a long word stays whole


def test_a_legend_too_wide_for_a_phone_gets_columns() -> None:
    assert legend_columns(["Small caps", "Large caps"]) is None
    three = ["Ratio", "50-session average", "200-session average"]
    columns = legend_columns(three)
    assert columns is not None and 1 <= columns < 3
    assert legend_columns(["1 week", "Year to date", "1 year"], 120) == 1


def test_every_title_and_subtitle_line_fits_a_phone(specs: dict[str, dict]) -> None:
    assert all(len(chart.title) <= TITLE_CHARS for chart in CHARTS.values()), [
        chart.title for chart in CHARTS.values() if len(chart.title) > TITLE_CHARS
    ]
    for name, spec in specs.items():
        title = spec["title"]
        assert isinstance(title["text"], str) and len(title["text"]) <= TITLE_CHARS, name
        assert title["subtitle"][-1] == SAMPLE_NOTE
        long = [line for line in title["subtitle"] if len(line) > SUBTITLE_CHARS]
        assert long == [], (name, long)


def test_every_legend_fits_a_phone_in_one_row_or_has_columns(specs: dict[str, dict]) -> None:
    checked = 0
    for name, spec in specs.items():
        for node in spec_nodes(spec):
            legend = node.get("legend") if node.get("field") == "series" else None
            if not isinstance(legend, dict):
                continue
            checked += 1
            needed = legend_columns(list(node["sort"]), LEGEND_WIDTH)
            assert needed is None or legend.get("columns", 0) >= 1, (name, node["sort"])
            assert legend.get("labelLimit") == 0, name  # never cut short
    assert checked >= 5
