"""Files for the site: sidecar spec files and chart data, static SVGs, and the chart JavaScript.

Embedding contract (see ``charts.js``): a page holds
``<div class="vl-chart" data-spec="NAME.vl.json" role="img" aria-label="..."></div>`` per chart
(``data-spec`` relative to the page; a spec's data URL, ``chart-data.csv``, is relative to the
spec). The site loads ``vega-bundle.js`` (generated here from the
installed vl-convert-python, never committed) and then ``charts.js`` (the light/dark Vega configs
of ``themes.json`` followed by the hand-written loader), both served from the site itself.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from importlib.metadata import version
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from generator.atomic import create_temp_file
from generator.charts.datafile import (
    DATA_FILE,
    TextCache,
    chart_rows_csv,
    data_file_csv,
    in_file,
)
from generator.errors import RenderError
from generator.vlrenderer import WORKER_COMMAND, VegaRenderer  # noqa: F401  (re-exported)
from generator.vlspec import (  # noqa: F401  (re-exported)
    STATIC_MAX_ROWS,
    STATIC_WIDTH,
    THEMES_FILE,
    load_themes,
    static_spec,
    svg_request,
    thinned_csv,
    with_files,
)

HERE = Path(__file__).resolve().parent
LOADER_FILE = HERE / "charts.js"
SPEC_SUFFIX = ".vl.json"
BUNDLE_FILE = "vega-bundle.js"
SCRIPT_FILE = "charts.js"


class Renderer(Protocol):
    """What draws static images (``VegaRenderer``, or a test's fake)."""

    def svg(self, spec: dict[str, Any], theme: str = "light") -> str: ...

    def bundle(self) -> dict[str, str]: ...

    def png_from_svg(self, svg: str) -> bytes: ...


class BundleRun(Protocol):
    """What building the chart JavaScript takes from a run (``runcontext.RunContext``): the
    folder keeping the bundle and how to start a renderer. A protocol, so this module need not
    import the run context (which imports the chart package)."""

    @property
    def bundle_dir(self) -> Path | None: ...

    @property
    def start_renderer(self) -> Callable[[], AbstractContextManager[Renderer]]: ...


def spec_json(spec: dict[str, Any]) -> str:
    """Deterministic JSON text of a spec: sorted keys, compact separators, UTF-8, final newline."""
    return json.dumps(spec, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n"


def write_text_atomic(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` through a temp file and ``os.replace``; skip identical content.

    Returns True when the file was (re)written.
    """
    data = text.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = create_temp_file(path)  # the umask's mode: the site serves this file
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def write_chart_files(
    report_dir: Path,
    specs: dict[str, dict[str, Any]],
    data: dict[str, pd.DataFrame],
    texts: TextCache | None = None,
) -> list[Path]:
    """Write ``<name>.vl.json`` for every spec and ``chart-data.csv`` (the history charts' data,
    see ``datafile``; ``texts``: the run's) into ``report_dir``; byte-identical on re-run.
    Returns the paths, specs first, in spec order."""
    report_dir = Path(report_dir)
    paths = []
    for name, spec in specs.items():
        path = report_dir / f"{name}{SPEC_SUFFIX}"
        write_text_atomic(path, spec_json(spec))
        paths.append(path)
    csv_path = report_dir / DATA_FILE
    write_text_atomic(csv_path, data_file_csv(data, texts))
    paths.append(csv_path)
    return paths


def inline_chart_data(
    name: str,
    spec: dict[str, Any],
    frame: pd.DataFrame,
    max_rows: int | None = None,
    texts: TextCache | None = None,
) -> dict[str, Any]:
    """Chart ``name``'s spec with its rows of ``chart-data.csv`` inlined, from its frame (no file
    is read); ``max_rows`` thins its lines as ``datafile.chart_rows_csv`` does."""
    if not in_file(name):
        return spec
    return with_files(spec, {DATA_FILE: chart_rows_csv(name, frame, max_rows, texts)})


def static_chart_spec(
    name: str, spec: dict[str, Any], frame: pd.DataFrame, texts: TextCache | None = None
) -> dict[str, Any]:
    """The spec ``render_svg`` draws for chart ``name``: its data inlined, long lines thinned."""
    return inline_chart_data(name, spec, frame, STATIC_MAX_ROWS, texts)


def render_svg(spec: dict[str, Any], theme: str = "light") -> str:
    """One chart as SVG, in a renderer of its own (for many charts, share a ``VegaRenderer``)."""
    with VegaRenderer() as renderer:
        return renderer.svg(spec, theme)


def draw_svg(renderer: Renderer, name: str, spec: dict[str, Any]) -> str:
    """Chart ``name`` drawn by ``renderer``; its failure is a RenderError naming the chart (the
    pipeline adds the week)."""
    try:
        return renderer.svg(spec)
    except RenderError as exc:
        raise RenderError(f"chart {name}: cannot draw its static image ({exc})") from None


def bundle_text(run: BundleRun | None = None) -> str:
    """The Vega, Vega-Lite and vega-embed JavaScript from the installed vl-convert-python.

    vl-convert's bundle is a classic script whose top-level ``const``s (``n``, ``t``...) would
    collide with other scripts' top-level declarations, so it is wrapped in a function scope; it
    still assigns ``window.vegaEmbed``, ``window.vega`` and ``window.vegaLite``.

    The run's cache folder keeps it between processes (building it takes vl-convert about 4 s
    and 150 MB, and it only changes with vl-convert's version); without a run, it is built.
    """
    kept = None
    if run is not None and run.bundle_dir is not None:
        kept = run.bundle_dir / f"vega-bundle-{version('vl-convert-python')}.js"
        with contextlib.suppress(OSError):
            return kept.read_text(encoding="utf-8")
    with VegaRenderer() if run is None else run.start_renderer() as renderer:
        try:
            made = renderer.bundle()
        except RenderError as exc:
            raise RenderError(f"{BUNDLE_FILE}: cannot build the chart JavaScript ({exc})") from None
    header = (
        f"/* Generated from vl-convert-python (Vega {made['vega']}, "
        f"vega-embed {made['embed']}); do not edit or commit. */\n"
    )
    text = f"{header}(function () {{\n{made['bundle']}\n}})();\n"
    if kept is not None:
        with contextlib.suppress(OSError):
            write_text_atomic(kept, text)
    return text


def script_text() -> str:
    """``charts.js`` as served: the theme configs as a global, then the hand-written loader."""
    themes = json.dumps(load_themes(), sort_keys=True, separators=(",", ":"))
    loader = LOADER_FILE.read_text(encoding="utf-8")
    return f"window.SMALLCAP_CHART_THEMES = {themes};\n{loader}"


def write_js_bundle(
    dest_dir: Path, bundle: str | None = None, run: BundleRun | None = None
) -> list[Path]:
    """Write ``vega-bundle.js`` and ``charts.js`` into ``dest_dir``; returns their paths.

    ``bundle`` is the bundle's text when the caller already has it (see ``bundle_text``).
    """
    dest_dir = Path(dest_dir)
    bundle_path, script = dest_dir / BUNDLE_FILE, dest_dir / SCRIPT_FILE
    write_text_atomic(bundle_path, bundle_text(run) if bundle is None else bundle)
    write_text_atomic(script, script_text())
    return [bundle_path, script]
