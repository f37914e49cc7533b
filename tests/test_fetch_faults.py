"""Fault injection on the fetch path: fetch_updates -> ingest into a temp store.

Each case ends in a documented repair or in one clear error with the store byte-identical
(sha256 of every file, temp files included, before and after). yfinance is replaced by
FakeDownload, which answers with frames shaped like yf.download's (tests/yfshapes.py).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yfinance as yf
from yfinance.exceptions import YFRateLimitError

from generator import calendar
from generator.config import parse_config
from generator.errors import DataError, FetchError, ValidationError
from generator.ingest import IngestReport, ingest
from generator.model import Series
from generator.sources.yahoo import fetch_updates, session_frame
from generator.store import read_manifest, read_series
from tests.yfshapes import Clock, Fail, FakeDownload, Raise, download_frame, history_frame

CONFIG = parse_config(
    {
        "pair": {
            "small": {"index": "^RUT", "total_return": "IWM"},
            "large": {"index": "^GSPC", "total_return": "SPY"},
        },
        "rates": {"13w": "^IRX", "5y": "^FVX", "10y": "^TNX", "30y": "^TYX"},
        "fetch": {"start": "2024-06-03", "overlap_sessions": 5, "max_attempts": 4},
    },
    "test.toml",
)
SESSIONS = calendar.sessions("2024-06-03", "2024-07-31")  # Jun 19 and Jul 4 are holidays
SEED_END = "2024-06-28"
OVERLAP_START = "2024-06-21"  # five sessions before Jun 28 (Jun 24-27), then the 28th
AFTER_CLOSE = pd.Timestamp("2024-07-12 22:00", tz="UTC")  # Friday evening, 6 pm in New York
SEEDED = ("^RUT", "IWM", "^TNX")


def price(day: str | pd.Timestamp) -> float:
    """The close of session number k (from Jun 3): 100 + k/2, so overlaps always agree."""
    return 100.0 + 0.5 * SESSIONS.get_loc(pd.Timestamp(day))


def yield_level(day: str | pd.Timestamp) -> float:
    return 4.0 + 0.01 * SESSIONS.get_loc(pd.Timestamp(day))


def bars(
    first: str,
    last: str,
    *,
    symbol: str = "^RUT",
    adj_factor: float = 1.0,
    tz: str = "America/New_York",
) -> pd.DataFrame:
    """Yahoo daily bars for every session from first to last."""
    days = SESSIONS[(SESSIONS >= first) & (SESSIONS <= last)]
    level = yield_level if symbol == "^TNX" else price
    return history_frame(
        days.strftime("%Y-%m-%d"), [level(d) for d in days], adj_factor=adj_factor, tz=tz
    )


@pytest.fixture(autouse=True)
def _keep_yfinance_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yf, "set_tz_cache_location", lambda path: None)


def update(
    store: Path,
    download: FakeDownload,
    *,
    now: pd.Timestamp = AFTER_CLOSE,
    clock: Clock | None = None,
    config=CONFIG,
) -> IngestReport:
    clock = clock or Clock()
    series = fetch_updates(
        store,
        config,
        symbols=list(download.script),
        cache_dir=store.parent / "cache",
        download=download,
        sleep=clock.sleep,
        monotonic=clock.monotonic,
        progress=False,
    )
    return ingest(store, series, config, now=now)


def digest(store: Path) -> dict[str, str]:
    return {
        p.relative_to(store).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(store.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A store holding ^RUT, IWM and ^TNX from Jun 3 to Jun 28, 2024, fetched from scratch."""
    path = tmp_path / "data"
    download = FakeDownload({s: [bars("2024-06-03", SEED_END, symbol=s)] for s in SEEDED})
    report = update(path, download)
    assert [kw["start"] for _, kw in download.calls] == ["2024-06-03"] * 3
    assert report.new_rows == {"^RUT": 19, "IWM": 19, "^TNX": 19}
    return path


