"""What the vl-convert renderer draws for a chart: its static copy (fixed width, the theme's
background, no hover layer, long datasets thinned) and the theme's Vega config.

Its own module, importing nothing from the chart package, so the renderer
(``generator.vlrenderer``) can use it without importing the charts (pandas, Altair).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

THEMES_FILE = Path(__file__).resolve().parent / "charts" / "themes.json"
# The name of the interactive hover layer the chart builders add (``charts.builders``); a
# static image has no pointer, so it is dropped.
HOVER = "hover"

# Static renderings have no container to fit: this is their width in pixels.
STATIC_WIDTH = 720
# A static image shows at most this many rows of a dataset (about one point per 2 pixels): the
# full-history weekly ratio (2,000+ rows) is thinned to roughly monthly points, which look the
# same at 720 pixels and render in a third of the time.
STATIC_MAX_ROWS = STATIC_WIDTH // 2


def load_themes() -> dict[str, dict[str, Any]]:
    """The ``light`` and ``dark`` Vega configs shared by the loader and the static renderings."""
    return json.loads(THEMES_FILE.read_text(encoding="utf-8"))


def with_files(spec: dict[str, Any], files: Mapping[str, str]) -> dict[str, Any]:
    """A copy of ``spec`` whose data loaded by URL is inlined: ``files`` maps each URL to the CSV
    text to use instead (the format, with its parse, stays). Raises ValueError for another URL."""

    def inlined(node: Any) -> Any:
        if isinstance(node, dict):
            if "url" in node and isinstance(node["url"], str):
                if node["url"] not in files:
                    raise ValueError(f"chart data {node['url']!r}: no text given to inline")
                rest = {k: inlined(v) for k, v in node.items() if k != "url"}
                return {"values": files[node["url"]], **rest}
            return {k: inlined(v) for k, v in node.items()}
        if isinstance(node, list):
            return [inlined(v) for v in node]
        return node

    return inlined(spec)


def static_spec(spec: dict[str, Any], theme: str = "light") -> dict[str, Any]:
    """A copy of ``spec`` for a static image: fixed width, the theme's opaque background, no
    interactive ``hover`` layer (nor the selection bound to it), and inline CSV datasets thinned
    to ``STATIC_MAX_ROWS`` rows."""
    out = copy.deepcopy(spec)
    if out.get("width") == "container":
        out["width"] = STATIC_WIDTH
    out["background"] = load_themes()[theme]["background"]
    _drop_hover(out)
    datasets = out.get("datasets", {})
    for name, values in datasets.items():
        if isinstance(values, str):
            datasets[name] = thinned_csv(values, STATIC_MAX_ROWS)
    return out


def thinned_csv(text: str, max_rows: int) -> str:
    """CSV text with at most about ``max_rows`` data rows: every k-th row, always the last one.

    Rows are kept at a fixed stride from the first, so a week's image changes only at its end.
    """
    header, *rows = text.splitlines()
    if len(rows) <= max_rows:
        return text
    stride = -(-len(rows) // max_rows)  # ceiling division
    kept = rows[::stride]
    if (len(rows) - 1) % stride:
        kept.append(rows[-1])
    return "\n".join([header, *kept]) + "\n"


def _drop_hover(spec: dict[str, Any]) -> None:
    if "layer" in spec:
        spec["layer"] = [layer for layer in spec["layer"] if layer.get("name") != HOVER]
        for layer in spec["layer"]:
            _drop_hover(layer)
    if "params" in spec:
        spec["params"] = [p for p in spec["params"] if HOVER not in p.get("views", [])]
        if not spec["params"]:
            del spec["params"]


def svg_request(spec: dict[str, Any], theme: str = "light") -> dict[str, Any]:
    """What the renderer draws for ``spec``: its static copy and the theme's Vega config.

    No URL may be loaded (offline), so a history chart's data must be inlined first
    (``static_chart_spec``); a URL left in the spec is a ValueError here, not a fetch.
    """
    spec = with_files(spec, {})
    return {"svg": static_spec(spec, theme), "config": load_themes()[theme]}
