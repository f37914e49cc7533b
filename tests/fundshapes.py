"""Fake yfinance Tickers whose ``funds_data`` and ``info`` are shaped like yfinance 1.7's.

``equity_holdings_frame`` builds what ``FundsData.equity_holdings`` returns
(yfinance/scrapers/funds.py, ``_parse_top_holdings``): a frame indexed by ``Average`` with six
rows, a column named after the fund's symbol and a ``Category Average`` column, ``pd.NA`` for a
value the answer lacks. test_fundamentals_source.py checks it against yfinance's own parser.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

ROWS = ("Price/Earnings", "Price/Book", "Price/Sales", "Price/Cashflow", "Median Market Cap",
        "3 Year Earnings Growth")  # fmt: skip


def equity_holdings_frame(
    symbol: str, own: Mapping[str, Any], category: Mapping[str, Any] | None = None
) -> pd.DataFrame:
    """``equity_holdings`` of ``symbol``: ``own`` and ``category`` map row labels to values."""
    category = category or {}
    return pd.DataFrame(
        {
            "Average": list(ROWS),
            symbol: [own.get(row, pd.NA) for row in ROWS],
            "Category Average": [category.get(row, pd.NA) for row in ROWS],
        }
    ).set_index("Average")


class FakeFundsData:
    def __init__(self, holdings: pd.DataFrame | BaseException):
        self._holdings = holdings

    @property
    def equity_holdings(self) -> pd.DataFrame:
        if isinstance(self._holdings, BaseException):
            raise self._holdings
        return self._holdings


class FakeTicker:
    """``funds_data`` and ``info`` as a yf.Ticker has them; either may raise instead."""

    def __init__(
        self,
        holdings: pd.DataFrame | BaseException,
        info: dict[str, Any] | BaseException | None = None,
    ):
        self._funds = FakeFundsData(holdings)
        self._info = {} if info is None else info
        self.info_reads = 0

    @property
    def funds_data(self) -> FakeFundsData:
        return self._funds

    @property
    def info(self) -> dict[str, Any]:
        self.info_reads += 1
        if isinstance(self._info, BaseException):
            raise self._info
        return self._info


def etf_info(symbol: str, **values: Any) -> dict[str, Any]:
    """A few of the keys ``Ticker.info`` has for an ETF, plus ``values`` (trailingPE, ...)."""
    return {"quoteType": "ETF", "symbol": symbol, "longName": f"{symbol} fund",
            "navPrice": 200.0, "ytdReturn": 0.05, "fundFamily": "iShares", **values}  # fmt: skip


class TickerBook:
    """A ticker factory: ``tickers[symbol]``; an unknown symbol has no fund data at all."""

    def __init__(self, tickers: Mapping[str, FakeTicker]):
        self.tickers = dict(tickers)
        self.asked: list[str] = []

    def __call__(self, symbol: str) -> FakeTicker:
        self.asked.append(symbol)
        return self.tickers.get(symbol) or FakeTicker(equity_holdings_frame(symbol, {}))
