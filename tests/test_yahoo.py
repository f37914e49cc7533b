"""The live source: shapes, session dates, retries, time budget and cache placement."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yfinance as yf
import yfinance.cache
import yfinance.multi
from yfinance.exceptions import YFRateLimitError

from generator.config import FetchSettings, parse_config
from generator.errors import FetchError, UsageError
from generator.model import OHLCV_COLUMNS
from generator.sources import yahoo
from tests.yfshapes import (
    NY,
    Clock,
    Fail,
    FakeDownload,
    Offline,
    Raise,
    download_frame,
    empty_history,
    history_frame,
)

DATES = ["2024-07-01", "2024-07-02", "2024-07-03", "2024-07-05"]  # July 4th is a holiday
CLOSES = [100.0, 101.0, 102.0, 103.0]
SETTINGS = FetchSettings(max_attempts=4, max_seconds=120.0)
START = pd.Timestamp("2024-07-01")
REAL_SET_CACHE = yf.set_tz_cache_location
YF_PANDAS_WARNINGS = pytest.mark.filterwarnings("ignore::DeprecationWarning:yfinance")


@pytest.fixture(autouse=True)
def _keep_yfinance_cache(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record cache moves instead of repointing yfinance's process-wide caches at tmp dirs."""
    moves: list[str] = []
    monkeypatch.setattr(yf, "set_tz_cache_location", moves.append)
    return moves


@pytest.fixture
def no_curl_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """libcurl (curl_cffi) bypasses Python sockets: send it to a closed loopback proxy."""
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)


def fetch(download: FakeDownload, clock: Clock | None = None, **kwargs: object):
    clock = clock or Clock()
    options = {"settings": SETTINGS, "cache_dir": Path("/nonexistent-cache"), **kwargs}
    return yahoo.fetch_series(
        "^RUT",
        START,
        download=download,
        sleep=clock.sleep,
        monotonic=clock.monotonic,
        **options,
    )


def expected_bars() -> pd.DataFrame:
    close = np.array(CLOSES)
    return pd.DataFrame(
        {
            "open": close * 0.995,
            "high": close * 1.01,
            "low": close * 0.99,
            "close": close,
            "adj_close": close,
            "volume": [1000.0, 2000.0, 3000.0, 4000.0],
        },
        index=pd.DatetimeIndex(DATES, name="date").as_unit("ns"),
    )


# --- the shapes in tests/yfshapes.py are the real yf.download's --------------------------------


class FakeTicker:
    """Replaces yfinance.multi.Ticker so the real download() runs without any request."""

    outcome: object = None

    def __init__(self, ticker: str, session: object = None) -> None:
        self.ticker = ticker.upper()
        self._price_history = None

    def history(self, **kwargs: object) -> pd.DataFrame:
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome.copy()


@YF_PANDAS_WARNINGS
@pytest.mark.parametrize("multi_level_index", [True, False])
@pytest.mark.parametrize("ignore_tz", [None, False])
def test_shapes_match_real_download(
    monkeypatch: pytest.MonkeyPatch, no_curl_network: None, multi_level_index: bool, ignore_tz
) -> None:
    history = history_frame(DATES, CLOSES)
    monkeypatch.setattr(FakeTicker, "outcome", history)
    monkeypatch.setattr(yfinance.multi, "Ticker", FakeTicker)
    real = yf.download(
        "^rut",
        start="2024-07-01",
        auto_adjust=False,
        progress=False,
        threads=False,
        ignore_tz=ignore_tz,
        multi_level_index=multi_level_index,
    )
    ours = download_frame(
        history, "^rut", multi_level_index=multi_level_index, ignore_tz=ignore_tz is None
    )
    pd.testing.assert_frame_equal(real, ours)
    if multi_level_index:
        assert list(real.columns)[:2] == [("Adj Close", "^RUT"), ("Close", "^RUT")]
        assert real.columns.names == ["Price", "Ticker"]
    assert (str(real.index.tz) if real.index.tz else None) == (None if ignore_tz is None else NY)


