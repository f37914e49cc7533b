"""Chart data frames and Vega-Lite specs: hand-computed values, spec contract, size, determinism."""

from __future__ import annotations

import io
import json
import math
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest
import vl_convert

from generator import calendar
from generator.charts import (
    CHART_NAMES,
    CHARTS,
    build_chart,
    build_chart_direct,
    build_charts,
    compute_chart_data,
    compute_charts,
    data_file_csv,
    datafile,
    spec_json,
    with_files,
)
from generator.charts.builders import SAMPLE_NOTE
from generator.charts.datafile import DATA_FILE, chart_rows_csv, frame_csv, merged_csv
from generator.charts.specs import _drawn_template
from generator.charts.tables import format_cell, format_column
from generator.config import load_config, parse_config
from generator.metrics.common import truncate_market
from generator.model import Market, Series
from generator.sources.sample import sample_market
from tests.chartsample import spec_nodes
from tests.conftest import ROOT

CONFIG = parse_config(
    {
        "pair": {
            "small": {"index": "^RUT", "name": "Small <b>Co</b>"},
            "large": {"index": "^GSPC", "name": "Large.Co"},
        },
        "rates": {"13w": "^IRX", "5y": "^FVX", "10y": "^TNX", "30y": "^TYX"},
    }
)


def price_series(symbol: str, close: pd.Series) -> Series:
    values = close.to_numpy(dtype=float)
    frame = pd.DataFrame(
        {c: values for c in ("open", "high", "low", "close", "adj_close")} | {"volume": 0.0},
        index=pd.DatetimeIndex(close.index, name="date"),
    )
    return Series(symbol, frame, "test")


def market_of(small: pd.Series, large: pd.Series) -> Market:
    return Market({"^RUT": price_series("^RUT", small), "^GSPC": price_series("^GSPC", large)})


def january_market() -> Market:
    """Small caps gain exactly 5% on the first session of every January, large caps never move.

    Sessions 2020-12-01 .. 2023-12-29; every monthly and yearly number is then hand-computable:
    January spread +5%, every other month 0, each calendar year +5% against 0.
    """
    days = calendar.sessions("2020-12-01", "2023-12-29")
    level = 100.0 * 1.05 ** (days.year - 2020)
    return market_of(pd.Series(level, index=days), pd.Series(100.0, index=days))


def frame_values(frame: pd.DataFrame) -> list[list[object]]:
    return [[format_cell(v, 6) for v in row] for row in frame.astype(object).itertuples(False)]


# --- frames on hand-made markets ------------------------------------------------------------


def test_ytd_rebased_and_weekly_ratio_by_hand() -> None:
    days = pd.DatetimeIndex(["2024-12-27", "2024-12-31", "2025-01-02", "2025-01-03",
                             "2025-01-06", "2025-01-10"])  # fmt: skip
    small = pd.Series([90.0, 100.0, 110.0, 121.0, 110.0, 99.0], index=days)
    large = pd.Series([180.0, 200.0, 190.0, 200.0, 220.0, 198.0], index=days)
    frames = compute_chart_data(market_of(small, large), CONFIG, pd.Timestamp("2025-01-10"))
    ytd = frames["ytd_rebased"]
    assert frame_values(ytd) == [
        ["2024-12-31", "100", "100"],
        ["2025-01-02", "110", "95"],
        ["2025-01-03", "121", "100"],
        ["2025-01-06", "110", "110"],
        ["2025-01-10", "99", "99"],
    ]
    weeks = frames["relative_ratio"].query("kind == 'week'")
    # Week ends: Fri 2024-12-27, Fri 2025-01-03 (Dec 31 and Jan 2 are the same week), Fri 01-10.
    assert [d.date().isoformat() for d in weeks["date"]] == [
        "2024-12-27",
        "2025-01-03",
        "2025-01-10",
    ]
    assert weeks["ratio"].tolist() == [0.5, 121.0 / 200.0, 0.5]
    assert weeks["ma50"].isna().all() and weeks["ma200"].isna().all()


