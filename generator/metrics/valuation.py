"""Valuation and earnings of small against large, as far as the data honestly allows.

Three independent inputs, each shown as missing when absent:

- the curated file (``Market.valuations``): latest dated forward P/E and expected earnings
  growth per side, with date and source; discount = small P/E / large P/E - 1; stale after
  ``config.valuation_stale_after_days``;
- trailing P/E of the pair's ETFs, stored by the fundamentals fetch as value series
  ``FUND_<ETF>_PE`` (``generator.fundfields``);
- book-to-market of the smallest vs the biggest size quintile (Ken French 5x5 portfolios).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from generator.config import Config
from generator.fundfields import fund_symbol
from generator.metrics.common import Unavailable, iso, missing, record, truncate_frame
from generator.model import FF_BEME_BIG, FF_BEME_SMALL, Market

# A trailing P/E snapshot older than this is not the current week's figure.
TRAILING_PE_STALE_DAYS = 14


def pe_symbol(etf: str) -> str:
    """Store symbol of an ETF's P/E series, e.g. ``FUND_IWM_PE`` (a ``PE:IWM`` could never be
    stored: ':' cannot be in a file name)."""
    return fund_symbol(etf, "PE")


def latest_by_side(valuations: pd.DataFrame, week_end: pd.Timestamp) -> dict[str, pd.Series]:
    """The latest curated row of each side dated on or before ``week_end``."""
    if valuations.empty:
        return {}
    known = valuations[pd.to_datetime(valuations["date"]) <= pd.Timestamp(week_end)]
    known = known.sort_values(["date", "side"], kind="stable")
    return {side: rows.iloc[-1] for side, rows in known.groupby("side", sort=True)}


def _number_or_reason(out: dict[str, Any], key: str, value: Any, reason: str) -> None:
    x = None if value is None or pd.isna(value) else float(value)
    if x is None or not np.isfinite(x):
        missing(out, key, reason)
    else:
        out[key] = x


def _side_entry(row: pd.Series, week_end: pd.Timestamp, stale_days: int) -> dict[str, Any]:
    date = pd.Timestamp(row["date"])
    age = (pd.Timestamp(week_end) - date).days
    out: dict[str, Any] = {"date": iso(date), "source": str(row["source"])}
    note = row.get("note")
    out["note"] = "" if note is None or pd.isna(note) else str(note)
    _number_or_reason(out, "forward_pe", row["forward_pe"], "not recorded in this entry")
    _number_or_reason(out, "earnings_growth", row["earnings_growth"], "not recorded in this entry")
    out["age_days"] = age
    out["stale"] = age > stale_days
    return out


def curated_section(
    valuations: pd.DataFrame, week_end: pd.Timestamp, stale_days: int
) -> dict[str, Any]:
    """Latest curated entry per side, the forward P/E discount and the growth gap."""
    latest = latest_by_side(valuations, week_end)
    if not latest:
        raise Unavailable(f"no hand-entered valuation figure dated on or before {iso(week_end)}")
    out: dict[str, Any] = {"stale_after_days": stale_days}
    for side in ("small", "large"):
        if side in latest:
            out[side] = _side_entry(latest[side], week_end, stale_days)
        else:
            missing(out, side, f"no curated {side}-cap entry on or before {iso(week_end)}")
    sides = [out[s] for s in ("small", "large") if out.get(s)]
    out["date"] = min(entry["date"] for entry in sides)
    sources = sorted({entry["source"] for entry in sides})
    out["source"] = "; ".join(sources)
    out["stale"] = any(entry["stale"] for entry in sides)
    small, large = out.get("small") or {}, out.get("large") or {}
    for key in ("forward_pe", "earnings_growth"):
        for side, entry in (("small", small), ("large", large)):
            _number_or_reason(out, f"{side}_{key}", entry.get(key), f"no {side}-cap {key}")
    record(out, "discount", lambda: _ratio(out["small_forward_pe"], out["large_forward_pe"]) - 1)
    record(
        out,
        "earnings_growth_gap",
        lambda: _difference(out["small_earnings_growth"], out["large_earnings_growth"]),
    )
    return out


def _ratio(numerator: float | None, denominator: float | None) -> float:
    if numerator is None or denominator is None or denominator == 0:
        raise Unavailable("needs both sides' values")
    return numerator / denominator


def _difference(a: float | None, b: float | None) -> float:
    if a is None or b is None:
        raise Unavailable("needs both sides' values")
    return a - b


def value_series(market: Market, symbol: str, week_end: pd.Timestamp) -> pd.Series | None:
    """Finite values of a value-schema series known on ``week_end`` (None when absent)."""
    series = market.series.get(symbol)
    if series is None or series.schema != "value":
        return None
    frame = truncate_frame(series.frame, week_end, series.frequency)
    values = frame["value"].astype(float)
    values = values[np.isfinite(values.to_numpy())]
    return None if values.empty else values


def pe_history(market: Market, etf: str, week_end: pd.Timestamp) -> pd.Series:
    """Trailing P/E snapshots of an ETF (index ``date``, values ``value``), empty when none."""
    values = value_series(market, pe_symbol(etf), week_end)
    return pd.Series(dtype=float) if values is None else values


def _latest_value(market: Market, symbol: str, week_end: pd.Timestamp) -> dict[str, Any]:
    values = value_series(market, symbol, week_end)
    if values is None:
        raise Unavailable(f"{symbol} has no data on record")
    return {"symbol": symbol, "date": iso(values.index[-1]), "value": float(values.iloc[-1])}


def trailing_pe_section(market: Market, config: Config, week_end: pd.Timestamp) -> dict[str, Any]:
    """Latest trailing P/E of the pair's ETFs and the small/large discount."""
    out: dict[str, Any] = {}
    for side, etf in (("small", config.small.total_return), ("large", config.large.total_return)):
        if not etf:
            missing(out, side, f"no {side}-cap ETF configured")
            continue
        record(out, side, lambda etf=etf: _latest_value(market, pe_symbol(etf), week_end))
        if out[side] is not None:
            age = (pd.Timestamp(week_end) - pd.Timestamp(out[side]["date"])).days
            out[side]["stale"] = age > TRAILING_PE_STALE_DAYS
    if out["small"] is None and out["large"] is None:
        raise Unavailable("no trailing P/E of the index funds on record")
    current = [out[s] for s in ("small", "large")]
    if any(c is None or c["stale"] for c in current):
        missing(out, "discount", "needs a current trailing P/E of both ETFs")
    else:
        out["discount"] = current[0]["value"] / current[1]["value"] - 1
    return out


