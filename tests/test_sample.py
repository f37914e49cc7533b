"""The sample market: deterministic, complete, on the NYSE calendar, and accepted by validation."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from generator import calendar
from generator.config import load_config
from generator.ingest import ingest
from generator.model import FF_BIG_DAILY, FF_SMALL_DAILY
from generator.sources.sample import ETF_INCEPTION, sample_market

ROOT = Path(__file__).resolve().parents[1]
END = "2026-08-21"


@pytest.fixture(scope="module")
def config():
    return load_config(ROOT / "smallcap.toml")


@pytest.fixture(scope="module")
def market(config) -> dict:
    return {s.symbol: s for s in sample_market(config, END)}


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory, config, market) -> Path:
    store = tmp_path_factory.mktemp("sample-store")
    ingest(
        store,
        list(market.values()),
        config,
        now=None,
        sample=True,
        fetched_at=f"{END}T00:00:00Z",
    )
    return store


def test_sample_is_deterministic(config, market) -> None:
    again = sample_market(config, END)
    assert [s.symbol for s in again] == sorted(market)
    for s in again:
        assert s.frame.equals(market[s.symbol].frame), s.symbol
        assert list(s.frame.columns) == list(market[s.symbol].frame.columns)


def test_another_seed_gives_another_market(config, market) -> None:
    other = {s.symbol: s for s in sample_market(config, END, seed=7)}
    assert not other["^RUT"].frame["close"].equals(market["^RUT"].frame["close"])


def test_every_configured_symbol_is_present(config, market) -> None:
    assert set(market) == {*config.symbols(), FF_SMALL_DAILY, FF_BIG_DAILY}
    assert {s.source for s in market.values()} == {"sample"}
    assert {s for s, v in market.items() if v.measure == "yield"} == config.yield_symbols()
    assert (market[FF_SMALL_DAILY].schema, market[FF_SMALL_DAILY].measure) == ("value", "return")


def test_sessions_are_exactly_nyse_sessions(config, market) -> None:
    for symbol, series in market.items():
        index = series.frame.index
        assert index.equals(calendar.sessions(index[0], END)), symbol
        assert index[-1] == pd.Timestamp(END), symbol
    # Indices and yields start at the first session on or after fetch.start (1985-01-01).
    assert market["^RUT"].frame.index[0] == pd.Timestamp("1985-01-02")
    assert market["^TNX"].frame.index[0] == pd.Timestamp("1985-01-02")
    # ETFs start at their inception.
    for symbol, first in ETF_INCEPTION.items():
        assert market[symbol].frame.index[0] == pd.Timestamp(first), symbol


def test_end_on_a_weekend_stops_at_the_last_session(config) -> None:
    series = {s.symbol: s for s in sample_market(config, "2026-08-23")}
    assert series["^GSPC"].frame.index[-1] == pd.Timestamp("2026-08-21")


def small_minus_large(market: dict) -> pd.Series:
    small = market["^RUT"].frame["close"].pct_change()
    large = market["^GSPC"].frame["close"].pct_change()
    return (small - large).dropna()


def test_january_small_cap_tilt_is_positive_on_average(market) -> None:
    spread = small_minus_large(market)
    january = spread[spread.index.month == 1]
    other = spread[spread.index.month != 1]
    assert january.mean() > 0
    assert january.mean() > other.mean()
    # Positive in most Januaries, not only on average.
    by_year = january.groupby(january.index.year).sum()
    assert (by_year > 0).mean() > 0.5


def test_small_and_large_are_correlated(market) -> None:
    small = market["^RUT"].frame["close"].pct_change()
    large = market["^GSPC"].frame["close"].pct_change()
    assert small.corr(large) > 0.5


def test_no_move_beyond_validation_limits(config, market) -> None:
    rules = config.validation
    for symbol, series in market.items():
        if series.schema != "ohlcv":
            continue
        close = series.frame["close"]
        if series.measure == "yield":
            assert close.diff().abs().max() <= rules.max_yield_jump, symbol
            assert close.min() > -5.0, symbol
        else:
            assert (close / close.shift() - 1).abs().max() <= rules.max_daily_jump, symbol
            assert close.min() > 0, symbol
            assert (series.frame["adj_close"] > 0).all(), symbol


def test_etf_adjusted_close_ends_at_the_close(market) -> None:
    # Yahoo back-adjusts: the latest adjusted close equals the close.
    spy = market["SPY"].frame
    assert spy["adj_close"].iloc[-1] == spy["close"].iloc[-1]
    assert spy["adj_close"].iloc[0] < spy["close"].iloc[0]


def test_ingest_accepts_the_sample_without_repairs(sample_store: Path, market) -> None:
    manifest = json.loads((sample_store / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sample"] is True
    assert set(manifest["series"]) == set(market)
    entry = manifest["series"]["^RUT"]
    assert (entry["first"], entry["last"], entry["source"]) == ("1985-01-02", END, "sample")
    assert entry["rows"] == len(calendar.sessions("1985-01-02", END))
    assert np.all([e["fetched_at"] == f"{END}T00:00:00Z" for e in manifest["series"].values()])


def test_reingesting_the_same_sample_changes_nothing(sample_store: Path, config, market) -> None:
    report = ingest(
        sample_store,
        list(market.values()),
        config,
        now=None,
        sample=True,
        fetched_at="2026-08-28T00:00:00Z",
    )
    assert report.changed == ()
    assert report.repairs == ()
    assert sum(report.new_rows.values()) == 0


def _sessions_as_of(today: str) -> calendar.SessionTable:
    """The session table exchange_calendars builds on ``today``: it ends a year later."""
    import exchange_calendars as xcals

    end = pd.Timestamp(today) + pd.DateOffset(years=1)
    cal = xcals.get_calendar("XNYS", start=calendar.CALENDAR_START, end=end)
    days = pd.DatetimeIndex(cal.sessions, name="date").tz_localize(None)
    return calendar.SessionTable(days, pd.DatetimeIndex(cal.closes).tz_convert("UTC"))


@pytest.mark.slow
@pytest.mark.parametrize("today", ["2026-12-03", "2031-06-15"])
def test_sample_does_not_depend_on_the_clock(config, market, today: str) -> None:
    """The same seed and end give the same bytes whatever day the calendar table was built on
    (it ends a year after today; the sample once drew its numbers over its sessions)."""
    from generator.store import render_csv

    table = _sessions_as_of(today)
    assert table.sessions("2000-01-01", "2100-01-01")[-1].year == pd.Timestamp(today).year + 1
    again = {s.symbol: s for s in sample_market(config, END, calendar=table)}
    assert sorted(again) == sorted(market)
    for symbol, series in again.items():
        assert render_csv(series) == render_csv(market[symbol]), symbol


@pytest.mark.slow
def test_a_later_sample_extends_an_earlier_one(config, market) -> None:
    """A longer sample holds the shorter one's rows (adjusted closes are rescaled at the cut)."""
    later = {s.symbol: s for s in sample_market(config, "2026-11-20")}
    for symbol, series in market.items():
        columns = [c for c in series.frame.columns if c != "adj_close"]
        head = later[symbol].frame.loc[: pd.Timestamp(END), columns]
        pd.testing.assert_frame_equal(head, series.frame[columns], check_freq=False)
