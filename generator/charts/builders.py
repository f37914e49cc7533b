"""One parametrised Altair builder per chart kind, and the table of the report's charts.

Spec contract (read by ``charts.js`` and ``assets.render_svg``):

- ``background`` is ``"transparent"`` and no spec sets a colour: marks take their colours from the
  Vega ``config`` chosen at embed time (``themes.json``: ``light`` or ``dark``, after
  mkdocs-material's ``data-md-color-scheme``), so one spec serves both palettes.
- ``width`` is ``"container"`` (the page decides), ``height`` is fixed.
- History charts load their data by URL from ``chart-data.csv`` next to the spec (``datafile``;
  the loader resolves it against the spec's own URL); every other chart embeds it inline as CSV
  text rounded by ``tables.frame_to_csv``. Either way ``format.type = "csv"`` with an explicit
  ``parse``; dates are parsed as local dates so tooltips show the session date. A URL table's
  rows are those where its first value column is set (``rows_filter``), applied by each layer.
  Only a spec's top-level data has a ``parse``, never a layer's own data (see
  ``build_line_chart`` for the Vega-Lite pitfall).
- Builders read a ``Table``'s shape, never its values: ``specs`` draws each chart once as a
  template and fills in each week's data.
- Every spec has a title (and subtitle), axis titles with units, tooltips and a ``description``
  for screen readers. The layer named ``hover`` (tooltip rules) is interactive only; static
  renderings drop it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from generator.charts.tables import frame_to_csv
from generator.charts.units import shown_expression
from generator.lazy import lazy_module
from generator.metrics import registry
from generator.vlspec import HOVER

if TYPE_CHECKING:
    import altair as alt
else:
    alt = lazy_module("altair")  # drawn only when a template is not cached (charts.specs)

HEIGHT = 300
# Field holding each folded series' display label (frames must not have a column of this name).
SERIES = "series"
SAMPLE_NOTE = "Sample data: synthetic, not real market prices"
DATE_FORMAT = "%Y-%m-%d"
MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PCT = ".0%"
PCT_TIP = ".2%"


# A category label broken into lines of at most 34 characters at spaces (a long fund name reads
# in full instead of ending in "…"); Vega draws an array of strings as lines.
WRAPPED_LABEL = (
    "split(trim(replace(datum.label, regexp('(.{1,34})(\\\\s+|$)', 'g'), '$1\\n')), '\\n')"
)


@dataclass(frozen=True)
class Field:
    """A frame column as a chart channel: title (with unit), Vega-Lite type, d3 format."""

    name: str
    title: str
    type: str = "quantitative"
    format: str | None = None
    tip_format: str | None = None

    def tooltip(self, name: str | None = None) -> alt.Tooltip:
        kwargs: dict[str, Any] = {
            "field": name or self.name,
            "type": self.type,
            "title": self.title,
        }
        fmt = self.tip_format or self.format
        if self.type == "temporal":
            kwargs["format"] = DATE_FORMAT
        elif fmt:
            kwargs["format"] = fmt
        return alt.Tooltip(**kwargs)


DATE = Field("date", "Week ending", "temporal")
# Pixels Vega keeps between two tick labels of an axis: its overlap test lets boxes touch, and
# flushes the first and last labels to the axis ends, where "Dec 28" ran into "Jan 11" and
# "10%12%" read as one; with a gap required it thins the labels instead.
LABEL_GAP = 6
FIXED = re.compile(r"\.(\d+)([f%])")


def value_axis(field: Field, metric: registry.Metric | None = None, **kwargs: Any) -> alt.Axis:
    """A quantitative axis in ``field``'s format whose ticks are at least one step of that format
    apart, so no two tick labels read the same ("2%, 2%, 1%, 1%" on a narrow range). An axis of
    a spread (``metric`` in percentage points) is labelled in pp, as its tooltips and tables:
    "1.5", not "1.5%"."""
    match = FIXED.fullmatch(field.format or "")
    if match:
        kwargs["tickMinStep"] = 10.0 ** -(int(match[1]) + (2 if match[2] == "%" else 0))
    if match and match[2] == "%" and metric is not None and metric.unit == registry.PP:
        kwargs["labelExpr"] = f"format(datum.value * 100, '.{match[1]}f')"
    return alt.Axis(title=field.title, format=field.format, labelSeparation=LABEL_GAP, **kwargs)


@dataclass(frozen=True)
class Table:
    """A frame as chart data: its CSV text, column names and each column's parse format.

    ``url``: the data file holding the rows (``values`` is then unused), or None for inline data.
    ``values`` is a placeholder while a chart template is drawn (see ``catalogue``); builders
    read only the shape (columns, parse, empty, url, metrics), so one template serves every week.
    ``metrics``: the registry path of each column that is a published number (``units``): its
    values are rounded as its table rounds them and its tooltips show them in its unit.
    """

    values: str
    columns: tuple[str, ...]
    parse: tuple[tuple[str, str], ...]
    empty: bool
    url: str | None = None
    metrics: tuple[tuple[str, str], ...] = ()

    @property
    def shape(self) -> tuple[Any, ...]:
        return self.columns, self.parse, self.empty, self.url, self.metrics

    def metric(self, column: str) -> registry.Metric | None:
        """The registry declaration of ``column``'s numbers, or None."""
        path = dict(self.metrics).get(column)
        return None if path is None else registry.metric(path)

    def shown(self, fields: dict[str, str]) -> dict[str, registry.Metric]:
        """Field name -> the metric of the column it shows (``fields``: field -> column; a
        folded ``value`` shows its series' columns), for the columns that have one."""
        found = {name: self.metric(column) for name, column in fields.items()}
        return {name: m for name, m in found.items() if m is not None}