def book_to_market_section(market: Market, week_end: pd.Timestamp) -> dict[str, Any]:
    """Latest book-to-market of the smallest and biggest size quintiles and their ratio."""
    out: dict[str, Any] = {}
    record(out, "small", lambda: _latest_value(market, FF_BEME_SMALL, week_end))
    record(out, "big", lambda: _latest_value(market, FF_BEME_BIG, week_end))
    if out["small"] is None and out["big"] is None:
        raise Unavailable("no Ken French book-to-market data on record")
    record(out, "ratio", lambda: _ratio(_value(out["small"]), _value(out["big"])))
    return out


def _value(entry: dict[str, Any] | None) -> float | None:
    return None if entry is None else entry["value"]


def compute_valuation(market: Market, config: Config, week_end: pd.Timestamp) -> dict[str, Any]:
    """The valuation section: curated entries, ETF trailing P/E, book-to-market."""
    week_end = pd.Timestamp(week_end)
    out: dict[str, Any] = {}
    stale_days = config.valuation_stale_after_days
    record(out, "curated", lambda: curated_section(market.valuations, week_end, stale_days))
    record(out, "trailing_pe", lambda: trailing_pe_section(market, config, week_end))
    record(out, "book_to_market", lambda: book_to_market_section(market, week_end))
    return out
