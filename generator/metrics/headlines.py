"""The previous week's headline numbers for ``changes``, without the rest of its document.

``changes`` reads only the HEADLINES paths of the previous week's core sections, so computing
its whole core (every period, both bases, streaks, regimes) is wasted work. Each value here comes
from the same function as in the full document, so both agree to the last bit.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from generator.metrics.common import Unavailable, current_close, iso, record
from generator.metrics.drawdowns import WINDOW_52W, current_drawdown, pct_from_high, trailing
from generator.metrics.relative import common_closes, ratio_headlines
from generator.metrics.returns import pair_returns
from generator.metrics.risk import VOL_SESSIONS, record_corr_beta, vol
from generator.model import Market

HEADLINE_PERIODS = ("ytd", "1y")


def headline_core(market: Market, config: Any, week_end: pd.Timestamp) -> dict[str, Any]:
    """``week_ending`` and the numbers at the ``changes.HEADLINES`` paths (market already cut
    at or after ``week_end``; closes are cut at ``week_end`` here)."""
    small, large = config.small.index, config.large.index
    closes: dict[str, pd.Series] = {}
    for side, symbol in (("small", small), ("large", large)):
        try:
            closes[side] = current_close(market, symbol, week_end)
        except Unavailable:
            continue
    doc: dict[str, Any] = {
        "week_ending": iso(week_end),
        "returns": pair_returns(market, small, large, week_end, False, HEADLINE_PERIODS),
        "drawdown": {side: {"current": current_drawdown(c)} for side, c in closes.items()},
        "highs": {side: _highs(c) for side, c in closes.items()},
        "risk": _risk(closes),
    }
    if len(closes) == 2:
        _, small_values, large_values = common_closes(closes["small"], closes["large"])
        ratio = small_values / large_values  # relative_ratio, as arrays
        if len(ratio):
            doc["relative"] = ratio_headlines(ratio)
    return doc


def _highs(close: pd.Series) -> dict[str, Any]:
    out: dict[str, Any] = {}
    try:
        window = trailing(close, WINDOW_52W).to_numpy(dtype=float)
    except Unavailable:
        return out
    out["pct_from_high_52w"] = pct_from_high(close, window)
    return out


def _risk(closes: dict[str, pd.Series]) -> dict[str, Any]:
    out: dict[str, Any] = {"vol_3m": {}}
    for side, close in closes.items():
        record(out["vol_3m"], side, lambda c=close: vol(c, VOL_SESSIONS))
    record_corr_beta(out, closes)
    return out