def test_drawdowns_by_hand() -> None:
    days = calendar.sessions("2025-06-02", "2025-06-13")  # two full weeks, 10 sessions
    small = pd.Series([100, 120, 90, 60, 80, 100, 130, 117, 104, 110.5], index=days, dtype=float)
    large = pd.Series([50, 50, 40, 45, 50, 55, 44, 44, 55, 60.5], index=days, dtype=float)
    frames = compute_chart_data(market_of(small, large), CONFIG, pd.Timestamp("2025-06-13"))
    # Week 1 ends 06-06: small 80 against a peak of 120, large 50 against 50.
    # Week 2 ends 06-13: small 110.5 against 130, large 60.5 is a new high.
    assert frame_values(frames["drawdowns"]) == [
        ["2025-06-06", format_cell(80 / 120 - 1, 6), "0"],
        ["2025-06-13", "-0.15", "0"],
    ]


def test_seasonal_monthly_and_cycle_frames_by_hand() -> None:
    charts = compute_charts(january_market(), CONFIG, pd.Timestamp("2023-12-29"))
    months = charts.frames["month_spread"]
    assert months["month"].tolist() == list(range(1, 13))
    assert months.loc[0, ["month_name", "years"]].tolist() == ["Jan", 3]
    assert months.loc[0, "spread_mean"] == pytest.approx(0.05, abs=1e-12)
    assert months.loc[0, "hit_rate"] == 1.0
    assert (months.loc[1:, "spread_mean"] == 0).all() and (months.loc[1:, "hit_rate"] == 0).all()
    assert months.attrs["first_year"] == 2021 and months.attrs["last_year"] == 2023

    path = charts.frames["seasonal_path"]
    # Average of the complete years 2021 and 2022 against the current year 2023: +5% from January.
    assert np.allclose(path["average"], 0.05) and np.allclose(path["current"], 0.05)
    assert path.attrs["year"] == 2023 and path.attrs["first_year"] == 2021

    cycle = charts.frames["cycle_phases"]
    # 2021 post-election (1), 2022 midterm (2), 2023 pre-election (3): Dec 29 is 2023's last session.
    assert cycle["phase"].tolist() == [1, 2, 3]
    assert cycle["phase_name"].tolist() == ["Post-election", "Midterm", "Pre-election"]
    assert np.allclose(cycle["small_mean"], 0.05) and (cycle["large_mean"] == 0).all()
    assert cycle["hit_rate"].tolist() == [1.0, 1.0, 1.0]
    assert cycle["current"].tolist() == [0, 0, 1]

    ladder = charts.frames["ladder"]
    assert ladder["period"].tolist() == ["1w", "ytd", "1y"] * 2
    assert np.allclose(ladder["value"], [0, 0.05, 0.05, 0, 0, 0])
    assert ladder["label"].tolist()[:1] == ["Small <b>Co</b>"]


def test_missing_inputs_omit_charts_with_reasons() -> None:
    charts = compute_charts(january_market(), CONFIG, pd.Timestamp("2023-12-29"))
    assert charts.omitted["yields_vs_relative"] == "^TNX has no data on record"
    # Large caps never move: correlation and beta are undefined everywhere.
    assert charts.omitted["rolling_risk"] == "no data to chart"
    only_large = Market({"^GSPC": january_market().series["^GSPC"]})
    charts = compute_charts(only_large, CONFIG, pd.Timestamp("2023-12-29"))
    assert set(charts.omitted) == set(CHART_NAMES) - {"ladder"}
    assert charts.omitted["drawdowns"] == "^RUT has no data on record"


def test_stale_pair_is_omitted_not_charted() -> None:
    charts = compute_charts(january_market(), CONFIG, pd.Timestamp("2024-03-08"))
    assert charts.frames == {}
    assert (
        charts.omitted["ytd_rebased"]
        == "^RUT data ends 2023-12-29, before the week ending 2024-03-08"
    )


# --- the 40-year synthetic market ---------------------------------------------------------------


@lru_cache(maxsize=1)
def long_market() -> Market:
    config = load_config(ROOT / "smallcap.toml")
    series = sample_market(config, "2026-08-21")  # sessions from 1985-01-02: over 41 years
    return Market({s.symbol: s for s in series}, sample=True)


@lru_cache(maxsize=1)
def long_frames() -> dict[str, pd.DataFrame]:
    config = load_config(ROOT / "smallcap.toml")
    return compute_chart_data(long_market(), config, pd.Timestamp("2026-08-21"))


@lru_cache(maxsize=1)
def long_specs() -> dict[str, dict]:
    return build_charts(long_frames(), sample=True)


