"""The ETF figures stored by the fundamentals source: symbols, fields and methods.

Kept apart from ``generator.sources.fundamentals`` (which reaches yfinance through
``generator.sources.yahoo``) so that the metrics can name and explain the stored series.
"""

from __future__ import annotations

from dataclasses import dataclass

PREFIX = "FUND_"
INFO_SUFFIX = "_INFO"  # a figure read from Ticker.info, the fallback
FUNDS_DATA, INFO = "funds_data", "info"
EXCLUSION = (
    "averages of this kind leave out holdings with negative earnings, a large share of the "
    "Russell 2000's companies, which lowers a small-cap P/E against a large-cap one"
)


@dataclass(frozen=True)
class FundField:
    """One published figure: its symbol part, its ``equity_holdings`` row, its ``Ticker.info``
    fallback key (None: no fallback) and its method as the source states it."""

    key: str
    row: str
    info_key: str | None
    ratio: bool  # a price multiple (positive); else a growth rate (a decimal, any sign)
    method: str


FIELDS: tuple[FundField, ...] = (
    FundField("PE", "Price/Earnings", "trailingPE", True,
              "price/earnings of the fund's holdings as Yahoo Finance publishes it "
              f"(topHoldings equityHoldings.priceToEarnings); {EXCLUSION}"),
    FundField("PB", "Price/Book", "priceToBook", True,
              "price/book of the fund's holdings (topHoldings equityHoldings.priceToBook)"),
    FundField("PS", "Price/Sales", None, True,
              "price/sales of the fund's holdings (topHoldings equityHoldings.priceToSales)"),
    FundField("PCF", "Price/Cashflow", None, True,
              "price/cash flow of the fund's holdings "
              "(topHoldings equityHoldings.priceToCashflow)"),
    FundField("EG3Y", "3 Year Earnings Growth", None, False,
              "3-year earnings growth of the fund's holdings, a decimal per year "
              "(topHoldings equityHoldings.threeYearEarningsGrowth); holdings with negative "
              "earnings have no growth rate and are left out"),
)  # fmt: skip
INFO_METHODS = {
    "trailingPE": "the fund's trailing P/E from Ticker.info (quote summary trailingPE)",
    "priceToBook": "the fund's price/book from Ticker.info (quote summary priceToBook)",
}


def fund_symbol(etf: str, key: str, origin: str = FUNDS_DATA) -> str:
    """Store symbol of one figure of one ETF: ``FUND_IWM_PE``, or ``FUND_IWM_PE_INFO`` for the
    ``Ticker.info`` fallback."""
    return f"{PREFIX}{etf}_{key}{INFO_SUFFIX if origin == INFO else ''}"


def field_method(symbol: str) -> str | None:
    """The method of a stored ``FUND_...`` symbol as the source states it (None: not one)."""
    for spec in FIELDS:
        if symbol.endswith(f"_{spec.key}") and symbol.startswith(PREFIX):
            return spec.method
        if symbol.endswith(f"_{spec.key}{INFO_SUFFIX}") and spec.info_key:
            return INFO_METHODS[spec.info_key]
    return None
