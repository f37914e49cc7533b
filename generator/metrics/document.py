"""The weekly metrics document: point-in-time cut, every section, typed, and its JSON.

Each section is computed by its module in JSON-ready form (dicts, nulls with reasons), then the
whole is read once into the typed ``schema.Document``, strictly: a key a producer renames or
forgets fails here, naming the path, instead of showing "n/a" on a page. Changes and claims are
computed from the typed document. ``metrics_json`` writes it back.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from generator.config import Config
from generator.freshness import sources_section
from generator.jsontext import indented_json
from generator.metrics.changes import change_values, changes_section, nested_values
from generator.metrics.claims import with_claims
from generator.metrics.codec import Missing, SchemaError
from generator.metrics.common import (
    REASON_SUFFIX,
    Unavailable,
    as_unit_of,
    iso,
    missing,
    truncate_market,
    week_monday,
)
from generator.metrics.cycle import compute_cycle
from generator.metrics.drawdowns import drawdown_sections
from generator.metrics.fundamentals import compute_fundamentals
from generator.metrics.headlines import headline_core
from generator.metrics.ladder import ladder_section
from generator.metrics.lead import lead_section, with_lead
from generator.metrics.ratecuts import compute_ratecuts
from generator.metrics.rates import compute_rates
from generator.metrics.records import week_rank_section
from generator.metrics.relative import relative_section
from generator.metrics.returns import returns_sections
from generator.metrics.risk import risk_section
from generator.metrics.rotation import great_rotation_section
from generator.metrics.schema import SCHEMA_VERSION, Document
from generator.metrics.seasonality import compute_seasonality
from generator.metrics.valuation import compute_valuation
from generator.model import Market

# Sections computed from the whole cut market: (document key, function(market, config, week_end)).
MARKET_SECTIONS = (
    ("seasonality", compute_seasonality),
    ("cycle", compute_cycle),
    ("rates", compute_rates),
    ("valuation", compute_valuation),
    ("fundamentals", compute_fundamentals),
    ("ratecuts", compute_ratecuts),
    ("week_rank", week_rank_section),
    ("lead", lead_section),
)


class DocumentShapeError(SchemaError):
    """A section's producer wrote a key the typed document does not declare (a code defect)."""


def compute_metrics(
    market: Market, config: Config, week_end: pd.Timestamp, previous: Document | None = None
) -> Document:
    """The typed metrics document of the week ending on ``week_end``.

    Every input is first cut at ``week_end`` (point-in-time). ``previous`` is the previous
    week's document for ``changes``; when None, the previous week's headline numbers are
    computed here from the same market (``headlines.headline_core``).
    """
    week_end = pd.Timestamp(week_end).normalize()
    market = truncate_market(market, week_end)
    sections = compute_core(market, config, week_end)
    for key, compute in MARKET_SECTIONS:
        try:
            sections[key] = compute(market, config, week_end)
        except Unavailable as exc:
            missing(sections, key, str(exc))
    sections["ladder"] = ladder_section(market, config, week_end)
    sections["sources"] = sources_section(market, config, week_end)
    sections["great_rotation"] = great_rotation_section(market, config, week_end)
    sections.update(schema_version=SCHEMA_VERSION, changes=None, claims=[])
    doc = with_lead(typed_document(sections))
    return with_claims(replace(doc, changes=_changes(doc, market, config, week_end, previous)))


def typed_document(sections: dict[str, Any]) -> Document:
    """The typed document of JSON-ready sections; DocumentShapeError names a misplaced key."""
    week = sections.get("week_ending", "?")
    try:
        return Document.from_plain(plain(sections), where=f"metrics of the week ending {week}")
    except SchemaError as exc:
        raise DocumentShapeError(str(exc)) from None


def _changes(
    doc: Document,
    market: Market,
    config: Config,
    week_end: pd.Timestamp,
    previous: Document | None,
) -> Any:
    if previous is not None:
        return changes_section(change_values(doc), change_values(previous), previous.week_ending)
    core = _previous_core(market, config, week_end)
    if core is None:
        return Missing("no previous week in the data")
    return changes_section(change_values(doc), nested_values(core), core["week_ending"])