def inlined(name: str) -> dict:
    """The spec as the browser draws it: the whole chart-data.csv in place of its URL."""
    spec = json.loads(spec_json(long_specs()[name]))
    return with_files(spec, {DATA_FILE: data_file_csv(long_frames())})


def test_long_history_is_weekly_and_every_chart_is_drawn() -> None:
    config = load_config(ROOT / "smallcap.toml")
    week = pd.Timestamp("2026-08-21")
    charts = compute_charts(long_market(), config, week)
    assert charts.omitted == {}
    weeks = charts.frames["relative_ratio"].query("kind == 'week'")["date"]
    expected = calendar.week_ends("1985-01-02", week)
    assert pd.DatetimeIndex(weeks).equals(pd.DatetimeIndex(expected))
    recent = charts.frames["drawdowns"]["date"]
    assert recent.iloc[-1] == week and recent.iloc[0] > week - pd.DateOffset(years=10)
    assert pd.DatetimeIndex(recent).isin(expected).all()


def test_specs_and_data_stay_under_the_size_budget() -> None:
    """The 40-year sample market of the README site: one report's specs and data < 150 KB."""
    config = load_config(ROOT / "smallcap.toml")
    market = Market({s.symbol: s for s in sample_market(config, "2026-11-20")}, sample=True)
    frames = compute_chart_data(market, config, pd.Timestamp("2026-11-20"))
    sizes = {f"{n}.vl.json": len(spec_json(s).encode()) for n, s in build_charts(frames, sample=True).items()}  # fmt: skip
    sizes[DATA_FILE] = len(data_file_csv(frames).encode())
    assert len(sizes) == len(CHART_NAMES) + 1
    # 150 KB before issue 14's four charts (3-year ratio zoom, leadership strip, Ken French
    # months, heatmap of every month: ~30 KB together); 178 KB on 2026-11-20, 180 KB once
    # published numbers were written at their tables' rounding (tooltips as the tables).
    assert sum(sizes.values()) < 185_000, sizes


def test_point_in_time_frames_ignore_later_data() -> None:
    config = load_config(ROOT / "smallcap.toml")
    week = pd.Timestamp("2009-03-06")
    full = compute_charts(long_market(), config, week)
    cut = compute_charts(truncate_market(long_market(), week), config, week)
    assert full.omitted == cut.omitted
    for name, frame in full.frames.items():
        pd.testing.assert_frame_equal(frame, cut.frames[name], check_exact=True)


# --- the spec contract ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", CHART_NAMES)
def test_every_spec_meets_the_contract(name: str) -> None:
    spec = json.loads(spec_json(long_specs()[name]))
    assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/v6")
    assert spec["title"]["text"] and spec["title"]["subtitle"][-1] == SAMPLE_NOTE
    assert len(spec["description"]) > 80 and spec["description"].endswith(f"{SAMPLE_NOTE}.")
    assert spec["width"] == "container" and spec["background"] == "transparent"
    assert "config" not in spec
    dicts = list(spec_nodes(spec))
    axes = [(ch, d[ch]["axis"]) for d in dicts for ch in ("x", "y")
            if isinstance(d.get(ch), dict) and isinstance(d[ch].get("axis"), dict)]  # fmt: skip
    assert {ch for ch, _ in axes} == {"x", "y"}
    assert all(axis["title"] for _, axis in axes)
    assert all("(" in axis["title"] for ch, axis in axes
               if ch == "y" and name not in ("ladder", "spread_heatmap"))  # y: categories  # fmt: skip
    assert any(d.get("tooltip") for d in dicts)
    colours = [v for d in dicts for k, v in d.items()
               if k in ("color", "fill", "stroke") and isinstance(v, str)]  # fmt: skip
    assert colours == []  # colours come from the embed-time theme only
    urls = [d["url"] for d in dicts if "url" in d]
    if name in HISTORY_CHARTS:  # top-level data only, from the file next to the spec
        assert urls == [DATA_FILE] and spec["data"]["url"] == DATA_FILE
        assert spec["data"]["format"]["type"] == "csv"
        assert all(isinstance(v, list) for v in spec.get("datasets", {}).values())
    else:
        assert urls == []  # the small tables stay inline
        assert all(isinstance(v, (str, list)) for v in spec["datasets"].values())