@YF_PANDAS_WARNINGS
def test_failure_shape_and_log_match_real_download(
    monkeypatch: pytest.MonkeyPatch, no_curl_network: None, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(FakeTicker, "outcome", ConnectionError("boom"))
    monkeypatch.setattr(yfinance.multi, "Ticker", FakeTicker)
    with caplog.at_level(logging.ERROR, logger="yfinance"):
        real = yf.download("^RUT", auto_adjust=False, progress=False, threads=False)
    pd.testing.assert_frame_equal(real, download_frame(empty_history(), "^RUT"))
    assert real.empty
    assert [r.getMessage() for r in caplog.records] == [
        "\n1 Failed download:",
        "['^RUT']: ConnectionError('boom')",
    ]


# --- frames to session bars ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stamps", "tz"),
    [
        (["2024-07-01", "2024-07-05"], None),
        (["2024-07-01", "2024-07-05"], NY),
        (["2024-07-01", "2024-07-05"], "UTC"),  # date labels at UTC midnight stay put
        (["2024-07-01 04:00", "2024-07-05 04:00"], "UTC"),  # New York midnight, in UTC
        (["2024-07-01 20:00", "2024-07-05 20:00"], "UTC"),  # 4 pm New York, in UTC
    ],
)
def test_session_dates(stamps: list[str], tz: str | None) -> None:
    index = pd.DatetimeIndex(stamps)
    index = index.tz_localize(tz) if tz else index
    got = yahoo.session_dates(index)
    assert list(got.strftime("%Y-%m-%d")) == ["2024-07-01", "2024-07-05"]
    assert got.tz is None and got.name == "date"


def test_instant_after_new_york_midnight_keeps_new_york_date() -> None:
    index = pd.DatetimeIndex(["2024-07-02 03:00"]).tz_localize("UTC")  # 23:00 on the 1st in NY
    assert list(yahoo.session_dates(index).strftime("%Y-%m-%d")) == ["2024-07-01"]


@pytest.mark.parametrize("force_multi_index", [False, True])
@pytest.mark.parametrize("tz", [NY, "UTC"])
def test_fetch_series_returns_flat_session_bars(force_multi_index: bool, tz: str) -> None:
    download = FakeDownload(
        {"^RUT": [history_frame(DATES, CLOSES, tz=tz)]}, force_multi_index=force_multi_index
    )
    series = fetch(download, measure="price")
    assert (series.symbol, series.source, series.schema, series.measure) == (
        "^RUT",
        "yahoo",
        "ohlcv",
        "price",
    )
    assert tuple(series.frame.columns) == OHLCV_COLUMNS
    pd.testing.assert_frame_equal(series.frame, expected_bars())


def test_tz_aware_answer_without_ignore_tz() -> None:
    frame = download_frame(history_frame(DATES, CLOSES), "^RUT", ignore_tz=False)
    assert str(frame.index.tz) == NY
    pd.testing.assert_frame_equal(yahoo.session_frame(frame, "^RUT"), expected_bars())


def test_download_is_called_with_explicit_options() -> None:
    download = FakeDownload({"^RUT": [history_frame(DATES, CLOSES)]})
    fetch(download)
    assert download.calls == [
        (
            "^RUT",
            {
                "start": "2024-07-01",
                "auto_adjust": False,
                "actions": False,
                "progress": False,
                "threads": False,
                "multi_level_index": False,
                "timeout": 30.0,
            },
        )
    ]


def test_yields_keep_their_measure() -> None:
    download = FakeDownload({"^RUT": [history_frame(DATES, [4.1, 4.2, 4.15, 4.3])]})
    assert fetch(download, measure="yield").measure == "yield"


def test_project_cache_dir_is_used(tmp_path: Path, _keep_yfinance_cache: list[str]) -> None:
    fetch(FakeDownload({"^RUT": [history_frame(DATES, CLOSES)]}), cache_dir=tmp_path / "cache")
    assert _keep_yfinance_cache == [str(tmp_path / "cache" / "yfinance")]
    assert (tmp_path / "cache" / "yfinance").is_dir()


