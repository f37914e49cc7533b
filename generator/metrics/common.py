"""Shared helpers for the metric modules: the null-with-reason convention and point-in-time cuts.

Convention (see docs/methodology.md): a value that cannot be computed is ``null`` and its object
carries a sibling key ``<key>_reason`` with one sentence saying why. A whole section that cannot be
computed is ``null`` with ``<section>_reason`` beside it in the document. NaN is never emitted.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
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


@lru_cache(maxsize=4096)  # pandas scalar arithmetic is slow and a document asks dozens of times
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
        # Positional slice: the same rows as .loc[:week_end] on a sorted index, several times faster.
        return frame.iloc[: int(frame.index.searchsorted(pd.Timestamp(week_end), side="right"))]
    ends = _period_end(frame.index, frequency)
    return frame[ends <= pd.Timestamp(week_end)]


@dataclass(frozen=True)
class CutMarket(Market):
    """A Market cut at one week's end. ``closes`` remembers what ``current_close`` extracted and
    ``derived`` what ``memo`` computed (month-end closes, paired months...), because a document
    asks for the same series dozens of times (both live as long as the object)."""

    closes: dict[tuple[Any, ...], pd.Series | str] = field(
        default_factory=dict, compare=False, repr=False
    )
    derived: dict[tuple[Any, ...], Any] = field(default_factory=dict, compare=False, repr=False)
    week_end: pd.Timestamp | None = None  # the cut, so cutting again at it is free


def memo(market: Market, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    """``compute()``, computed once per cut market and ``key`` (every call on a plain Market).

    The key must name everything the value depends on besides the market (symbols, week end).
    Callers must not mutate the shared result.
    """
    if not isinstance(market, CutMarket):
        return compute()
    if key not in market.derived:
        market.derived[key] = compute()
    return market.derived[key]


def truncate_market(market: Market, week_end: pd.Timestamp) -> CutMarket:
    """The market as it was known at the close of ``week_end`` (point-in-time).

    A market already cut at ``week_end`` is returned as it is, with its caches, so the metrics
    and the charts of one week can share one cut (``truncate_market`` once, pass it to both).
    """
    week_end = pd.Timestamp(week_end)
    if isinstance(market, CutMarket) and market.week_end == week_end:
        return market
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
    return CutMarket(series=series, sample=market.sample, valuations=valuations, week_end=week_end)


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
    if not isinstance(market, CutMarket):
        return _current_close(market, symbol, week_end, adjusted, positive)
    key = (symbol, pd.Timestamp(week_end), adjusted, positive)
    if key not in market.closes:
        try:
            market.closes[key] = _current_close(market, symbol, week_end, adjusted, positive)
        except Unavailable as exc:
            market.closes[key] = str(exc)
    found = market.closes[key]
    if isinstance(found, str):
        raise Unavailable(found)
    return found


def _current_close(
    market: Market, symbol: str | None, week_end: pd.Timestamp, adjusted: bool, positive: bool
) -> pd.Series:
    if not symbol:
        raise Unavailable("no symbol configured")
    series = market.series.get(symbol)
    if series is None or series.schema != "ohlcv":
        raise Unavailable(f"{symbol} is not in the store")
    frame = series.frame
    # Plain numpy: this runs a dozen times per week and pandas indexing dominates otherwise.
    stop = int(frame.index.searchsorted(pd.Timestamp(week_end), side="right"))
    values = frame["adj_close" if adjusted else "close"].to_numpy(dtype=float)[:stop]
    index = frame.index[:stop]
    keep = np.isfinite(values) & (values > 0) if positive else np.isfinite(values)
    if not keep.all():
        values, index = values[keep], index[keep]
    if len(values) == 0:
        raise Unavailable(f"{symbol} has no data on or before {iso(week_end)}")
    last = index[-1]
    if last < week_monday(week_end):
        raise Unavailable(f"{symbol} data ends {iso(last)}, before the week ending {iso(week_end)}")
    return pd.Series(values, index=index, name=symbol)