HISTORY_CHARTS = ("ytd_rebased", "relative_ratio", "relative_ratio_3y", "rolling_12m_spread", "drawdowns",
                  "rolling_risk", "yields_vs_relative")  # fmt: skip


def test_spec_data_is_inline_rounded_csv() -> None:
    charts = compute_charts(january_market(), CONFIG, pd.Timestamp("2023-12-29"))
    spec = build_chart("month_spread", charts.frames["month_spread"], sample=False)
    csv_texts = [v for v in spec["datasets"].values() if isinstance(v, str)]
    assert len(csv_texts) == 1
    lines = csv_texts[0].splitlines()
    assert lines[0] == (
        "month,month_name,small_mean,large_mean,spread_mean,hit_rate,years,"
        "spread_ci99_low,spread_ci99_high,current"
    )
    assert lines[1].startswith("1,Jan,0.05,0,0.05,1,3,") and lines[1].endswith(",0")
    assert lines[2].startswith("2,Feb,0,0,0,0,3,")
    assert SAMPLE_NOTE not in spec_json(spec)
    layer_data = [d["data"] for d in spec_nodes(spec) if isinstance(d.get("data"), dict)]
    assert {"type": "csv", "parse": {"month": "number", "small_mean": "number",
            "large_mean": "number", "spread_mean": "number", "hit_rate": "number",
            "years": "number", "spread_ci99_low": "number", "spread_ci99_high": "number",
            "current": "number"}} in [d.get("format") for d in layer_data]  # fmt: skip


def test_names_from_config_stay_data_not_markup_or_code() -> None:
    charts = compute_charts(january_market(), CONFIG, pd.Timestamp("2023-12-29"))
    spec = build_chart("cycle_phases", charts.frames["cycle_phases"], sample=False)
    lookup = [v for v in spec["datasets"].values() if isinstance(v, list)]
    assert lookup == [[{"key": "small_mean", "series": "Small <b>Co</b>"},
                       {"key": "large_mean", "series": "Large.Co"}]]  # fmt: skip
    expressions = [
        d[k] for d in spec_nodes(spec) for k in ("filter", "calculate", "test") if k in d
    ]
    assert not any("Small" in str(e) or "Large" in str(e) for e in expressions)


def test_unknown_chart_name_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown chart 'pie'; allowed: ytd_rebased"):
        build_chart("pie", pd.DataFrame(), sample=False)


def test_specs_are_deterministic() -> None:
    config = load_config(ROOT / "smallcap.toml")
    frames = compute_chart_data(long_market(), config, pd.Timestamp("2026-08-21"))
    again = build_charts(frames, sample=True)
    assert {k: spec_json(v) for k, v in again.items()} == {
        k: spec_json(v) for k, v in long_specs().items()
    }


def test_frame_csv_writes_each_column_at_its_tooltip_precision() -> None:
    """A published number as its registry metric rounds it in the report's tables (trailing
    zeros dropped), any other column at five significant digits."""
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-01-03", "2025-01-10"]),
            "ratio": [0.123456789, 12.3456],  # relative.ratio: 4 decimals
            "spread_12m": [-0.00004, 0.123456],  # returns.1y.spread: pp, 2 decimals; -0 is 0
            "corr": [np.nan, 0.98765],  # risk.corr_1y: 2 decimals
            "other": [1234567.0, 0.000123456],  # default .5g
            "label": ['say "hi", <b>', None],
        }
    )
    assert frame_csv(frame) == (
        "date,ratio,spread_12m,corr,other,label\n"
        '2025-01-03,0.1235,0,,1.2346e+06,"say ""hi"", <b>"\n'
        "2025-01-10,12.3456,0.1235,0.99,0.00012346,\n"
    )


