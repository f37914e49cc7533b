"""The report's charts: for each name, its title, tables, builder call, subtitle and description.

``tables`` turns the chart's frame into the frames it draws (pandas only); ``draw`` builds the
Altair chart from those frames as ``Table``s and the frame's ``attrs`` (display names). ``draw``
reads only the tables' shape, never their values, so ``specs`` can draw a chart once as a
template and fill in each week's data.

``file_columns`` marks a history chart: its tables live in ``chart-data.csv`` (``datafile``),
renamed there where two charts' columns would share a name; ``draw`` uses the file's names.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from generator.charts import scorecard
from generator.charts.builders import (
    DATE,
    HEATMAP_CLAMP,
    MONTH_ABBR,
    PCT,
    PCT_TIP,
    Field,
    Table,
    build_bar_chart,
    build_dual_line_chart,
    build_heatmap,
    build_line_chart,
    build_sign_bar_chart,
)
from generator.lazy import lazy_module

if TYPE_CHECKING:
    import altair as alt
else:
    alt = lazy_module("altair")  # drawn only when a template is not cached (charts.specs)

# Pixels per ladder bar (a step of the inner, per-period band: a row of three bars and its
# padding is ~50 px, room for a name of two lines).
LADDER_BAR = 14
PERIOD_LABELS = {"1w": "1 week", "ytd": "Year to date", "1y": "1 year"}


MINUS = "\u2212"  # the report's minus sign, which screen readers read as "minus"


def _pct(x: float) -> str:
    """A return, as the report writes one: "+8.7%", "\u221226.1%"."""
    return f"{x:+.1%}".replace("-", MINUS)


def _pp(x: float) -> str:
    """A spread of two returns, in percentage points as the report writes one: "+1.0 pp"."""
    return f"{x * 100:+.1f} pp".replace("-", MINUS)


def _level(x: float) -> str:
    """A signed share without sign forcing (a drawdown): "\u22121.6%"."""
    return f"{x:.1%}".replace("-", MINUS)


def _day(value: Any) -> str:
    return pd.Timestamp(value).date().isoformat()


def _arrays(frame: pd.DataFrame, *columns: str) -> list[np.ndarray]:
    """The columns' values (the descriptions read a few cells: pandas rows and labels would
    each copy the frame's ``attrs``)."""
    return [frame[c].to_numpy() for c in columns]


Attrs = Mapping[str, Any]
Draw = Callable[[tuple[Table, ...], Attrs], "alt.TopLevelMixin"]


def _sides(attrs: Attrs) -> dict[str, str]:
    return {"small": attrs.get("small", "Small caps"), "large": attrs.get("large", "Large caps")}


def _whole(frame: pd.DataFrame) -> tuple[pd.DataFrame, ...]:
    return (frame,)


@dataclass(frozen=True)
class ChartDef:
    title: str
    draw: Draw
    subtitle: Callable[[pd.DataFrame], str]
    describe: Callable[[pd.DataFrame], str]
    tables: Callable[[pd.DataFrame], tuple[pd.DataFrame, ...]] = _whole
    # For each table, frame column -> data-file column where they differ; None: data inline.
    file_columns: tuple[Mapping[str, str], ...] | None = None
    # Column as drawn (the data file's name for a history chart) -> the registry path of the
    # published number it holds: written as the report's table rounds it, and shown in its
    # tooltips (and labels) as the table shows it (``units``).
    metrics: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


_SAME: tuple[Mapping[str, str], ...] = ({},)
_YTD_FILE = ({"small": "ytd_small", "large": "ytd_large"},)
_RATIO_FILE = ({}, {"end": "small_led_until"})
_SPREAD_FILE = ({"spread": "spread_12m"},)
_DRAWDOWN_FILE = ({"small": "drawdown_small", "large": "drawdown_large"},)
_ZOOM_FILE = ({"ratio": "ratio_3y", "ma50": "ma50_3y", "ma200": "ma200_3y"},)


def _file_sides(attrs: Attrs, prefix: str) -> dict[str, str]:
    return {f"{prefix}_{side}": label for side, label in _sides(attrs).items()}


