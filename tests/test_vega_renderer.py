"""vl-convert in its own process: many charts per renderer, one-line failures, the kept bundle."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from generator.charts import VegaRenderer, assets, render_svg, static_chart_spec
from generator.errors import RenderError, ReportError
from generator.runcontext import RunContext
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
        with pytest.raises(RenderError, match=r"^vl-convert: \w+: [^\n]+$"):
            renderer.svg({"mark": {"type": "no-such-mark"}, "data": {"values": [{"a": 1}]}})
        assert renderer.svg(small_report()[1]["ladder"]).startswith("<svg")


@pytest.mark.slow
def test_a_renderer_whose_process_died_says_so() -> None:
    with VegaRenderer() as renderer:
        assert renderer._process is not None
        renderer._process.kill()
        renderer._process.wait()
        with pytest.raises(RenderError, match="vl-convert process ended"):
            renderer.svg(small_report()[1]["ladder"])
    with pytest.raises(RuntimeError, match="outside its with block"):
        renderer.svg(small_report()[1]["ladder"])


def test_the_bundle_is_kept_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = {"bundle": "window.vegaEmbed = 1;", "vega": "6.0.0", "embed": "7.0.0"}
    monkeypatch.setattr(VegaRenderer, "bundle", lambda self: made)
    text = assets.bundle_text(RunContext(tmp_path))
    assert text.startswith("/* Generated from vl-convert-python (Vega 6.0.0, vega-embed 7.0.0)")
    assert "\n(function () {\nwindow.vegaEmbed = 1;\n})();\n" in text
    [kept] = (tmp_path / "js").glob("vega-bundle-*.js")
    assert kept.read_text(encoding="utf-8") == text

    def no_renderer(self):  # type: ignore[no-untyped-def]
        raise AssertionError("the kept bundle should have been used")

    monkeypatch.setattr(VegaRenderer, "__enter__", no_renderer)
    assert assets.bundle_text(RunContext(tmp_path)) == text


# A worker speaking vl-convert's protocol that refuses every chart, as vl-convert does a spec it
# cannot draw: the renderer a run starts is injected through its context.
REFUSING_WORKER = """
import json, sys
for line in sys.stdin:
    print(json.dumps({"error": "ValueError: cannot draw this"}), flush=True)
"""


def _refusing_renderer() -> VegaRenderer:
    import sys

    return VegaRenderer([sys.executable, "-c", REFUSING_WORKER])


def test_a_failed_drawing_is_a_project_error_naming_the_chart_and_the_week(
    tmp_path: Path,
) -> None:
    from generator import archive, pipeline
    from tests.test_charts import CONFIG, january_market

    run = RunContext(start_renderer=_refusing_renderer)
    with pytest.raises(ReportError) as failure:
        pipeline.generate_report(january_market(), CONFIG, pd.Timestamp("2023-12-08"), tmp_path,
                                 run=run)  # fmt: skip
    assert isinstance(failure.value.__cause__, RenderError)
    message = str(failure.value)
    assert "\n" not in message
    assert message.startswith("week 2023-12-08: chart ytd_rebased: cannot draw its static image")
    assert message.endswith("(vl-convert: ValueError: cannot draw this)")
    assert archive.archived_weeks(tmp_path) == []
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_failed_bundle_is_a_project_error(tmp_path: Path) -> None:
    with pytest.raises(RenderError, match=r"^vega-bundle\.js: cannot build the chart JavaScript"):
        assets.bundle_text(RunContext(tmp_path, start_renderer=_refusing_renderer))


def test_the_report_command_starts_the_renderer_before_it_loads_the_market(
    tmp_path: Path,
) -> None:
    """vl-convert's engine takes ~0.6 s to start: started first, it warms up while the market
    loads and the week is computed. Here the store is missing, so nothing but the start and the
    error happen: the renderer was started all the same, and ended with the error."""
    from contextlib import contextmanager

    from generator import pipeline
    from generator.errors import DataError
    from generator.publish import Layout
    from tests.test_charts import CONFIG

    events: list[str] = []

    @contextmanager
    def recording_renderer():  # type: ignore[no-untyped-def]
        events.append("started")
        try:
            yield object()
        finally:
            events.append("ended")

    layout = Layout(tmp_path, tmp_path / "data", tmp_path / "docs", tmp_path / "site",
                    tmp_path / "build", tmp_path / ".cache", False)  # fmt: skip
    run = RunContext(start_renderer=recording_renderer)
    with pytest.raises(DataError, match="no store here"):
        pipeline.report(layout, CONFIG, None, force=False, images=True, run=run)
    assert events == ["started", "ended"]
    events.clear()
    with pytest.raises(DataError, match="no store here"):
        pipeline.report(layout, CONFIG, None, force=False, images=False, run=run)
    assert events == []  # without images nothing is started


# A worker that takes its time before it reads a request, as vl-convert's engine does, then ends
# well within the 10 s a renderer waits for a worker to finish its work.
SLOW_WORKER = "import sys, time; time.sleep(3); sys.stdin.read()"


def test_a_renderer_left_by_an_error_is_killed_not_waited_for() -> None:
    import sys

    renderer = VegaRenderer([sys.executable, "-c", SLOW_WORKER])
    with pytest.raises(ValueError, match="the week failed"):
        with renderer:
            process = renderer._process
            raise ValueError("the week failed")
    assert process is not None and process.returncode == -9  # killed, not waited for


def test_the_worker_starts_its_engine_before_it_reads_a_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    from generator import vlworker

    events: list[str] = []
    monkeypatch.setattr(vlworker.signal, "signal", lambda *args: None)  # keep pytest's Ctrl-C
    monkeypatch.setattr(vlworker, "warm_up", lambda: events.append("warm"))
    monkeypatch.setattr("sys.stdin", io.StringIO('{"nothing": true}\n'))
    monkeypatch.setattr("sys.stdout", io.StringIO())
    monkeypatch.setattr(vlworker, "answer", lambda request: events.append("answer") or {})
    assert vlworker.main() == 0
    assert events == ["warm", "answer"]


@pytest.mark.slow
def test_the_warm_up_chart_draws() -> None:
    import vl_convert

    from generator.vlworker import WARM_UP

    assert vl_convert.vegalite_to_svg(WARM_UP).startswith("<svg")


def test_the_report_command_can_start_the_renderer_before_pandas_loads() -> None:
    """The report command starts vl-convert first thing (its engine takes ~0.6 s, about as long
    as importing pandas and computing the week): the command line, the command module and the
    renderer must not import pandas."""
    import subprocess
    import sys

    code = (
        "import sys, generator.cli, generator.site_commands, generator.vlrenderer, "
        "generator.runcontext; assert 'pandas' not in sys.modules, 'pandas imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr.strip().splitlines()[-1:]