def stored(store: Path, symbol: str = "^RUT") -> pd.DataFrame:
    series = read_series(store, symbol)
    assert series is not None
    return series.frame


def assert_rejected(store: Path, download: FakeDownload, error: type, message: str, **kw) -> None:
    """The update fails with exactly ``message`` and leaves every byte of the store alone."""
    before = digest(store)
    with pytest.raises(error) as info:
        update(store, download, **kw)
    assert str(info.value) == message
    assert digest(store) == before


# --- the source fails ---------------------------------------------------------------------------


def test_network_down(store: Path) -> None:
    clock = Clock()
    download = FakeDownload({"^RUT": [Raise(ConnectionError("Network is unreachable"))]})
    assert_rejected(
        store,
        download,
        FetchError,
        "^RUT: Yahoo Finance could not be reached after 4 attempts "
        "(ConnectionError: Network is unreachable)",
        clock=clock,
    )
    assert clock.sleeps == [2.0, 4.0, 8.0]


def test_empty_frame(store: Path) -> None:
    download = FakeDownload({"^RUT": [Fail(ConnectionError("curl: (6) Could not resolve host"))]})
    assert_rejected(
        store,
        download,
        FetchError,
        "^RUT: Yahoo Finance could not be reached after 4 attempts "
        "(ConnectionError: curl: (6) Could not resolve host)",
    )


def test_one_failing_symbol_stops_the_whole_update(store: Path) -> None:
    download = FakeDownload(
        {"^RUT": [bars(OVERLAP_START, "2024-07-05")], "IWM": [Fail(YFRateLimitError())]}
    )
    assert_rejected(
        store,
        download,
        FetchError,
        "IWM: Yahoo fetch failed after 4 attempts: empty answer from yfinance "
        "(['IWM']: YFRateLimitError('Too Many Requests. Rate limited. Try after a while.'))",
    )


def test_rate_limit_then_success(store: Path) -> None:
    clock = Clock()
    download = FakeDownload(
        {
            "^RUT": [
                Fail(YFRateLimitError()),  # how yf.download reports it
                Raise(YFRateLimitError()),  # how Ticker.history reports it
                bars(OVERLAP_START, "2024-07-05"),
            ]
        }
    )
    report = update(store, download, clock=clock)
    assert clock.sleeps == [2.0, 4.0]
    assert [kw["start"] for _, kw in download.calls] == [OVERLAP_START] * 3
    assert report.new_rows == {"^RUT": 4}
    assert report.repairs == ()
    frame = stored(store)
    assert list(frame.index[-4:].strftime("%m-%d")) == ["07-01", "07-02", "07-03", "07-05"]
    assert frame.loc["2024-07-05", "close"] == price("2024-07-05") == 111.0


def test_timeout_past_the_time_budget(store: Path) -> None:
    config = dataclasses.replace(
        CONFIG, fetch=dataclasses.replace(CONFIG.fetch, max_attempts=10, max_seconds=10.0)
    )
    clock = Clock()
    download = FakeDownload({"^RUT": [Raise(TimeoutError("read timed out"))]})
    assert_rejected(
        store,
        download,
        FetchError,
        "^RUT: Yahoo Finance could not be reached after 3 attempts "
        "(TimeoutError: read timed out); time budget of 10s spent",
        clock=clock,
        config=config,
    )
    assert clock.sleeps == [2.0, 4.0]  # a third wait of 8 s would pass the 10 s budget


def test_timeout_then_success(store: Path) -> None:
    download = FakeDownload(
        {"^RUT": [Raise(TimeoutError("timed out")), bars(OVERLAP_START, "2024-07-03")]}
    )
    assert update(store, download).new_rows == {"^RUT": 3}
    assert stored(store).index[-1] == pd.Timestamp("2024-07-03")


