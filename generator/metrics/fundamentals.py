"""Earnings growth and valuation of small against large from the stored ETF fundamentals, and
the Ken French book-to-market record: the ``fundamentals`` section.

Point-in-time like every section: only snapshots dated on or before the week's end, and only
Ken French months that had ended by then (the market is cut before this runs; ``value_series``
cuts again). Rules (each on the methodology page):

- P/E, P/B, 3-year earnings growth: the latest snapshot of the small and the large ETF, both
  from the same source (``funds_data`` first, else both from ``Ticker.info``), never one of
  each. A snapshot older than ``STALE_DAYS`` days is shown with its date but not compared.
- Earnings growth over 52 weeks: each ETF's trailing earnings implied by close / P/E at the
  latest snapshot and at the snapshot nearest 52 weeks earlier (within ``TOLERANCE_DAYS``),
  once at least ``MIN_SNAPSHOTS`` snapshots exist; growth = later / earlier - 1.
- Book-to-market: small B/M / big B/M of every month up to the week, its percentile (share of
  months <= the latest) and median.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from generator.config import Config
from generator.fundfields import FIELDS, FUNDS_DATA, INFO, INFO_METHODS, fund_symbol
from generator.metrics.common import Unavailable, iso, missing, record
from generator.metrics.relative import percentile_of_last
from generator.metrics.valuation import value_series
from generator.model import FF_BEME_BIG, FF_BEME_SMALL, Market

STALE_DAYS = 14  # a snapshot older than two weeks is not this week's figure
MIN_SNAPSHOTS = 52  # weekly snapshots before the 52-week earnings growth is computed
WINDOW_DAYS = 364  # 52 weeks
TOLERANCE_DAYS = 7  # how far the earlier snapshot may sit from 52 weeks before the latest
NOT_FETCHED = (
    "no earnings or valuation snapshots of the index funds yet: run `generator fetch --source "
    "fundamentals`; the weekly job records one a week from the first fetch of fund data"
)
_SPECS = {spec.key: spec for spec in FIELDS}


def compute_fundamentals(market: Market, config: Config, week_end: pd.Timestamp) -> dict[str, Any]:
    """The fundamentals section; each part null with a reason when its data is missing."""
    week_end = pd.Timestamp(week_end)
    out: dict[str, Any] = {}
    for name, key in (("pe", "PE"), ("pb", "PB"), ("earnings_growth_3y", "EG3Y")):
        record(out, name, lambda key=key: fund_pair(market, config, key, week_end))
    record(out, "earnings_growth_52w", lambda: implied_growth(market, config, week_end))
    record(out, "book_to_market", lambda: book_to_market_record(market, week_end))
    return out


def pair_etfs(config: Config) -> tuple[str, str]:
    """The small and the large ETF (the pair's total-return symbols)."""
    small, large = config.small.total_return, config.large.total_return
    if not small or not large:
        raise Unavailable("the pair has no total-return ETF configured on both sides")
    return small, large


def fund_figure(
    market: Market, etf: str, key: str, origin: str, week_end: pd.Timestamp
) -> dict[str, Any] | None:
    """The latest snapshot of one figure on or before ``week_end``; None when there is none."""
    symbol = fund_symbol(etf, key, origin)
    values = value_series(market, symbol, week_end)
    if values is None:
        return None
    age = (week_end - values.index[-1]).days
    return {
        "symbol": symbol,
        "etf": etf,
        "date": iso(values.index[-1]),
        "value": float(values.iloc[-1]),
        "age_days": age,
        "stale": age > STALE_DAYS,
    }


def fund_pair(market: Market, config: Config, key: str, week_end: pd.Timestamp) -> dict[str, Any]:
    """Small against large for one figure, both sides from one source (funds_data, else info)."""
    small_etf, large_etf = pair_etfs(config)
    spec = _SPECS[key]
    found = {}
    for origin in (FUNDS_DATA, INFO) if spec.info_key else (FUNDS_DATA,):
        found[origin] = [fund_figure(market, etf, key, origin, week_end)
                         for etf in (small_etf, large_etf)]  # fmt: skip
        small, large = found[origin]
        if small is not None and large is not None:
            method = spec.method if origin == FUNDS_DATA else INFO_METHODS[spec.info_key or ""]
            out = {"origin": origin, "method": method, "small": small, "large": large}
            if small["stale"] or large["stale"]:
                missing(out, "small_vs_large", f"a snapshot is older than {STALE_DAYS} days")
            elif spec.ratio:
                out["small_vs_large"] = small["value"] / large["value"] - 1
            else:
                out["small_vs_large"] = small["value"] - large["value"]
            return out
    if all(figure is None for figures in found.values() for figure in figures):
        raise Unavailable(NOT_FETCHED)
    raise Unavailable(
        f"{small_etf} and {large_etf} have no {spec.row} from the same source on or before "
        f"{iso(week_end)} (funds_data and Ticker.info figures are not compared)"
    )


def implied_growth(market: Market, config: Config, week_end: pd.Timestamp) -> dict[str, Any]:
    """Growth over 52 weeks of each ETF's trailing earnings implied by close / P/E."""
    etfs = pair_etfs(config)
    histories = [value_series(market, fund_symbol(etf, "PE"), week_end) for etf in etfs]
    pes = [h for h in histories if h is not None]
    if len(pes) < len(etfs):
        raise Unavailable(NOT_FETCHED)
    small_pe, large_pe = pes
    count = min(len(small_pe), len(large_pe))
    if count < MIN_SNAPSHOTS:
        raise Unavailable(
            f"needs {MIN_SNAPSHOTS} weekly P/E snapshots of {etfs[0]} and {etfs[1]}; the store "
            f"has {count} (since {iso(max(small_pe.index[0], large_pe.index[0]))})"
        )
    end = min(small_pe.index[-1], large_pe.index[-1])
    target = end - pd.Timedelta(days=WINDOW_DAYS)
    growth = [_earnings_growth(market, etf, pe, target, end) for etf, pe in zip(etfs, pes, strict=True)]  # fmt: skip
    (start, small), (_, large) = growth
    return {"start": iso(start), "end": iso(end), "snapshots": count, "small": small,
            "large": large, "gap": small - large}  # fmt: skip


def _earnings_growth(
    market: Market, etf: str, pe: pd.Series, target: pd.Timestamp, end: pd.Timestamp
) -> tuple[pd.Timestamp, float]:
    """(start date, growth of close / P/E from the snapshot nearest ``target`` to ``end``)."""
    near = pe[(pe.index >= target - pd.Timedelta(days=TOLERANCE_DAYS))
              & (pe.index <= target + pd.Timedelta(days=TOLERANCE_DAYS))]  # fmt: skip
    if near.empty:
        raise Unavailable(
            f"{etf} has no P/E snapshot within {TOLERANCE_DAYS} days of {iso(target)}"
        )
    start = near.index[np.argmin(np.abs((near.index - target).days))]
    close = market.close(etf)
    if close is None or close.empty:
        raise Unavailable(f"no {etf} closes on record")
    prices = close.asof(pd.DatetimeIndex([start, end]))
    if prices.isna().any():
        raise Unavailable(f"{etf} has no close on or before {iso(start)}")
    earnings = prices.to_numpy() / pe.loc[[start, end]].to_numpy()
    return start, float(earnings[1] / earnings[0] - 1)


def book_to_market_record(market: Market, week_end: pd.Timestamp) -> dict[str, Any]:
    """Small B/M / big B/M: the latest month, its percentile and median over every month."""
    small = value_series(market, FF_BEME_SMALL, week_end)
    big = value_series(market, FF_BEME_BIG, week_end)
    if small is None or big is None:
        raise Unavailable(
            # Readers see the first part; the operator's hint is kept for metrics.json and status.
            "no Ken French book-to-market data on record: run `generator import "
            "25_Portfolios_5x5.CSV`"
        )
    ratio = (small / big).dropna()
    ratio = ratio[np.isfinite(ratio.to_numpy())]
    if ratio.empty:
        raise Unavailable("the small and big book-to-market series share no month")
    values = ratio.to_numpy(dtype=float)
    return {
        "ratio": float(values[-1]),
        "date": iso(ratio.index[-1]),
        "first": iso(ratio.index[0]),
        "months": int(len(values)),
        "percentile": percentile_of_last(values),
        "median": float(np.median(values)),
    }