def table_of(
    frame: pd.DataFrame, url: str | None = None, metrics: Mapping[str, str] | None = None
) -> Table:
    """The frame as a Table: rounded CSV text (inline) or the data file ``url`` holding its rows,
    and an explicit parse of date and number columns. ``metrics``: column -> registry path of
    the columns that are published numbers (rounded as their tables round them)."""
    parse: list[tuple[str, str]] = []
    for name, dtype in zip(frame.columns, frame.dtypes, strict=True):
        if pd.api.types.is_datetime64_any_dtype(dtype):
            parse.append((str(name), f"date:'{DATE_FORMAT}'"))
        elif pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype):
            parse.append((str(name), "number"))
    columns = tuple(str(c) for c in frame.columns)
    declared = tuple((c, p) for c, p in (metrics or {}).items() if c in columns)
    values = (
        "" if url else frame_to_csv(frame, metrics={c: registry.metric(p) for c, p in declared})
    )
    return Table(values, columns, tuple(parse), frame.empty, url, declared)


def chart_data(*tables: Table) -> alt.InlineData | alt.UrlData:
    """The data of ``tables[0]``: inline CSV, or its URL parsing every table's columns (tables
    after the first draw rows of the same file)."""
    if tables[0].url is None:
        return alt.InlineData(
            values=tables[0].values, format=alt.DataFormat(type="csv", parse=dict(tables[0].parse))
        )
    if any(t.url != tables[0].url for t in tables):
        raise ValueError(f"tables of one chart read different files: {[t.url for t in tables]}")
    parse = {k: v for t in tables for k, v in t.parse}
    return alt.UrlData(url=tables[0].url, format=alt.DataFormat(type="csv", parse=parse))


def rows_filter(table: Table) -> str | None:
    """The filter keeping a URL table's rows: its first value column (after ``date``) is set."""
    if table.url is None:
        return None
    first = next(c for c in table.columns if c != DATE.name)
    return f"isValid(datum[{json.dumps(first)}])"


