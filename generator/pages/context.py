"""The template context of a report: the metrics document reshaped into exactly what templates read.

Templates receive the typed records of ``metrics.schema`` and read them by attribute, under
``StrictUndefined``: a misspelt field fails the render instead of printing "n/a".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pandas as pd
from markupsafe import Markup

from generator.metrics import registry
from generator.metrics.claims import ratio_is_unusual
from generator.metrics.codec import Missing
from generator.metrics.schema import (
    Change,
    Changes,
    Document,
    MonthStats,
    PeriodReturns,
    Returns,
    Seasonality,
)
from generator.metrics.stories import spread_rows, stories
from generator.pages.filters import md_text

RATE_KEYS = ("13w", "5y", "10y", "30y")
SENSITIVITY_KEYS = ("13w", "10y")
PERIODS = ("1w", "mtd", "qtd", "ytd", "1y", "3y_ann", "5y_ann", "10y_ann")
SIDES = ("small", "large")
MAX_TABLE_ROWS = 60  # longer chart data goes to the CSV download only
RECENT_REGIMES = 6
MAX_MOVES = 5  # "what changed" shows this many of the largest moves
PHASE_NAMES = ("election", "post-election", "midterm", "pre-election")
# Charts by report section, in page order; the home page shows HOME_CHARTS.
SECTION_CHARTS = {
    "scoreboard": ("ytd_rebased",),
    "relative": ("leadership_strip", "relative_ratio", "relative_ratio_3y", "rolling_12m_spread"),
    "drawdowns": ("drawdowns",),
    "risk": ("rolling_risk",),
    "seasonality": ("month_spread", "french_months", "seasonal_path", "spread_heatmap"),
    "cycle": ("cycle_phases",),
    "rates": ("yields_vs_relative",),
    "ladder": ("ladder",),
}
HOME_CHARTS = ("ytd_rebased", "relative_ratio")
# Charts rendered to static SVG (feed and social image, no-JavaScript fallback): the key ones.
# Every other chart needs JavaScript; its numbers stay reachable in a table or the CSV.
SVG_CHARTS = ("ytd_rebased", "relative_ratio", "month_spread", "ladder")
CHART_NAME = re.compile(r"[a-z0-9_]+")
# A chart table's empty cell (a month of this year still to come): a dash, as in the tooltips.
NO_VALUE = Markup("\u2013")
# Charts whose data table the page writes itself (the scorecard's: each claim's own formats).
OWN_TABLE_CHARTS = ("scorecard",)
# Charts drawn right under a section table that already shows their numbers (the month table,
# the cycle table): a data note would repeat the same table.
TABLED_ABOVE_CHARTS = ("month_spread", "cycle_phases")
SOCIAL_FILE = "social.png"  # the social and feed image beside a report (charts.social)


@dataclass(frozen=True)
class ChartView:
    """One chart as a page shows it: sidecar file names, accessible text and a small data table."""

    name: str
    title: str
    description: str
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()  # empty when the data is only in the CSV download
    svg: bool = True  # whether a static SVG rendering sits next to the spec
    tabled_above: bool = False  # the section's own table shows its numbers: no data note

    def __post_init__(self) -> None:
        if not CHART_NAME.fullmatch(self.name):
            raise ValueError(f"chart name {self.name!r} must match {CHART_NAME.pattern}")

    @property
    def spec_file(self) -> Markup:
        return Markup(f"{self.name}.vl.json")  # safe: the name is checked above

    @property
    def svg_file(self) -> Markup:
        return Markup(f"{self.name}.svg")


@dataclass(frozen=True)
class TableColumn:
    """A chart frame's column in the chart's data table: its header (``{small}``/``{large}``:
    the side names), its numbers' registry metric, or words for its values; ``hidden``: left
    out (a sort key, a flag the chart reads)."""

    header: str = ""
    metric: str | None = None
    words: Mapping[str, str] | None = None
    hidden: bool = False


HIDDEN = TableColumn(hidden=True)
_SIDE_WORDS = MappingProxyType({"small": "{small}", "large": "{large}", "tie": "tie"})
_PERIOD_WORDS = MappingProxyType({"1w": "Week", "ytd": "Year to date", "1y": "1 year"})
_MONTH_TABLE = {"month": HIDDEN, "month_name": TableColumn("Month")}


def _stats_columns(base: str) -> dict[str, TableColumn]:
    return {c: TableColumn(registry.metric(f"{base}.{c}").label, f"{base}.{c}")
            for c in ("years", "small_mean", "large_mean", "spread_mean", "hit_rate",
                      "spread_ci99_low", "spread_ci99_high")}  # fmt: skip


# Each chart's data table: human headers, numbers as their registry metric says. A numeric
# column not listed here fails the render, so no table guesses a format or shows a raw name.
CHART_TABLES: Mapping[str, Mapping[str, TableColumn]] = MappingProxyType({
    "month_spread": {**_MONTH_TABLE, **_stats_columns("seasonality.months.*"), "current": HIDDEN},
    "seasonal_path": {**_MONTH_TABLE,
                      "current": TableColumn("This year", "seasonality.current_year_path.*.spread"),
                      "average": TableColumn("Average year", "seasonality.average_path.*.spread"),
                      "phase_average": TableColumn("Average year of this cycle phase",
                                                   "cycle.phase_average_path.*.spread")},
    "french_months": {**_MONTH_TABLE, **_stats_columns("seasonality.french.months.*"),
                      "current": HIDDEN},
    "cycle_phases": {"phase": HIDDEN, "phase_name": TableColumn("Cycle year"), "current": HIDDEN,
                     **_stats_columns("cycle.phases.*")},
    "ladder": {"symbol": TableColumn("Symbol"), "label": TableColumn("Index or fund"),
               "basis": TableColumn("Basis"), "period": TableColumn("Period", words=_PERIOD_WORDS),
               "value": TableColumn("Return", "ladder.rows.*.1w")},
    "leadership_strip": {"date": TableColumn("Week ending"),
                         "small": TableColumn("{small}", "returns.1w.small"),
                         "large": TableColumn("{large}", "returns.1w.large"),
                         "spread": TableColumn("Spread", "returns.1w.spread"),
                         "leader": TableColumn("Led", words=_SIDE_WORDS)},
    # History charts: only their first weeks are short enough for a table.
    "ytd_rebased": {"date": TableColumn("Session"),
                    "small": TableColumn("{small}", "chart.ytd_rebased.small"),
                    "large": TableColumn("{large}", "chart.ytd_rebased.large")},
    "relative_ratio": {"kind": HIDDEN, "date": TableColumn("Week ending"),
                       "end": TableColumn("Regime ends"),
                       "leader": TableColumn("Led", words=_SIDE_WORDS),
                       "ratio": TableColumn("Ratio", "relative.ratio"),
                       "ma50": TableColumn("50-session average", "relative.ma_50"),
                       "ma200": TableColumn("200-session average", "relative.ma_200"),
                       "cum_spread": TableColumn("Cumulative spread",
                                                 "relative.regimes.*.cum_spread")},
    "relative_ratio_3y": {"date": TableColumn("Week ending"),
                          "ratio": TableColumn("Ratio", "relative.ratio"),
                          "ma50": TableColumn("50-session average", "relative.ma_50"),
                          "ma200": TableColumn("200-session average", "relative.ma_200")},
    "rolling_12m_spread": {"date": TableColumn("Week ending"),
                           "spread": TableColumn("12-month spread", "returns.1y.spread")},
    "spread_heatmap": {"year": TableColumn("Year"),
                       **{m: TableColumn(m, "seasonality.months.*.spread_mean")
                          for m in ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                    "Sep", "Oct", "Nov", "Dec")}},
    "drawdowns": {"date": TableColumn("Week ending"),
                  "small": TableColumn("{small}", "drawdown.small.current"),
                  "large": TableColumn("{large}", "drawdown.large.current")},
    "rolling_risk": {"date": TableColumn("Week ending"),
                     "corr": TableColumn("Correlation, 1 year", "risk.corr_1y"),
                     "beta": TableColumn("Beta, 1 year", "risk.beta_1y")},
    "yields_vs_relative": {"date": TableColumn("Week ending"),
                           "relative": TableColumn("Small ÷ large, rebased",
                                                   "chart.yields_vs_relative.relative"),
                           "yield_10y": TableColumn("10-year yield", "rates.yields.*.level")},
})  # fmt: skip


def chart_view(
    name: str, spec: Mapping[str, Any], frame: pd.DataFrame | None, *, svg: bool = True
) -> ChartView:
    """A ChartView from a Vega-Lite spec (title, description) and its data frame."""
    title = spec.get("title", name)
    if isinstance(title, Mapping):
        title = title.get("text", name)
    description = str(spec.get("description") or title)
    if name in TABLED_ABOVE_CHARTS:
        return ChartView(name, str(title), description, svg=svg, tabled_above=True)
    if frame is None or len(frame) > MAX_TABLE_ROWS or name in OWN_TABLE_CHARTS:
        return ChartView(name, str(title), description, svg=svg)
    sides = {"small": frame.attrs.get("small", "Small caps"),
             "large": frame.attrs.get("large", "Large caps")}  # fmt: skip
    frame = frame.reset_index(drop=frame.index.name is None)
    columns = CHART_TABLES.get(name, {})
    shown = [str(c) for c in frame.columns if not columns.get(str(c), TableColumn()).hidden]
    # Column by column: ``tolist`` gives the Python values ``itertuples`` would, faster.
    cells = [_column_cells(name, c, frame[c].tolist(), columns, sides) for c in shown]
    rows = tuple(zip(*cells, strict=True))
    headers = tuple(_header(c, columns, sides) for c in shown)
    return ChartView(name, str(title), description, headers, rows, svg)


def _header(column: str, columns: Mapping[str, TableColumn], sides: Mapping[str, str]) -> Markup:
    """A column's header in words (its name when the chart declares none), as inert text."""
    declared = columns.get(column)
    header = declared.header if declared and declared.header else column
    return md_text(header.format_map(sides))


