"""Tooltips say what the report's tables say: the same rounding, and "pp" for a spread.

A chart's tooltips are Vega expressions over its data; these tests evaluate them with vl-convert
(each tooltip field drawn as a text mark of its own layer, so the scenegraph holds every tooltip
text) and compare them with the chart's data table, formatted as ``CHART_TABLES`` declares.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
import vl_convert

from generator.charts import build_chart
from generator.charts.tables import frame_to_csv
from generator.charts.units import rounded_text, shown_expression
from generator.metrics import registry
from generator.pages.context import CHART_TABLES
from tests.chartsample import sample_chart_frames


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return sample_chart_frames()


def _texts(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("text"), str):
            yield node["text"]
        for value in node.values():
            yield from _texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from _texts(value)


def _layers(spec: dict) -> Iterator[dict]:
    for layer in spec.get("layer", []):
        yield from _layers(layer) if "layer" in layer else (layer,)


def tooltip_texts(spec: dict) -> dict[str, set[str]]:
    """Tooltip title -> every text the chart's tooltips show under it (as drawn by Vega)."""
    out: dict[str, set[str]] = {}
    for layer in _layers(spec):
        tips = layer.get("encoding", {}).get("tooltip", [])
        for tip in tips if isinstance(tips, list) else [tips]:
            probe = {k: copy.deepcopy(v) for k, v in layer.items() if k not in ("params", "name")}
            # Positions only, without axes: the scene's texts are then the tooltips'.
            encoding = {k: {**v, "axis": None} if k in ("x", "y") and "field" in v else v
                        for k, v in probe["encoding"].items()
                        if k in ("x", "y", "xOffset", "yOffset")}  # fmt: skip
            probe.update(mark="text", encoding={**encoding, "text": {**tip, "type": "nominal"}})
            top = {k: v for k, v in spec.items() if k in ("$schema", "data", "datasets")}
            scene = vl_convert.vegalite_to_scenegraph({**top, **probe, "width": 600, "height": 300})
            out.setdefault(tip["title"], set()).update(_texts(scene))
    return out


def _table_cells(frames: dict[str, pd.DataFrame], chart: str, column: str) -> set[str]:
    """A column of the chart's data table as the page shows it (its ``CHART_TABLES`` metric)."""
    metric = registry.metric(CHART_TABLES[chart][column].metric or "")
    return {metric.format(v) for v in frames[chart][column] if not pd.isna(v)}


# (chart, data-table column, tooltip title): the tooltip shows that column's numbers.
SHOWN = [
    ("month_spread", "spread_mean", "Mean monthly spread, small minus large (pp)"),
    ("month_spread", "hit_rate", "Hit rate (share of years small led)"),
    ("month_spread", "spread_ci99_low", "99% interval, low"),
    ("french_months", "spread_mean", "Mean monthly spread, small minus large (pp)"),
    ("cycle_phases", "spread_mean", "Mean spread"),
    ("cycle_phases", "small_mean", "Mean calendar-year return (%)"),
    ("cycle_phases", "hit_rate", "Hit rate (share of years small led)"),
    ("seasonal_path", "average", "Average 1986–2025"),
    ("leadership_strip", "spread", "Week's return spread, small minus large (pp)"),
    ("leadership_strip", "small", "Russell 2000"),
    ("ladder", "value", "Return (%)"),
]


@pytest.mark.parametrize(("chart", "column", "title"), SHOWN)
def test_a_tooltip_shows_the_number_its_table_shows(
    frames: dict[str, pd.DataFrame], chart: str, column: str, title: str
) -> None:
    tips = tooltip_texts(build_chart(chart, frames[chart], sample=True))
    assert title in tips, sorted(tips)
    cells = _table_cells(frames, chart, column)
    assert cells and cells <= tips[title], (sorted(cells - tips[title])[:5], sorted(tips[title]))


def test_spreads_read_in_pp_and_returns_in_percent(frames: dict[str, pd.DataFrame]) -> None:
    for chart in ("month_spread", "cycle_phases", "seasonal_path", "leadership_strip"):
        tips = tooltip_texts(build_chart(chart, frames[chart], sample=True))
        spreads = [t for title, texts in tips.items() if "spread" in title.lower() or
                   title.startswith("Average") for t in texts if t != "–"]  # fmt: skip
        assert spreads and all(t.endswith(" pp") for t in spreads), (chart, spreads[:5])
    cycle = tooltip_texts(build_chart("cycle_phases", frames["cycle_phases"], sample=True))
    assert all(t.endswith("%") for t in cycle["Mean calendar-year return (%)"])


def test_hit_rate_labels_and_tooltips_match_the_table(frames: dict[str, pd.DataFrame]) -> None:
    """33 of 41 years is 80.5% (0.80488): the table says 80%; rounded to 0.805 first, the chart
    said 81%."""
    month = frames["month_spread"].copy()
    month.loc[0, ["hit_rate", "years"]] = [33 / 41, 41]
    ours = {**frames, "month_spread": month}
    spec = build_chart("month_spread", month, sample=True)
    drawn = set(_texts(vl_convert.vegalite_to_scenegraph(spec | {"width": 600})))
    cells = _table_cells(ours, "month_spread", "hit_rate")
    assert "80%" in cells and cells <= drawn
    assert cells <= tooltip_texts(spec)["Hit rate (share of years small led)"]


# Values that a second rounding got wrong, and the edges of the registry's format.
CASES = [
    ("ladder.rows.*.1w", -0.15654),  # −15.65%, not −15.60% (3 significant digits, then 2 decimals)
    ("seasonality.months.*.hit_rate", 0.8049),  # 80%, not 81% (0.805, then no decimals)
    ("seasonality.months.*.spread_mean", 0.00449),  # +0.45 pp
    ("seasonality.months.*.spread_mean", -0.00004),  # 0.00 pp: no sign on a zero
    ("seasonality.months.*.spread_mean", 0.15645),  # a tie after scaling by 100
    ("chart.ytd_rebased.small", 12345.678),  # 12,345.68
    ("rates.yields.*.level", 4.255),
    ("relative.ratio", 0.456789),
    ("drawdown.small.current", -0.0),
    ("seasonality.months.*.years", 39.0),
    ("ratecuts.now.change_12m", -0.0075),  # basis points
]


def test_rounded_data_formatted_by_vega_reads_as_the_registry_formats_it() -> None:
    rows = [
        {"case": i, "value": float(rounded_text(v, registry.metric(p)) or "nan")}
        for i, (p, v) in enumerate(CASES)
    ]
    shown = " + '|' + ".join(
        f"(datum.case == {i} ? {shown_expression(registry.metric(p), 'datum.value')} : '')"
        for i, (p, _) in enumerate(CASES)
    )
    spec = {
        "data": {"values": rows},
        "transform": [{"calculate": shown, "as": "shown"}],
        "mark": "text",
        "encoding": {"text": {"field": "shown"}, "y": {"field": "case", "type": "ordinal"}},
    }
    drawn = [
        t.replace("|", "") for t in _texts(vl_convert.vegalite_to_scenegraph(spec)) if "|" in t
    ]
    assert drawn == [registry.metric(p).format(v) for p, v in CASES]


def test_published_columns_are_written_as_their_tables_round_them() -> None:
    frame = pd.DataFrame({"value": [-0.15654, math.nan], "other": [-0.15654, 1.0]})
    csv = frame_to_csv(frame, metrics={"value": registry.metric("ladder.rows.*.1w")})
    assert csv == "value,other\n-0.1565,-0.157\n,1\n"
