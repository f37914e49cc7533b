"""The story scorecard's dot-and-interval chart: one row per story claim with a mean spread.

Unlike the other charts, its frame comes from the metrics document, not the market: each row is
a claim's evidence as the document holds it (``metrics.stories.spread_rows``), never
recomputed. All rows are mean spreads (small minus large, in percentage points) and share one
axis; a dashed line marks zero, so an interval crossing it reads as "no reliable edge".

Frame ``scorecard``: ``label, verdict, estimate, low, high, n, estimate_text, interval_text,
basis`` - the claim's ``spread_mean`` and 99% interval ends (decimals), n, and the same numbers
as the registry formats them (the tooltips and the description show exactly the page's text).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from generator.charts.builders import HEATMAP_RANGE, Field, Table, chart_data
from generator.lazy import lazy_module
from generator.metrics import registry
from generator.metrics.codec import Missing
from generator.metrics.schema import Claim, Document
from generator.metrics.stories import SPREAD_KEYS, spread_rows
from generator.metrics.verdicts import CONTRADICTS, EVIDENCE, NO_EDGE, SUPPORTS

if TYPE_CHECKING:
    import altair as alt
else:
    alt = lazy_module("altair")

NAME = "scorecard"
# Title, subtitle and axis title fit a 375 px screen (Vega does not wrap them).
TITLE = "Stories: effect and 99% interval"
COLUMNS = ("label", "verdict", "estimate", "low", "high", "n", "estimate_text", "interval_text",
           "basis")  # fmt: skip
# Each verdict in the colours the heatmap gives the sides (small caps' edge blue, large caps'
# orange) and grey for no reliable edge, in the order the verdicts go from one to the other.
VERDICT_COLORS = {
    SUPPORTS: HEATMAP_RANGE[2],
    NO_EDGE: HEATMAP_RANGE[1],
    CONTRADICTS: HEATMAP_RANGE[0],
}
# Axis labels in percentage points from the stored decimals ("+5", "−2.5"; zero unsigned).
PP_LABELS = "datum.value == 0 ? '0' : replace(format(datum.value * 100, '+~g'), '-', '\u2212')"


def _shown(claim: Claim, key: str) -> str:
    return registry.metric(EVIDENCE[claim.id][key]).format(claim.evidence[key])  # type: ignore[arg-type]


def _basis(claim: Claim) -> str:
    parts = [] if isinstance(claim.n, Missing) else [f"n = {claim.n}"]
    return ", ".join(parts + ([] if isinstance(claim.period, Missing) else [claim.period]))


def scorecard_frame(doc: Document) -> pd.DataFrame:
    """The chart's rows from the document's claims (empty when no story has an interval)."""
    rows = spread_rows(doc)
    estimate, low, high = ([float(r.claim.evidence[k]) for r in rows] for k in SPREAD_KEYS)  # type: ignore[arg-type]
    return pd.DataFrame(
        {
            "label": [r.label for r in rows],
            "verdict": [r.claim.verdict for r in rows],
            "estimate": pd.Series(estimate, dtype=float),
            "low": pd.Series(low, dtype=float),
            "high": pd.Series(high, dtype=float),
            "n": pd.Series([int(r.claim.n) for r in rows], dtype="int64"),  # type: ignore[arg-type]
            "estimate_text": [_shown(r.claim, SPREAD_KEYS[0]) for r in rows],
            "interval_text": [f"{_shown(r.claim, SPREAD_KEYS[1])} to {_shown(r.claim, SPREAD_KEYS[2])}"
                              for r in rows],
            "basis": [_basis(r.claim) for r in rows],
        },
        columns=list(COLUMNS),
    )  # fmt: skip


def document_charts(doc: Document) -> dict[str, pd.DataFrame]:
    """The frames of the charts drawn from the document: the scorecard's, when it has rows."""
    frame = scorecard_frame(doc)
    if frame.empty:
        return {}
    frame.attrs.update(small=doc.small_name or doc.small, large=doc.large_name or doc.large)
    return {NAME: frame}


def draw(tables: tuple[Table, ...], attrs: Any) -> alt.LayerChart:
    """Per row: a rule over the 99% interval and a dot at the estimate; a dashed rule at zero."""
    table = tables[0]
    y = alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=0))
    # The title ends at the axis's end: centred under a plot narrowed by long story names (a
    # phone), it ran past the chart's right edge.
    x_axis = alt.Axis(title="Small minus large (pp)", labelExpr=PP_LABELS, tickCount=6,
                      titleAnchor="end")  # fmt: skip
    tips = [Field("label", "Story", "nominal").tooltip(),
            Field("estimate_text", "Mean spread", "nominal").tooltip(),
            Field("interval_text", "99% interval", "nominal").tooltip(),
            Field("verdict", "Verdict", "nominal").tooltip(),
            Field("basis", "n, period", "nominal").tooltip()]  # fmt: skip
    base = alt.Chart()
    color = verdict_color()
    interval = base.mark_rule(strokeWidth=2).encode(
        y=y, x=alt.X("low:Q", axis=x_axis), x2="high:Q", color=color, tooltip=tips
    )
    dot = base.mark_point(filled=True, size=70, opacity=1).encode(
        y=y, x=alt.X("estimate:Q", axis=x_axis), color=color, tooltip=tips
    )
    zero = base.mark_rule(strokeDash=[4, 3]).encode(x=alt.datum(0))
    return alt.layer(zero, interval, dot, data=chart_data(table))


def verdict_color() -> alt.Color:
    """Colour by verdict, every verdict in the legend whether shown or not, so a colour means
    the same in every week's chart. The legend is one column under the plot: the plot starts
    after the story names, so on a phone a row of three entries ran past the chart's edge."""
    legend = alt.Legend(title=None, orient="bottom", labelLimit=0, columns=1)
    scale = alt.Scale(domain=list(VERDICT_COLORS), range=list(VERDICT_COLORS.values()))
    return alt.Color("verdict:N", scale=scale, legend=legend)


def subtitle(frame: pd.DataFrame) -> str:
    return "Dot: mean spread · line: 99% interval · dashed: zero"


def describe(frame: pd.DataFrame) -> str:
    rows = "; ".join(
        f"{label} {estimate} (99% interval {interval}, {verdict})"
        for label, estimate, interval, verdict in zip(
            frame["label"], frame["estimate_text"], frame["interval_text"], frame["verdict"],
            strict=True,
        )
    )  # fmt: skip
    return (
        "Dot-and-interval chart of each story's mean spread of small caps over large caps, in "
        f"percentage points, with its 99% interval and a line at zero: {rows}."
    )
