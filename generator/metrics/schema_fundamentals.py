"""The typed records of the ``fundamentals`` section: ETF snapshots and the long B/M record.

Kept beside ``schema`` (which imports them) so that the section's shape lives in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.metrics.codec import Missing

Num = float | Missing


@dataclass(frozen=True)
class FundFigure:
    """The latest stored snapshot of one ETF figure on or before the week's end."""

    symbol: str  # the store symbol, e.g. FUND_IWM_PE
    etf: str
    date: str
    value: float
    age_days: int
    stale: bool


@dataclass(frozen=True)
class FundPair:
    """One figure of the small and the large ETF, read by the same source with one method."""

    origin: str  # "funds_data" (Ticker.funds_data.equity_holdings) or "info" (Ticker.info)
    method: str  # the method as the source states it
    small: FundFigure
    large: FundFigure
    small_vs_large: Num  # P/E, P/B: small / large - 1; growth: small - large


@dataclass(frozen=True)
class ImpliedGrowth:
    """Growth over 52 weeks of the trailing earnings implied by each ETF's price / P/E."""

    start: str
    end: str
    snapshots: int
    small: float
    large: float
    gap: float  # small - large


@dataclass(frozen=True)
class BookToMarketRecord:
    """Ken French book-to-market of the smallest / biggest size quintile, all months to date."""

    ratio: float
    date: str
    first: str
    months: int
    percentile: float
    median: float


@dataclass(frozen=True)
class Fundamentals:
    pe: FundPair | Missing
    pb: FundPair | Missing
    earnings_growth_3y: FundPair | Missing
    earnings_growth_52w: ImpliedGrowth | Missing
    book_to_market: BookToMarketRecord | Missing
