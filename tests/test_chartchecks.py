"""The rules of tests/chartchecks.py on made-up probes: each catches the bug it guards."""

from __future__ import annotations

from tests.chartchecks import axis_problems, reader_problems, text_problems, tooltip_problems

SIZE = {"w": 600, "h": 400}


def _text(text: str, x: float, y: float, w: float = 20, h: float = 10) -> dict:
    return {"text": text, "role": "axis-label", "box": {"x": x, "y": y, "w": w, "h": h}}


def test_months_in_alphabetical_order_are_reported() -> None:
    axis = {"title": "Month", "labels": ["Apr", "Aug", "Dec", "Feb"]}
    assert axis_problems("c", axis) == [
        "c: axis 'Month' labels out of order: ['Apr', 'Aug', 'Dec', 'Feb']"
    ]
    assert axis_problems("c", {"title": "Month", "labels": ["Jan", "Feb", "Oct"]}) == []


def test_cycle_phases_and_years_keep_their_order() -> None:
    assert axis_problems("c", {"title": "p", "labels": ["Midterm", "Election"]})
    assert not axis_problems("c", {"title": "p", "labels": ["Election", "Midterm", "Pre-election"]})
    assert axis_problems("c", {"title": "y", "labels": ["2020", "2010", "2015"]})
    assert not axis_problems("c", {"title": "y", "labels": ["2020", "2015", "", "2010"]})


def test_repeated_tick_labels_are_reported() -> None:
    axis = {"title": "Spread (%)", "labels": ["2%", "2%", "1%", "1%", "0%"]}
    assert axis_problems("c", axis) == [
        "c: axis 'Spread (%)' repeats tick labels ['1%', '2%']: ['2%', '2%', '1%', '1%', '0%']"
    ]


def test_overlapping_truncated_and_clipped_texts_are_reported() -> None:
    assert text_problems("c", [_text("a", 0, 0), _text("b", 10, 5)], SIZE) == [
        "c: axis-label text 'a' overlaps axis-label text 'b'"
    ]
    assert text_problems("c", [_text("a", 0, 0), _text("b", 20, 0)], SIZE) == []  # touching
    assert text_problems("c", [_text("Small ÷ large (start …", 0, 0)], SIZE) == [
        "c: axis-label text truncated: 'Small ÷ large (start …'"
    ]
    assert text_problems("c", [_text("37%", 590, 0)], SIZE) == [
        "c: axis-label text '37%' reaches outside the chart"
    ]


def test_tooltips_with_missing_values_are_reported() -> None:
    tips = ["Month: Jan; 2026: 1.2%", "Month: undefined", "2026: null", "x: NaN", "y: None"]
    assert tooltip_problems("c", tips[:1]) == []
    assert tooltip_problems("c", tips) == [
        "c: 4 tooltips show a missing value, e.g. ['Month: undefined', '2026: null', 'x: NaN']"
    ]


def test_a_chart_without_tooltips_is_reported() -> None:
    probe = {"spec": "c", "size": SIZE, "texts": [], "axes": [], "tips": []}
    assert reader_problems(probe) == ["c: no mark carries a tooltip"]


def test_labels_touching_on_a_horizontal_axis_are_reported() -> None:
    """ "Dec 28" flush at the axis start touched "Jan 11" (0 px apart): the overlap test, which
    tolerates a pixel, let it through."""

    def box(x: float, w: float = 30.0, y: float = 200.0) -> dict[str, float]:
        return {"x": x, "y": y, "w": w, "h": 10.0}

    touching = {"title": "Session", "labels": ["Dec 28", "Jan 11", "Jan 25"],
                "boxes": [box(0), box(30.5), box(80)]}  # fmt: skip
    assert axis_problems("c", touching) == [
        "c: axis 'Session' labels touch (a gap of 0.5 px): ['Dec 28', 'Jan 11', 'Jan 25']"
    ]
    apart = {**touching, "boxes": [box(0), box(40), box(80)]}
    assert axis_problems("c", apart) == []
    column = {"title": "Level", "labels": ["100", "110"],  # a vertical axis: one box per row
              "boxes": [box(0, y=100), box(0, y=110.5)]}  # fmt: skip
    assert axis_problems("c", column) == []
