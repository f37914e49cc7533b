"""The template context of a report: the metrics document reshaped into exactly what templates read.

The document may lack a section (``null`` with a ``<key>_reason`` sibling) or a value; tolerance
for that lives here, so the templates can stay strict (``StrictUndefined``): every key they read
exists in the context built below.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from markupsafe import Markup

RATE_KEYS = ("13w", "5y", "10y", "30y")
SENSITIVITY_KEYS = ("13w", "10y")
PERIODS = ("1w", "mtd", "qtd", "ytd", "1y", "3y_ann", "5y_ann", "10y_ann")
SIDES = ("small", "large")
MAX_TABLE_ROWS = 60  # longer chart data goes to the CSV download only
RECENT_REGIMES = 6
PHASE_NAMES = ("election", "post-election", "midterm", "pre-election")
# Charts by report section, in page order; the home page shows HOME_CHARTS.
SECTION_CHARTS = {
    "scoreboard": ("ytd_rebased",),
    "relative": ("relative_ratio", "rolling_12m_spread"),
    "drawdowns": ("drawdowns",),
    "risk": ("rolling_risk",),
    "seasonality": ("month_spread", "seasonal_path"),
    "cycle": ("cycle_phases",),
    "rates": ("yields_vs_relative",),
    "ladder": ("ladder",),
}
HOME_CHARTS = ("ytd_rebased", "relative_ratio")
# Charts rendered to static SVG (feed and social image, no-JavaScript fallback): the key ones.
# Every other chart needs JavaScript; its numbers stay reachable in a table or the CSV.
SVG_CHARTS = ("ytd_rebased", "relative_ratio", "month_spread", "ladder")
CHART_NAME = re.compile(r"[a-z0-9_]+")
# Changed measures that are plain numbers; every other measure is a decimal return or share.
NUMBER_MEASURES = ("zscore", "beta", "corr")


@dataclass(frozen=True)
class ChartView:
    """One chart as a page shows it: sidecar file names, accessible text and a small data table."""

    name: str
    title: str
    description: str
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()  # empty when the data is only in the CSV download
    svg: bool = True  # whether a static SVG rendering sits next to the spec

    def __post_init__(self) -> None:
        if not CHART_NAME.fullmatch(self.name):
            raise ValueError(f"chart name {self.name!r} must match {CHART_NAME.pattern}")

    @property
    def spec_file(self) -> Markup:
        return Markup(f"{self.name}.vl.json")  # safe: the name is checked above

    @property
    def svg_file(self) -> Markup:
        return Markup(f"{self.name}.svg")


def chart_view(
    name: str, spec: Mapping[str, Any], frame: pd.DataFrame | None, *, svg: bool = True
) -> ChartView:
    """A ChartView from a Vega-Lite spec (title, description) and its data frame."""
    title = spec.get("title", name)
    if isinstance(title, Mapping):
        title = title.get("text", name)
    description = str(spec.get("description") or title)
    if frame is None or len(frame) > MAX_TABLE_ROWS:
        return ChartView(name, str(title), description, svg=svg)
    frame = frame.reset_index(drop=frame.index.name is None)
    # Column by column: ``tolist`` gives the Python values ``itertuples`` would, faster.
    cells = [[_cell(v) for v in frame[c].tolist()] for c in frame.columns]
    rows = tuple(zip(*cells, strict=True))
    return ChartView(name, str(title), description, tuple(map(str, frame.columns)), rows, svg)


def _cell(value: Any) -> Any:
    # NaT first: it is a datetime (and a date) that cannot be formatted.
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp | dt.date):
        return value.strftime("%Y-%m-%d")
    return value.item() if hasattr(value, "item") else value


def section(doc: Mapping[str, Any], key: str) -> dict[str, Any]:
    """``{"ok": bool, "data": ..., "reason": str}`` for a top-level section of the document."""
    data = doc.get(key)
    reason = doc.get(f"{key}_reason") or ("not in this week's document" if data is None else "")
    return {"ok": data is not None, "data": data if data is not None else {}, "reason": reason}


def build_report_context(
    doc: Mapping[str, Any], charts: Mapping[str, ChartView], *, sample: bool
) -> dict[str, Any]:
    """Everything the report template reads, derived from one metrics document."""
    returns = doc.get("returns") or {}
    week_spread = _get(returns, "1w", "spread")
    return {
        "doc": doc,
        "sample": sample,
        "week": doc["week_ending"],
        "data_through": doc.get("data_through"),
        "names": _names(doc),
        "leader": _leader(week_spread),
        "ytd_leader": _leader(_get(returns, "ytd", "spread")),
        "scoreboard": _scoreboard(returns),
        "scoreboard_tr": _scoreboard(doc.get("returns_tr") or {}),
        "relative": section(doc, "relative"),
        "regimes": _recent_regimes(doc),
        "highs": {side: _side_highs(doc, side) for side in SIDES},
        "risk": section(doc, "risk"),
        "seasonality": section(doc, "seasonality"),
        "next_month": _month_stats(doc, _next_month(doc["week_ending"])),
        "cycle": section(doc, "cycle"),
        "phase": _phase_stats(doc),
        "rates": section(doc, "rates"),
        "rate_yields": _keyed_rows(_get(doc, "rates", "yields"), RATE_KEYS),
        "rate_sensitivity": _keyed_rows(_get(doc, "rates", "sensitivity"), SENSITIVITY_KEYS),
        "valuation": section(doc, "valuation"),
        "curated": _subsection(doc, "valuation", "curated"),
        "trailing_pe": _subsection(doc, "valuation", "trailing_pe"),
        "book_to_market": _subsection(doc, "valuation", "book_to_market"),
        "ladder": section(doc, "ladder"),
        "changes": section(doc, "changes"),
        "change_rows": _change_rows(doc),
        "claims": list(doc.get("claims") or []),
        "charts": charts,
        "section_charts": SECTION_CHARTS,
        "categories": categories(doc),
        "image_path": _image_path(doc["week_ending"]),
    }


def build_home_context(
    report_ctx: Mapping[str, Any], report_url: str, asset_prefix: str
) -> dict[str, Any]:
    """The home page context: the latest report's context plus where its files live."""
    home_charts = {n: report_ctx["charts"][n] for n in HOME_CHARTS if n in report_ctx["charts"]}
    return {
        **report_ctx,
        "home_charts": home_charts,
        "report_url": report_url,
        "base": asset_prefix,
    }


