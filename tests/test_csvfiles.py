"""CSV import parsers on small hand-built files, one per format and quirk."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from generator.errors import ParseError
from generator.model import OHLCV_COLUMNS
from generator.sources.csvfiles import UnsupportedFile, discover_files, parse_file
from generator.sources.fred import frequency_of

YAHOO_HEADER = "Date,Open,High,Low,Close,Adj Close,Volume"


def write(folder: Path, name: str, lines: list[str], newline: str = "\n") -> Path:
    path = folder / name
    path.write_bytes(newline.join(lines).encode() + newline.encode())
    return path


def dates(*days: str) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(list(days)), name="date")


def only(series: list):  # type: ignore[no-untyped-def]
    assert len(series) == 1
    return series[0]


# --- Yahoo download -------------------------------------------------------------------------


def test_yahoo_download_columns_values_and_metadata(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "^RUT.csv",
        [
            YAHOO_HEADER,
            "2020-10-01,1.5,2.5,1.0,2.0,2.25,1000",
            "2020-10-05,2.0,3.0,1.5,2.5,2.75,0",
        ],
    )
    s = only(parse_file(path))
    assert (s.symbol, s.schema, s.measure, s.frequency) == ("^RUT", "ohlcv", "price", "daily")
    assert s.source == "yahoo-csv:^RUT.csv"
    assert tuple(s.frame.columns) == OHLCV_COLUMNS
    assert (s.frame.dtypes == "float64").all()
    pd.testing.assert_index_equal(s.frame.index, dates("2020-10-01", "2020-10-05"))
    assert s.frame.loc["2020-10-01"].tolist() == [1.5, 2.5, 1.0, 2.0, 2.25, 1000.0]
    assert s.frame.loc["2020-10-05"].tolist() == [2.0, 3.0, 1.5, 2.5, 2.75, 0.0]
    assert s.notes == ()


def test_yahoo_null_rows_dropped_with_a_note_and_other_nulls_kept(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "^RUT.csv",
        [
            YAHOO_HEADER,
            "2020-10-01,1,2,1,2,2,10",
            "2020-10-02,null,null,null,null,null,null",
            "2020-10-05,1,2,1,3,3,null",
        ],
        newline="\r\n",
    )
    s = only(parse_file(path))
    pd.testing.assert_index_equal(s.frame.index, dates("2020-10-01", "2020-10-05"))
    assert s.notes == ("2020-10-02: null row dropped",)
    assert math.isnan(s.frame.loc["2020-10-05", "volume"])
    assert s.frame.loc["2020-10-05", "close"] == 3.0


@pytest.mark.parametrize(
    ("name", "yields", "measure"),
    [
        ("^TNX.csv", None, "yield"),
        ("^IRX.csv", None, "yield"),
        ("^GSPC.csv", None, "price"),
        ("^GSPC.csv", {"^GSPC"}, "yield"),
        ("^TNX.csv", set(), "price"),
    ],
)
def test_yahoo_yield_symbols(tmp_path: Path, name: str, yields: set | None, measure: str) -> None:
    path = write(tmp_path, name, [YAHOO_HEADER, "2019-01-02,2.5,2.6,2.4,2.55,2.55,0"])
    assert only(parse_file(path, yield_symbols=yields)).measure == measure


def test_yahoo_rows_sorted_and_duplicates_kept(tmp_path: Path) -> None:
    lines = [
        YAHOO_HEADER,
        "2020-01-03,1,1,1,3,3,0",
        "2020-01-02,1,1,1,2,2,0",
        "2020-01-03,1,1,1,4,4,0",
    ]
    s = only(parse_file(write(tmp_path, "X.csv", lines)))
    pd.testing.assert_index_equal(s.frame.index, dates("2020-01-02", "2020-01-03", "2020-01-03"))
    assert s.frame["close"].tolist() == [2.0, 3.0, 4.0]


def test_yahoo_without_adj_close_copies_close(tmp_path: Path) -> None:
    lines = ["Date,Open,High,Low,Close,Volume", "2020-01-02,1,2,0.5,1.5,7"]
    s = only(parse_file(write(tmp_path, "X.csv", lines)))
    assert s.frame["adj_close"].tolist() == [1.5]
    assert s.notes == ("no Adj Close column (prices already adjusted): adj_close = close",)


def test_yahoo_detected_by_content_not_by_name(tmp_path: Path) -> None:
    path = write(tmp_path, "prices.txt", [YAHOO_HEADER, "2020-01-02,1,2,0.5,1.5,1.5,7"])
    assert only(parse_file(path)).symbol == "prices"


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["Date,Open,High,Low,Close,Adj Close"], "missing columns ['volume']"),
        ([YAHOO_HEADER, "2020-01-02,1,2,0.5,abc,1.5,7"], "line 2: column 'Close': 'abc'"),
        ([YAHOO_HEADER, "2020-01-02,1,2,0.5,inf,1.5,7"], "line 2: column 'Close': 'inf'"),
        ([YAHOO_HEADER, "2020-01-02,1,2,0.5,1_0,1.5,7"], "line 2: column 'Close': '1_0'"),
        ([YAHOO_HEADER, "2020-02-30,1,2,0.5,1,1.5,7"], "line 2: '2020-02-30' is not a valid date"),
        ([YAHOO_HEADER, "02/01/2020,1,2,0.5,1,1.5,7"], "line 2: '02/01/2020' is not a valid date"),
        ([YAHOO_HEADER, "2020-01-02,1,2,0.5,1"], "line 2: expected 7 cells, found 5"),
        ([YAHOO_HEADER], "no data rows"),
        ([YAHOO_HEADER, "2020-01-02,null,null,null,null,null,null"], "no row has a close"),
    ],
)
def test_yahoo_errors_name_file_and_line(tmp_path: Path, lines: list[str], message: str) -> None:
    path = write(tmp_path, "X.csv", lines)
    with pytest.raises(ParseError) as err:
        parse_file(path)
    assert not isinstance(err.value, UnsupportedFile)
    assert str(err.value).startswith(f"{path}: ")
    assert message in str(err.value)


# --- yfinance to_csv ------------------------------------------------------------------------


def test_yfinance_single_ticker_three_header_rows(tmp_path: Path) -> None:
    lines = [
        "Price,Close,High,Low,Open,Volume",
        "Ticker,^IRX,^IRX,^IRX,^IRX,^IRX",
        "Date,,,,,",
        "2025-09-08,3.9,4.0,3.8,3.85,0",
        "2025-09-09,3.95,4.1,3.9,3.9,0",
    ]
    s = only(parse_file(write(tmp_path, "download.csv", lines, newline="\r\n")))
    assert (s.symbol, s.measure, s.source) == ("^IRX", "yield", "yfinance-csv:download.csv")
    assert s.frame.loc["2025-09-08"].tolist() == [3.85, 4.0, 3.8, 3.9, 3.9, 0.0]
    assert s.notes == ("no Adj Close column (prices already adjusted): adj_close = close",)


def test_yfinance_several_tickers_with_adj_close_and_gaps(tmp_path: Path) -> None:
    lines = [
        "Price,Adj Close,Adj Close,Close,Close,High,High,Low,Low,Open,Open,Volume,Volume",
        "Ticker,IWM,SPY,IWM,SPY,IWM,SPY,IWM,SPY,IWM,SPY,IWM,SPY",
        "Date,,,,,,,,,,,,",
        "2024-01-02,190,470,200,475,201,476,199,474,199.5,474.5,10,20",
        "2024-01-03,,471,,476,,477,,475,,475.5,,21",
    ]
    iwm, spy = parse_file(write(tmp_path, "both.csv", lines))
    assert (iwm.symbol, spy.symbol) == ("IWM", "SPY")
    assert iwm.frame.loc["2024-01-02"].tolist() == [199.5, 201.0, 199.0, 200.0, 190.0, 10.0]
    assert iwm.notes == ("2024-01-03: null row dropped",)
    assert spy.frame["adj_close"].tolist() == [470.0, 471.0]
    assert spy.notes == ()


def test_yfinance_ticker_row_first(tmp_path: Path) -> None:
    lines = [
        "Ticker,QQQ,QQQ,QQQ,QQQ,QQQ",
        "Price,Open,High,Low,Close,Volume",
        "Date,,,,,",
        "2024-01-02,1,2,0.5,1.5,3",
    ]
    s = only(parse_file(write(tmp_path, "q.csv", lines)))
    assert (s.symbol, s.frame["close"].tolist()) == ("QQQ", [1.5])


def test_yfinance_tz_suffix_keeps_the_local_session_date(tmp_path: Path) -> None:
    lines = [
        "Price,Close,High,Low,Open,Volume",
        "Ticker,SPY,SPY,SPY,SPY,SPY",
        "Date,,,,,",
        "2024-01-02 00:00:00-05:00,1.5,2,0.5,1,3",
    ]
    s = only(parse_file(write(tmp_path, "q.csv", lines)))
    pd.testing.assert_index_equal(s.frame.index, dates("2024-01-02"))


def test_yfinance_bad_third_header_row(tmp_path: Path) -> None:
    lines = ["Price,Close", "Ticker,SPY", "2024-01-02,1"]
    with pytest.raises(ParseError, match=r"line 3: third header row must be 'Date'"):
        parse_file(write(tmp_path, "q.csv", lines))


# --- FRED -----------------------------------------------------------------------------------


def test_fred_monthly_rate_is_a_yield(tmp_path: Path) -> None:
    lines = ["observation_date,GS10", "1953-04-01,2.83", "1953-05-01,3.05", "1953-06-01,3.11"]
    s = only(parse_file(write(tmp_path, "whatever.csv", lines)))
    assert (s.symbol, s.schema, s.measure, s.frequency) == ("GS10", "value", "yield", "monthly")
    assert s.frame["value"].tolist() == [2.83, 3.05, 3.11]
    pd.testing.assert_index_equal(s.frame.index, dates("1953-04-01", "1953-05-01", "1953-06-01"))
    assert s.source == "fred-csv:whatever.csv"


def test_fred_date_value_with_dots_named_after_the_file(tmp_path: Path) -> None:
    lines = ["DATE,VALUE", "1978-12-29,100.00", "1979-01-01,.", "1979-01-02,100.71", "1979-01-03,"]
    s = only(parse_file(write(tmp_path, "RU2000TR.csv", lines, newline="\r\n")))
    assert (s.symbol, s.measure, s.frequency) == ("RU2000TR", "level", "daily")
    pd.testing.assert_index_equal(s.frame.index, dates("1978-12-29", "1979-01-02"))
    assert s.frame["value"].tolist() == [100.0, 100.71]
    assert s.notes == ("2 rows marked '.' (missing) dropped, first 1979-01-01",)


def test_fred_several_series_in_one_file(tmp_path: Path) -> None:
    lines = ["observation_date,TB3MS,INDPRO", "2000-01-01,5.32,90.1", "2000-02-01,.,90.5"]
    tb, ip = parse_file(write(tmp_path, "multi.csv", lines))
    assert (tb.symbol, tb.measure, tb.frame["value"].tolist()) == ("TB3MS", "yield", [5.32])
    assert (ip.symbol, ip.measure, ip.frame["value"].tolist()) == ("INDPRO", "level", [90.1, 90.5])


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["DATE,VALUE", "1979-01-01,."], "every value is missing"),
        (["DATE,VALUE", "1979-01-01,1.2.3"], "line 2: column 'VALUE': '1.2.3' is not a number"),
        (["DATE,VALUE", "1979-13-01,1"], "line 2: '1979-13-01' is not a valid date"),
        (["DATE,VALUE", "1779-01-01,1"], "line 2: '1779-01-01' is not a valid date"),
        (["observation_date,A,A", "1979-01-01,1,2"], "line 1: series columns must be distinct"),
        (
            ["observation_date,GDP", "2024-01-01,1", "2024-04-01,2", "2024-07-01,3"],
            "F.csv: GDP: observations a quarter or more apart; only daily, monthly and annual",
        ),
    ],
)
def test_fred_errors(tmp_path: Path, lines: list[str], message: str) -> None:
    with pytest.raises(ParseError, match=None) as err:
        parse_file(write(tmp_path, "F.csv", lines))
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (["2000-01-01", "2000-02-01", "2000-04-01"], "monthly"),
        (["2000-01-01"], "monthly"),
        (["2000-01-01", "2001-01-01", "2003-01-01"], "annual"),
        (["2000-01-03", "2000-01-04"], "daily"),
        (["2000-02-01", "2000-02-02"], "daily"),
        (["2000-01-01", "2000-04-01", "2000-07-01", "2000-10-01", "2001-01-01"], "quarterly"),
        (["2001-01-01", "2001-04-01", "2001-10-01"], "quarterly"),  # a quarter missing
        (["2000-01-01", "2000-03-01", "2000-06-01"], "monthly"),  # 60 days: months missing
    ],
)
def test_frequency_of(days: list[str], expected: str) -> None:
    assert frequency_of(pd.DatetimeIndex(days)) == expected


# --- dispatch and discovery -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("datapackage.json", b'{"name": "s-and-p-500"}'),
        ("list.csv", b"[1, 2]\n"),
        ("MANIFEST.md", b"# Real market data\n\nSome notes.\n"),
        ("notes.txt", b""),
        ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00"),
    ],
)
def test_unsupported_files(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(UnsupportedFile, match=f"^{path}: "):
        parse_file(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"\n  \n", "empty file"),
        (b"a,b,c\n1,2,3\n", "line 1: unrecognised CSV header 'a,b,c'"),
        (b"Date,Close\n\xff\xfe,1\n", "not UTF-8 text (byte 11)"),
    ],
)
def test_unreadable_csv_is_a_parse_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ParseError) as err:
        parse_file(path)
    assert not isinstance(err.value, UnsupportedFile)
    assert str(err.value) == f"{path}: {message}"


def test_missing_file_is_a_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="cannot read file"):
        parse_file(tmp_path / "absent.csv")


def test_leading_blank_lines_keep_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, "X.csv", ["", YAHOO_HEADER, "2020-01-02,1,2,0.5,oops,1.5,7"])
    with pytest.raises(ParseError, match="line 3: column 'Close'"):
        parse_file(path)


def test_discover_files(tmp_path: Path) -> None:
    for name in ("b/2.csv", "a.csv", "b/a/1.csv", ".hidden.csv", ".git/x.csv", "b/.DS_Store"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert discover_files(tmp_path) == [
        tmp_path / "a.csv",
        tmp_path / "b/2.csv",
        tmp_path / "b/a/1.csv",
    ]
    assert discover_files(tmp_path / "a.csv") == [tmp_path / "a.csv"]
    with pytest.raises(ParseError, match="no such file or folder"):
        discover_files(tmp_path / "nope")
