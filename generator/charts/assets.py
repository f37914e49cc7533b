"""Files for the site: sidecar spec files and chart data, static SVGs, and the chart JavaScript.

Embedding contract (see ``charts.js``): a page holds
``<div class="vl-chart" data-spec="NAME.vl.json" role="img" aria-label="..."></div>`` per chart
(``data-spec`` relative to the page). The site loads ``vega-bundle.js`` (generated here from the
installed vl-convert-python, never committed) and then ``charts.js`` (the light/dark Vega configs
of ``themes.json`` followed by the hand-written loader), both served from the site itself.
"""

from __future__ import annotations

import copy
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from generator.charts.tables import tidy_csv

HERE = Path(__file__).resolve().parent
THEMES_FILE = HERE / "themes.json"
LOADER_FILE = HERE / "charts.js"
SPEC_SUFFIX = ".vl.json"
DATA_FILE = "chart-data.csv"
BUNDLE_FILE = "vega-bundle.js"
SCRIPT_FILE = "charts.js"
# Static renderings have no container to fit: this is their width in pixels.
STATIC_WIDTH = 720


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
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def write_chart_files(
    report_dir: Path, specs: dict[str, dict[str, Any]], data: dict[str, pd.DataFrame]
) -> list[Path]:
    """Write ``<name>.vl.json`` for every spec and ``chart-data.csv`` (all frames, tidy) into
    ``report_dir``; byte-identical on re-run. Returns the paths, specs first, in spec order."""
    report_dir = Path(report_dir)
    paths = []
    for name, spec in specs.items():
        path = report_dir / f"{name}{SPEC_SUFFIX}"
        write_text_atomic(path, spec_json(spec))
        paths.append(path)
    csv_path = report_dir / DATA_FILE
    write_text_atomic(csv_path, tidy_csv(data))
    paths.append(csv_path)
    return paths


def load_themes() -> dict[str, dict[str, Any]]:
    """The ``light`` and ``dark`` Vega configs shared by the loader and the static renderings."""
    return json.loads(THEMES_FILE.read_text(encoding="utf-8"))


def static_spec(spec: dict[str, Any], theme: str = "light") -> dict[str, Any]:
    """A copy of ``spec`` for a static image: fixed width, the theme's opaque background, and no
    interactive ``hover`` layer (nor the selection bound to it)."""
    out = copy.deepcopy(spec)
    if out.get("width") == "container":
        out["width"] = STATIC_WIDTH
    out["background"] = load_themes()[theme]["background"]
    _drop_hover(out)
    return out


def _drop_hover(spec: dict[str, Any]) -> None:
    from generator.charts.builders import HOVER

    if "layer" in spec:
        spec["layer"] = [layer for layer in spec["layer"] if layer.get("name") != HOVER]
        for layer in spec["layer"]:
            _drop_hover(layer)
    if "params" in spec:
        spec["params"] = [p for p in spec["params"] if HOVER not in p.get("views", [])]
        if not spec["params"]:
            del spec["params"]


def render_svg(spec: dict[str, Any], theme: str = "light") -> str:
    """The chart as a standalone SVG document (vl-convert, offline: no URL may be loaded)."""
    import vl_convert

    return vl_convert.vegalite_to_svg(
        static_spec(spec, theme), config=load_themes()[theme], allowed_base_urls=[]
    )


def bundle_text() -> str:
    """The Vega, Vega-Lite and vega-embed JavaScript from the installed vl-convert-python.

    vl-convert's bundle is a classic script whose top-level ``const``s (``n``, ``t``...) would
    collide with other scripts' top-level declarations, so it is wrapped in a function scope; it
    still assigns ``window.vegaEmbed``, ``window.vega`` and ``window.vegaLite``.
    """
    import vl_convert

    code = vl_convert.javascript_bundle()
    header = (
        f"/* Generated from vl-convert-python (Vega {vl_convert.get_vega_version()}, "
        f"vega-embed {vl_convert.get_vega_embed_version()}); do not edit or commit. */\n"
    )
    return f"{header}(function () {{\n{code}\n}})();\n"


def script_text() -> str:
    """``charts.js`` as served: the theme configs as a global, then the hand-written loader."""
    themes = json.dumps(load_themes(), sort_keys=True, separators=(",", ":"))
    loader = LOADER_FILE.read_text(encoding="utf-8")
    return f"window.SMALLCAP_CHART_THEMES = {themes};\n{loader}"


def write_js_bundle(dest_dir: Path) -> list[Path]:
    """Write ``vega-bundle.js`` and ``charts.js`` into ``dest_dir``; returns their paths."""
    dest_dir = Path(dest_dir)
    bundle, script = dest_dir / BUNDLE_FILE, dest_dir / SCRIPT_FILE
    write_text_atomic(bundle, bundle_text())
    write_text_atomic(script, script_text())
    return [bundle, script]
