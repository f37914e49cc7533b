"""Scoreboard returns: 1w, MTD, QTD, YTD, 1y and annualised 3/5/10 years, compounded."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from generator.metrics.common import (
    MAX_START_GAP_DAYS,
    Unavailable,
    as_unit_of,
    current_close,
    finite,
    iso,
    missing,
    record,
    week_monday,
)
from generator.model import Market

PERIODS = ("1w", "mtd", "qtd", "ytd", "1y", "3y_ann", "5y_ann", "10y_ann")
YEARS = {"1y": 1, "3y_ann": 3, "5y_ann": 5, "10y_ann": 10}
# How a reason names a period: reasons are printed on the report page.
PERIOD_WORDS = {
    "1w": "week",
    "mtd": "month",
    "qtd": "quarter",
    "ytd": "year",
    "1y": "1-year",
    "3y_ann": "3-year",
    "5y_ann": "5-year",
    "10y_ann": "10-year",
}


@lru_cache(maxsize=4096)
def period_boundary(week_end: pd.Timestamp, period: str) -> pd.Timestamp:
    """The calendar date a period starts from.

    For 1w/mtd/qtd/ytd the start close is the last one strictly before this date (the last
    session of the previous week/month/quarter/year); for Ny periods it is the last close on or
    before it (same calendar date N years earlier; Feb 29 becomes Feb 28).
    """
    w = pd.Timestamp(week_end).normalize()
    if period == "1w":
        return week_monday(w)
    if period == "mtd":
        return pd.Timestamp(w.year, w.month, 1)
    if period == "qtd":
        return pd.Timestamp(w.year, 3 * ((w.month - 1) // 3) + 1, 1)
    if period == "ytd":
        return pd.Timestamp(w.year, 1, 1)
    if period in YEARS:
        return w - pd.DateOffset(years=YEARS[period])
    raise ValueError(f"unknown period {period!r}; allowed: {', '.join(PERIODS)}")


def period_start(index: pd.DatetimeIndex, week_end: pd.Timestamp, period: str) -> int:
    """Position in ``index`` of the period's start close; Unavailable if history is too short."""
    return start_position(index.values, week_end, period)


def start_position(days: np.ndarray, week_end: pd.Timestamp, period: str) -> int:
    """``period_start`` on the index's datetime64 values."""
    boundary = period_boundary(pd.Timestamp(week_end), period)
    side = "right" if period in YEARS else "left"
    # numpy on .values: DatetimeIndex.searchsorted and .to_numpy() cost ~10x more, and this
    # runs ~90x a week.
    pos = int(np.searchsorted(days, as_unit_of(boundary, days), side=side)) - 1
    if pos < 0:
        raise Unavailable(
            f"history starts {iso(days[0]) if len(days) else 'nowhere'}, "
            f"after the {PERIOD_WORDS[period]} period's start {iso(boundary)}"
        )
    if days[pos] < _earliest_start(boundary):
        raise Unavailable(f"no close within {MAX_START_GAP_DAYS} days before {iso(boundary)}")
    if pos >= len(days) - 1:
        raise Unavailable(
            f"no close after the {PERIOD_WORDS[period]} period's start {iso(days[pos])}"
        )
    return pos


@lru_cache(maxsize=4096)
def _earliest_start(boundary: pd.Timestamp) -> np.datetime64:
    return (boundary - pd.Timedelta(days=MAX_START_GAP_DAYS)).to_datetime64()


def period_return(close: pd.Series, week_end: pd.Timestamp, period: str) -> float:
    """Compounded return of ``close`` (ending at its last row) over ``period``.

    ``3y_ann``/``5y_ann``/``10y_ann`` are annualised: (end/start)^(1/N) - 1.
    """
    return return_of_arrays(close.index.values, close.to_numpy(dtype=float), week_end, period)


def return_of_arrays(
    days: np.ndarray, values: np.ndarray, week_end: pd.Timestamp, period: str
) -> float:
    """``period_return`` of dates and float values as arrays."""
    pos = start_position(days, week_end, period)
    growth = values[-1] / values[pos]
    years = YEARS.get(period, 1)
    return finite(growth ** (1.0 / years) - 1.0, f"{period} return")


def rebased(close: pd.Series, week_end: pd.Timestamp, period: str = "ytd") -> pd.Series:
    """Cumulative return path since the period's start close (0.0 at the start close).

    Output: a Series indexed by date from the start close to the last row; values are decimals.
    Empty when the period start is unavailable.
    """
    try:
        pos = period_start(close.index, week_end, period)
    except Unavailable:
        return pd.Series(dtype=float)
    values = _rebased_values(close.to_numpy(dtype=float), pos)
    return pd.Series(values, index=close.index[pos:], name=close.name)


def rebased_table(
    days: np.ndarray, closes: dict[str, np.ndarray], week_end: pd.Timestamp, period: str = "ytd"
) -> pd.DataFrame:
    """``rebased`` of closes sharing ``days``: columns ``date`` then one per name of ``closes``
    (decimal returns since the period's start close, 0.0 on it), every session from the start
    close on. The last row's returns are the scoreboard's ``period_return`` of those closes, to
    the bit. Raises Unavailable when the period start is unavailable."""
    pos = start_position(days, week_end, period)
    return pd.DataFrame(
        {"date": days[pos:], **{name: _rebased_values(v, pos) for name, v in closes.items()}}
    )


def _rebased_values(values: np.ndarray, pos: int) -> np.ndarray:
    """values / values[pos] - 1 from ``pos`` on."""
    return values[pos:] / values[pos] - 1.0


def pair_returns(
    market: Market,
    small: str | None,
    large: str | None,
    week_end: pd.Timestamp,
    adjusted: bool,
    periods: tuple[str, ...] = PERIODS,
) -> dict[str, Any]:
    """``{period: {small, large, spread}}`` for every scoreboard period (or ``periods``)."""
    closes: dict[str, pd.Series | None] = {}
    reasons: dict[str, str] = {}
    for side, symbol in (("small", small), ("large", large)):
        try:
            closes[side] = current_close(market, symbol, week_end, adjusted=adjusted)
        except Unavailable as exc:
            closes[side], reasons[side] = None, str(exc)
    out: dict[str, Any] = {}
    for period in periods:
        row: dict[str, Any] = {}
        for side in ("small", "large"):
            c = closes[side]
            if c is None:
                missing(row, side, reasons[side])
            else:
                record(row, side, lambda c=c, p=period: period_return(c, week_end, p))
        if row["small"] is None or row["large"] is None:
            missing(row, "spread", "small or large return is missing")
        else:
            row["spread"] = row["small"] - row["large"]
        out[period] = row
    return out


def returns_sections(market: Market, config: Any, week_end: pd.Timestamp) -> dict[str, Any]:
    """``returns`` (price basis, indices) and ``returns_tr`` (total return, ETFs' Adj Close)."""
    out: dict[str, Any] = {
        "returns": pair_returns(
            market, config.small.index, config.large.index, week_end, adjusted=False
        )
    }
    small_tr, large_tr = config.small.total_return, config.large.total_return
    try:
        current_close(market, small_tr, week_end, adjusted=True)
        current_close(market, large_tr, week_end, adjusted=True)
    except Unavailable as exc:
        missing(out, "returns_tr", f"total-return basis unavailable: {exc}")
        return out
    out["returns_tr"] = pair_returns(market, small_tr, large_tr, week_end, adjusted=True)
    return out
