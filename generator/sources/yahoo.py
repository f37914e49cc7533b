"""The live source: daily bars from Yahoo Finance through yfinance (the only yfinance import).

We call ``yf.download`` rather than ``Ticker.history``: its failure contract is the one the
project is built around (it never raises; a failed ticker comes back as an EMPTY frame and
the reason is logged on the ``yfinance`` logger), and surfacing errors from ``history`` would
need the deprecated ``raise_errors`` flag or flipping yfinance's global config. So an empty
answer is always a failure here, never "no new data": every request re-fetches an overlap of
stored sessions, so a healthy answer is never empty.

Network errors of both HTTP backends (curl_cffi and requests) subclass ``OSError``, as do
``ConnectionError`` and ``TimeoutError``; those, ``YFRateLimitError`` and empty answers are
retried with exponential backoff within ``FetchSettings.max_attempts`` and ``max_seconds``.
The backoff has no jitter: one sequential client has no herd to spread out, and fixed delays
keep runs and tests deterministic.

Offline, yfinance logs some six records per attempt and ends with "possibly delisted; no
timezone found", which blames the ticker. Its records are collected instead of shown (they are
shown with ``--debug``), and a failure whose records name a network error says that Yahoo
Finance could not be reached, naming the error.

``yahoo_ticker`` makes the ``Ticker`` objects the ETF fundamentals are read from
(``generator.sources.fundamentals``), so this stays the one module that imports yfinance.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import yfinance as yf
from tqdm import tqdm
from yfinance.exceptions import YFException, YFRateLimitError

from generator.calendar import NY_TZ, SessionTable, xnys
from generator.config import Config, FetchSettings
from generator.errors import DataError, FetchError, UsageError
from generator.model import OHLCV_COLUMNS, Series
from generator.store import read_manifest

log = logging.getLogger(__name__)

SOURCE = "yahoo"
BACKOFF_BASE = 2.0  # seconds before the second attempt; doubles each time
BACKOFF_CAP = 30.0
REQUEST_TIMEOUT = 30.0  # seconds per HTTP request, shortened to what the budget has left
YAHOO_COLUMNS = {
    "Open": "open",
    "High": "high",
    "Low": "low",
    "Close": "close",
    "Adj Close": "adj_close",
    "Volume": "volume",
}
RETRYABLE = (OSError, YFRateLimitError)
# What a network failure looks like in yfinance's log records: the exception type of either HTTP
# backend (curl_cffi, requests) or a libcurl error code.
NETWORK_ERROR = re.compile(
    r"\b(?:ConnectionError|ConnectTimeout|ReadTimeout|Timeout|TimeoutError|ProxyError|SSLError|"
    r"NameResolutionError|MaxRetryError)\b|curl: \(\d+\)"
)
_TYPED_ERROR = re.compile(r"\b(\w*(?:Error|Timeout))\((['\"])(.*)\2\)")
_CURL_NOISE = re.compile(
    r"^Failed to perform, |\s*See https://curl\.se/\S+ first for more details\.?$"
)

Download = Callable[..., pd.DataFrame]
# What makes a ``yf.Ticker`` for a symbol (tests pass a factory of fake tickers).
TickerFactory = Callable[[str], Any]
# What reading a Ticker's fund data or info can raise: network errors (OSError), a rate limit,
# yfinance's own errors ("No Fund data found"), and the KeyError/TypeError/ValueError of an
# answer whose JSON lacks the expected parts (yfinance re-raises those unless told to hide them).
TICKER_ERRORS = (OSError, YFException, KeyError, TypeError, ValueError, AttributeError)


class EmptyAnswer(Exception):
    """yfinance answered with no rows: how it reports a failed connection or a rate limit.

    ``network`` is the network error its log records name, if any.
    """

    def __init__(self, reason: str, network: str | None = None):
        super().__init__(reason)
        self.network = network


def fetch_series(
    symbol: str,
    start: pd.Timestamp,
    *,
    settings: FetchSettings,
    cache_dir: Path,
    measure: str = "price",
    download: Download | None = None,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> Series:
    """Daily bars of ``symbol`` from ``start`` on, retried; FetchError when every attempt fails."""
    use_project_cache(cache_dir)
    call = download or yf.download
    began = monotonic()
    last_error = "no attempt made"
    unreachable: str | None = None  # the last attempt's network error, when it was one
    budget = ""
    attempt = 0
    while attempt < settings.max_attempts:
        attempt += 1
        remaining = settings.max_seconds - (monotonic() - began)
        try:
            bars = download_bars(call, symbol, start, timeout=min(REQUEST_TIMEOUT, remaining))
            return Series(symbol, bars, SOURCE, measure=measure)
        except (*RETRYABLE, EmptyAnswer) as exc:
            last_error = describe(exc)
            unreachable = _more_telling(unreachable, network_error(exc))
            log.info("%s: attempt %d failed: %s", symbol, attempt, last_error)
        if attempt >= settings.max_attempts:
            break
        delay = backoff_delay(attempt)
        if monotonic() - began + delay > settings.max_seconds:
            budget = f"; time budget of {settings.max_seconds:g}s spent"
            break
        sleep(delay)
    attempts = f"{attempt} attempt{'s' if attempt != 1 else ''}"
    if unreachable is not None:
        raise FetchError(
            f"{symbol}: Yahoo Finance could not be reached after {attempts} ({unreachable}){budget}"
        )
    raise FetchError(f"{symbol}: Yahoo fetch failed after {attempts}: {last_error}{budget}")


def fetch_updates(
    store_dir: Path,
    config: Config,
    *,
    symbols: list[str] | None = None,
    cache_dir: Path,
    download: Download | None = None,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
    progress: bool = True,
    calendar: SessionTable | None = None,
) -> list[Series]:
    """New and overlapping bars for every symbol (or ``symbols``); stops at the first failure.

    A failure raises before anything is returned, so nothing reaches the store: the update is
    all or nothing, like ``ingest``.
    """
    wanted = checked_symbols(config, symbols)
    yields = config.yield_symbols()
    manifest = read_manifest(store_dir)
    if manifest.get("sample"):
        # ingest would refuse the mix anyway; refuse before spending requests on it.
        raise DataError(f"{store_dir}: store holds sample data; live data never mixes with it")
    stored = manifest["series"]
    out: list[Series] = []
    for symbol in tqdm(wanted, desc="fetch", unit="symbol", disable=not progress, file=sys.stderr):
        start = fetch_start(stored.get(symbol), config.fetch, calendar)
        out.append(
            fetch_series(
                symbol,
                start,
                settings=config.fetch,
                cache_dir=cache_dir,
                measure="yield" if symbol in yields else "price",
                download=download,
                sleep=sleep,
                monotonic=monotonic,
            )
        )
    return out


def checked_symbols(config: Config, symbols: list[str] | None) -> list[str]:
    """The symbols to fetch, in config order; an unconfigured one is a usage error."""
    known = config.symbols()
    if symbols is None:
        return known
    unknown = [s for s in symbols if s not in known]
    if unknown:
        raise UsageError(f"{config.path}: symbol {unknown[0]!r} is not configured")
    return [s for s in known if s in symbols]


def fetch_start(
    entry: dict | None, settings: FetchSettings, calendar: SessionTable | None = None
) -> pd.Timestamp:
    """Where to start: the configured start for a new symbol, else an overlap before the last row.

    Re-fetching ``overlap_sessions`` sessions before the last stored one lets validation see
    revised closes and re-adjusted adjusted closes.
    """
    if entry is None:
        return pd.Timestamp(settings.start)
    last = pd.Timestamp(entry["last"])
    # Ten calendar days per five sessions covers holiday weeks with room to spare.
    table = xnys() if calendar is None else calendar
    window = table.sessions(last - pd.Timedelta(days=2 * settings.overlap_sessions + 10), last)
    window = window[window <= last]
    return window[max(0, len(window) - 1 - settings.overlap_sessions)]


def yahoo_ticker(symbol: str) -> Any:
    """A ``yf.Ticker`` for ``symbol`` (its ``funds_data`` and ``info`` are fetched on first use)."""
    return yf.Ticker(symbol)


def use_project_cache(cache_dir: Path) -> Path:
    """Point every yfinance cache (time zones, cookies, ISINs) inside the project's cache dir."""
    folder = Path(cache_dir) / "yfinance"
    folder.mkdir(parents=True, exist_ok=True)
    # set_tz_cache_location moves all three of yfinance 1.7's sqlite caches, not only tz.
    yf.set_tz_cache_location(str(folder))
    return folder