def test_data_file_has_one_row_per_date_and_each_charts_numbers() -> None:
    frames = long_frames()
    text = data_file_csv(frames)
    file = pd.read_csv(io.StringIO(text), parse_dates=["date", "small_led_until"])
    assert text.splitlines()[0] == (
        "date,ytd_small,ytd_large,ratio,ma50,ma200,small_led_until,ratio_3y,ma50_3y,ma200_3y,"
        "spread_12m,drawdown_small,"
        "drawdown_large,corr,beta,relative,yield_10y"
    )
    assert file["date"].is_unique and file["date"].is_monotonic_increasing
    ratio = frames["relative_ratio"]
    weeks = ratio[ratio["kind"] == "week"]
    assert file["ratio"].notna().sum() == len(weeks)
    led = ratio[(ratio["kind"] == "regime") & (ratio["leader"] == "small")]
    assert file.dropna(subset=["small_led_until"])["date"].tolist() == led["date"].tolist()
    assert (
        file.dropna(subset=["small_led_until"])["small_led_until"].tolist() == led["end"].tolist()
    )
    # every history chart's rows, at the file's precision
    drawdowns = file.dropna(subset=["drawdown_small"]).reset_index(drop=True)
    assert drawdowns["date"].tolist() == frames["drawdowns"]["date"].tolist()
    np.testing.assert_allclose(drawdowns["drawdown_small"], frames["drawdowns"]["small"], atol=5e-4)
    ytd = file.dropna(subset=["ytd_small"]).reset_index(drop=True)
    np.testing.assert_allclose(ytd["ytd_large"], frames["ytd_rebased"]["large"], atol=0.05)
    assert ytd["ytd_small"].iloc[0] == 100.0  # rebased to 100 at the last close of last year


