"""The run context: what one run of the generator shares, made by the command layer and passed
down explicitly (no module keeps it in a global).

A run shares four things that only save time and never change its output: the NYSE session table
(``calendar.load_calendar``), the chart templates drawn by Altair (``charts.specs.ChartTemplates``),
the compiled page templates (``pages.render.pages_environment``) and the texts already written
into ``chart-data.csv`` (``charts.datafile.TextCache``). With a cache folder (the CLI's
``--cache-dir``, default ``.cache/``) the first three are also kept there for later processes,
with the chart JavaScript bundle. It also says how to start the vl-convert renderer that draws
static images, so tests can pass a fake one.

Each of them is made on first use: a command that never draws a chart never reads a template.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jinja2 import Environment

    from generator.calendar import SessionTable
    from generator.charts.assets import Renderer
    from generator.charts.datafile import TextCache
    from generator.charts.specs import ChartTemplates
    from generator.sources.http import Http


def _http() -> Http:
    from generator.sources.http import Http

    return Http()


def _vega_renderer() -> AbstractContextManager[Renderer]:
    # Looked up when called (the tests' stand-in replaces it there), in the module that imports
    # nothing heavy: the report command starts it before the pipeline's libraries load.
    import generator.vlrenderer

    return generator.vlrenderer.VegaRenderer()


@dataclass(frozen=True)
class RunContext:
    """One run's calendar, caches and renderer (see the module docstring).

    ``cache_dir`` None keeps nothing between processes. ``start_renderer`` returns a context
    manager holding a renderer for as long as its ``with`` (default: a vl-convert process).
    """

    cache_dir: Path | None = None
    start_renderer: Callable[[], AbstractContextManager[Renderer]] = field(
        default=_vega_renderer, compare=False
    )
    # The downloads of the research sources (Ken French, FRED): tests pass one whose opener
    # answers with recorded responses.
    http: Http = field(default_factory=_http, compare=False)

    def _cache(self, name: str) -> Path | None:
        return None if self.cache_dir is None else Path(self.cache_dir) / name

    @cached_property
    def calendar(self) -> SessionTable:
        """The NYSE session table (kept under ``<cache>/calendar``)."""
        from generator.calendar import load_calendar

        return load_calendar(self._cache("calendar"))

    @cached_property
    def chart_templates(self) -> ChartTemplates:
        """The chart templates drawn in this run (kept under ``<cache>/chart-templates``)."""
        from generator.charts.specs import ChartTemplates

        return ChartTemplates(self._cache("chart-templates"))

    @cached_property
    def pages(self) -> Environment:
        """The Jinja environment of the pages (compiled templates under ``<cache>/jinja``;
        without a cache folder, the process's in-memory one)."""
        from generator.pages.render import environment, pages_environment

        if self.cache_dir is None:
            return environment()
        return pages_environment(compiled_dir=self._cache("jinja"))

    @cached_property
    def data_texts(self) -> TextCache:
        """Texts already written into this run's ``chart-data.csv`` files."""
        from generator.charts.datafile import TextCache

        return TextCache()

    @property
    def bundle_dir(self) -> Path | None:
        """Where the generated chart JavaScript bundle is kept (None: built every time)."""
        return self._cache("js")

    def worker_context(self) -> RunContext:
        """A fresh context with the same folder and renderer and nothing in memory yet: what a
        worker process is handed (pickled) to make its own caches."""
        return RunContext(self.cache_dir, self.start_renderer)