def _rows(chart: alt.Chart, table: Table) -> alt.Chart:
    expression = rows_filter(table)
    return chart if expression is None else chart.transform_filter(expression)


def dataset_name(values: str) -> str:
    """The name Altair gives an inline dataset: a hash of its values (as ``to_dict`` does)."""
    text = json.dumps(values, sort_keys=True, default=str)
    return "data-" + hashlib.sha256(text.encode()).hexdigest()[:32]


def _labelled_fold(chart: alt.Chart, labels: dict[str, str]) -> alt.Chart:
    """Fold ``labels``' columns into ``key``/``value`` and look up each key's display label.

    Labels come from data (config names) and are joined by lookup, never spliced into an
    expression, so no name can break or inject into the spec.
    """
    table = alt.InlineData(values=[{"key": k, SERIES: v} for k, v in labels.items()])
    return chart.transform_fold(list(labels), as_=["key", "value"]).transform_lookup(
        lookup="key", from_=alt.LookupData(data=table, key="key", fields=[SERIES])
    )


# Pixels of a category axis's labels wrapped by ``WRAPPED_LABEL`` (34 characters).
CATEGORY_LABELS = 200
# The width a legend's row may take: a 375 px phone's chart (343 px) less its left padding.
LEGEND_WIDTH = 320
# Estimated pixels of a legend entry: its symbol and gaps, and each character of its label
# (Vega's 10 px legend labels run ~6 px a character; an overestimate wraps a row early).
LEGEND_ENTRY, LEGEND_CHAR = 26, 6.2


