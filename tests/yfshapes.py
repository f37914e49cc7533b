"""Frames shaped exactly like yfinance 1.7 returns them, and a fake ``yf.download``.

``history_frame`` is what ``Ticker.history(auto_adjust=False, actions=False)`` returns for daily
bars: a tz-aware exchange-local index at midnight named ``Date``; ``Open, High, Low, Close,
Adj Close, Volume`` (volume int64). ``download_frame`` applies what ``yf.download`` does to it
(yfinance/multi.py): daily data drops the time zone unless ``ignore_tz=False``; columns become
a ``(Price, Ticker)`` MultiIndex sorted by price name, flattened only with
``multi_level_index=False``. A failed ticker becomes an empty frame and its error is logged on
the ``yfinance`` logger, never raised. test_yahoo.py checks these shapes against the real
``yf.download`` with only ``Ticker.history`` replaced.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

NY = "America/New_York"
HISTORY_COLUMNS = ["Open", "High", "Low", "Close", "Adj Close", "Volume"]


def history_frame(
    dates: Sequence[str] | pd.DatetimeIndex,
    closes: Sequence[float],
    *,
    adj_factor: float = 1.0,
    tz: str = NY,
) -> pd.DataFrame:
    """Daily bars as ``Ticker.history`` returns them; open/high/low bracket the close by 1%."""
    close = np.asarray(closes, dtype="float64")
    index = pd.DatetimeIndex(pd.to_datetime(list(dates))).tz_localize(tz)
    frame = pd.DataFrame(
        {
            "Open": close * 0.995,
            "High": close * 1.01,
            "Low": close * 0.99,
            "Close": close,
            "Adj Close": close * adj_factor,
            "Volume": np.arange(1, len(close) + 1, dtype="int64") * 1000,
        },
        index=index,
    )
    frame.index.name = "Date"
    return frame


def empty_history() -> pd.DataFrame:
    """``yfinance.utils.empty_df()``: what download() stores for a ticker that failed."""
    empty = pd.DataFrame(index=[], data={name: np.nan for name in HISTORY_COLUMNS})
    empty.index.name = "Date"
    return empty


def download_frame(
    history: pd.DataFrame, ticker: str, *, multi_level_index: bool = True, ignore_tz: bool = True
) -> pd.DataFrame:
    """``history`` as ``yf.download(ticker, ...)`` hands it back (group_by='column')."""
    frame = history.copy()
    if ignore_tz and not frame.empty:
        frame.index = frame.index.tz_localize(None)
    if frame.empty:
        frame = frame.reindex(pd.DatetimeIndex([]))
    data = pd.concat([frame], axis=1, sort=True, keys=[ticker.upper()], names=["Ticker", "Price"])
    data.columns = data.columns.swaplevel(0, 1)
    data = data.sort_index(level=0, axis=1)
    if not multi_level_index:
        data = data.droplevel(1, axis=1).rename_axis(None, axis=1)
    return data


def log_failure(ticker: str, error: BaseException) -> None:
    """The two ERROR records yf.download logs for one failed ticker."""
    logger = logging.getLogger("yfinance")
    logger.error("\n1 Failed download:")
    logger.error(f"['{ticker.upper()}']: {error!r}")


# What yfinance 1.7 logs for one yf.download attempt with the network out of reach (recorded with
# HTTPS_PROXY at a closed loopback port, so libcurl fails to connect). The first attempts name
# the ConnectionError; once its time-zone lookup has failed, it blames the ticker instead.
CURL_UNREACHABLE = (
    "Failed to perform, curl: (7) Failed to connect to query2.finance.yahoo.com:443 over proxy "
    "127.0.0.1 after 0 ms: Could not connect to server. See "
    "https://curl.se/libcurl/c/libcurl-errors.html first for more details."
)
COOKIE_FAILED = "Cookie fetch from fc.yahoo.com failed (ConnectionError), continuing without it"
CRUMB_FAILED = "Cookie/crumb fetch failed (ConnectionError), continuing without crumb"


def offline_records(ticker: str, *, timezone_failed: bool) -> list[tuple[int, str]]:
    """The (level, message) records of one offline attempt, as recorded."""
    symbol, warning, error = ticker.upper(), logging.WARNING, logging.ERROR
    no_ticker = (error, f"Failed to get ticker '{symbol}' reason: {CURL_UNREACHABLE}")
    if timezone_failed:
        return [
            (warning, CRUMB_FAILED),
            no_ticker,
            (error, f"${symbol}: possibly delisted; no timezone found"),
            (error, "\n1 Failed download:"),
            (error, f"['{symbol}']: possibly delisted; no timezone found"),
        ]
    return [
        (warning, COOKIE_FAILED),
        (warning, CRUMB_FAILED),
        no_ticker,
        (warning, CRUMB_FAILED),
        (error, "\n1 Failed download:"),
        (error, f"['{symbol}']: ConnectionError({CURL_UNREACHABLE!r})"),
    ]


@dataclass(frozen=True)
class Offline:
    """An attempt with the network out of reach, logged as yfinance 1.7 logs it (empty frame)."""

    timezone_failed: bool = False


@dataclass(frozen=True)
class Fail:
    """A failure the way yf.download reports it: empty frame, error logged."""

    error: BaseException


@dataclass(frozen=True)
class Raise:
    """A failure raised out of the download call (a stand-in that does not swallow errors)."""

    error: BaseException


class FakeDownload:
    """Stands in for ``yf.download``: plays one outcome per call, per symbol, and records calls.

    An outcome is a history frame (returned shaped by the call's keyword arguments), ``Fail``,
    ``Offline`` or ``Raise``. The last outcome of a symbol repeats. ``force_multi_index`` ignores
    ``multi_level_index=False``, as a yfinance without that option would; ``tz_aware`` keeps
    the index's time zone, as ``ignore_tz=False`` does.
    """

    def __init__(
        self,
        script: dict[str, list[object]],
        *,
        force_multi_index: bool = False,
        tz_aware: bool = False,
    ) -> None:
        self.script = {symbol: list(outcomes) for symbol, outcomes in script.items()}
        self.force_multi_index = force_multi_index
        self.tz_aware = tz_aware
        self.calls: list[tuple[str, dict]] = []

    def __call__(self, tickers: str, **kwargs: object) -> pd.DataFrame:
        self.calls.append((tickers, kwargs))
        outcomes = self.script[tickers]
        outcome = outcomes.pop(0) if len(outcomes) > 1 else outcomes[0]
        multi = self.force_multi_index or bool(kwargs.get("multi_level_index", True))
        ignore_tz = not self.tz_aware and kwargs.get("ignore_tz") in (None, True)
        if isinstance(outcome, Raise):
            raise outcome.error
        if isinstance(outcome, Fail):
            log_failure(tickers, outcome.error)
            return download_frame(empty_history(), tickers, multi_level_index=multi)
        if isinstance(outcome, Offline):
            logger = logging.getLogger("yfinance")
            for level, message in offline_records(tickers, timezone_failed=outcome.timezone_failed):
                logger.log(level, message)
            return download_frame(empty_history(), tickers, multi_level_index=multi)
        assert isinstance(outcome, pd.DataFrame)
        return download_frame(outcome, tickers, multi_level_index=multi, ignore_tz=ignore_tz)

    def symbols_called(self) -> list[str]:
        return [symbol for symbol, _ in self.calls]


class Clock:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def monotonic(self) -> float:
        return self.now
