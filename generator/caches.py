"""The project's cache folder: derived files that only save time, safe to delete at any moment.

Four things cost a process more than its computing and never change between runs: the NYSE
session table (exchange_calendars builds it in about half a second), the chart templates (Altair
draws and validates them in about a second), the compiled page templates and the site's
JavaScript bundle (vl-convert builds it in about 4 s). The CLI
keeps them under ``<cache>/`` (default ``.cache/``); library callers that never call ``use``
simply rebuild them in each process.
"""

from __future__ import annotations

from pathlib import Path


def use(root: Path | None) -> None:
    """Keep the session table, chart templates, compiled page templates and JavaScript bundle
    under ``root`` (None: rebuild them in each process)."""
    from generator import calendar
    from generator.charts import assets, specs
    from generator.pages import render

    calendar.keep_sessions_in(None if root is None else root / "calendar")
    assets.keep_bundle_in(None if root is None else root / "js")
    specs.keep_templates_in(None if root is None else root / "chart-templates")
    render.keep_compiled_in(None if root is None else root / "jinja")