def _column_cells(
    chart: str,
    column: str,
    values: list[Any],
    columns: Mapping[str, TableColumn],
    sides: Mapping[str, str],
) -> list[Markup]:
    """A table column's cells as display text: numbers as their registry metric says, words for
    codes."""
    declared = columns.get(column, TableColumn())
    if declared.metric is not None:
        formatted = registry.metric(declared.metric)
        cells = [_cell(v) for v in values]
        return [NO_VALUE if v is None else Markup(formatted.format(v)) for v in cells]
    cells = [_cell(v) for v in values]
    if column not in columns and any(isinstance(v, int | float) for v in cells):
        raise KeyError(f"chart {chart}: numeric column {column!r} has no metric in "
                       "CHART_TABLES")  # fmt: skip
    if declared.words is not None:
        cells = [None if v is None else declared.words.get(v, v).format_map(sides) for v in cells]
    return [NO_VALUE if v is None else md_text(v) for v in cells]


def _cell(value: Any) -> Any:
    # NaT first: it is a datetime (and a date) that cannot be formatted.
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp | dt.date):
        return value.strftime("%Y-%m-%d")
    return value.item() if hasattr(value, "item") else value


def build_report_context(
    doc: Document, charts: Mapping[str, ChartView], *, sample: bool, social_image: bool = False
) -> dict[str, Any]:
    """Everything the report template reads, derived from one typed metrics document.

    Sections stay typed records (or ``Missing`` with its reason: templates test ``is missing``);
    this adds only what is arranged for display (rows in page order, this month's and this
    phase's statistics). Numbers are formatted by the ``metric`` filter from the registry.
    """
    returns = present(doc.returns)
    week_spread = returns.w1.spread if returns else None
    seasonality, cycle, rates = present(doc.seasonality), present(doc.cycle), present(doc.rates)
    return {
        "doc": doc,
        "sample": sample,
        "week": doc.week_ending,
        "data_through": doc.data_through,
        "names": _names(doc),
        "gauge_labels": gauge_labels(doc),
        "gauge_names": gauge_names(doc),
        "leader": _leader(week_spread),
        "scoreboard": _scoreboard(returns),
        "scoreboard_tr": _scoreboard(present(doc.returns_tr)),
        "relative": doc.relative,
        "ratio_unusual": ratio_is_unusual(doc.relative),
        "regimes": _recent_regimes(doc.relative),
        "highs": doc.highs,
        "drawdown": doc.drawdown,
        "risk": doc.risk,
        "seasonality": doc.seasonality,
        "month_now": _month_stats(seasonality, int(doc.week_ending[5:7])),
        "next_month": _month_stats(seasonality, _next_month(doc.week_ending)),
        "month_turn": is_months_last_report(doc.week_ending),
        "lead": doc.lead,
        "claims_by_id": {c.id: c for c in doc.claims},
        "stories": stories(doc),
        "spread_rows": spread_rows(doc),
        "cycle": doc.cycle,
        "phase": _phase_stats(cycle),
        "rates": doc.rates,
        "rate_yields": _keyed_rows(rates.yields if rates else None, RATE_KEYS),
        "rate_sensitivity": _keyed_rows(rates.sensitivity if rates else None, SENSITIVITY_KEYS),
        "valuation": doc.valuation,
        "fundamentals": doc.fundamentals,
        "ratecuts": doc.ratecuts,
        "ladder": doc.ladder,
        "changes": doc.changes,
        "moves": largest_moves(doc.changes),
        "week_rank": doc.week_rank,
        "sources": doc.sources,
        "claims": doc.claims,
        "charts": charts,
        "section_charts": SECTION_CHARTS,
        "categories": categories(doc),
        "image_path": _image_path(doc.week_ending),
        "social_image": social_image,
        "social_file": SOCIAL_FILE,
    }


