"""Typed records exchanged between pipeline stages.

A series frame has a naive ``DatetimeIndex`` named ``date`` (session dates, sorted, unique).
Columns depend on ``Series.schema``:

- ``"ohlcv"``: ``open, high, low, close, adj_close, volume`` (floats; volume may be NaN).
- ``"value"``: a single float column ``value``.

``measure`` says what the numbers are: ``price`` (index or ETF level), ``yield`` (percent),
``return`` (simple periodic return as a decimal, 0.01 = 1%), ``ratio`` (e.g. book-to-market),
``level`` (any other level, e.g. a FRED total-return index).
``frequency`` is ``daily``, ``monthly`` or ``annual``; monthly/annual rows are dated on the
first day of the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

OHLCV_COLUMNS = ("open", "high", "low", "close", "adj_close", "volume")
VALUE_COLUMNS = ("value",)
SCHEMAS = {"ohlcv": OHLCV_COLUMNS, "value": VALUE_COLUMNS}
MEASURES = ("price", "yield", "return", "ratio", "level")
FREQUENCIES = ("daily", "monthly", "annual")


@dataclass(frozen=True)
class Series:
    """One symbol's data as produced by a source, before or after validation."""

    symbol: str
    frame: pd.DataFrame
    source: str
    schema: str = "ohlcv"
    measure: str = "price"
    frequency: str = "daily"
    notes: tuple[str, ...] = field(default_factory=tuple)
    # A series of dated snapshots (ETF fundamentals): a row for a date already stored replaces
    # it (a same-day refetch), where in other series a changed value is a revision.
    snapshots: bool = False
    # What the source says of its own edition (a Ken French file's CRSP vintage line); kept in
    # the manifest entry and shown by ``generator status``.
    version: str = ""

    @property
    def calendar_checked(self) -> bool:
        """Whether rows must be NYSE sessions (daily market series, not research returns)."""
        return self.frequency == "daily" and self.measure in ("price", "yield", "level")


# Research series written by the CSV importers (Ken French library, FRED, Shiller).
# Ken French size portfolios (value-weighted returns, decimals): bottom / top 30% by size.
FF_SMALL_DAILY = "FF_ME_LO30"
FF_BIG_DAILY = "FF_ME_HI30"
FF_SMALL_MONTHLY = "FF_ME_LO30_M"
FF_BIG_MONTHLY = "FF_ME_HI30_M"
# Value-weighted average book-to-market of the 5x5 size x B/M portfolios: smallest / biggest size row.
FF_BEME_SMALL = "FF_BEME_SMALL"
FF_BEME_BIG = "FF_BEME_BIG"


@dataclass(frozen=True)
class Market:
    """Everything the metrics read, as loaded from one store.

    ``series`` maps symbol -> Series (frames as documented above). ``valuations`` is the curated
    valuation table (columns: ``date, side, forward_pe, earnings_growth, source, note``; one row
    per dated observation, ``side`` is ``small`` or ``large``), empty when the store has none.
    ``sample`` is True when the store holds the synthetic sample market.
    """

    series: dict[str, Series]
    sample: bool = False
    valuations: pd.DataFrame = field(default_factory=pd.DataFrame)

    def close(self, symbol: str | None, adjusted: bool = False) -> pd.Series | None:
        """Daily close (or adjusted close) of a symbol, or None when absent."""
        s = self.series.get(symbol) if symbol else None
        if s is None or s.schema != "ohlcv":
            return None
        col = "adj_close" if adjusted else "close"
        return s.frame[col].dropna()