def categories(doc: Mapping[str, Any]) -> list[str]:
    """Blog categories of a report: which side led the week, and the presidential-cycle phase."""
    out = []
    leader = _leader(_get(doc.get("returns") or {}, "1w", "spread"))
    if leader in SIDES:
        out.append(f"{leader.capitalize()} caps led")
    year = int(str(doc["week_ending"])[:4])
    out.append(f"{PHASE_NAMES[year % 4].capitalize()} year")
    return out


def _keyed_rows(node: Any, keys: tuple[str, ...]) -> list[dict[str, Any]]:
    """One row per key present in ``node``: its fields, or an empty row with the reason."""
    if not isinstance(node, Mapping):
        return []
    rows = []
    for key in keys:
        if key not in node:
            continue
        item = node.get(key)
        reason = node.get(f"{key}_reason") or ""
        rows.append({"key": key, "ok": isinstance(item, Mapping), "reason": reason, **(item or {})})
    return rows


def _subsection(doc: Mapping[str, Any], key: str, sub: str) -> dict[str, Any]:
    parent = doc.get(key)
    if not isinstance(parent, Mapping):
        return {"ok": False, "data": {}, "reason": doc.get(f"{key}_reason") or "not available"}
    return section(parent, sub)


def _get(node: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def _names(doc: Mapping[str, Any]) -> dict[str, str]:
    return {
        "small": str(doc.get("small_name") or doc.get("small") or "small caps"),
        "large": str(doc.get("large_name") or doc.get("large") or "large caps"),
        "small_symbol": str(doc.get("small") or ""),
        "large_symbol": str(doc.get("large") or ""),
        "small_tr": str(doc.get("small_total_return") or ""),
        "large_tr": str(doc.get("large_total_return") or ""),
    }


def _leader(spread: Any) -> str | None:
    if not isinstance(spread, int | float):
        return None
    return "small" if spread > 0 else "large" if spread < 0 else "tie"


def _scoreboard(returns: Mapping[str, Any]) -> list[dict[str, Any]]:
    if not returns:
        return []
    rows = []
    for period in PERIODS:
        cell = returns.get(period) or {}
        rows.append({"period": period, **{k: cell.get(k) for k in (*SIDES, "spread")}})
    return rows


def _recent_regimes(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    regimes = _get(doc, "relative", "regimes") or []
    return list(reversed(regimes[-RECENT_REGIMES:]))


def _side_highs(doc: Mapping[str, Any], side: str) -> dict[str, Any]:
    highs = _get(doc, "highs", side) or {}
    drawdown = _get(doc, "drawdown", side) or {}
    keys = ("all_time", "all_time_date", "pct_from_all_time", "sessions_since_all_time")
    keys += ("high_52w", "pct_from_high_52w", "low_52w", "pct_from_low_52w", "new_high_52w")
    out = {k: highs.get(k) for k in (*keys, "new_all_time_high")}
    out.update({f"dd_{k}": drawdown.get(k) for k in ("current", "max_1y", "max_all")})
    return out


def _next_month(week: str) -> int:
    return int(week[5:7]) % 12 + 1


def _month_stats(doc: Mapping[str, Any], month: int) -> dict[str, Any] | None:
    for row in _get(doc, "seasonality", "months") or []:
        if row.get("month") == month and row.get("years"):
            return row
    return None


def _phase_stats(doc: Mapping[str, Any]) -> dict[str, Any] | None:
    phase = _get(doc, "cycle", "phase")
    for row in _get(doc, "cycle", "phases") or []:
        if row.get("phase") == phase and row.get("years"):
            return {**row, "phase_name": PHASE_NAMES[int(phase)]}
    return None


def _change_rows(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for item in _get(doc, "changes", "items") or []:
        key = str(item.get("key", ""))
        kind = "number" if any(w in key for w in NUMBER_MEASURES) else "decimal"
        rows.append(
            {
                **{k: item.get(k) for k in ("previous", "current", "change")},
                "key": key,
                "kind": kind,
            }
        )
    return rows


def _image_path(week: str) -> Markup:
    """The social and feed image: the YTD chart's SVG, as published (site-root relative).

    The blog publishes ``blog/posts/YYYY/MM/DD/`` at ``blog/YYYY/MM/DD/`` (mkdocs.yml).
    """
    day = dt.date.fromisoformat(str(week)[:10])
    return Markup(f"blog/{day:%Y/%m/%d}/ytd_rebased.svg")
