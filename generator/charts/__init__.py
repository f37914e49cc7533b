"""Charts: data frames from a Market, Vega-Lite specs, sidecar files, SVG and the JS bundle.

Stages: ``data.compute_charts`` (frames, point-in-time) -> ``catalogue.build_chart`` (one spec per
frame, via the kind builders in ``builders``) -> ``assets`` (spec files, chart-data.csv, SVG,
the generated Vega bundle and the loader script).
"""

from generator.charts.assets import (
    render_svg,
    spec_json,
    static_spec,
    write_chart_files,
    write_js_bundle,
)
from generator.charts.catalogue import CHARTS, build_chart, build_charts
from generator.charts.data import CHART_NAMES, ChartSet, compute_chart_data, compute_charts

__all__ = [
    "CHARTS",
    "CHART_NAMES",
    "ChartSet",
    "build_chart",
    "build_charts",
    "compute_chart_data",
    "compute_charts",
    "render_svg",
    "spec_json",
    "static_spec",
    "write_chart_files",
    "write_js_bundle",
]
