"""The size/style ladder (1w, YTD, 1y per symbol) and the rotation gauges (ratio percentiles)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from generator.metrics.common import SESSIONS_PER_YEAR, Unavailable, current_close, missing, record
from generator.metrics.relative import common_closes, percentile_of_last
from generator.metrics.returns import period_return, return_of_arrays
from generator.model import Market

LADDER_PERIODS = ("1w", "ytd", "1y")


def ladder_row(market: Market, symbol: str, label: str, week_end: pd.Timestamp) -> dict[str, Any]:
    """``{symbol, label, 1w, ytd, 1y}`` on the total-return basis (Adj Close when present)."""
    row: dict[str, Any] = {"symbol": symbol, "label": label}
    try:
        close = current_close(market, symbol, week_end, adjusted=True)
    except Unavailable as exc:
        for period in LADDER_PERIODS:
            missing(row, period, str(exc))
        return row
    for period in LADDER_PERIODS:
        record(row, period, lambda p=period: period_return(close, week_end, p))
    return row


def rotation_gauge(
    market: Market, numerator: str, denominator: str, week_end: pd.Timestamp
) -> dict[str, Any]:
    """``{numerator, denominator, ratio, pct_52w, change_1w}`` of the close (price) ratio.

    Closes, not adjusted closes: the source re-scales adjusted closes at every dividend, so an
    adjusted ratio's level for a past week would change as the store grows (not point-in-time).
    """
    out: dict[str, Any] = {"numerator": numerator, "denominator": denominator}
    try:
        days, top, bottom = common_closes(
            current_close(market, numerator, week_end, adjusted=False),
            current_close(market, denominator, week_end, adjusted=False),
        )
        if not len(days):
            raise Unavailable(f"{numerator} and {denominator} have no date in common")
    except Unavailable as exc:
        for key in ("ratio", "pct_52w", "change_1w"):
            missing(out, key, str(exc))
        return out
    values = top / bottom  # relative_ratio, as arrays
    out["ratio"] = float(values[-1])
    if len(values) >= SESSIONS_PER_YEAR:
        out["pct_52w"] = percentile_of_last(values[-SESSIONS_PER_YEAR:])
    else:
        missing(out, "pct_52w", f"{len(values)} common sessions, {SESSIONS_PER_YEAR} needed")
    record(out, "change_1w", lambda: return_of_arrays(days, values, week_end, "1w"))
    return out


def ladder_section(market: Market, config: Any, week_end: pd.Timestamp) -> dict[str, Any]:
    """``ladder.rows[]`` in config order and ``ladder.rotation.<name>``."""
    return {
        "basis": "total_return",
        "rows": [ladder_row(market, sym, label, week_end) for sym, label in config.ladder.items()],
        "rotation": {
            name: rotation_gauge(market, num, den, week_end)
            for name, (num, den) in config.rotation.items()
        },
    }