def _ytd(tables: tuple[Table, ...], attrs: Attrs) -> alt.TopLevelMixin:
    x = Field("date", "Session", "temporal")
    y = Field("value", "Index level (last close of previous year = 100)", format=".0f",
              tip_format=".1f")  # fmt: skip
    return build_line_chart(tables[0], x=x, y=y, series=_file_sides(attrs, "ytd"))


def _ytd_text(frame: pd.DataFrame) -> str:
    n = _sides(frame.attrs)
    dates, small, large = _arrays(frame, "date", "small", "large")
    return (
        f"Line chart of {n['small']} and {n['large']} since {_day(dates[0])}, "
        f"rebased to 100. On {_day(dates[-1])} {n['small']} stood at {small[-1]:.1f} "
        f"and {n['large']} at {large[-1]:.1f}."
    )


def _kinds(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Row masks of the ratio frame's weekly rows and regime rows (numpy: a comparison on a
    pandas string column costs a millisecond on these 2,000+ rows)."""
    kind = frame["kind"].to_numpy(dtype=object)
    return kind == "week", kind == "regime"


def _ratio_tables(frame: pd.DataFrame) -> tuple[pd.DataFrame, ...]:
    weeks, regimes = _kinds(frame)
    small_led = regimes & (frame["leader"].to_numpy(dtype=object) == "small")
    return _rows_of(frame, weeks, ("date", "ratio", "ma50", "ma200")), _rows_of(
        frame, small_led, ("date", "end")
    )


def _rows_of(frame: pd.DataFrame, rows: np.ndarray, columns: tuple[str, ...]) -> pd.DataFrame:
    """``frame.loc[rows, columns]`` without its index (built from the columns' arrays)."""
    return pd.DataFrame(
        {c: pd.Series(frame[c].to_numpy()[rows], dtype=frame[c].dtype) for c in columns}
    )


def _ratio(tables: tuple[Table, ...], attrs: Attrs) -> alt.TopLevelMixin:
    weeks, regimes = tables
    y = Field("value", "Price ratio (small ÷ large)", format=".3~g", tip_format=".4~g")
    series = {"ratio": "Ratio", "ma50": "50-session average", "ma200": "200-session average"}
    return build_line_chart(weeks, x=DATE, y=y, series=series, shade=regimes)


def _ratio_text(frame: pd.DataFrame) -> str:
    n = _sides(frame.attrs)
    week_rows, regime_rows = _kinds(frame)
    dates, ratio, leader, spread = _arrays(frame, "date", "ratio", "leader", "cum_spread")
    weeks, regimes = dates[week_rows], dates[regime_rows]
    leaders = leader.astype(object)[regime_rows]
    return (
        f"Line chart of the price ratio of {n['small']} to {n['large']}, weekly from "
        f"{_day(weeks[0])} to {_day(weeks[-1])}, with its 50- and 200-session "
        f"moving averages. Shaded bands mark the {int((leaders == 'small').sum())} "
        f"periods when small caps led. The ratio is {ratio[week_rows][-1]:.4g}; the current "
        f"regime, since {_day(regimes[-1])}, is led by {leaders[-1]} caps "
        f"({_pp(spread[regime_rows][-1])} cumulative spread)."
    )


def _spread12(tables: tuple[Table, ...], attrs: Attrs) -> alt.TopLevelMixin:
    y = Field("value", "12-month return spread (pp)", format=PCT, tip_format=PCT_TIP)
    n = _sides(attrs)
    return build_line_chart(
        tables[0],
        x=DATE,
        y=y,
        series={"spread_12m": "Small minus large"},
        mark="area",
        zero=True,
        signs=(f"{n['small']} ahead", f"{n['large']} ahead"),
    )


def _spread12_text(frame: pd.DataFrame) -> str:
    dates, spread = _arrays(frame, "date", "spread")
    low, high = np.nanargmin(spread), np.nanargmax(spread)
    return (
        f"Area chart of the trailing 12-month return of small caps minus large caps, weekly from "
        f"{_day(dates[0])}. Latest {_pp(spread[-1])}; highest {_pp(spread[high])} "
        f"on {_day(dates[high])}; lowest {_pp(spread[low])} on {_day(dates[low])}."
    )


_HIT = Field("hit_rate", "Hit rate (share of years small led)", format=".0%")
_YEARS = Field("years", "Years", format="d")


_CI99 = (Field("spread_ci99_low", "99% interval, low", format=PCT_TIP),
         Field("spread_ci99_high", "99% interval, high", format=PCT_TIP))  # fmt: skip


def _months(tables: tuple[Table, ...], attrs: Attrs) -> alt.TopLevelMixin:
    return build_bar_chart(
        tables[0],
        category=Field("month_name", "Month", "nominal"),
        value=Field("spread_mean", "Mean monthly spread, small minus large (pp)", format=".1%",
                    tip_format=PCT_TIP),
        series={"spread_mean": "Mean spread"},
        label=_HIT,
        highlight="current",
        extra_tips=(_HIT, _YEARS),
        interval=_CI99 if "spread_ci99_low" in tables[0].columns else None,
    )  # fmt: skip


def _months_text(frame: pd.DataFrame) -> str:
    names, spread, hits = _arrays(frame, "month_name", "spread_mean", "hit_rate")
    best, worst = np.nanargmax(spread), np.nanargmin(spread)
    return (
        f"Bar chart of the mean monthly return of small caps minus large caps for each calendar "
        f"month, {frame.attrs.get('first_year')} to {frame.attrs.get('last_year')}, labelled with "
        f"the share of years small caps led. Best: {names[best]} "
        f"({_pp(spread[best])}, led in {hits[best]:.0%} of years); worst: "
        f"{names[worst]} ({_pp(spread[worst])}, led in {hits[worst]:.0%})."
    )


def _path(tables: tuple[Table, ...], attrs: Attrs) -> alt.TopLevelMixin:
    year = attrs.get("year")
    average = f"Average {attrs.get('first_year')}–{attrs.get('last_year')}"
    y = Field("value", "Cumulative spread since Jan 1 (pp)", format=PCT, tip_format=PCT_TIP)
    x = Field("month_name", "Through end of month", "ordinal")
    series = {"current": str(year), "average": average}
    if "phase_average" in tables[0].columns:
        series["phase_average"] = f"Average {attrs.get('phase')} year ({attrs.get('phase_years')})"
    return build_line_chart(tables[0], x=x, y=y, series=series, zero=True)


def _path_text(frame: pd.DataFrame) -> str:
    names, current, average = _arrays(frame, "month_name", "current", "average")
    done = np.flatnonzero(~pd.isna(current))
    head = (
        f"Line chart of the cumulative return of small caps minus large caps from January, "
        f"month by month: {frame.attrs.get('year')} against the average of "
        f"{frame.attrs.get('first_year')} to {frame.attrs.get('last_year')}."
    )
    if not done.size:
        return head + " No month of this year is complete yet."
    last = done[-1]
    return head + (
        f" Through {names[last]}: {_pp(current[last])} against an average of {_pp(average[last])}."
    )


def _french_text(frame: pd.DataFrame) -> str:
    names, spread, hits = _arrays(frame, "month_name", "spread_mean", "hit_rate")
    best, worst = np.nanargmax(spread), np.nanargmin(spread)
    return (
        f"Bar chart of the mean monthly return of the Ken French small-cap portfolio (bottom 30% "
        f"by size) minus the large-cap portfolio (top 30%) for each calendar month, "
        f"{frame.attrs.get('first_year')} to {frame.attrs.get('last_year')}, with 99% intervals, "
        f"labelled with the share of years small caps led. Best: {names[best]} "
        f"({_pp(spread[best])}, led in {hits[best]:.0%} of years); worst: {names[worst]} "
        f"({_pp(spread[worst])}, led in {hits[worst]:.0%})."
    )


def _cycle(tables: tuple[Table, ...], attrs: Attrs) -> alt.TopLevelMixin:
    n = _sides(attrs)
    return build_bar_chart(
        tables[0],
        category=Field("phase_name", "Presidential-cycle year", "nominal"),
        value=Field("value", "Mean calendar-year return (%)", format=PCT, tip_format=PCT_TIP),
        series={"small_mean": n["small"], "large_mean": n["large"]},
        highlight="current",
        extra_tips=(Field("spread_mean", "Mean spread", format=PCT_TIP), _HIT, _YEARS),
        # n per phase, and which phase this year is (the faded bars are the other phases).
        # Two lines: one "n = 10 · this year" overran its neighbour's note on a phone.
        notes=("'n = ' + datum.years", "datum.current == 1 ? 'this year' : ''"),
    )


def _cycle_text(frame: pd.DataFrame) -> str:
    n = _sides(frame.attrs)
    head = (
        f"Grouped bar chart of the mean calendar-year return of {n['small']} and {n['large']} in "
        f"each year of the presidential cycle."
    )
    now = np.flatnonzero(frame["current"].to_numpy() == 1)
    if not now.size:
        return head
    row = now[0]
    names, small, large, hits, years = _arrays(
        frame, "phase_name", "small_mean", "large_mean", "hit_rate", "years"
    )
    return head + (
        f" This year is a {names[row].lower()} year: small caps averaged "
        f"{_pct(small[row])} and large caps {_pct(large[row])}, small led in "
        f"{hits[row]:.0%} of {int(years[row])} years."
    )


def _drawdowns(tables: tuple[Table, ...], attrs: Attrs) -> alt.TopLevelMixin:
    y = Field("value", "Drawdown from all-time high (%)", format=PCT, tip_format=".1%")
    return build_line_chart(tables[0], x=DATE, y=y, series=_file_sides(attrs, "drawdown"))


def _drawdowns_text(frame: pd.DataFrame) -> str:
    n = _sides(frame.attrs)
    dates, small, large = _arrays(frame, "date", "small", "large")
    deepest = np.nanargmin(small)
    return (
        f"Line chart of the drawdown from the all-time high of {n['small']} and {n['large']}, "
        f"weekly from {_day(dates[0])}. Now {n['small']} {_level(small[-1])} and "
        f"{n['large']} {_level(large[-1])}; the deepest small-cap drawdown in the window was "
        f"{_level(small[deepest])} on {_day(dates[deepest])}."
    )


def _risk(tables: tuple[Table, ...], attrs: Attrs) -> alt.TopLevelMixin:
    y = Field("value", "Correlation and beta (unitless)", format=".1f", tip_format=".2f")
    series = {"corr": "Correlation (1 year)", "beta": "Beta of small on large (1 year)"}
    return build_line_chart(tables[0], x=DATE, y=y, series=series)


def _risk_text(frame: pd.DataFrame) -> str:
    dates, corr, beta = _arrays(frame, "date", "corr", "beta")
    return (
        f"Line chart of the rolling one-year (252-session) correlation of daily returns and beta "
        f"of small caps on large caps, weekly from {_day(dates[0])}. Latest "
        f"correlation {corr[-1]:.2f}, beta {beta[-1]:.2f}."
    )


def _yields(tables: tuple[Table, ...], attrs: Attrs) -> alt.TopLevelMixin:
    return build_dual_line_chart(
        tables[0],
        x=DATE,
        left=Field("relative", "Small ÷ large, rebased (start = 100)", format=".0f",
                   tip_format=".1f"),
        right=Field("yield_10y", "10-year Treasury yield (%)", format=".1f", tip_format=".2f"),
    )  # fmt: skip


def _yields_text(frame: pd.DataFrame) -> str:
    dates, yields, relative = _arrays(frame, "date", "yield_10y", "relative")
    return (
        f"Line chart with two axes: small caps relative to large caps (rebased to 100) and the "
        f"10-year Treasury yield, weekly from {_day(dates[0])}. The yield moved from "
        f"{yields[0]:.2f}% to {yields[-1]:.2f}%; relative performance from 100 "
        f"to {relative[-1]:.1f}."
    )


def _ladder_tables(frame: pd.DataFrame) -> tuple[pd.DataFrame, ...]:
    """One row per fund (first-seen order), one column per period (a pivot, without pandas'
    pivot machinery: it costs milliseconds on this 30-row frame, every week)."""
    values: dict[tuple[str, str, str], dict[str, float]] = {}
    columns = ("symbol", "label", "basis", "period", "value")
    rows = zip(*(frame[c].tolist() for c in columns), strict=True)
    for symbol, label, basis, period, value in rows:
        values.setdefault((symbol, label, basis), {})[period] = value
    present = set(frame["period"].tolist())
    wide = pd.DataFrame(
        {
            "symbol": pd.Series([k[0] for k in values], dtype=frame["symbol"].dtype),
            # The bar's name says its basis: an index's price return is no total return.
            "name": pd.Series([f"{k[1]} ({k[2]})" for k in values], dtype=object),
            "basis": pd.Series([k[2] for k in values], dtype=object),
            **{
                p: pd.Series([v.get(p, math.nan) for v in values.values()], dtype=float)
                for p in PERIOD_LABELS
                if p in present
            },
        }
    )
    wide.columns.name = "period"
    return (wide,)


def _ladder(tables: tuple[Table, ...], attrs: Attrs) -> alt.TopLevelMixin:
    series = {p: PERIOD_LABELS[p] for p in PERIOD_LABELS if p in tables[0].columns}
    return build_bar_chart(
        tables[0],
        category=Field("name", "Index or fund (return basis)", "nominal"),
        value=Field("value", "Return (%)", format=PCT, tip_format=PCT_TIP),
        series=series,
        horizontal=True,
        extra_tips=(Field("symbol", "Symbol", "nominal"), Field("basis", "Basis", "nominal")),
    ).properties(height=ladder_height(attrs["names"], len(series)))


def ladder_height(names: int, periods: int) -> int:
    """Pixels of the ladder: what ``height={"step": LADDER_BAR}`` would give (Vega-Lite's
    bands, inner and outer padding 0.2), as a number, because a step height drops the charts'
    "fit-x" autosize with a warning in the reader's console."""
    return round((names + 0.2) * periods * LADDER_BAR / 0.8)


def _ladder_text(frame: pd.DataFrame) -> str:
    symbols, labels, periods, values = _arrays(frame, "symbol", "label", "period", "value")
    head = (
        f"Horizontal bar chart of 1-week, year-to-date and 1-year returns of "
        f"{int(pd.notna(pd.unique(symbols)).sum())} indices and funds."
    )
    ytd = np.flatnonzero(periods.astype(object) == "ytd")
    if not ytd.size:
        return head
    best = ytd[np.nanargmax(values[ytd])]
    worst = ytd[np.nanargmin(values[ytd])]
    return head + (
        f" Best year to date: {labels[best]} ({_pct(values[best])}); worst: {labels[worst]} "
        f"({_pct(values[worst])})."
    )


def _ratio_zoom(tables: tuple[Table, ...], attrs: Attrs) -> alt.TopLevelMixin:
    y = Field("value", "Price ratio (small ÷ large)", format=".3~g", tip_format=".4~g")
    series = {"ratio_3y": "Ratio", "ma50_3y": "50-session average",
              "ma200_3y": "200-session average"}  # fmt: skip
    # Month and year on every tick (Vega's default repeats "April, July" under each year).
    x = Field("date", "Week ending", "temporal", format="%b %Y")
    return build_line_chart(tables[0], x=x, y=y, series=series)


def _ratio_zoom_text(frame: pd.DataFrame) -> str:
    n = _sides(frame.attrs)
    dates, ratio = _arrays(frame, "date", "ratio")
    low, high = np.nanargmin(ratio), np.nanargmax(ratio)
    return (
        f"Line chart of the price ratio of {n['small']} to {n['large']} over the last three "
        f"years, weekly from {_day(dates[0])} to {_day(dates[-1])}, with its 50- and "
        f"200-session moving averages. Now {ratio[-1]:.4g}; highest {ratio[high]:.4g} on "
        f"{_day(dates[high])}, lowest {ratio[low]:.4g} on {_day(dates[low])}."
    )


def _strip_tables(frame: pd.DataFrame) -> tuple[pd.DataFrame, ...]:
    """The strip's weeks with a short label each ("Nov 20")."""
    weeks = pd.DatetimeIndex(frame["date"]).strftime("%b %d").str.replace(" 0", " ")
    return (frame.assign(week=list(weeks)),)


def _strip(tables: tuple[Table, ...], attrs: Attrs) -> alt.TopLevelMixin:
    n = _sides(attrs)
    return build_sign_bar_chart(
        tables[0],
        category=Field("week", "Week ending", "nominal"),
        value=Field("spread", "Week's return spread, small minus large (pp)", format=PCT,
                    tip_format=PCT_TIP),
        sides={"small": n["small"], "large": n["large"], "tie": "Tie"},
        side="leader",
        extra_tips=(Field("small", n["small"], format=PCT_TIP),
                    Field("large", n["large"], format=PCT_TIP)),
    )  # fmt: skip


def _strip_text(frame: pd.DataFrame) -> str:
    n = _sides(frame.attrs)
    dates, leader = _arrays(frame, "date", "leader")
    small = int((leader.astype(object) == "small").sum())
    return (
        f"Bar chart of the return spread of {n['small']} minus {n['large']} in each of the "
        f"last {len(dates)} weeks, to {_day(dates[-1])}, coloured by the side that led: "
        f"{n['small']} led {small} of them, {n['large']} "
        f"{int((leader.astype(object) == 'large').sum())}."
    )


def _heatmap(tables: tuple[Table, ...], attrs: Attrs) -> alt.TopLevelMixin:
    return build_heatmap(
        tables[0],
        x=Field("month_name", "Month", "nominal"),
        y=Field("year", "Year", "ordinal"),
        value=Field("value", "Spread, small minus large (pp)", format=PCT, tip_format=PCT_TIP),
        columns=MONTH_ABBR,
    )


def _heatmap_text(frame: pd.DataFrame) -> str:
    years = frame["year"].to_numpy()
    grid = frame[list(MONTH_ABBR)].to_numpy(dtype=float)
    best = np.unravel_index(np.nanargmax(grid), grid.shape)
    worst = np.unravel_index(np.nanargmin(grid), grid.shape)
    return (
        f"Heatmap of the monthly return of small caps minus large caps, one row per year from "
        f"{int(years[0])} to {int(years[-1])} and one column per month. Best month: "
        f"{MONTH_ABBR[best[1]]} {int(years[best[0]])} ({_pp(grid[best])}); worst: "
        f"{MONTH_ABBR[worst[1]]} {int(years[worst[0]])} ({_pp(grid[worst])})."
    )


def _stat_metrics(base: str) -> Mapping[str, str]:
    """The statistics columns of a month or cycle-phase table and their registry paths."""
    columns = ("small_mean", "large_mean", "spread_mean", "hit_rate", "years", "spread_ci99_low",
               "spread_ci99_high")  # fmt: skip
    return MappingProxyType({c: f"{base}.{c}" for c in columns})


def _metrics(**paths: str) -> Mapping[str, str]:
    return MappingProxyType(paths)


def _pair_subtitle(what: str) -> Callable[[pd.DataFrame], str]:
    return lambda f: f"{_sides(f.attrs)['small']} against {_sides(f.attrs)['large']}, {what}"


HEATMAP_SUBTITLE = f"monthly return spread; colours stop at ±{HEATMAP_CLAMP * 100:.0f} pp"

CHARTS: dict[str, ChartDef] = {
    "ytd_rebased": ChartDef("Year-to-date performance", _ytd, _pair_subtitle("price indices"),
                            _ytd_text, file_columns=_YTD_FILE,
                            metrics=_metrics(ytd_small="chart.ytd_rebased.small",
                                             ytd_large="chart.ytd_rebased.large")),
    "relative_ratio": ChartDef("Relative strength: small ÷ large", _ratio,
                               _pair_subtitle("weekly; shaded: small caps led"), _ratio_text,
                               _ratio_tables, _RATIO_FILE,
                               _metrics(ratio="relative.ratio", ma50="relative.ma_50",
                                        ma200="relative.ma_200")),
    "relative_ratio_3y": ChartDef("Relative strength, last three years", _ratio_zoom,
                                  _pair_subtitle("weekly"), _ratio_zoom_text,
                                  file_columns=_ZOOM_FILE,
                                  metrics=_metrics(ratio_3y="relative.ratio",
                                                   ma50_3y="relative.ma_50",
                                                   ma200_3y="relative.ma_200")),
    "leadership_strip": ChartDef("Who led, week by week", _strip,
                                 _pair_subtitle("the last 12 weeks"), _strip_text,
                                 _strip_tables,
                                 metrics=_metrics(spread="returns.1w.spread",
                                                  small="returns.1w.small",
                                                  large="returns.1w.large")),
    "rolling_12m_spread": ChartDef("Rolling 12-month return spread", _spread12,
                                   _pair_subtitle("weekly, trailing 252 sessions"),
                                   _spread12_text, file_columns=_SPREAD_FILE,
                                   metrics=_metrics(spread_12m="returns.1y.spread")),
    "month_spread": ChartDef("Seasonality: small minus large by month", _months,
                             _pair_subtitle("labels: share of years small caps led; "
                                            "whiskers: 99% interval"),
                             _months_text, metrics=_stat_metrics("seasonality.months.*")),
    "french_months": ChartDef("Seasonality since 1926: Ken French data", _months,
                              lambda f: "Bottom 30% against top 30% by size; labels: share of "
                                        "years small caps led; whiskers: 99% interval",
                              _french_text,
                              metrics=_stat_metrics("seasonality.french.months.*")),
    "seasonal_path": ChartDef("This year against the average seasonal path", _path,
                              _pair_subtitle("cumulative spread, month-end closes"), _path_text,
                              metrics=_metrics(
                                  current="seasonality.current_year_path.*.spread",
                                  average="seasonality.average_path.*.spread",
                                  phase_average="cycle.phase_average_path.*.spread")),
    "spread_heatmap": ChartDef("Every month since the data starts", _heatmap,
                               _pair_subtitle(HEATMAP_SUBTITLE),
                               _heatmap_text,
                               metrics=MappingProxyType(
                                   dict.fromkeys(MONTH_ABBR, "seasonality.months.*.spread_mean"))),
    "cycle_phases": ChartDef("Presidential cycle", _cycle,
                             _pair_subtitle("highlighted: this year's phase"), _cycle_text,
                             metrics=_stat_metrics("cycle.phases.*")),
    "drawdowns": ChartDef("Drawdowns", _drawdowns, _pair_subtitle("weekly"), _drawdowns_text,
                          file_columns=_DRAWDOWN_FILE,
                          metrics=_metrics(drawdown_small="drawdown.small.current",
                                           drawdown_large="drawdown.large.current")),
    "rolling_risk": ChartDef("Rolling correlation and beta", _risk,
                             _pair_subtitle("daily returns, weekly points"), _risk_text,
                             file_columns=_SAME,
                             metrics=_metrics(corr="risk.corr_1y", beta="risk.beta_1y")),
    "yields_vs_relative": ChartDef("Rates against relative performance", _yields,
                                   _pair_subtitle("10-year yield"), _yields_text,
                                   file_columns=_SAME,
                                   metrics=_metrics(
                                       relative="chart.yields_vs_relative.relative",
                                       yield_10y="rates.yields.*.level")),
    "ladder": ChartDef("Size and style ladder", _ladder,
                       lambda f: "Each name says its basis: total return (dividends in) or price return",
                       _ladder_text,
                       _ladder_tables,
                       metrics=_metrics(**{p: f"ladder.rows.*.{p}" for p in PERIOD_LABELS})),
    scorecard.NAME: ChartDef(scorecard.TITLE, scorecard.draw, scorecard.subtitle,
                             scorecard.describe),
}  # fmt: skip
