"""The project's cache folder: derived files that only save time, safe to delete at any moment.

Three things cost a report process more than its computing and never change between runs: the
NYSE session table (exchange_calendars builds it in about half a second), the chart templates
(Altair draws and validates them in about a second) and the compiled page templates. The CLI
keeps them under ``<cache>/`` (default ``.cache/``); library callers that never call ``use``
simply rebuild them in each process.
"""

from __future__ import annotations

from pathlib import Path


def use(root: Path | None) -> None:
    """Keep the session table, chart templates and compiled page templates under ``root``."""
    from generator import calendar
    from generator.charts import specs
    from generator.pages import render

    calendar.keep_sessions_in(None if root is None else root / "calendar")
    specs.keep_templates_in(None if root is None else root / "chart-templates")
    render.keep_compiled_in(None if root is None else root / "jinja")