def test_sample_store_is_refused_before_any_request(tmp_path: Path) -> None:
    path = tmp_path / "data"
    ingest(path, [read_series_from(bars("2024-06-03", SEED_END))], CONFIG, now=None, sample=True)
    download = FakeDownload({"^RUT": [bars(OVERLAP_START, "2024-07-05")]})
    assert_rejected(
        path,
        download,
        DataError,
        f"{path}: store holds sample data; live data never mixes with it",
    )
    assert download.calls == []


def read_series_from(history: pd.DataFrame) -> Series:
    return Series("^RUT", session_frame(download_frame(history, "^RUT"), "^RUT"), "sample")


# --- the data is incomplete or odd --------------------------------------------------------------


def test_partial_week_is_stored_but_not_reported(store: Path) -> None:
    update(store, FakeDownload({"^RUT": [bars(OVERLAP_START, "2024-07-10")]}))
    assert read_manifest(store)["series"]["^RUT"]["last"] == "2024-07-10"  # a Wednesday
    assert calendar.latest_complete_week(pd.Timestamp("2024-07-10")) == pd.Timestamp("2024-07-05")


def test_nan_row_is_dropped_then_filled_with_the_previous_close(store: Path) -> None:
    frame = bars(OVERLAP_START, "2024-07-05")
    frame.loc[
        frame.index[frame.index.strftime("%m-%d") == "07-02"],
        ["Open", "High", "Low", "Close", "Adj Close"],
    ] = np.nan
    report = update(store, FakeDownload({"^RUT": [frame]}))
    assert report.repairs == (
        "^RUT 2024-07-02: row without a value dropped [null-row]",
        "^RUT 2024-07-02: missing session filled with the previous close [filled]",
    )
    row = stored(store).loc["2024-07-02"]
    assert (row["close"], row["adj_close"], row["open"], row["volume"]) == (
        price("2024-07-01"),
        price("2024-07-01"),
        price("2024-07-01"),
        0.0,
    )


def with_row_repeated(frame: pd.DataFrame, day: str, **changes: float) -> pd.DataFrame:
    row = frame.loc[frame.index.strftime("%Y-%m-%d") == day].copy()
    for column, value in changes.items():
        row[column] = value
    return pd.concat([frame, row]).sort_index(kind="stable")


def test_identical_duplicate_date_is_dropped(store: Path) -> None:
    frame = with_row_repeated(bars(OVERLAP_START, "2024-07-05"), "2024-07-03")
    report = update(store, FakeDownload({"^RUT": [frame]}))
    assert report.repairs == ("^RUT 2024-07-03: identical duplicate row dropped [duplicate-date]",)
    assert report.new_rows == {"^RUT": 4}
    assert stored(store).index.is_unique


def test_conflicting_duplicate_date_is_rejected(store: Path) -> None:
    frame = with_row_repeated(bars(OVERLAP_START, "2024-07-05"), "2024-07-03", Close=1.0)
    assert_rejected(
        store,
        FakeDownload({"^RUT": [frame]}),
        ValidationError,
        "^RUT on 2024-07-03: conflicting rows for the same date [rule: duplicate-date]",
    )


def without(frame: pd.DataFrame, *days: str) -> pd.DataFrame:
    return frame.loc[~frame.index.strftime("%Y-%m-%d").isin(days)]


def test_one_missing_session_is_filled(store: Path) -> None:
    frame = without(bars(OVERLAP_START, "2024-07-05"), "2024-07-02")
    report = update(store, FakeDownload({"^RUT": [frame]}))
    assert report.repairs == (
        "^RUT 2024-07-02: missing session filled with the previous close [filled]",
    )
    assert stored(store).loc["2024-07-02", "close"] == price("2024-07-01")