@dataclass(frozen=True)
class PreviousReport:
    """An earlier report the home page links: its week, headline ("" if unknown) and page (its
    path relative to the docs folder)."""

    week: str
    title: str
    url: str


def build_home_context(
    report_ctx: Mapping[str, Any],
    report_url: str,
    asset_prefix: str,
    previous: Sequence[PreviousReport] = (),
) -> dict[str, Any]:
    """The home page context: the latest report's context plus where its files live, and the
    earlier reports it links (newest first)."""
    home_charts = {n: report_ctx["charts"][n] for n in HOME_CHARTS if n in report_ctx["charts"]}
    return {
        **report_ctx,
        "home_charts": home_charts,
        "report_url": report_url,
        "base": asset_prefix,
        "previous": list(previous),
    }


def present(value: Any) -> Any:
    """The value, or None when it is Missing (for code that only needs to know it is there)."""
    return None if isinstance(value, Missing) else value


def categories(doc: Document) -> list[str]:
    """Blog categories of a report: which side led the week, and the presidential-cycle phase."""
    out = []
    returns = present(doc.returns)
    leader = _leader(returns.w1.spread if returns else None)
    if leader in SIDES:
        out.append(f"{leader.capitalize()} caps led")
    year = int(doc.week_ending[:4])
    out.append(f"{PHASE_NAMES[year % 4].capitalize()} year")
    return out


