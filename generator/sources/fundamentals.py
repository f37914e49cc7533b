"""ETF fundamentals from Yahoo Finance: a dated weekly snapshot per ETF and figure.

yfinance's ``Ticker(sym).funds_data.equity_holdings`` (yfinance/scrapers/funds.py, 1.7) is a
DataFrame indexed by ``Average`` with the rows ``Price/Earnings``, ``Price/Book``,
``Price/Sales``, ``Price/Cashflow``, ``Median Market Cap`` and ``3 Year Earnings Growth``, one
column named after the fund's symbol and one ``Category Average``; a value the answer lacks is
``pd.NA``. They are the averages over the fund's holdings that Yahoo's ``topHoldings`` module
publishes (``equityHoldings.priceToEarnings`` ...). ``Ticker.info`` is read only for a figure
that table lacks (``trailingPE``, ``priceToBook``), and such a figure is stored under its own
symbol (``FUND_IWM_PE_INFO``): the two are different methods and are never mixed in one history.

Each figure is one value series ``FUND_<ETF>_<FIELD>`` (FIELD: PE, PB, PS, PCF, EG3Y) with one
row per fetch, dated on the last closed NYSE session at the time of the fetch. History builds
up week by week; a second fetch on the same day replaces that day's row (``Series.snapshots``).
A fund whose data cannot be read is skipped with a warning; a fetch that gets no figure at all
fails (FetchError): the stored snapshots stay as they were.
"""

from __future__ import annotations

import logging
import math
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from generator.calendar import SessionTable, xnys
from generator.config import Config
from generator.errors import DataError, FetchError
from generator.fundfields import FIELDS, FUNDS_DATA, INFO, INFO_METHODS, FundField, fund_symbol
from generator.model import Series
from generator.sources.yahoo import TICKER_ERRORS, TickerFactory, yahoo_ticker, yfinance_errors
from generator.store import read_manifest

log = logging.getLogger(__name__)

SOURCE = "fundamentals"
CATEGORY_COLUMN = "Category Average"  # the column beside the fund's own in equity_holdings


def fund_etfs(config: Config) -> list[str]:
    """The ETFs whose fundamentals are fetched: the pair's total-return ETFs, then the ladder
    (indices, ``^...``, have no holdings)."""
    wanted = [config.small.total_return, config.large.total_return, *config.ladder]
    return [s for s in dict.fromkeys(wanted) if s and not s.startswith("^")]


def fetch_fundamentals(
    store: Path,
    config: Config,
    *,
    now: pd.Timestamp,
    progress: bool,
    ticker: TickerFactory = yahoo_ticker,
    calendar: SessionTable | None = None,
) -> list[Series]:
    """Today's snapshot of every configured ETF's figures, one value series per ETF and figure,
    dated on the last closed session at ``now``; FetchError when no figure could be read."""
    if read_manifest(store).get("sample"):
        raise DataError(f"{store}: store holds sample data; live data never mixes with it")
    day = snapshot_day(now, xnys() if calendar is None else calendar)
    etfs = fund_etfs(config)
    out: list[Series] = []
    failures: list[str] = []
    for etf in tqdm(etfs, desc="fundamentals", unit="fund", disable=not progress, file=sys.stderr):
        try:
            figures = read_figures(ticker(etf), etf)
        except TICKER_ERRORS as exc:
            failures.append(f"{etf}: {_describe(exc)}")
            log.warning("%s: fundamentals not fetched (%s)", etf, _describe(exc))
            continue
        if not figures:
            failures.append(f"{etf}: Yahoo publishes none of {', '.join(f.row for f in FIELDS)}")
            log.warning("%s: no fundamentals in Yahoo's answer", etf)
        out.extend(snapshot_series(etf, figures, day))
    if not out:
        raise FetchError(f"fundamentals: no figure for any ETF ({'; '.join(failures)})")
    return out


def snapshot_day(now: pd.Timestamp, calendar: SessionTable) -> pd.Timestamp:
    """The last NYSE session whose close has passed at ``now`` (tz-aware): the date of a fetch."""
    today = now.tz_convert("America/New_York").tz_localize(None).normalize()
    recent = calendar.sessions(today - pd.Timedelta(days=14), today)
    closed = [day for day in recent if calendar.is_closed(day, now)]
    if not closed:
        raise DataError(f"no closed NYSE session in the two weeks before {today:%Y-%m-%d}")
    return pd.Timestamp(closed[-1])


@dataclass(frozen=True)
class Figure:
    """One figure read for one ETF: its value, where it came from and how it is defined."""

    field: FundField
    value: float
    origin: str  # FUNDS_DATA or INFO
    method: str


def read_figures(ticker: Any, etf: str) -> list[Figure]:
    """The figures of one fund: from ``funds_data.equity_holdings``, else from ``info``."""
    with yfinance_errors():
        holdings = ticker.funds_data.equity_holdings
    column = _fund_column(holdings, etf)
    out: list[Figure] = []
    info: dict[str, Any] | None = None
    for spec in FIELDS:
        value = _usable(spec, _cell(holdings, spec.row, column))
        if value is not None:
            out.append(Figure(spec, value, FUNDS_DATA, spec.method))
            continue
        if spec.info_key is None:
            continue
        info = _info(ticker, etf) if info is None else info
        value = _usable(spec, info.get(spec.info_key))
        if value is not None:
            out.append(Figure(spec, value, INFO, INFO_METHODS[spec.info_key]))
    return out


def _fund_column(holdings: Any, etf: str) -> str | None:
    """The fund's own column (named after its symbol, upper-cased by yfinance); None when the
    frame has none (an empty answer)."""
    if not isinstance(holdings, pd.DataFrame) or holdings.empty:
        return None
    if etf.upper() in holdings.columns:
        return etf.upper()
    own = [c for c in holdings.columns if c != CATEGORY_COLUMN]
    return own[0] if len(own) == 1 else None


def _cell(holdings: Any, row: str, column: str | None) -> Any:
    if column is None or row not in holdings.index:
        return None
    return holdings.at[row, column]


def _info(ticker: Any, etf: str) -> dict[str, Any]:
    """``Ticker.info``, or an empty dict when it cannot be read (the fallback is optional)."""
    try:
        with yfinance_errors():
            info = ticker.info
    except TICKER_ERRORS as exc:
        log.info("%s: Ticker.info not available (%s)", etf, _describe(exc))
        return {}
    return info if isinstance(info, dict) else {}


def _usable(spec: FundField, value: Any) -> float | None:
    """The value as a float when it is a finite number (a positive one for a price multiple)."""
    if value is None or isinstance(value, bool) or value is pd.NA:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or (spec.ratio and number <= 0):
        return None
    return number


def snapshot_series(etf: str, figures: Iterable[Figure], day: pd.Timestamp) -> list[Series]:
    """One single-row value series per figure, dated ``day``; its method in the notes."""
    return [
        Series(
            symbol=fund_symbol(etf, figure.field.key, figure.origin),
            frame=pd.DataFrame(
                {"value": [figure.value]}, index=pd.DatetimeIndex([day], name="date")
            ),
            source=f"yahoo:{figure.origin}",
            schema="value",
            measure="ratio",
            frequency="daily",
            notes=(figure.method,),
            snapshots=True,
        )
        for figure in figures
    ]


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
