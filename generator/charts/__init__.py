"""Charts: data frames from a Market, Vega-Lite specs, sidecar files, SVG and the JS bundle.

Stages: ``data.compute_charts`` (frames, point-in-time) -> ``specs.build_chart`` (one spec per
frame: the ``catalogue`` entry drawn by the kind builders in ``builders``, as a validated template
filled with the week's data; history charts load ``datafile``'s chart-data.csv by URL) ->
``assets`` (spec files, chart-data.csv, SVG,
the generated Vega bundle and the loader script).
"""

from generator.charts.assets import (
    VegaRenderer,
    inline_chart_data,
    render_svg,
    spec_json,
    static_chart_spec,
    static_spec,
    with_files,
    write_chart_files,
    write_js_bundle,
)
from generator.charts.catalogue import CHARTS
from generator.charts.data import CHART_NAMES, ChartSet, compute_chart_data, compute_charts
from generator.charts.datafile import DATA_FILE, data_file_csv
from generator.charts.specs import build_chart, build_chart_direct, build_charts

__all__ = [
    "CHARTS",
    "CHART_NAMES",
    "DATA_FILE",
    "ChartSet",
    "VegaRenderer",
    "build_chart",
    "build_chart_direct",
    "build_charts",
    "compute_chart_data",
    "compute_charts",
    "data_file_csv",
    "inline_chart_data",
    "render_svg",
    "spec_json",
    "static_chart_spec",
    "static_spec",
    "with_files",
    "write_chart_files",
    "write_js_bundle",
]
