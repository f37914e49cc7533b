"""Chart files: sidecar specs and CSV, static SVG (vl-convert), the generated JS bundle."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest

from generator.charts import (
    build_charts,
    compute_chart_data,
    render_svg,
    spec_json,
    static_chart_spec,
    static_spec,
    write_chart_files,
    write_js_bundle,
)
from generator.charts.assets import STATIC_MAX_ROWS, load_themes, thinned_csv
from tests.test_charts import CONFIG, january_market


@lru_cache(maxsize=1)
def small_report() -> tuple[dict[str, pd.DataFrame], dict[str, dict]]:
    frames = compute_chart_data(january_market(), CONFIG, pd.Timestamp("2023-12-29"))
    return frames, build_charts(frames, sample=True)


def test_chart_files_are_written_and_byte_identical_on_rerun(tmp_path: Path) -> None:
    frames, specs = small_report()
    first = write_chart_files(tmp_path / "a", specs, frames)
    second = write_chart_files(tmp_path / "b", specs, frames)
    names = [p.name for p in first]
    assert names == [f"{n}.vl.json" for n in specs] + ["chart-data.csv"]
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    mtimes = [p.stat().st_mtime_ns for p in first]
    assert write_chart_files(tmp_path / "a", specs, frames) == first
    assert [p.stat().st_mtime_ns for p in first] == mtimes  # unchanged files are not rewritten
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(names)  # no temp files
    assert json.loads(first[0].read_text(encoding="utf-8")) == json.loads(
        spec_json(specs["ytd_rebased"])
    )
    csv = (tmp_path / "a" / "chart-data.csv").read_text(encoding="utf-8").splitlines()
    # Small caps gain 5% every January (1.05 ** years since 2020), large caps never move.
    assert csv[0] == (
        "date,ytd_small,ytd_large,ratio,ma50,ma200,small_led_until,ratio_3y,ma50_3y,ma200_3y,"
        "spread_12m,drawdown_small,drawdown_large"
    )
    # Published numbers as their tables round them (the ratio to 4 decimals), trailing zeros
    # dropped.
    assert csv[1] == "2020-12-04,,,1,,,2023-12-29,,,,,0,0"  # one regime: small led
    assert "2022-12-30,100,100,1.1025,1.1025,1.1025,,1.1025,1.1025,1.1025,0.05,0,0" in csv
    assert csv[-1] == "2023-12-29,105,100,1.1576,1.1576,1.1576,,1.1576,1.1576,1.1576,0.05,0,0"
    ratio = frames["relative_ratio"]
    weeks = set(ratio[ratio["kind"] == "week"]["date"])  # every week since 2020-12-04
    assert len(csv) == 1 + len(weeks | set(frames["ytd_rebased"]["date"]))  # + 2023's sessions


def test_static_chart_spec_inlines_the_charts_own_rows() -> None:
    frames, specs = small_report()
    spec = specs["drawdowns"]
    assert spec["data"]["url"] == "chart-data.csv"
    static = static_chart_spec("drawdowns", spec, frames["drawdowns"])
    assert "url" not in static["data"] and static["data"]["format"] == spec["data"]["format"]
    lines = static["data"]["values"].splitlines()
    assert lines[0] == "date,drawdown_small,drawdown_large"
    assert len(lines) == 1 + len(frames["drawdowns"]) <= STATIC_MAX_ROWS  # short: kept whole
    assert spec["data"] == {"url": "chart-data.csv", "format": static["data"]["format"]}
    assert static_chart_spec("ladder", specs["ladder"], frames["ladder"]) == specs["ladder"]


def test_render_svg_refuses_to_load_a_url() -> None:
    with pytest.raises(ValueError, match="chart-data.csv"):
        render_svg(small_report()[1]["drawdowns"])


def test_static_spec_drops_the_hover_layer_and_fixes_the_width() -> None:
    spec = small_report()[1]["ytd_rebased"]
    static = static_spec(spec, "dark")
    assert [layer.get("name") for layer in spec["layer"]][-1] == "hover"
    assert "hover" not in [layer.get("name") for layer in static["layer"]]
    assert "params" in spec and "params" not in static
    assert static["width"] == 720 and static["background"] == load_themes()["dark"]["background"]
    assert spec["width"] == "container"  # the original is untouched


@pytest.mark.slow
def test_render_svg_draws_a_sized_offline_image() -> None:
    svg = render_svg(small_report()[1]["month_spread"])
    assert svg.startswith("<svg")
    width, height = (
        float(re.search(rf'{a}="([0-9.]+)"', svg).group(1)) for a in ("width", "height")
    )
    assert width >= 720 and height > 300
    assert "Seasonality: small minus large by month" in svg
    assert not re.search(r'(href|src)="https?:', svg)  # no remote font, image or link


def test_themes_have_both_palettes_with_readable_text() -> None:
    themes = load_themes()
    assert set(themes) == {"light", "dark"}
    for theme in themes.values():
        assert len(theme["range"]["category"]) >= 3
        assert theme["axis"]["labelColor"] != theme["background"]


@pytest.fixture(scope="module")
def bundle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dest = tmp_path_factory.mktemp("js")
    write_js_bundle(dest)
    return dest


@pytest.mark.slow
def test_js_bundle_is_written_and_exports_vega_embed(bundle_dir: Path, tmp_path: Path) -> None:
    bundle = (bundle_dir / "vega-bundle.js").read_text(encoding="utf-8")
    assert "window.vegaEmbed=" in bundle and "window.vegaLite=" in bundle
    assert bundle.startswith("/* Generated from vl-convert-python")
    assert "\n(function () {\n" in bundle and bundle.endswith("\n})();\n")
    script = (bundle_dir / "charts.js").read_text(encoding="utf-8")
    themes = json.loads(
        script.split("\n", 1)[0].removeprefix("window.SMALLCAP_CHART_THEMES = ")[:-1]
    )
    assert themes == load_themes()
    assert "document$" in script and "data-md-color-scheme" in script and "vegaEmbed" in script
    again = write_js_bundle(tmp_path)
    assert [p.read_bytes() for p in again] == [(bundle_dir / p.name).read_bytes() for p in again]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
@pytest.mark.parametrize("name", ["vega-bundle.js", "charts.js"])
def test_js_files_parse_as_classic_scripts(bundle_dir: Path, name: str) -> None:
    result = subprocess.run(
        ["node", "--check", str(bundle_dir / name)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


# --- static renderings: thinned data -------------------------------------------------------------


def csv_of(n: int) -> str:
    return "d,v\n" + "".join(f"{i},{i * 10}\n" for i in range(n))


@pytest.mark.parametrize(
    ("n", "kept"),
    [
        (4, [0, 1, 2, 3]),  # within the limit: unchanged
        (10, [0, 3, 6, 9]),  # stride ceil(10 / 4) = 3 ends on the last row
        (11, [0, 3, 6, 9, 10]),  # the last row is always kept
    ],
)
def test_thinned_csv_keeps_every_kth_row_and_the_last(n: int, kept: list[int]) -> None:
    assert thinned_csv(csv_of(n), 4) == "d,v\n" + "".join(f"{i},{i * 10}\n" for i in kept)


def test_static_spec_thins_long_datasets_only() -> None:
    rows = [f"2020-01-{d:02d},{d}" for d in range(1, 29)] * 30  # 840 rows
    long = "date,v\n" + "\n".join(rows) + "\n"
    spec = {"datasets": {"a": long, "b": "x\n1\n", "c": [{"key": "k"}]}, "width": "container"}
    static = static_spec(spec)
    a = static["datasets"]["a"].splitlines()
    assert a[0] == "date,v" and a[1] == rows[0] and a[-1] == rows[-1]
    assert len(a) - 1 == len(range(0, 840, 3)) + 1 <= STATIC_MAX_ROWS + 1  # stride 3, + last
    assert static["datasets"]["b"] == "x\n1\n" and static["datasets"]["c"] == [{"key": "k"}]
    assert spec["datasets"]["a"] == long  # the original is untouched