def download_bars(
    call: Download, symbol: str, start: pd.Timestamp, *, timeout: float
) -> pd.DataFrame:
    """One download attempt as session bars; an answer without a close raises EmptyAnswer."""
    with yfinance_errors() as logged:
        frame = call(
            symbol,
            start=pd.Timestamp(start).strftime("%Y-%m-%d"),
            auto_adjust=False,
            actions=False,
            progress=False,
            threads=False,
            multi_level_index=False,
            timeout=max(timeout, 1.0),
        )
    bars = None if frame is None or frame.empty else session_frame(frame, symbol)
    if bars is None or bars["close"].isna().all():
        reason = logged[-1][1] if logged else "no error reported"
        raise EmptyAnswer(f"empty answer from yfinance ({reason})", logged_network_error(logged))
    return bars


@contextmanager
def yfinance_errors() -> Iterator[list[tuple[int, str]]]:
    """Collect what yfinance logs at WARNING and above during a call, as (level, one-line text):
    it logs failures instead of raising. Its records are kept from the output unless the
    logging is at DEBUG (``--debug``): the failure is reported once, by our own error."""
    messages: list[tuple[int, str]] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            text = " ".join(record.getMessage().split())
            # "1 Failed download:" is a header; the reason is on the next record.
            if text and not text.endswith("Failed download:"):
                messages.append((record.levelno, text))

    handler = Collect(level=logging.WARNING)
    logger = logging.getLogger("yfinance")
    shown = logger.propagate
    logger.addHandler(handler)
    logger.propagate = shown and logger.isEnabledFor(logging.DEBUG)
    try:
        with warnings.catch_warnings():
            # yfinance 1.7 calls pandas APIs that pandas 3.1 deprecates; not ours to fix.
            warnings.filterwarnings("ignore", module=r"yfinance(\.|$)")
            yield messages
    finally:
        logger.propagate = shown
        logger.removeHandler(handler)


