"""The week's lead: its facts ranked by how unusual they are, for the headline and narrative.

The ranking (the methodology's "The week's lead"), most unusual first:

1. ``record_close``: an index's last close of the week is its highest close since its data
   start (both indices: one fact, side ``both``);
2. ``week_rank``: an index's weekly return is among the TOP_WEEKS best or worst since its data
   start (``week_rank``); the rarer rank first, then the longer history, then the larger move;
3. ``streak``: one side has beaten the other MIN_STREAK_WEEKS weeks in a row or more;
4. ``regime_change``: a change of leadership regime (``relative.regimes``) confirmed this week;
5. ``spread``: the week's small-minus-large spread, always last when the week has returns.

This module computes only the numbers no other section holds (the record a close beat, the
longest run of large-cap weeks, whether a regime turned this week, the ratio's first year and
peak date); the facts' other numbers are read where they already are.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from generator.metrics.codec import Missing
from generator.metrics.common import Unavailable, current_close, iso, missing, week_monday
from generator.metrics.relative import (
    common_closes,
    run_lengths,
    turning_points,
    weekly_closes,
    weekly_spread_arrays,
)
from generator.metrics.schema import Document
from generator.metrics.schema_lead import LeadFact
from generator.model import Market

FACT_KINDS = ("record_close", "week_rank", "streak", "regime_change", "spread")
TOP_WEEKS = 10  # a week among the ten best or worst since the data start is news
MIN_STREAK_WEEKS = 2
SIDES = ("small", "large")


def side_record(close: pd.Series, week_end: pd.Timestamp) -> dict[str, Any]:
    """The last close of ``close`` (cut at the week's end), whether it is above every earlier close,
    and, when it is, the date of the highest close before the week (the record it beat) and
    the whole weeks from that record's week to this one."""
    values = close.to_numpy(dtype=float)
    record = bool(len(values) > 1 and values[-1] > values[:-1].max())
    out: dict[str, Any] = {"close": float(values[-1]), "record_close": record}
    monday = week_monday(week_end)
    before = close[close.index < monday]
    if not out["record_close"]:
        for key in ("previous_record_date", "weeks_since_previous_record"):
            missing(out, key, "the week's last close is not a record")
    elif before.empty:
        for key in ("previous_record_date", "weeks_since_previous_record"):
            missing(out, key, "no close before this week")
    else:
        day = before.index[int(before.to_numpy(dtype=float).argmax())]  # first day of that high
        out["previous_record_date"] = iso(day)
        out["weeks_since_previous_record"] = int((monday - week_monday(day)).days // 7)
    return out


def regime_turned(ratio: np.ndarray) -> bool:
    """Whether the last weekly ratio confirmed a new turning point (a new regime this week)."""
    return len(ratio) > 1 and len(turning_points(ratio)) > len(turning_points(ratio[:-1]))


def pair_context(small: pd.Series, large: pd.Series) -> dict[str, Any]:
    """The ratio's first year and peak date, the longest run of weeks large caps led, and
    whether the leadership regime turned this week (``relative``'s weekly sampling)."""
    common = common_closes(small, large)
    dates, s, lg = common
    if not len(dates):
        raise Unavailable("small and large have no date in common")
    ratio = s / lg
    out: dict[str, Any] = {
        "ratio_first_year": int(pd.Timestamp(dates[0]).year),
        "ratio_peak_date": iso(dates[int(ratio.argmax())]),
    }
    weekly = weekly_closes(common)
    _, spread = weekly_spread_arrays(weekly)
    if not len(spread):
        for key in ("underperf_streak_record_weeks", "regime_change"):
            missing(out, key, "fewer than two weeks of common history")
        return out
    out["underperf_streak_record_weeks"] = run_lengths(spread < 0)[1]
    out["regime_change"] = regime_turned(weekly[1] / weekly[2])
    return out


def lead_section(market: Market, config: Any, week_end: pd.Timestamp) -> dict[str, Any]:
    """``lead`` without its facts (``with_lead`` ranks them on the typed document)."""
    closes: dict[str, pd.Series] = {}
    records: dict[str, Any] = {}
    for side, symbol in (("small", config.small.index), ("large", config.large.index)):
        try:
            closes[side] = current_close(market, symbol, week_end)
        except Unavailable as exc:
            missing(records, side, str(exc))
            continue
        records[side] = side_record(closes[side], week_end)
    out: dict[str, Any] = {"facts": [], "records": records}
    keys = ("ratio_first_year", "ratio_peak_date", "underperf_streak_record_weeks", "regime_change")
    try:
        if len(closes) < 2:
            raise Unavailable("one side has no current close")
        out.update(pair_context(closes["small"], closes["large"]))
    except Unavailable as exc:
        for key in keys:
            missing(out, key, str(exc))
    return out


def ranked_facts(doc: Document) -> tuple[LeadFact, ...]:
    """The week's facts, most unusual first (the module's ranking)."""
    return (*_record_facts(doc), *_rank_facts(doc), *_streak_facts(doc), *_regime_facts(doc),
            *_spread_facts(doc))  # fmt: skip


def with_lead(doc: Document) -> Document:
    """The document with its lead's facts ranked (unchanged when it has no lead)."""
    if isinstance(doc.lead, Missing):
        return doc
    return replace(doc, lead=replace(doc.lead, facts=ranked_facts(doc)))


def _present(value: Any) -> Any:
    return None if isinstance(value, Missing) else value


def _record_facts(doc: Document) -> list[LeadFact]:
    lead = _present(doc.lead)
    records = [
        s for s in SIDES if lead and (r := _present(getattr(lead.records, s))) and r.record_close
    ]
    if not records:
        return []
    return [LeadFact("record_close", "both" if len(records) == 2 else records[0])]


def _rank_facts(doc: Document) -> list[LeadFact]:
    ranks, returns = _present(doc.week_rank), _present(doc.returns)
    found = []
    for side in SIDES:
        r = _present(getattr(ranks, side)) if ranks else None
        if r is not None and min(r.rank_best, r.rank_worst) <= TOP_WEEKS:
            move = _present(getattr(returns.w1, side)) if returns else None
            size = abs(move) if move is not None else 0.0
            found.append((min(r.rank_best, r.rank_worst), -r.weeks, -size, side))
    return [LeadFact("week_rank", item[-1]) for item in sorted(found)]


def _streak_facts(doc: Document) -> list[LeadFact]:
    rel = _present(doc.relative)
    if rel is None:
        return []
    for side, weeks in (("small", rel.outperf_streak_weeks), ("large", rel.underperf_streak_weeks)):
        if _present(weeks) is not None and weeks >= MIN_STREAK_WEEKS:
            return [LeadFact("streak", side)]
    return []


def _regime_facts(doc: Document) -> list[LeadFact]:
    lead, rel = _present(doc.lead), _present(doc.relative)
    regimes = _present(rel.regimes) if rel else None
    if not (lead and lead.regime_change is True and regimes):
        return []
    return [LeadFact("regime_change", regimes[-1].leader)]


def _spread_facts(doc: Document) -> list[LeadFact]:
    returns = _present(doc.returns)
    spread = _present(returns.w1.spread) if returns else None
    if spread is None:
        return []
    return [LeadFact("spread", "small" if spread > 0 else "large" if spread < 0 else "none")]