@dataclass(frozen=True)
class KeyedRow:
    """A row of a keyed table (a configured yield): its key and its record, or why it is missing."""

    key: str
    item: Any  # the record, or Missing

    @property
    def label(self) -> str:
        """The yield in words ("13-week"), not its configuration key ("13w")."""
        return registry.YIELD_LABELS.get(self.key, self.key)


def _keyed_rows(node: Mapping[str, Any] | None, keys: tuple[str, ...]) -> list[KeyedRow]:
    """One row per key present in ``node``, in ``keys`` order."""
    if node is None:
        return []
    return [KeyedRow(key, node[key]) for key in keys if key in node]


def _names(doc: Document) -> dict[str, str]:
    return {
        "small": doc.small_name or doc.small,
        "large": doc.large_name or doc.large,
        "small_symbol": doc.small,
        "large_symbol": doc.large,
        "small_tr": present(doc.small_total_return) or "",
        "large_tr": present(doc.large_total_return) or "",
    }


# Indices a gauge may name that neither the pair nor the ladder labels (README: rotation).
INDEX_NAMES = {"^IXIC": "Nasdaq Composite", "^NDX": "Nasdaq-100", "^DJI": "Dow Jones Industrials"}


def symbol_names(doc: Document) -> dict[str, str]:
    """A reader's name for each symbol the report shows: the pair's names (for its index and
    its total-return ETF), the ladder's labels, and the well-known indices above."""
    names = dict(INDEX_NAMES)
    ladder = present(doc.ladder)
    if ladder:
        names.update((row.symbol, row.label) for row in ladder.rows)
    for side in ("small", "large"):
        name = getattr(doc, f"{side}_name") or getattr(doc, side)
        names[getattr(doc, side)] = name
        if present(getattr(doc, f"{side}_total_return")):
            names[getattr(doc, f"{side}_total_return")] = name
    return names