def logged_network_error(logged: list[tuple[int, str]]) -> str | None:
    """The network error yfinance's records name; None when none does. A record naming the
    exception (``['^RUT']: ConnectionError('...')``) is preferred, then errors over warnings."""
    ranked = sorted(
        (_TYPED_ERROR.search(text) is None, -level, position, text)
        for position, (level, text) in enumerate(logged)
        if NETWORK_ERROR.search(text)
    )
    return _error_detail(ranked[0][-1]) if ranked else None


def network_error(exc: BaseException) -> str | None:
    """The network error behind a failed attempt, as "Type: detail": raised (the errors of both
    HTTP backends are OSErrors) or logged by yfinance; None for a rate limit or a plain empty
    answer."""
    if isinstance(exc, EmptyAnswer):
        return exc.network
    if isinstance(exc, OSError):
        return f"{type(exc).__name__}: {_error_detail(str(exc))}".removesuffix(": ")
    return None


def _more_telling(previous: str | None, found: str | None) -> str | None:
    """``found``, or ``previous`` when it is the same error with its type named (yfinance's later
    attempts log the libcurl message without the exception that carried it)."""
    if found is not None and previous is not None and previous.endswith(f": {found}"):
        return previous
    return found


def _error_detail(text: str) -> str:
    """``Type: detail`` from a record or message, without libcurl's boilerplate."""
    typed = _TYPED_ERROR.search(text)
    kind, detail = (typed.group(1), typed.group(3)) if typed else (None, text)
    detail = detail.split(" reason: ", 1)[-1]  # "Failed to get ticker 'X' reason: ..."
    detail = _CURL_NOISE.sub("", " ".join(detail.split())).strip()
    return f"{kind}: {detail}" if kind else detail


def session_frame(frame: pd.DataFrame, symbol: str) -> pd.DataFrame:
    """Flat ``open..volume`` float columns on a naive, sorted session-date index."""
    flat = flat_columns(frame, symbol)
    missing = [name for name in YAHOO_COLUMNS if name not in flat.columns]
    if missing:
        # Without Adj Close the data was auto-adjusted: the total-return basis would be lost.
        raise FetchError(f"{symbol}: Yahoo answer lacks columns {missing}")
    out = flat.loc[:, list(YAHOO_COLUMNS)].rename(columns=YAHOO_COLUMNS).astype("float64")
    out.columns = pd.Index(OHLCV_COLUMNS)
    out.index = session_dates(pd.DatetimeIndex(frame.index))
    return out.sort_index(kind="stable")


def flat_columns(frame: pd.DataFrame, symbol: str) -> pd.DataFrame:
    """Drop the ticker level of yfinance's (Price, Ticker) column MultiIndex."""
    if frame.columns.nlevels == 1:
        return frame
    price_level = next(
        i for i in range(frame.columns.nlevels) if "Close" in frame.columns.get_level_values(i)
    )
    ticker_level = 1 - price_level
    tickers = list(dict.fromkeys(frame.columns.get_level_values(ticker_level)))
    # yfinance upper-cases tickers; pick ours when the frame holds several.
    chosen = symbol.upper() if symbol.upper() in tickers else tickers[0]
    if len(tickers) > 1 and symbol.upper() not in tickers:
        raise FetchError(f"{symbol}: Yahoo answer holds {tickers}, not {symbol}")
    return frame.xs(chosen, axis=1, level=ticker_level)


def session_dates(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Naive session dates for a yfinance index (naive, exchange-local or UTC).

    A stamp at midnight in its own zone is a date label (yfinance's daily bars), so its local
    date is the session, even in UTC: converting UTC midnight to New York would land on the
    previous evening and shift every bar back a day. Other stamps are instants: their New York
    date is the session.
    """
    if index.tz is None:
        dates = index.normalize()
    elif (index == index.normalize()).all():
        dates = index.tz_localize(None)
    else:
        dates = index.tz_convert(NY_TZ).tz_localize(None).normalize()
    return pd.DatetimeIndex(dates.as_unit("ns"), name="date")


def backoff_delay(attempt: int) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
    return min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (attempt - 1))


def describe(exc: BaseException) -> str:
    """One line naming the error type and message."""
    text = " ".join(str(exc).split())
    if isinstance(exc, EmptyAnswer):
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