def test_long_run_of_missing_sessions_is_rejected(store: Path) -> None:
    frame = without(
        bars(OVERLAP_START, "2024-07-10"),
        "2024-07-01",
        "2024-07-02",
        "2024-07-03",
        "2024-07-05",
        "2024-07-08",
    )
    assert_rejected(
        store,
        FakeDownload({"^RUT": [frame]}),
        ValidationError,
        "^RUT on 2024-07-01: 5 consecutive sessions missing (at most 3 are filled) "
        "[rule: missing-session]",
    )


def test_bar_on_a_holiday_is_dropped(store: Path) -> None:
    frame = bars(OVERLAP_START, "2024-07-05")
    holiday = history_frame(["2024-07-04"], [price("2024-07-03")])
    report = update(store, FakeDownload({"^RUT": [pd.concat([frame, holiday]).sort_index()]}))
    assert report.repairs == ("^RUT 2024-07-04: not an NYSE session, row dropped [non-session]",)
    assert "2024-07-04" not in stored(store).index.strftime("%Y-%m-%d")


def test_live_intraday_bar_is_dropped(store: Path) -> None:
    midday = pd.Timestamp("2024-07-12 14:00", tz="America/New_York")
    report = update(store, FakeDownload({"^RUT": [bars(OVERLAP_START, "2024-07-12")]}), now=midday)
    assert report.repairs == (
        "^RUT 2024-07-12: session not closed yet, live bar dropped [live-bar]",
    )
    assert stored(store).index[-1] == pd.Timestamp("2024-07-11")


def test_bar_of_a_closed_session_is_kept(store: Path) -> None:
    report = update(store, FakeDownload({"^RUT": [bars(OVERLAP_START, "2024-07-12")]}))
    assert report.repairs == ()
    assert stored(store).index[-1] == pd.Timestamp("2024-07-12")


# --- the answer's shape ------------------------------------------------------------------------


def updated_bytes(tmp_path: Path, name: str, **fake: object) -> dict[str, str]:
    """Seed a fresh store, update it with ^RUT bars shaped by ``fake``, return its digest."""
    path = tmp_path / name / "data"
    update(path, FakeDownload({"^RUT": [bars("2024-06-03", SEED_END)]}), now=AFTER_CLOSE)
    tz = fake.pop("tz", "America/New_York")
    update(path, FakeDownload({"^RUT": [bars(OVERLAP_START, "2024-07-05", tz=tz)]}, **fake))
    return digest(path)


@pytest.mark.parametrize(
    "fake",
    [
        {"tz_aware": True},  # ignore_tz=False: America/New_York midnight stamps
        {"tz_aware": True, "tz": "UTC"},  # UTC-midnight date labels
        {"force_multi_index": True},  # (Price, Ticker) columns
        {"force_multi_index": True, "tz_aware": True},
    ],
)
def test_shape_variants_store_the_same_bytes(tmp_path: Path, fake: dict) -> None:
    plain = updated_bytes(tmp_path, "plain")
    assert updated_bytes(tmp_path, "variant", **fake) == plain
    frame = stored(tmp_path / "variant" / "data")
    assert frame.index[-1] == pd.Timestamp("2024-07-05") and frame.index.tz is None


# --- revisions ---------------------------------------------------------------------------------


def test_uniform_adjusted_close_revision_rescales_the_history(store: Path) -> None:
    report = update(
        store,
        FakeDownload({"IWM": [bars(OVERLAP_START, "2024-07-05", symbol="IWM", adj_factor=0.99)]}),
    )
    assert len(report.repairs) == 1
    assert report.repairs[0].startswith(
        "IWM 2024-06-21: adjusted closes re-adjusted by the source, stored history rescaled by 0.990000"
    )
    frame = stored(store, "IWM")
    assert frame.loc["2024-06-03", "adj_close"] == pytest.approx(100.0 * 0.99, rel=1e-12)
    assert frame.loc["2024-06-03", "close"] == 100.0
    assert frame.loc["2024-07-05", "adj_close"] == pytest.approx(
        price("2024-07-05") * 0.99, rel=1e-12
    )


