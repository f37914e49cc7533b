"""Report and home pages: context building, Jinja filters and Markdown rendering."""

from generator.pages.context import ChartView, build_report_context, categories, chart_view
from generator.pages.render import (
    DATA_FILE,
    METRICS_FILE,
    environment,
    render_home,
    render_report,
)

__all__ = [
    "DATA_FILE",
    "METRICS_FILE",
    "ChartView",
    "build_report_context",
    "categories",
    "chart_view",
    "environment",
    "render_home",
    "render_report",
]
