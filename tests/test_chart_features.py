"""Issue 14's chart changes, checked on the specs of the sample market's report week."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import vl_convert

from generator.charts import build_chart
from generator.charts.builders import MONTH_ABBR
from generator.config import load_config
from generator.model import Market
from generator.sources.sample import sample_market
from tests.chartsample import WEEK, sample_chart_frames, spec_nodes
from tests.sitebuild import ROOT


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    return sample_chart_frames()


def _spec(frames, name: str) -> dict:  # type: ignore[no-untyped-def]
    return build_chart(name, frames[name], sample=True)


def _y_scales(spec: dict) -> list[dict]:
    return [n["y"].get("scale", {}) for n in spec_nodes(spec) if isinstance(n.get("y"), dict)
            and n["y"].get("field") == "value"]  # fmt: skip


@pytest.mark.parametrize("name", ["ytd_rebased", "relative_ratio", "relative_ratio_3y"])
def test_levels_and_ratios_do_not_start_at_zero(frames, name: str) -> None:  # type: ignore[no-untyped-def]
    scales = _y_scales(_spec(frames, name))
    assert scales and all(s.get("zero") is False for s in scales)


def test_the_ratio_has_a_three_year_zoom_of_the_same_numbers(frames) -> None:  # type: ignore[no-untyped-def]
    zoom, full = frames["relative_ratio_3y"], frames["relative_ratio"]
    assert _spec(frames, "relative_ratio_3y")["data"]["url"] == "chart-data.csv"
    assert zoom["date"].min() >= pd.Timestamp(WEEK) - pd.DateOffset(years=3)
    weeks = full[full["kind"] == "week"].set_index("date")["ratio"]
    assert (weeks.loc[zoom["date"]].to_numpy() == zoom["ratio"].to_numpy()).all()


def test_the_rolling_spread_has_one_colour_above_zero_and_another_below(frames) -> None:  # type: ignore[no-untyped-def]
    spec = _spec(frames, "rolling_12m_spread")
    calcs = [n["calculate"] for n in spec_nodes(spec) if "calculate" in n]
    assert any(c.startswith("max(") for c in calcs) and any(c.startswith("min(") for c in calcs)
    legend = {v for n in spec_nodes(spec) if n.get("field") == "series" and "sort" in n
              for v in n["sort"]}  # fmt: skip
    assert len(legend) == 2 and all("ahead" in v for v in legend)


def test_month_bars_carry_their_interval_and_highlight_this_month(frames) -> None:  # type: ignore[no-untyped-def]
    frame = frames["month_spread"]
    assert frame["current"].tolist() == [int(m == 11) for m in frame["month"]]
    spec = _spec(frames, "month_spread")
    whiskers = [n for n in spec_nodes(spec) if isinstance(n.get("y2"), dict)
                and n["y2"].get("field") == "spread_ci99_high"]  # fmt: skip
    assert whiskers and whiskers[0]["y"]["field"] == "spread_ci99_low"
    assert any("datum['current'] === 1" in json.dumps(n) or "datum[\"current\"] === 1"
               in json.dumps(n) for n in spec_nodes(spec) if "opacity" in n)  # fmt: skip


def test_cycle_bars_show_n_and_mark_this_year(frames) -> None:  # type: ignore[no-untyped-def]
    spec = _spec(frames, "cycle_phases")
    scene = vl_convert.vegalite_to_scenegraph(spec | {"width": 600})
    texts = [n["text"] for n in spec_nodes(scene) if isinstance(n.get("text"), str)]
    frame = frames["cycle_phases"]
    now = int(frame.loc[frame["current"] == 1, "years"].iloc[0])
    assert sorted(t for t in texts if t.startswith("n = ")) == sorted(
        f"n = {int(y)}" for y in frame["years"]
    )
    # "this year" is a line of its own above the phase's n (one line overran the next note on a
    # phone).
    notes = {n["text"]: n for n in spec_nodes(scene) if n.get("text") in ("this year",)}
    assert list(notes) == ["this year"]
    current = frame["current"].tolist().index(1)
    n_notes = [n for n in spec_nodes(scene) if isinstance(n.get("text"), str)
               and n["text"].startswith("n = ")]  # fmt: skip
    below = min(n_notes, key=lambda n: abs(n["x"] - notes["this year"]["x"]))

    def drawn_y(n: dict) -> float:
        return n["y"] + n.get("dy", 0)

    assert below["text"] == f"n = {now}" and drawn_y(below) > drawn_y(notes["this year"])
    assert sorted(n_notes, key=lambda n: n["x"])[current] is below


def test_the_heatmap_and_the_strip_draw_every_month_and_week(frames) -> None:  # type: ignore[no-untyped-def]
    heat, strip = frames["spread_heatmap"], frames["leadership_strip"]
    assert len(strip) == 12 and set(strip["leader"]) <= {"small", "large", "tie"}
    assert (strip["leader"] == "small").tolist() == (strip["spread"] > 0).tolist()
    assert list(heat.columns) == ["year", *MONTH_ABBR] and heat["year"].is_monotonic_increasing
    assert heat[list(MONTH_ABBR)].iloc[:-1].notna().all().all()  # every complete year: 12 months


def test_the_midterm_path_and_french_months_are_the_documents_numbers(frames) -> None:  # type: ignore[no-untyped-def]
    from generator.metrics import compute_metrics

    config = load_config(ROOT / "smallcap.toml")
    market = Market(series={s.symbol: s for s in sample_market(config, WEEK)}, sample=True)
    doc = compute_metrics(market, config, pd.Timestamp(WEEK))
    path = frames["seasonal_path"]
    assert path.attrs["phase"] == "midterm"  # 2026
    documented = [p.spread for p in doc.cycle.phase_average_path]
    assert path["phase_average"].tolist() == pytest.approx(documented, rel=1e-12)
    french = frames["french_months"]
    rows = {m.month: m for m in doc.seasonality.french.months}
    assert french["spread_mean"].tolist() == pytest.approx(
        [rows[m].spread_mean for m in french["month"]], rel=1e-12
    )
    assert french["spread_ci99_low"].tolist() == pytest.approx(
        [rows[m].spread_ci99_low for m in french["month"]], rel=1e-12
    )


@pytest.mark.parametrize("name", ["month_spread", "french_months", "cycle_phases"])
def test_bar_values_leave_room_for_the_labels_beyond_them(frames, name: str) -> None:  # type: ignore[no-untyped-def]
    """A label below the lowest whisker must not reach the month axis ("Oct 37%"): the value
    scale is padded in pixels beyond the data."""
    scales = _y_scales(_spec(frames, name))
    assert scales and all(s.get("padding", 0) >= 12 for s in scales)


def test_the_heatmap_colours_a_side_as_every_other_chart_does(frames) -> None:  # type: ignore[no-untyped-def]
    # A reader saw orange for "small caps led" in the heatmap and blue everywhere else.
    theme = json.loads((ROOT / "generator" / "charts" / "themes.json").read_text("utf-8"))
    small, large = theme["light"]["range"]["category"][:2]
    scales = [
        n["scale"]
        for n in spec_nodes(_spec(frames, "spread_heatmap"))
        if isinstance(n, dict) and isinstance(n.get("scale"), dict) and "domainMid" in n["scale"]
    ]
    assert scales and all(s["range"][0] == large and s["range"][-1] == small for s in scales)
    assert all("reverse" not in s for s in scales)
    # A reader found every ordinary month grey: 2000's ±20 pp months set the scale's ends.
    # The colours stop at ±6 pp (clamped) and the subtitle says so.
    assert all(s["domain"] == [-0.06, 0.06] and s["clamp"] is True for s in scales)
    assert "colours stop at ±6 pp" in json.dumps(
        _spec(frames, "spread_heatmap")["title"], ensure_ascii=False
    )