def gauge_labels(doc: Document) -> dict[str, str]:
    """Each rotation gauge's label for readers, keyed by its "NUM / DEN" symbols (as the
    Great Rotation claim's evidence names its gauge): "Russell 2000 / Nasdaq Composite (^RUT /
    ^IXIC)"; a symbol without a name stays a symbol."""
    labels = {}
    for symbols, words in gauge_names(doc).items():
        labels[symbols] = words if words == symbols else f"{words} ({symbols})"
    return labels


def gauge_names(doc: Document) -> dict[str, str]:
    """Each rotation gauge (the Great Rotation's and the ladder's) in words, keyed by its
    "NUM / DEN" symbols: "Russell 2000 / Nasdaq Composite" (running text names indices, not
    ticker symbols)."""
    rotation, ladder = present(doc.great_rotation), present(doc.ladder)
    gauges = [*(rotation.gauges.values() if rotation else ()),
              *(ladder.rotation.values() if ladder else ())]  # fmt: skip
    names = symbol_names(doc)
    return {
        f"{g.numerator} / {g.denominator}": (
            f"{names.get(g.numerator, g.numerator)} / {names.get(g.denominator, g.denominator)}"
        )
        for g in gauges
    }


def _leader(spread: Any) -> str | None:
    if isinstance(spread, bool) or not isinstance(spread, int | float):
        return None
    return "small" if spread > 0 else "large" if spread < 0 else "tie"


@dataclass(frozen=True)
class ScoreRow:
    """One period of the scoreboard: its key (``1w``...) and the returns record."""

    period: str
    returns: PeriodReturns

    @property
    def label(self) -> str:
        """The period as the registry names it, capitalised for a table's first column."""
        return registry.PERIOD_LABELS[self.period].capitalize()


def _scoreboard(returns: Returns | None) -> list[ScoreRow]:
    return [] if returns is None else [ScoreRow(p, r) for p, r in returns.rows()]


def _recent_regimes(relative: Any) -> list[Any]:
    regimes = present(getattr(relative, "regimes", None)) or ()
    return list(reversed(regimes[-RECENT_REGIMES:]))


def _phase_stats(cycle: Any) -> Any:
    """This year's phase row when it has years to speak of (else the narrative says nothing)."""
    row = cycle.current_phase() if cycle else None
    return row if row is not None and present(row.years) and row.years > 0 else None


def _next_month(week: str) -> int:
    return int(week[5:7]) % 12 + 1


def is_months_last_report(week: str) -> bool:
    """Whether the next weekly report falls in the next month (the narrative then looks ahead)."""
    day = dt.date.fromisoformat(week[:10])
    return (day + dt.timedelta(days=7)).month != day.month


def _month_stats(seasonality: Seasonality | None, month: int) -> MonthStats | None:
    row = seasonality.month(month) if seasonality else None
    return row if row is not None and present(row.years) and row.years > 0 else None


def _image_path(week: str) -> Markup:
    """The social and feed image (a PNG: social sites show no SVG), as published (site-root
    relative). The blog publishes ``blog/posts/YYYY/MM/DD/`` at ``blog/YYYY/MM/DD/`` (mkdocs.yml).
    """
    day = dt.date.fromisoformat(str(week)[:10])
    return Markup(f"blog/{day:%Y/%m/%d}/{SOCIAL_FILE}")


def largest_moves(changes: Changes | Missing) -> tuple[Change, ...]:
    """The MAX_MOVES largest week-over-week moves (the document ranks them), leaving out those
    that round to zero in their registry format: a row of "+0.00" tells a reader nothing."""
    if isinstance(changes, Missing):
        return ()
    moves = [item for item in changes.items
             if not isinstance(item.change, Missing) and _shows_a_move(item)]  # fmt: skip
    return tuple(moves[:MAX_MOVES])


def _shows_a_move(item: Change) -> bool:
    return any(c in "123456789" for c in registry.metric(item.key).format_change(item.change))