# --- retries, budget, errors --------------------------------------------------------------------


def test_empty_answers_are_retried_with_backoff() -> None:
    clock = Clock()
    download = FakeDownload(
        {
            "^RUT": [
                Fail(ConnectionError("down")),
                Fail(YFRateLimitError()),
                history_frame(DATES, CLOSES),
            ]
        }
    )
    series = fetch(download, clock)
    assert clock.sleeps == [2.0, 4.0]
    assert len(download.calls) == 3
    pd.testing.assert_frame_equal(series.frame, expected_bars())


@pytest.mark.parametrize(
    "error",
    [
        ConnectionError("reset"),
        TimeoutError("timed out"),
        OSError("unreachable"),
        YFRateLimitError(),
    ],
)
def test_raised_network_errors_are_retried(error: BaseException) -> None:
    clock = Clock()
    download = FakeDownload({"^RUT": [Raise(error), history_frame(DATES, CLOSES)]})
    assert len(fetch(download, clock).frame) == 4
    assert clock.sleeps == [2.0]


def test_curl_and_requests_errors_are_retried() -> None:
    from curl_cffi.requests.exceptions import ConnectionError as CurlConnectionError
    from requests.exceptions import ReadTimeout

    clock = Clock()
    download = FakeDownload(
        {
            "^RUT": [
                Raise(CurlConnectionError("curl 7")),
                Raise(ReadTimeout("slow")),
                history_frame(DATES, CLOSES),
            ]
        }
    )
    assert len(fetch(download, clock).frame) == 4
    assert clock.sleeps == [2.0, 4.0]


def test_exhausted_attempts_raise_one_line_with_the_logged_reason() -> None:
    clock = Clock()
    download = FakeDownload({"^RUT": [Fail(ConnectionError("Failed to perform, curl: (7)"))]})
    with pytest.raises(FetchError) as info:
        fetch(download, clock)
    assert str(info.value) == (
        "^RUT: Yahoo Finance could not be reached after 4 attempts (ConnectionError: curl: (7))"
    )
    assert clock.sleeps == [2.0, 4.0, 8.0]


def test_time_budget_stops_retrying_before_max_attempts() -> None:
    clock = Clock()
    download = FakeDownload({"^RUT": [Raise(TimeoutError("timed out"))]})
    settings = FetchSettings(max_attempts=10, max_seconds=5.0)
    with pytest.raises(FetchError) as info:
        fetch(download, clock, settings=settings)
    assert str(info.value) == (
        "^RUT: Yahoo Finance could not be reached after 2 attempts (TimeoutError: timed out); "
        "time budget of 5s spent"
    )
    assert clock.sleeps == [2.0]
    # The request timeout shrinks to what the budget has left.
    assert [kw["timeout"] for _, kw in download.calls] == [5.0, 3.0]


