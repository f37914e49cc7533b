"""ETF fundamentals from yfinance: shapes, fallback, failures, dating and the stored history."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pandas as pd
import pytest
from yfinance.exceptions import YFDataException
from yfinance.scrapers.funds import FundsData

from generator.calendar import xnys
from generator.config import load_config
from generator.errors import DataError, FetchError
from generator.fundfields import FIELDS, fund_symbol
from generator.ingest import ingest
from generator.sources.fundamentals import fetch_fundamentals, fund_etfs, snapshot_day
from generator.store import read_manifest, read_series
from tests.conftest import ROOT
from tests.fundshapes import FakeTicker, TickerBook, equity_holdings_frame, etf_info

CONFIG = load_config(ROOT / "smallcap.toml")
AFTER_CLOSE = pd.Timestamp("2026-08-21 21:00", tz="UTC")  # Friday, 17:00 in New York
IWM = {"Price/Earnings": 16.2, "Price/Book": 2.1, "Price/Sales": 1.3, "Price/Cashflow": 9.5,
       "Median Market Cap": 2.9e9, "3 Year Earnings Growth": 0.071}  # fmt: skip
SPY = {"Price/Earnings": 23.4, "Price/Book": 4.6, "Price/Sales": 2.9, "Price/Cashflow": 16.0,
       "Median Market Cap": 3.5e10, "3 Year Earnings Growth": 0.118}  # fmt: skip


def book(**tickers: FakeTicker) -> TickerBook:
    return TickerBook(tickers)


def pair_book() -> TickerBook:
    return book(IWM=FakeTicker(equity_holdings_frame("IWM", IWM)),
                SPY=FakeTicker(equity_holdings_frame("SPY", SPY)))  # fmt: skip


def fetched(store: Path, tickers: TickerBook, now: pd.Timestamp = AFTER_CLOSE) -> dict:
    out = fetch_fundamentals(store, CONFIG, now=now, progress=False, ticker=tickers)
    return {s.symbol: s for s in out}


def test_fake_equity_holdings_is_shaped_like_yfinance_parses_it() -> None:
    """The fake frame equals what yfinance's own parser makes of a topHoldings answer."""
    funds = FundsData(None, "IWM")
    funds._parse_top_holdings({"equityHoldings": {
        "priceToEarnings": {"raw": 16.2, "fmt": "16.20"}, "priceToBook": 2.1,
        "priceToSales": 1.3, "priceToCashflow": 9.5, "medianMarketCap": 2.9e9,
        "threeYearEarningsGrowth": 0.071, "priceToEarningsCat": 15.0}})  # fmt: skip
    fake = equity_holdings_frame("IWM", IWM, {"Price/Earnings": 15.0})
    pd.testing.assert_frame_equal(funds.equity_holdings, fake)
    empty = FundsData(None, "IWM")
    empty._parse_top_holdings({})
    pd.testing.assert_frame_equal(empty.equity_holdings, equity_holdings_frame("IWM", {}))


def test_every_figure_of_each_fund_is_one_dated_value_series(tmp_path: Path) -> None:
    out = fetched(tmp_path, pair_book())
    assert {s for s in out if "IWM" in s or "SPY" in s} == {
        fund_symbol(etf, f.key) for etf in ("IWM", "SPY") for f in FIELDS
    }
    pe = out["FUND_IWM_PE"]
    assert (pe.schema, pe.measure, pe.frequency, pe.snapshots) == ("value", "ratio", "daily", True)
    assert pe.frame.index.tolist() == [pd.Timestamp("2026-08-21")]
    assert pe.frame["value"].tolist() == [16.2]
    assert out["FUND_SPY_EG3Y"].frame["value"].tolist() == [0.118]
    assert pe.source == "yahoo:funds_data"
    assert "negative earnings" in pe.notes[0]
    assert "Median Market Cap" not in "".join(out)  # not one of the stored figures


def test_fetched_funds_are_the_pair_etfs_then_the_ladder() -> None:
    assert fund_etfs(CONFIG) == ["IWM", "SPY", "IWC", "IJR", "MDY", "RSP", "QQQ", "IWN", "IWO"]


@pytest.mark.parametrize(
    ("now", "day"),
    [
        ("2026-08-21 21:00", "2026-08-21"),  # after Friday's close
        ("2026-08-21 15:00", "2026-08-20"),  # Friday morning: Thursday is the last closed
        ("2026-08-23 12:00", "2026-08-21"),  # Sunday
        ("2026-09-07 21:00", "2026-09-04"),  # Labor Day
    ],
)
def test_snapshot_is_dated_on_the_last_closed_session(now: str, day: str) -> None:
    assert snapshot_day(pd.Timestamp(now, tz="UTC"), xnys()) == pd.Timestamp(day)


