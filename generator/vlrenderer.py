"""The vl-convert renderer: a ``generator.vlworker`` process the generator talks to.

Its own module, importing nothing heavy (no pandas, no Altair), so the ``report`` command can
start the worker first thing: vl-convert's JavaScript engine then starts (about 0.6 s) while the
generator imports its libraries and computes the week, instead of after.
"""

from __future__ import annotations

import base64
import contextlib
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from typing import Any

from generator.errors import RenderError
from generator.vlspec import svg_request

# The vl-convert worker process (``generator.vlworker``).
WORKER_COMMAND = (sys.executable, "-m", "generator.vlworker")


class VegaRenderer:
    """vl-convert in a process of its own (``generator.vlworker``), for as long as the ``with``.

    Its JavaScript engine takes under a second to start and then draws a chart in about 0.15 s;
    the memory it holds goes away with the process. Use one renderer for many charts.
    ``command`` starts another worker speaking the same protocol (tests: one that fails).
    """

    def __init__(self, command: Sequence[str] | None = None) -> None:
        self._command = list(command or WORKER_COMMAND)
        self._process: subprocess.Popen[str] | None = None
        self._errors: Any = None

    def __enter__(self) -> VegaRenderer:
        self._errors = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        self._process = subprocess.Popen(
            self._command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._errors,
            text=True,
            encoding="utf-8",
        )
        return self

    def __exit__(self, *exc_info: object) -> None:
        process, self._process = self._process, None
        if process is not None:
            if exc_info[0] is not None:
                process.kill()  # the drawing is abandoned: no need to wait for its engine
            with contextlib.suppress(OSError):
                process.stdin.close()  # type: ignore[union-attr]
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            process.stdout.close()  # type: ignore[union-attr]
        if self._errors is not None:
            self._errors.close()

    def svg(self, spec: dict[str, Any], theme: str = "light") -> str:
        """The chart as a standalone SVG document (see ``svg_request``); RenderError when
        vl-convert fails."""
        return self._ask(svg_request(spec, theme))["svg"]

    def png_from_svg(self, svg: str) -> bytes:
        """An SVG document rasterised to PNG at its own size (no Vega pass, no URL loaded);
        RenderError when vl-convert fails."""
        return base64.b64decode(self._ask({"png_from_svg": svg})["png"])

    def bundle(self) -> dict[str, str]:
        """vl-convert's Vega, Vega-Lite and vega-embed bundle and its versions."""
        return self._ask({"bundle": True})

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        if self._process is None:
            raise RuntimeError("VegaRenderer used outside its with block")  # a bug, not input
        try:
            self._process.stdin.write(json.dumps(request) + "\n")  # type: ignore[union-attr]
            self._process.stdin.flush()  # type: ignore[union-attr]
            line = self._process.stdout.readline()  # type: ignore[union-attr]
        except OSError:
            line = ""
        if not line:
            raise RenderError(f"vl-convert process ended: {self._last_error()}")
        reply = json.loads(line)
        if "error" in reply:
            raise RenderError(f"vl-convert: {reply['error']}")
        return reply

    def _last_error(self) -> str:
        self._errors.seek(0)
        lines = [line for line in self._errors.read().splitlines() if line.strip()]
        return lines[-1] if lines else f"exit code {self._process.poll()}"  # type: ignore[union-attr]