def test_backoff_is_capped() -> None:
    assert [yahoo.backoff_delay(n) for n in range(1, 7)] == [2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


def test_answer_without_any_close_counts_as_empty() -> None:
    download = FakeDownload({"^RUT": [history_frame(DATES, [np.nan] * 4)]})
    with pytest.raises(
        FetchError, match=r"after 4 attempts: empty answer from yfinance \(no error"
    ):
        fetch(download)


def test_programming_errors_are_not_retried() -> None:
    download = FakeDownload({"^RUT": [Raise(KeyError("Close"))]})
    with pytest.raises(KeyError):
        fetch(download)
    assert len(download.calls) == 1


def test_auto_adjusted_answer_is_rejected() -> None:
    frame = history_frame(DATES, CLOSES).drop(columns="Adj Close")
    with pytest.raises(FetchError, match=r"^\^RUT: Yahoo answer lacks columns \['Adj Close'\]$"):
        fetch(FakeDownload({"^RUT": [frame]}))


def test_frame_of_another_ticker_is_rejected() -> None:
    both = pd.concat(
        [download_frame(history_frame(DATES, CLOSES), t) for t in ("IWM", "SPY")], axis=1
    )
    with pytest.raises(FetchError, match=r"holds \['IWM', 'SPY'\], not \^RUT"):
        yahoo.session_frame(both, "^RUT")


# --- where fetching starts ----------------------------------------------------------------------


def test_new_symbol_starts_at_the_configured_start() -> None:
    assert yahoo.fetch_start(None, FetchSettings()) == pd.Timestamp("1985-01-01")


@pytest.mark.parametrize(
    ("last", "overlap", "start"),
    [
        ("2024-07-08", 5, "2024-06-28"),  # Jul 8, 5, 3, 2, 1 then Jun 28; Jul 4 is a holiday
        ("2024-07-08", 0, "2024-07-08"),
        ("2024-07-08", 1, "2024-07-05"),
    ],
)
def test_stored_symbol_starts_overlap_sessions_back(last: str, overlap: int, start: str) -> None:
    settings = FetchSettings(overlap_sessions=overlap)
    assert yahoo.fetch_start({"last": last}, settings) == pd.Timestamp(start)


def test_unconfigured_symbol_is_a_usage_error() -> None:
    config = parse_config(
        {
            "pair": {"small": {"index": "^RUT"}, "large": {"index": "^GSPC"}},
            "rates": {"13w": "^IRX", "5y": "^FVX", "10y": "^TNX", "30y": "^TYX"},
        },
        "smallcap.toml",
    )
    with pytest.raises(UsageError, match=r"^smallcap.toml: symbol 'XYZ' is not configured$"):
        yahoo.checked_symbols(config, ["^RUT", "XYZ"])
    assert yahoo.checked_symbols(config, ["^TNX", "^RUT"]) == ["^RUT", "^TNX"]


# --- the real yf.download, with the network out of reach ----------------------------------------


def test_real_download_without_network_fails_fast(
    monkeypatch: pytest.MonkeyPatch, no_curl_network: None, tmp_path: Path
) -> None:
    previous = yfinance.cache._TzDBManager.get_location()
    monkeypatch.setattr(yf, "set_tz_cache_location", REAL_SET_CACHE)
    clock = Clock()
    try:
        with pytest.raises(FetchError) as info:
            yahoo.fetch_series(
                "^RUT",
                START,
                settings=FetchSettings(max_attempts=2),
                cache_dir=tmp_path,
                sleep=clock.sleep,
                monotonic=clock.monotonic,
            )
    finally:
        yf.set_tz_cache_location(previous)
    message = str(info.value)
    assert message.startswith(
        "^RUT: Yahoo Finance could not be reached after 2 attempts (ConnectionError: curl: ("
    )
    assert "possibly delisted" not in message and "\n" not in message
    assert clock.sleeps == [2.0]
    # yfinance's sqlite caches landed in the project's cache dir, not the home dir.
    assert sorted(p.name for p in (tmp_path / "yfinance").iterdir()) == ["cookies.db", "tkr-tz.db"]


def test_offline_attempts_name_the_network_error_not_a_delisting(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Offline, yfinance's last records blame the ticker ("possibly delisted; no timezone
    found"); the error says Yahoo could not be reached, and the records stay out of the output."""
    clock = Clock()
    download = FakeDownload({"^RUT": [Offline(), Offline(), Offline(timezone_failed=True)]})
    with pytest.raises(FetchError) as info:
        fetch(download, clock)
    assert str(info.value) == (
        "^RUT: Yahoo Finance could not be reached after 4 attempts (ConnectionError: curl: (7) "
        "Failed to connect to query2.finance.yahoo.com:443 over proxy 127.0.0.1 after 0 ms: "
        "Could not connect to server.)"
    )
    assert [r for r in caplog.records if r.name == "yfinance"] == []