def test_uneven_adjusted_close_revision_is_rejected(store: Path) -> None:
    frame = bars(OVERLAP_START, "2024-07-05", symbol="IWM")
    frame.loc[frame.index[2], "Adj Close"] *= 0.98  # Jun 25 alone
    assert_rejected(
        store,
        FakeDownload({"IWM": [frame]}),
        ValidationError,
        "IWM on 2024-06-25: adjusted close revised unevenly across the overlap "
        "(factors 0.980000..1.000000) [rule: revision]",
    )


def test_revised_close_is_rejected(store: Path) -> None:
    frame = bars(OVERLAP_START, "2024-07-05")
    frame.loc[frame.index[1], "Close"] += 1.0  # Jun 24: 107.0 -> 108.0
    assert_rejected(
        store,
        FakeDownload({"^RUT": [frame]}),
        ValidationError,
        "^RUT on 2024-06-24: stored close 107.000000 revised to 108.000000 [rule: revision]",
    )


def test_yield_series_is_fetched_as_a_yield(store: Path) -> None:
    update(store, FakeDownload({"^TNX": [bars(OVERLAP_START, "2024-07-05", symbol="^TNX")]}))
    assert read_manifest(store)["series"]["^TNX"]["measure"] == "yield"
    assert stored(store, "^TNX").loc["2024-07-05", "close"] == pytest.approx(4.22, abs=1e-12)


# --- the process dies while writing -------------------------------------------------------------


def new_week(*symbols: str) -> FakeDownload:
    return FakeDownload({s: [bars(OVERLAP_START, "2024-07-05", symbol=s)] for s in symbols})


def temp_files(store: Path) -> list[str]:
    return sorted(p.name for p in store.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt(), OSError(28, "No space left on device")])
def test_killed_before_the_first_rename(
    store: Path, monkeypatch: pytest.MonkeyPatch, interrupt: BaseException
) -> None:
    before = digest(store)

    def die(src: object, dst: object) -> None:
        raise interrupt

    monkeypatch.setattr(os, "replace", die)
    # A disk error surfaces as a one-line DataError naming the file; a kill propagates as is.
    expected = DataError if isinstance(interrupt, OSError) else type(interrupt)
    with pytest.raises(expected):
        update(store, new_week("^RUT"))
    assert digest(store) == before
    assert temp_files(store) == []


def test_killed_while_writing_the_temp_file(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = digest(store)

    def die(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", die)
    with pytest.raises(KeyboardInterrupt):
        update(store, new_week("^RUT"))
    assert digest(store) == before
    assert temp_files(store) == []


def test_killed_between_two_files_then_rerun(
    tmp_path: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C between two renames puts the renamed file back (a real kill, which cannot, is
    tests/test_store.py's subprocess test); a rerun converges on the uninterrupted bytes."""
    before = digest(store)
    real_replace = os.replace
    calls = []

    def die_on_second(src: object, dst: object) -> None:
        calls.append(Path(dst).name)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", die_on_second)
    with pytest.raises(KeyboardInterrupt):
        update(store, new_week("^RUT", "IWM"))
    monkeypatch.setattr(os, "replace", real_replace)
    assert temp_files(store) == []
    assert calls == ["^RUT.csv", "IWM.csv", "^RUT.csv"]  # the third puts ^RUT back
    # The interrupted run left the store as it was: ^RUT, IWM and the manifest old.
    assert digest(store) == before
    assert stored(store, "^RUT").index[-1] == pd.Timestamp("2024-06-28")
    assert read_manifest(store)["series"]["^RUT"]["last"] == SEED_END

    update(store, new_week("^RUT", "IWM"))
    reference = tmp_path / "reference"
    update(reference, FakeDownload({s: [bars("2024-06-03", SEED_END, symbol=s)] for s in SEEDED}))
    update(reference, new_week("^RUT", "IWM"))
    assert digest(store) == digest(reference)