def legend_columns(labels: list[str], width: int = LEGEND_WIDTH) -> int | None:
    """Columns of a legend whose entries would not fit one ``width``-pixel row, or None (one
    row): Vega lays a top legend out in a single row and lets it run past the chart's edge."""
    entries = [LEGEND_ENTRY + LEGEND_CHAR * len(label) for label in labels]
    if sum(entries) <= width:
        return None
    # Columns are as wide as their widest entry (Vega's grid), so size by the widest.
    return max(1, int(width // max(entries)))


def _series_color(
    labels: dict[str, str], title: str = "Series", width: int = LEGEND_WIDTH
) -> alt.Color:
    """Colour by series, with a legend at the top (none for one series) that fits ``width``."""
    # labelLimit 0: a series name is never cut short ("Small ÷ large, rebased (start …").
    legend = None
    if len(labels) > 1:
        columns = legend_columns(list(labels.values()), width)
        legend = alt.Legend(title=None, orient="top", labelLimit=0,
                            **({} if columns is None else {"columns": columns}))  # fmt: skip
    return alt.Color(f"{SERIES}:N", title=title, sort=list(labels.values()), legend=legend)


# What a tooltip shows for a value the data does not have (an average before its first window,
# a month of this year still to come): a dash, never "null" or "NaN".
NO_VALUE = "–"


def tip_text(field: Field, metric: registry.Metric | None = None) -> str:
    """A Vega expression giving ``field``'s value as tooltip text, or ``NO_VALUE``: as the
    report's tables show ``metric`` (a published number), else in the field's format."""
    value = f"datum[{json.dumps(field.name)}]"
    if metric is not None:
        shown = shown_expression(metric, value)
    else:
        shown = f"format({value}, {json.dumps(field.tip_format or field.format or '')})"
    return f"isValid({value}) && isFinite({value}) ? {shown} : {json.dumps(NO_VALUE)}"


def _text_tips(
    chart: alt.Chart, fields: list[Field], metrics: Mapping[str, registry.Metric] | None = None
) -> tuple[alt.Chart, list[alt.Tooltip]]:
    """The chart with each field's tooltip text computed (``tip_<name>``), and those tooltips;
    ``metrics``: field name -> the published number it shows."""
    metrics = metrics or {}
    names = {f"tip_{f.name}": tip_text(f, metrics.get(f.name)) for f in fields}
    tips = [alt.Tooltip(f"tip_{f.name}", type="nominal", title=f.title) for f in fields]
    return chart.transform_calculate(**names), tips


def _hover_rules(base: alt.Chart, x: Field, fields: list[Field], table: Table) -> alt.Chart:
    """Invisible columns, one per x, that show every series' value there and light up under
    the pointer (a thin rule for weekly dates, a faint band for a month).

    Not Vega-Lite's nearest-point selection: its Voronoi cells read text (nominal) tooltip fields
    from the wrong datum and show "undefined", and a number it cannot find as "0.00%". A column
    reaches halfway to its neighbours (three days beyond the ends), so every x can be hovered.
    """
    base, tips = _text_tips(base, fields, table.shown({f.name: f.name for f in fields}))
    hovered = alt.selection_point(name="nearest", fields=[x.name], on="pointerover",
                                  empty=False, clear="pointerout")  # fmt: skip
    enc: dict[str, Any] = {"y": alt.value(0), "y2": alt.value(HEIGHT),
                           "tooltip": [x.tooltip(), *tips]}  # fmt: skip
    if x.type == "ordinal":
        # sort=None: the layers share one scale; without it the union (months) sorts by name.
        enc.update(x=alt.X(x.name, type=x.type, sort=None))
        shown, drawn = 0.08, base.mark_bar()
    else:
        base = _column_edges(base, x.name)
        enc.update(x=alt.X("hover_from:T"), x2=alt.X2("hover_to"))
        shown, drawn = 0.6, base.mark_rect()
    enc["opacity"] = alt.when(hovered).then(alt.value(shown)).otherwise(alt.value(0))
    return drawn.encode(**enc).add_params(hovered).properties(name=HOVER)


def _column_edges(chart: alt.Chart, date: str) -> alt.Chart:
    """``hover_from``/``hover_to``: the midpoints to the previous and next date (in ms)."""
    day = 86_400_000
    now, prev, nxt = (
        f"time(datum[{json.dumps(date)}])",
        "time(datum.hover_prev)",
        "time(datum.hover_next)",
    )
    return chart.transform_window(
        window=[alt.WindowFieldDef(op="lag", field=date, **{"as": "hover_prev"}),
                alt.WindowFieldDef(op="lead", field=date, **{"as": "hover_next"})],
        sort=[alt.SortField(date)],
    ).transform_calculate(
        hover_from=f"isValid(datum.hover_prev) ? ({prev} + {now}) / 2 : {now} - {3 * day}",
        hover_to=f"isValid(datum.hover_next) ? ({now} + {nxt}) / 2 : {now} + {3 * day}",
    )  # fmt: skip


def _x_encoding(x: Field) -> alt.X:
    if x.type == "ordinal":
        axis = alt.Axis(title=x.title, labelAngle=0)
        return alt.X(x.name, type="ordinal", axis=axis, sort=None)
    options: dict[str, Any] = {"format": x.format} if x.format else {}
    if x.type == "temporal":
        options["labelSeparation"] = LABEL_GAP
    return alt.X(x.name, type=x.type, axis=alt.Axis(title=x.title, **options))


def build_line_chart(
    table: Table,
    *,
    x: Field,
    y: Field,
    series: dict[str, str],
    mark: str = "line",
    zero: bool = False,
    shade: Table | None = None,
    signs: tuple[str, str] | None = None,
) -> alt.LayerChart:
    """Lines (or one area) of ``series`` columns against ``x``, with hover tooltips.

    ``shade``: a table of the same data file with a start ``date`` and an end column, drawn as
    translucent bands behind the lines. ``signs``: draw the one series as an area in two colours,
    labelled ``signs[0]`` above zero and ``signs[1]`` below.

    The data is the spec's top-level data, inherited by every layer; each layer keeps its own
    table's rows (``rows_filter``). No layer has data of its own: Vega-Lite keeps the ``parse`` of
    a layer's own CSV data in the Vega loader *and* compiles it into ``timeParse`` formulas, so a
    second parse of the parsed dates yields null and every layer drawing from it loses its x
    (no lines, an empty hover layer and "Infinite extent" warnings).
    """
    shades = (shade,) if shade is not None and not shade.empty else ()
    data = chart_data(table, *shades)
    base = _labelled_fold(_rows(alt.Chart(), table), series)
    # Levels and ratios are not forced to start at zero (a flat line at the top otherwise).
    y_enc = alt.Y("value:Q", axis=value_axis(y, table.metric(next(iter(series)))),
                  scale=alt.Scale(zero=zero))  # fmt: skip
    drawn = base.mark_area(opacity=0.7) if mark == "area" else base.mark_line(strokeWidth=1.5)
    layers: list[alt.Chart] = [_shade_bands(s) for s in shades]
    if signs:
        layers += _signed_areas(_rows(alt.Chart(), table), x, y_enc, next(iter(series)), signs)
    else:
        layers.append(
            drawn.encode(x=_x_encoding(x), y=y_enc, color=_series_color(series), detail="key:N")
        )
    if zero:
        layers.append(_rows(alt.Chart(), table).mark_rule(strokeDash=[4, 3]).encode(y=alt.datum(0)))
    tips = [Field(col, label, format=y.tip_format or y.format) for col, label in series.items()]
    layers.append(_hover_rules(_rows(alt.Chart(), table), x, tips, table))
    return alt.layer(*layers, data=data)


def _signed_areas(
    chart: alt.Chart, x: Field, y: alt.Y, column: str, signs: tuple[str, str]
) -> list[alt.Chart]:
    """The column as two areas from zero, its part above and its part below, one colour each
    (clipped values, not new numbers: the line itself is the column)."""
    value = f"datum[{json.dumps(column)}]"
    color = _series_color(dict(zip(("above", "below"), signs, strict=True)), title="Side")
    return [
        chart.transform_filter(f"isValid({value})")
        .transform_calculate(value=f"{op}({value}, 0)", **{SERIES: json.dumps(label)})
        .mark_area(opacity=0.7)
        .encode(x=_x_encoding(x), y=y, color=color)
        for op, label in (("max", signs[0]), ("min", signs[1]))
    ]


def _shade_bands(shade: Table) -> alt.Chart:
    """Translucent bands from each row's start (first column) to its end (second column)."""
    if shade.url is None:
        raise ValueError("shade bands must come from the lines' data file (a URL table)")
    start, end = shade.columns[:2]
    return (
        _rows(alt.Chart(), shade)
        .mark_rect(opacity=0.12)
        .encode(x=alt.X(start, type="temporal"), x2=alt.X2(end))
    )


def build_bar_chart(
    table: Table,
    *,
    category: Field,
    value: Field,
    series: dict[str, str],
    horizontal: bool = False,
    label: Field | None = None,
    highlight: str | None = None,
    extra_tips: tuple[Field, ...] = (),
    interval: tuple[Field, Field] | None = None,
    notes: tuple[str, ...] = (),
) -> alt.LayerChart:
    """Bars of ``series`` columns per category (grouped when several), optional value labels.

    ``label``: a column printed at each bar's end (e.g. hit rate); ``highlight``: a 0/1 column
    whose 1-rows are drawn fully opaque and the rest faded; ``interval``: the low and high
    columns of a whisker on each (single-series) bar, the labels then sit beyond it; ``notes``:
    Vega expressions of lines of text printed above each category's bars, the first lowest (an
    empty text draws nothing). The data is inline (its layers
    each name it; a URL table would be loaded and parsed per layer).
    """
    if table.url is not None:
        raise ValueError("bar charts draw inline tables only")
    data = chart_data(table)
    base = _labelled_fold(alt.Chart(data), series)
    cat = alt.Axis(title=category.title, labelLimit=220, labelAngle=0, labelExpr=WRAPPED_LABEL)
    cat_kw: dict[str, Any] = {"type": "nominal", "axis": cat, "sort": None}
    val = value_axis(value, table.metric(next(iter(series))))
    # Room beyond the longest bar (or whisker) for its label: inside the plot, off the axis.
    val_scale = alt.Scale(padding=18)
    numbers = [f for f in (*(interval or ()), *extra_tips) if f.type == "quantitative"]
    # The folded value shows its series' columns (one unit: the first's declaration).
    shown_as = {"value": next(iter(series)), **{f.name: f.name for f in numbers}}
    base, shown = _text_tips(
        base,
        [Field("value", value.title, format=value.tip_format or value.format), *numbers],
        table.shown(shown_as),
    )
    tips = [category.tooltip(), alt.Tooltip(f"{SERIES}:N", title="Series"), *shown,
            *(f.tooltip() for f in extra_tips if f.type != "quantitative")]  # fmt: skip
    # A top legend starts where the plot does: beside a horizontal chart's names, it has only
    # what the names leave of a phone's width.
    legend_width = LEGEND_WIDTH - CATEGORY_LABELS if horizontal else LEGEND_WIDTH
    enc: dict[str, Any] = {"color": _series_color(series, width=legend_width), "tooltip": tips}
    if horizontal:
        enc.update(y=alt.Y(category.name, **cat_kw), x=alt.X("value:Q", axis=val))
        if len(series) > 1:
            enc["yOffset"] = alt.YOffset(f"{SERIES}:N", sort=list(series.values()))
    else:
        enc.update(x=alt.X(category.name, **cat_kw), y=alt.Y("value:Q", axis=val, scale=val_scale))
        if len(series) > 1:
            enc["xOffset"] = alt.XOffset(f"{SERIES}:N", sort=list(series.values()))
    if highlight:
        enc["opacity"] = (
            alt.when(alt.datum[highlight] == 1).then(alt.value(1)).otherwise(alt.value(0.5))
        )
    layers: list[alt.Chart] = [base.mark_bar().encode(**enc)]
    layers.append(alt.Chart(data).mark_rule().encode(**{"x" if horizontal else "y": alt.datum(0)}))
    ends = (value.name, value.name)
    if interval is not None and not horizontal:
        low, high = interval
        layers.append(
            alt.Chart(data)
            .mark_rule(strokeWidth=1.5)
            .encode(
                x=alt.X(category.name, type="nominal", sort=None),
                y=alt.Y(f"{low.name}:Q"),
                y2=alt.Y2(high.name),
            )
        )
        ends = (high.name, low.name)
    if label is not None and not horizontal:
        layers += _bar_labels(data, category, value, label, ends, table.metric(label.name))
    if not horizontal:
        layers += [_group_notes(data, category, list(series), note, line)
                   for line, note in enumerate(notes)]  # fmt: skip
    return alt.layer(*layers)


# Pixels from one line of a bar group's notes to the next (10 px text).
NOTE_LINE = 12


def _group_notes(
    data: alt.InlineData, category: Field, columns: list[str], note: str, line: int = 0
) -> alt.Chart:
    """The text ``note`` (an expression) just above the highest of each category's bars (or
    zero, when all are negative), ``line`` lines up. One layer per line: Vega draws the lines of
    a multi-line text downwards from its baseline, into the bars."""
    top = "max(" + ", ".join(f"datum[{json.dumps(c)}]" for c in columns) + ", 0)"
    return (
        alt.Chart(data)
        .transform_calculate(note_y=top, note=note)
        .mark_text(baseline="bottom", dy=-3 - NOTE_LINE * line, fontSize=10)
        .encode(
            x=alt.X(category.name, type="nominal", sort=None),
            y=alt.Y("note_y:Q"),
            text=alt.Text("note:N"),
        )
    )


def _bar_labels(
    data: alt.InlineData,
    category: Field,
    value: Field,
    label: Field,
    ends: tuple[str, str],
    metric: registry.Metric | None = None,
) -> list:
    """Text of ``label`` just beyond each bar's end (above positive bars, below negative), or
    beyond the ``ends`` columns (a whisker's high and low); as the tables show ``metric``."""
    text = alt.Text(f"{label.name}:Q", format=label.format)
    if metric is not None:
        text = alt.Text("label_text:N")
    out = []
    for test, baseline, dy, end in ((f"datum.{value.name} >= 0", "bottom", -3, ends[0]),
                                    (f"datum.{value.name} < 0", "top", 3, ends[1])):  # fmt: skip
        chart = alt.Chart(data).transform_filter(test)
        if metric is not None:
            chart = chart.transform_calculate(label_text=tip_text(label, metric))
        out.append(
            chart.mark_text(baseline=baseline, dy=dy, fontSize=10).encode(
                x=alt.X(category.name, type="nominal", sort=None),
                y=alt.Y(f"{end}:Q"),
                text=text,
            )
        )
    return out


def build_sign_bar_chart(
    table: Table, *, category: Field, value: Field, sides: dict[str, str], side: str,
    extra_tips: tuple[Field, ...] = (),
) -> alt.LayerChart:  # fmt: skip
    """One bar per category coloured by its ``side`` column, whose values are ``sides``' keys
    (shown as their labels): e.g. each week's spread, coloured by the side that led."""
    data = chart_data(table)
    labels = alt.InlineData(values=[{side: k, SERIES: v} for k, v in sides.items()])
    base = alt.Chart(data).transform_lookup(
        lookup=side, from_=alt.LookupData(data=labels, key=side, fields=[SERIES])
    )
    base, tips = _text_tips(
        base, [value, *extra_tips], table.shown({f.name: f.name for f in (value, *extra_tips)})
    )
    cat = alt.Axis(title=category.title, labelAngle=0, labelOverlap="parity")
    bars = base.mark_bar().encode(
        x=alt.X(category.name, type="nominal", axis=cat, sort=None),
        y=alt.Y(
            f"{value.name}:Q",
            axis=value_axis(value, table.metric(value.name)),
            scale=alt.Scale(padding=8),
        ),
        color=_series_color({k: v for k, v in sides.items()}, title="Led"),
        tooltip=[category.tooltip(), alt.Tooltip(f"{SERIES}:N", title="Led"), *tips],
    )
    zero = alt.Chart(data).mark_rule().encode(y=alt.datum(0))
    return alt.layer(bars, zero)


# Negative (large caps led), zero, positive (small caps led).
HEATMAP_RANGE = ("#d9720b", "#b0b0b0", "#2a6fb0")
HEATMAP_CLAMP = 0.06  # ±6 pp: a month's spread beyond it takes the end colour


def build_heatmap(
    table: Table, *, x: Field, y: Field, value: Field, columns: tuple[str, ...], every: int = 5
) -> alt.LayerChart:
    """Cells of a wide table: one row per ``y`` (numbers, newest at the top, every ``every``-th
    labelled), one column per ``columns`` (folded into ``x``, in that order), coloured by
    ``value`` on a diverging scale centred on zero."""
    folded = alt.Chart(chart_data(table)).transform_fold(list(columns), as_=[x.name, value.name])
    base, tips = _text_tips(folded, [value], table.shown({value.name: columns[0]}))
    y_axis = alt.Axis(title=y.title, labelExpr=f"datum.value % {every} == 0 ? datum.label : ''")
    # The sides' own colours (themes.json: small blue, large orange), so a cell reads like every
    # other chart; grey at zero rather than white, which glared on the dark palette.
    # Colours stop at ±HEATMAP_CLAMP: a few extreme months (2000's ±20 pp) otherwise wash every
    # ordinary month out to grey; the tooltip still gives each cell's value.
    color_scale = alt.Scale(type="linear", domain=[-HEATMAP_CLAMP, HEATMAP_CLAMP], domainMid=0,
                            clamp=True, range=list(HEATMAP_RANGE))  # fmt: skip
    legend = alt.Legend(title=value.title, orient="top", gradientLength=200, titleLimit=0,
                        **_legend_labels(value, table.metric(columns[0])))  # fmt: skip
    cells = base.mark_rect().encode(
        x=alt.X(x.name, type="nominal", axis=alt.Axis(title=x.title, labelAngle=0),
                sort=list(columns)),
        y=alt.Y(y.name, type="ordinal", axis=y_axis, sort="descending"),
        color=alt.Color(f"{value.name}:Q", scale=color_scale, legend=legend),
        tooltip=[y.tooltip(), x.tooltip(), *tips],
    )  # fmt: skip
    return alt.layer(cells)


def _legend_labels(field: Field, metric: registry.Metric | None) -> dict[str, str]:
    """A gradient legend's label format: in pp for a spread (as ``value_axis``)."""
    axis = value_axis(field, metric).to_dict()
    return {k: axis[k] for k in ("format", "labelExpr") if k in axis}


def build_dual_line_chart(table: Table, *, x: Field, left: Field, right: Field) -> alt.LayerChart:
    """Two series on independent y axes (left and right), one colour each, hover tooltips."""

    def side(f: Field, orient: str) -> alt.Chart:
        return (
            _rows(alt.Chart(), table)
            .transform_calculate(**{SERIES: json.dumps(f.title)})  # a code constant, as a JS literal
            .mark_line(strokeWidth=1.5)
            .encode(
                x=_x_encoding(x),
                y=alt.Y(f.name, type="quantitative",
                        axis=value_axis(f, orient=orient),
                        scale=alt.Scale(zero=False)),
                color=_series_color({left.name: left.title, right.name: right.title}),
            )
        )  # fmt: skip

    lines = alt.layer(side(left, "left"), side(right, "right")).resolve_scale(y="independent")
    hover = _hover_rules(_rows(alt.Chart(), table), x, [left, right], table)
    return alt.layer(lines, hover, data=chart_data(table))


def full_description(description: str, sample: bool) -> str:
    """The spec's screen-reader text: the chart's description, plus the sample-data note."""
    return description + (f" {SAMPLE_NOTE}." if sample else "")


# Characters of a subtitle line: one fits a 375 px phone (a 343 px chart, ~6.3 px a character at
# Vega's subtitle size). Vega never wraps a title: a longer line is cut off at the screen's edge,
# and ``fit-x`` squeezes the plot to make room for it.
SUBTITLE_CHARS = 50
# Characters of a chart's title (bold, larger: ~7.3 px a character), kept to one line.
TITLE_CHARS = 44


def subtitle_lines(text: str, width: int = SUBTITLE_CHARS) -> list[str]:
    """``text`` broken at spaces into lines of at most ``width`` characters (a longer word stays
    whole on its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def finish(
    chart: alt.TopLevelMixin, *, title: str, subtitle: str, description: str, sample: bool
) -> dict[str, Any]:
    """The chart as a validated spec dict with the shared top-level contract (module docstring)."""
    subtitles = subtitle_lines(subtitle) + ([SAMPLE_NOTE] if sample else [])
    # A chart may size itself (bars of a long list: a height per row), else HEIGHT.
    height = HEIGHT if chart.height is alt.Undefined else chart.height
    chart = chart.properties(
        title=alt.TitleParams(text=title, subtitle=subtitles, anchor="start"),
        width="container",
        height=height,
        background="transparent",
        description=full_description(description, sample),
        autosize=alt.AutoSizeParams(type="fit-x", contains="padding"),
    )
    spec = chart.to_dict(validate=True)
    spec.pop("config", None)  # Altair's default view size; the embed-time theme decides
    return spec