def test_info_is_the_fallback_stored_under_its_own_symbol(tmp_path: Path) -> None:
    holdings = equity_holdings_frame("IWM", {k: v for k, v in IWM.items() if k != "Price/Earnings"})
    iwm = FakeTicker(holdings, etf_info("IWM", trailingPE=31.5, priceToBook=2.2))
    out = fetched(tmp_path, book(IWM=iwm))
    assert "FUND_IWM_PE" not in out
    assert out["FUND_IWM_PE_INFO"].frame["value"].tolist() == [31.5]
    assert out["FUND_IWM_PE_INFO"].source == "yahoo:info"
    assert "trailingPE" in out["FUND_IWM_PE_INFO"].notes[0]
    assert out["FUND_IWM_PB"].frame["value"].tolist() == [2.1]  # funds_data wins over info
    assert "FUND_IWM_PB_INFO" not in out
    assert iwm.info_reads == 1


def test_missing_and_unusable_values_are_left_out(tmp_path: Path) -> None:
    values = {"Price/Earnings": pd.NA, "Price/Book": -1.0, "Price/Sales": float("nan"),
              "Price/Cashflow": "n/a", "3 Year Earnings Growth": -0.04}  # fmt: skip
    out = fetched(tmp_path, book(IWM=FakeTicker(equity_holdings_frame("IWM", values))))
    assert [s for s in out if s.startswith("FUND_IWM")] == ["FUND_IWM_EG3Y"]
    assert out["FUND_IWM_EG3Y"].frame["value"].tolist() == [-0.04]  # growth may be negative


def test_a_failing_fund_is_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    tickers = pair_book()
    tickers.tickers["IWM"] = FakeTicker(YFDataException("IWM: No Fund data found."))
    with caplog.at_level(logging.WARNING):
        out = fetched(tmp_path, tickers)
    assert not any(s.startswith("FUND_IWM_") for s in out)
    assert "FUND_SPY_PE" in out
    assert "IWM: fundamentals not fetched (YFDataException: IWM: No Fund data found.)" in (
        caplog.text
    )


def test_a_failing_info_fallback_keeps_the_funds_data_figures(tmp_path: Path) -> None:
    holdings = equity_holdings_frame("IWM", {"Price/Book": 2.1})
    out = fetched(tmp_path, book(IWM=FakeTicker(holdings, OSError("curl: (7) refused"))))
    assert [s for s in out if s.startswith("FUND_IWM")] == ["FUND_IWM_PB"]


@pytest.mark.parametrize(
    "failure",
    [
        YFDataException("No Fund data found."),
        OSError("Failed to perform, curl: (6) Could not resolve host: query2.finance.yahoo.com"),
        KeyError("topHoldings"),
    ],
)
def test_no_figure_at_all_is_a_fetch_error_naming_each_fund(
    tmp_path: Path, failure: BaseException
) -> None:
    tickers = TickerBook({etf: FakeTicker(failure) for etf in fund_etfs(CONFIG)})
    with pytest.raises(FetchError) as caught:
        fetched(tmp_path, tickers)
    message = str(caught.value)
    assert message.startswith("fundamentals: no figure for any ETF (IWM: ")
    assert "; SPY: " in message and "\n" not in message


def test_empty_funds_data_everywhere_is_a_fetch_error(tmp_path: Path) -> None:
    empty = TickerBook({"IWM": FakeTicker(pd.DataFrame())})  # others: every value pd.NA
    with pytest.raises(FetchError, match=r"IWM: Yahoo publishes none of Price/Earnings"):
        fetched(tmp_path, empty)


def test_a_sample_store_is_refused(tmp_path: Path) -> None:
    (tmp_path / "manifest.json").write_text('{"sample": true, "series": {}}')
    with pytest.raises(DataError, match="sample data"):
        fetched(tmp_path, pair_book())


def test_history_appends_weekly_and_a_same_day_refetch_replaces(tmp_path: Path) -> None:
    def run(now: pd.Timestamp, pe: float) -> None:
        tickers = book(IWM=FakeTicker(equity_holdings_frame("IWM", {**IWM, "Price/Earnings": pe})),
                       SPY=FakeTicker(equity_holdings_frame("SPY", SPY)))  # fmt: skip
        ingest(tmp_path, list(fetched(tmp_path, tickers, now).values()), CONFIG, now=now)

    run(AFTER_CLOSE, 16.2)
    run(AFTER_CLOSE + pd.Timedelta(hours=1), 16.9)  # same day: a different answer replaces
    run(AFTER_CLOSE + pd.Timedelta(days=7), 17.3)
    stored = read_series(tmp_path, "FUND_IWM_PE")
    assert stored is not None
    assert stored.frame["value"].to_dict() == {
        pd.Timestamp("2026-08-21"): 16.9,
        pd.Timestamp("2026-08-28"): 17.3,
    }
    assert read_manifest(tmp_path)["series"]["FUND_SPY_PE"]["rows"] == 2


def test_yahoo_is_the_only_module_that_imports_yfinance() -> None:
    importing = re.compile(r"^\s*(?:import yfinance|from yfinance)\b", re.MULTILINE)
    modules = sorted(
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "generator").rglob("*.py")
        if importing.search(path.read_text(encoding="utf-8"))
    )
    assert modules == ["generator/sources/yahoo.py"]