def test_chart_rows_thin_the_lines_but_keep_every_band() -> None:
    frame = long_frames()["relative_ratio"]
    rows = pd.read_csv(io.StringIO(chart_rows_csv("relative_ratio", frame, 100)))
    assert list(rows.columns) == ["date", "ratio", "ma50", "ma200", "small_led_until"]
    weeks = int((frame["kind"] == "week").sum())  # 2,173: stride 22, 99 rows + the last
    assert rows["ratio"].notna().sum() == len(range(0, weeks, -(-weeks // 100))) + 1
    led = (frame["kind"] == "regime") & (frame["leader"] == "small")
    assert rows["small_led_until"].notna().sum() == led.sum()
    full = chart_rows_csv("relative_ratio", frame)
    assert pd.read_csv(io.StringIO(full))["ratio"].notna().sum() == weeks


def test_format_column_writes_what_format_cell_writes() -> None:
    frame = pd.DataFrame(
        {
            "f": [0.1234567, -0.0001, 1234.567, np.nan, np.inf, -0.0, 99.95],
            "d": pd.to_datetime(["2025-01-03", None, "1999-12-31", None, None, None, None]),
            "i": [1, 2, 3, 4, 5, 6, 7],
            "s": ["a", "b,c", None, "", "x", "y", "z"],
        }
    )
    assert format_column(frame["f"], 3) == ["0.123", "-0.0001", "1234.6", "", "", "0", "100"]
    assert format_column(frame["d"]) == ["2025-01-03", "", "1999-12-31", "", "", "", ""]
    for column in frame.columns:
        cells = [format_cell(v.item() if hasattr(v, "item") else v, 4)
                 for v in frame[column].astype(object)]  # fmt: skip
        assert format_column(frame[column], 4) == cells, column


@pytest.mark.slow
@pytest.mark.parametrize("week", ["2026-08-21", "2009-03-06", "1986-01-03"])
def test_template_build_is_byte_identical_to_the_altair_build(week: str) -> None:
    config = load_config(ROOT / "smallcap.toml")
    frames = compute_chart_data(long_market(), config, pd.Timestamp(week))
    for name, frame in frames.items():
        fast = build_chart(name, frame, sample=True)
        assert spec_json(fast) == spec_json(build_chart_direct(name, frame, sample=True)), name


def test_a_template_serves_every_week_of_the_same_shape() -> None:
    config = load_config(ROOT / "smallcap.toml")
    first = compute_chart_data(long_market(), config, pd.Timestamp("2026-08-14"))
    second = compute_chart_data(long_market(), config, pd.Timestamp("2026-08-21"))
    build_charts(first, sample=True)
    drawn = _drawn_template.cache_info().misses
    specs = build_charts(second, sample=True)
    assert _drawn_template.cache_info().misses == drawn  # no chart was drawn by Altair again
    assert (
        specs["ytd_rebased"]["description"]
        != build_chart("ytd_rebased", first["ytd_rebased"], sample=True)["description"]
    )


# --- what Vega makes of the specs ----------------------------------------------------------------


def named_marks(node: object) -> dict[str, list[dict]]:
    """Items of every named mark of a Vega scenegraph (same-named marks pooled)."""
    out: dict[str, list[dict]] = {}
    for d in spec_nodes(node):
        if "marktype" in d and d.get("name"):
            out.setdefault(d["name"], []).extend(d.get("items", []))
    return out


@pytest.mark.parametrize("name", CHART_NAMES)
def test_no_layer_data_is_parsed_twice(name: str) -> None:
    """A custom date ``parse`` left in a Vega data format is applied by the loader and again by a
    ``timeParse`` formula: the dates become null (no lines, "Infinite extent" warnings)."""
    vega = vl_convert.vegalite_to_vega(inlined(name))
    parses = [d["format"]["parse"] for d in vega["data"] if "parse" in d.get("format", {})]
    assert not any("date:" in str(v) for parse in parses for v in parse.values())


@pytest.mark.parametrize("name", CHART_NAMES)
def test_every_layer_draws_items_at_finite_positions(name: str) -> None:
    spec = inlined(name) | {"width": 600}
    marks = named_marks(vl_convert.vegalite_to_scenegraph(spec))
    layers = {k: v for k, v in marks.items() if k.endswith("_marks")}
    assert layers and all(layers.values()), {k: len(v) for k, v in layers.items()}
    for mark, items in layers.items():
        for item in items:
            for key in ("x", "y", "x2", "y2", "width", "height"):
                value = item.get(key)
                assert value is None or math.isfinite(value), (mark, key, value)
        if mark.startswith("layer") and items[0].get("items") is None:
            assert all("x" in item or "x2" in item or "width" in item for item in items), mark


def test_ratio_lines_and_hover_have_a_point_per_week_and_shade_per_regime() -> None:
    frame = compute_chart_data(
        long_market(), load_config(ROOT / "smallcap.toml"), pd.Timestamp("2026-08-21")
    )["relative_ratio"]
    weeks = int((frame["kind"] == "week").sum())
    led = int(((frame["kind"] == "regime") & (frame["leader"] == "small")).sum())
    spec = inlined("relative_ratio") | {"width": 600}
    marks = named_marks(vl_convert.vegalite_to_scenegraph(spec))
    assert len(marks["hover_marks"]) == weeks
    assert all(math.isfinite(item["x"]) for item in marks["hover_marks"])
    rects = [m for k, m in marks.items() if k.startswith("layer_0")]
    assert len(rects) == 1 and len(rects[0]) == led > 0


# --- descriptions and the data file's reuse between weeks ---------------------------------------

DESCRIPTIONS = ROOT / "tests" / "golden" / "chart_descriptions.json"
DESCRIBED_WEEKS = ("1985-02-01", "1986-01-10", "1987-10-23", "2026-01-09", "2026-08-21")


def test_descriptions_match_the_golden_texts() -> None:
    """Every chart's description on five weeks of the 40-year market: early history with charts
    omitted, a January with no complete month, a crash week. The golden file was written by the
    first, pandas-row implementation; the descriptions now read column arrays."""
    config = load_config(ROOT / "smallcap.toml")
    texts = {
        week: {
            name: CHARTS[name].describe(frame)
            for name, frame in compute_chart_data(long_market(), config, pd.Timestamp(week)).items()
        }
        for week in DESCRIBED_WEEKS
    }
    assert texts == json.loads(DESCRIPTIONS.read_text(encoding="utf-8"))


def dated(days: list[str], **columns: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"date": pd.to_datetime(days), **columns})


def test_merged_file_by_hand_and_rows_reused_only_when_unchanged() -> None:
    texts = datafile.TextCache()  # what one run remembers of the files it wrote
    days = ["2026-01-02", "2026-01-09", "2026-01-16"]
    first = [dated(days, ratio=[1.0, 2.0, 3.0]), dated(days[1:], corr=[0.5, math.nan])]
    assert merged_csv(first, texts) == (
        "date,ratio,corr\n2026-01-02,1,\n2026-01-09,2,0.5\n2026-01-16,3,\n"
    )
    # The next week: one number revised, one gone, a -0 where a 0 would print the same, a new date.
    later = [*days, "2026-01-23"]
    second = [
        dated(later, ratio=[1.0, 2.5, 3.0, 4.0]),
        dated(later[1:], corr=[math.nan, -0.0, 0.25]),
    ]
    expected = (
        "date,ratio,corr\n2026-01-02,1,\n2026-01-09,2.5,\n2026-01-16,3,0\n2026-01-23,4,0.25\n"
    )
    assert merged_csv(second, texts) == expected
    assert merged_csv(second, datafile.TextCache()) == expected  # the same with nothing to reuse


@pytest.mark.parametrize(
    ("second", "message"),
    [
        (dated(["2026-01-02", "2026-01-02"], b=[1.0, 2.0]), "two rows for the same date"),
        (pd.DataFrame({"date": pd.to_datetime(["2026-01-02", None]), "b": [1.0, 2.0]}),
         "a row without a date"),
        (dated(["2026-01-02"], a=[1.0]), r"column\(s\) a drawn twice"),
    ],
)  # fmt: skip
def test_merged_file_refuses_tables_it_cannot_place(second: pd.DataFrame, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        merged_csv([dated(["2026-01-02"], a=[1.0]), second])


def test_data_file_does_not_depend_on_the_weeks_written_before() -> None:
    """A backfill worker writes weeks in any order; each file is the one written alone."""
    config = load_config(ROOT / "smallcap.toml")
    weeks = [pd.Timestamp(w) for w in ("2026-08-14", "2026-08-21", "2025-12-31", "2026-01-09")]
    frames = {w: compute_chart_data(long_market(), config, w) for w in weeks}
    alone = {}
    for week in weeks:
        alone[week] = data_file_csv(frames[week], datafile.TextCache())
    texts = datafile.TextCache()  # one run writing every week
    for week in [*weeks, *reversed(weeks)]:
        assert data_file_csv(frames[week], texts) == alone[week], week


def test_file_tables_are_kept_per_frame_not_per_content() -> None:
    frame = long_frames()["drawdowns"]
    texts = datafile.TextCache()
    kept = datafile.file_tables("drawdowns", frame, texts)
    assert datafile.file_tables("drawdowns", frame, texts) is kept
    changed = frame.copy()
    changed.loc[changed.index[-1], "small"] = -0.5
    (table,) = datafile.file_tables("drawdowns", changed)
    assert table["drawdown_small"].iloc[-1] == -0.5
    assert table.attrs == {} and frame.attrs  # the tables are data; the frame keeps its names


@pytest.mark.parametrize("name", CHART_NAMES)
def test_every_ordinal_position_keeps_the_data_order(name: str) -> None:
    """Months and phases are ordinal positions: without "sort": null (or a list) on EVERY layer
    that encodes them, Vega-Lite unions the layers' domains sorted alphabetically, and the
    seasonal path ran Apr, Aug, Dec, Feb, ... on every report."""
    spec = json.loads(spec_json(long_specs()[name]))
    positions = [d[ch] for d in spec_nodes(spec) for ch in ("x", "y")
                 if isinstance(d.get(ch), dict) and d[ch].get("type") in ("ordinal", "nominal")
                 and "field" in d[ch]]  # fmt: skip
    unsorted = [p["field"] for p in positions if "sort" not in p]
    assert unsorted == []


def test_the_seasonal_path_draws_its_months_in_calendar_order() -> None:
    """What a reader sees: the x-axis labels of the drawn chart (vl-convert renders the spec as
    the browser's Vega would), January to December."""
    import re

    import vl_convert

    svg = vl_convert.vegalite_to_svg(json.loads(spec_json(long_specs()["seasonal_path"])))
    months = re.findall(r"<text[^>]*>([A-Z][a-z]{2})</text>", svg)
    assert months == ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                      "Nov", "Dec"]  # fmt: skip


def test_descriptions_write_minus_signs_and_spreads_in_pp() -> None:
    """Screen readers read the descriptions: "-26.1%" (a hyphen) and spreads in "%" differed
    from the page, which writes "−26.1%" and "+13.0 pp"."""
    import re

    texts = [t for week in json.loads(DESCRIPTIONS.read_text(encoding="utf-8")).values()
             for t in week.values()]  # fmt: skip
    assert not [t for t in texts if re.search(r"(?<![\w-])-\d", t)]
    spreads = [t for t in texts if "minus large caps" in t and "No month" not in t]
    assert spreads and all(re.search(r"[+−]\d+\.\d pp", t) for t in spreads)
