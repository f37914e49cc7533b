"""A vl-convert process: one JSON request per line on stdin, one JSON answer per line on stdout.

vl-convert runs Vega in a JavaScript engine that, once started, holds about 100 MB until its
process ends, and building the chart JavaScript bundle peaks at about 150 MB more. Running it
here, in a process that ends when its work is done (``charts.assets.VegaRenderer``), keeps that
memory out of the generator process, which goes on to build the site.

Requests: ``{"svg": spec, "config": config}``, ``{"png_from_svg": svg text}`` and
``{"bundle": true}``; answers: ``{"svg": text}``, ``{"png": base64 text}``,
``{"bundle": text, "vega": version, "embed": version}`` or ``{"error": "one line"}``. This module
imports nothing from the generator, so the process starts in a few tens of milliseconds.
"""

from __future__ import annotations

import base64
import json
import signal
import sys
from typing import Any


def answer(request: dict[str, Any]) -> dict[str, Any]:
    import vl_convert

    if "png_from_svg" in request:
        png = vl_convert.svg_to_png(request["png_from_svg"])
        return {"png": base64.b64encode(png).decode("ascii")}
    if "svg" in request:
        svg = vl_convert.vegalite_to_svg(
            request["svg"], config=request.get("config"), allowed_base_urls=[]
        )
        return {"svg": svg}
    if request.get("bundle"):
        return {
            "bundle": vl_convert.javascript_bundle(),
            "vega": vl_convert.get_vega_version(),
            "embed": vl_convert.get_vega_embed_version(),
        }
    return {"error": f"unknown request: {sorted(request)}"}


# A chart with an axis: drawing it starts vl-convert's JavaScript engine and loads the fonts
# (about 0.6 s together), which every later chart then finds ready.
WARM_UP = {
    "data": {"values": [{"x": 0}]},
    "mark": "point",
    "encoding": {"x": {"field": "x", "type": "quantitative"}},
}


def warm_up() -> None:
    """Start the JavaScript engine before the first request arrives: the generator starts this
    process before it computes the week, so the engine starts meanwhile. A failure here is left
    for the first request to report."""
    import vl_convert

    try:
        vl_convert.vegalite_to_svg(WARM_UP, allowed_base_urls=[])
    except Exception:
        pass


def main() -> int:
    # Ctrl-C reaches every process of the terminal's group; the generator handles it and ends
    # this process by closing its stdin, so a traceback from here would only be noise.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm_up()
    for line in sys.stdin:
        try:
            reply = answer(json.loads(line))
        except Exception as exc:  # any failure is an answer; the parent decides what it means
            first = (str(exc).strip().splitlines() or [""])[0]
            reply = {"error": f"{type(exc).__name__}: {first}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
