"""Shared helpers for the metric modules: the null-with-reason convention and point-in-time cuts.

Convention (see docs/methodology.md): a value that cannot be computed is ``null`` and its object
carries a sibling key ``<key>_reason`` with one sentence saying why. A whole section that cannot be
computed is ``null`` with ``<section>_reason`` beside it in the document. NaN is never emitted.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from generator.model import Market, Series

REASON_SUFFIX = "_reason"
SESSIONS_PER_YEAR = 252
# A period boundary's start close must lie within this many calendar days before the boundary;
# an older close means the series has a hole there and the return would span the wrong period.
MAX_START_GAP_DAYS = 10


class Unavailable(Exception):
    """A metric cannot be computed honestly; the message is the reason shown beside the null."""


def record(out: dict[str, Any], key: str, compute: Callable[[], Any]) -> None:
    """Set ``out[key]`` to ``compute()``, or to None plus ``<key>_reason`` when it is Unavailable."""
    try:
        out[key] = compute()
    except Unavailable as exc:
        out[key] = None
        out[key + REASON_SUFFIX] = str(exc)


def missing(out: dict[str, Any], key: str, reason: str) -> None:
    """Set ``out[key]`` to null with its reason."""
    out[key] = None
    out[key + REASON_SUFFIX] = reason


def finite(value: Any, what: str) -> float:
    """The value as a Python float, or Unavailable when it is NaN, infinite or None."""
    if value is None:
        raise Unavailable(f"{what} is not available")
    x = float(value)
    if not math.isfinite(x):
        raise Unavailable(f"{what} is not a finite number")
    return x


def iso(day: pd.Timestamp | None) -> str | None:
    """ISO date string of a timestamp (None stays None)."""
    return None if day is None else pd.Timestamp(day).date().isoformat()


def week_monday(day: pd.Timestamp) -> pd.Timestamp:
    """Monday of the calendar week containing ``day``."""
    day = pd.Timestamp(day).normalize()
    return day - pd.Timedelta(days=day.weekday())


def _period_end(day: pd.Timestamp, frequency: str) -> pd.Timestamp:
    if frequency == "monthly":
        return day + pd.offsets.MonthBegin(1) - pd.Timedelta(days=1)
    if frequency == "annual":
        return day + pd.DateOffset(years=1) - pd.Timedelta(days=1)
    return day


def truncate_frame(frame: pd.DataFrame, week_end: pd.Timestamp, frequency: str) -> pd.DataFrame:
    """Rows known on ``week_end``: daily rows dated on or before it; monthly/annual rows whose
    period (dated on its first day) has ended by then."""
    if frame.empty:
        return frame
    if frequency == "daily":
        return frame.loc[: pd.Timestamp(week_end)]
    ends = _period_end(frame.index, frequency)
    return frame[ends <= pd.Timestamp(week_end)]


def truncate_market(market: Market, week_end: pd.Timestamp) -> Market:
    """The market as it was known at the close of ``week_end`` (point-in-time)."""
    series = {
        sym: Series(
            symbol=s.symbol,
            frame=truncate_frame(s.frame, week_end, s.frequency),
            source=s.source,
            schema=s.schema,
            measure=s.measure,
            frequency=s.frequency,
            notes=s.notes,
        )
        for sym, s in market.series.items()
    }
    valuations = market.valuations
    if not valuations.empty and "date" in valuations.columns:
        valuations = valuations[pd.to_datetime(valuations["date"]) <= pd.Timestamp(week_end)]
    return Market(series=series, sample=market.sample, valuations=valuations)


def current_close(
    market: Market,
    symbol: str | None,
    week_end: pd.Timestamp,
    adjusted: bool = False,
    positive: bool = True,
) -> pd.Series:
    """Closes of ``symbol`` up to ``week_end`` whose last row lies in week_end's week.

    Raises Unavailable when the symbol is not configured, absent, empty or stale (its data stops
    before the week began), so no metric is ever computed on an old close. Prices must be
    positive (``positive``); yields may not be.
    """
    if not symbol:
        raise Unavailable("no symbol configured")
    close = market.close(symbol, adjusted=adjusted)
    if close is None:
        raise Unavailable(f"{symbol} is not in the store")
    close = close.loc[: pd.Timestamp(week_end)]
    values = close.to_numpy(dtype=float)
    keep = np.isfinite(values) & (values > 0) if positive else np.isfinite(values)
    close = close[keep]
    if close.empty:
        raise Unavailable(f"{symbol} has no data on or before {iso(week_end)}")
    last = close.index[-1]
    if last < week_monday(week_end):
        raise Unavailable(f"{symbol} data ends {iso(last)}, before the week ending {iso(week_end)}")
    return close.astype(float)