def compute_core(
    market: Market, config: Config, week_end: pd.Timestamp, regimes: bool = True
) -> dict[str, Any]:
    """Identity, returns, drawdowns, highs, relative strength and risk (market already cut).

    ``regimes=False`` leaves out the leadership-regime table (not needed for ``changes``).
    """
    doc: dict[str, Any] = {
        "week_ending": iso(week_end),
        "small": config.small.index,
        "large": config.large.index,
        "small_name": config.small.name,
        "large_name": config.large.name,
        "small_total_return": config.small.total_return,
        "large_total_return": config.large.total_return,
        "sample": bool(market.sample),
    }
    _data_through(doc, market, config)
    doc.update(returns_sections(market, config, week_end))
    doc.update(drawdown_sections(market, config, week_end))
    try:
        doc["relative"] = relative_section(market, config, week_end, regimes)
    except Unavailable as exc:
        missing(doc, "relative", str(exc))
    doc["risk"] = risk_section(market, config, week_end)
    return doc


def previous_week_end(
    market: Market, config: Config, week_end: pd.Timestamp
) -> pd.Timestamp | None:
    """Last session before week_end's week, as the small index's data shows it."""
    days = _close_days(market, config.small.index)
    if days is None:
        return None
    count = int(np.searchsorted(days, as_unit_of(week_monday(week_end), days)))  # rows before it
    return pd.Timestamp(days[count - 1]) if count else None


def _close_days(market: Market, symbol: str | None) -> np.ndarray | None:
    """Dates of the symbol's non-missing closes (``market.close(symbol).index``), or None when
    the symbol is absent; numpy, as ``market.close`` builds a Series to read only its dates."""
    series = market.series.get(symbol) if symbol else None
    if series is None or series.schema != "ohlcv":
        return None
    values = series.frame["close"].to_numpy(dtype=float)
    days = series.frame.index.values
    present = ~np.isnan(values)
    return days if present.all() else days[present]


def _previous_core(market: Market, config: Config, week_end: pd.Timestamp) -> dict[str, Any] | None:
    # The market is already cut at week_end; closes cut again at the previous week's end see
    # exactly the data a document of that week would.
    previous = previous_week_end(market, config, week_end)
    if previous is None:
        return None
    return headline_core(market, config, previous)


def _data_through(doc: dict[str, Any], market: Market, config: Config) -> None:
    lasts = []
    for symbol in (config.small.index, config.large.index):
        days = _close_days(market, symbol)
        if days is None or not len(days):
            missing(doc, "data_through", f"{symbol} has no data up to {doc['week_ending']}")
            return
        lasts.append(days[-1])
    doc["data_through"] = iso(min(lasts))


def plain(value: Any) -> Any:
    """JSON-ready copy: numpy scalars to Python, timestamps to ISO dates, NaN/inf to null with a
    ``<key>_reason`` sibling (only a safety net: metrics already return null with reasons)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            key = key if type(key) is str else str(key)
            kind = type(item)
            if kind is float and item - item == 0.0:  # finite: inf - inf and NaN are NaN
                out[key] = item
            elif kind in _PLAIN_SCALARS:
                out[key] = item
            elif _is_bad_float(item):
                out[key] = None
                out.setdefault(key + REASON_SUFFIX, "not a finite number")
            else:
                out[key] = plain(item)
        return out
    if isinstance(value, list | tuple):
        return [None if _is_bad_float(v) else plain(v) for v in value]
    if type(value) in _PLAIN_SCALARS:
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, pd.Timestamp):
        return iso(value)
    return value


# Values ``plain`` keeps as they are (a float only when finite).
_PLAIN_SCALARS = frozenset({str, int, bool, type(None)})


def _is_bad_float(value: Any) -> bool:
    return isinstance(value, float | np.floating) and not math.isfinite(float(value))


def metrics_json(doc: Document) -> str:
    """Deterministic JSON: sorted keys, 2-space indent, shortest round-trip floats, no NaN
    (``json.dumps`` with those options, written by ``jsontext``)."""
    return indented_json(doc.to_plain()) + "\n"
