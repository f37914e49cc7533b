"""vl-convert in its own process: many charts per renderer, one-line failures, the kept bundle."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.charts import VegaRenderer, assets, render_svg, static_chart_spec
from tests.test_chart_assets import small_report


@pytest.mark.slow
def test_one_renderer_draws_every_key_chart_as_render_svg_does() -> None:
    frames, specs = small_report()
    names = ["ytd_rebased", "month_spread", "ladder"]
    with VegaRenderer() as renderer:
        drawn = {n: renderer.svg(static_chart_spec(n, specs[n], frames[n])) for n in names}
        dark = renderer.svg(specs["ladder"], "dark")
    for name in names:
        assert drawn[name].startswith("<svg") and "</svg>" in drawn[name], name
    assert drawn["ladder"] == render_svg(specs["ladder"])
    assert dark != drawn["ladder"] and assets.load_themes()["dark"]["background"] in dark


@pytest.mark.slow
def test_a_chart_vl_convert_rejects_is_one_line_and_the_renderer_goes_on() -> None:
    with VegaRenderer() as renderer:
        with pytest.raises(RuntimeError, match=r"^vl-convert: \w+: [^\n]+$"):
            renderer.svg({"mark": {"type": "no-such-mark"}, "data": {"values": [{"a": 1}]}})
        assert renderer.svg(small_report()[1]["ladder"]).startswith("<svg")


@pytest.mark.slow
def test_a_renderer_whose_process_died_says_so() -> None:
    with VegaRenderer() as renderer:
        assert renderer._process is not None
        renderer._process.kill()
        renderer._process.wait()
        with pytest.raises(RuntimeError, match="vl-convert process ended"):
            renderer.svg(small_report()[1]["ladder"])
    with pytest.raises(RuntimeError, match="outside its with block"):
        renderer.svg(small_report()[1]["ladder"])


def test_the_bundle_is_kept_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = {"bundle": "window.vegaEmbed = 1;", "vega": "6.0.0", "embed": "7.0.0"}
    monkeypatch.setattr(VegaRenderer, "bundle", lambda self: made)
    assets.keep_bundle_in(tmp_path)
    try:
        text = assets.bundle_text()
        assert text.startswith("/* Generated from vl-convert-python (Vega 6.0.0, vega-embed 7.0.0)")
        assert "\n(function () {\nwindow.vegaEmbed = 1;\n})();\n" in text
        [kept] = tmp_path.glob("vega-bundle-*.js")
        assert kept.read_text(encoding="utf-8") == text

        def no_renderer(self):  # type: ignore[no-untyped-def]
            raise AssertionError("the kept bundle should have been used")

        monkeypatch.setattr(VegaRenderer, "__enter__", no_renderer)
        assert assets.bundle_text() == text
    finally:
        assets.keep_bundle_in(None)
