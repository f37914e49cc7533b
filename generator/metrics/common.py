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

from generator.calendar import SessionTable, xnys
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


def as_unit_of(day: pd.Timestamp | np.datetime64, days: np.ndarray) -> np.datetime64:
    """``day`` as a datetime64 of ``days``' unit when that is exact (else in its own unit), so
    comparing or searching it in ``days`` does not convert the whole array."""
    return _as_unit(pd.Timestamp(day), days.dtype)


@lru_cache(maxsize=4096)  # Timestamp conversions cost microseconds and a document asks often
def _as_unit(day: pd.Timestamp, dtype: np.dtype) -> np.datetime64:
    value = np.datetime64(day.to_datetime64())
    cast = value.astype(dtype)
    return cast if cast == value else value


def run_ends(keys: np.ndarray) -> np.ndarray:
    """Mask of the last element of every run of equal consecutive ``keys`` (np.r_ costs ~20 us
    a call, more than the comparison itself)."""
    out = np.ones(len(keys), dtype=bool)
    np.not_equal(keys[1:], keys[:-1], out=out[:-1])
    return out


def inner_positions(a: pd.Index, b: pd.Index) -> tuple[np.ndarray, np.ndarray] | None:
    """Positions (i, j) with ``a[i] == b[j]``, in date order: the rows of an inner join (pandas'
    ``align``) as positions. None unless both are increasing DatetimeIndexes of one dtype."""
    if not (isinstance(a, pd.DatetimeIndex) and isinstance(b, pd.DatetimeIndex)):
        return None
    days, other = a.values, b.values
    if days.dtype != other.dtype or not (_increasing(days) and _increasing(other)):
        return None
    if len(days) == len(other) and np.array_equal(days, other):
        every = np.arange(len(days))
        return every, every
    # numpy's searchsorted, not an intersection: both are sorted, so this is one pass each.
    pos = np.minimum(np.searchsorted(other, days), max(len(other) - 1, 0))
    hit = other[pos] == days if len(other) else np.zeros(len(days), dtype=bool)
    return np.flatnonzero(hit), pos[hit]


def _increasing(days: np.ndarray) -> bool:
    return bool((days[1:] > days[:-1]).all())


def truncate_frame(frame: pd.DataFrame, week_end: pd.Timestamp, frequency: str) -> pd.DataFrame:
    """Rows known on ``week_end``: daily rows dated on or before it; monthly/annual rows whose
    period (dated on its first day) has ended by then."""
    if frame.empty:
        return frame
    if frequency == "daily":
        # Positional slice: the same rows as .loc[:week_end] on a sorted index, several times faster.
        days = frame.index.values
        return frame.iloc[: int(np.searchsorted(days, as_unit_of(week_end, days), side="right"))]
    ends = _period_ends(frame.index, frequency)
    known = ends <= as_unit_of(week_end, ends)
    count = int(np.count_nonzero(known))
    if getattr(frame.index, "freq", None) is None and known[:count].all():
        return frame.iloc[:count]  # the usual case, a prefix: a slice, not a boolean selection
    return frame[known]


def _period_ends(index: pd.Index, frequency: str) -> np.ndarray:
    """``_period_end`` of every date of an index as a datetime64 array (numpy for months: the
    offset arithmetic of pandas costs ~0.1 ms a series)."""
    if frequency == "monthly" and isinstance(index, pd.DatetimeIndex) and index.tz is None:
        days = index.values
        time_of_day = days - days.astype("datetime64[D]")
        next_month = (days.astype("datetime64[M]") + 1).astype("datetime64[D]")
        # day + MonthBegin(1) - 1 day: the month's last day, at the same time of day
        return next_month - np.timedelta64(1, "D") + time_of_day
    return np.asarray(_period_end(index, frequency).values)


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
    # The run's NYSE session table (``calendar.load_calendar``); None: the one this process builds.
    calendar: SessionTable | None = field(default=None, compare=False, repr=False)


def market_calendar(market: Market) -> SessionTable:
    """The session table the metrics of ``market`` use: the cut's, else the process's own."""
    table = market.calendar if isinstance(market, CutMarket) else None
    return table if table is not None else xnys()


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


def truncate_market(
    market: Market, week_end: pd.Timestamp, calendar: SessionTable | None = None
) -> CutMarket:
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
    if calendar is None and isinstance(market, CutMarket):
        calendar = market.calendar
    return CutMarket(
        series=series,
        sample=market.sample,
        valuations=valuations,
        week_end=week_end,
        calendar=calendar,
    )


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
        raise Unavailable(f"{symbol} has no data on record")
    frame = series.frame
    # Plain numpy: this runs twenty times per week and pandas indexing dominates otherwise.
    index = frame.index
    days = index.values
    stop = int(np.searchsorted(days, as_unit_of(week_end, days), side="right"))
    values = frame["adj_close" if adjusted else "close"].to_numpy(dtype=float)[:stop]
    if stop < len(index):  # a cut market's frames already end at week_end
        index, days = index[:stop], days[:stop]
    keep = np.isfinite(values) & (values > 0) if positive else np.isfinite(values)
    if not keep.all():
        values, index, days = values[keep], index[keep], days[keep]
    if len(values) == 0:
        raise Unavailable(f"{symbol} has no data on or before {iso(week_end)}")
    if days[-1] < _monday_day(pd.Timestamp(week_end)):
        raise Unavailable(
            f"{symbol} data ends {iso(days[-1])}, before the week ending {iso(week_end)}"
        )
    return pd.Series(values, index=index, name=symbol)


@lru_cache(maxsize=4096)
def _monday_day(day: pd.Timestamp) -> np.datetime64:
    return week_monday(day).to_datetime64()
