"""CSV import on the real files in ../shared/marketdata (read in place; skipped when absent).

Expected counts and values are recomputed here from the raw text with the csv module, not taken
from the parser under test.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from generator.model import FF_BEME_BIG, FF_BEME_SMALL, FF_SMALL_DAILY, FF_SMALL_MONTHLY, Series
from generator.sources.csvfiles import UnsupportedFile, discover_files, parse_file
from tests.test_csvfiles_props import assert_valid

pytestmark = pytest.mark.realdata


@cache
def parsed(path: Path) -> tuple[Series, ...]:
    return tuple(parse_file(path))


def by_symbol(path: Path) -> dict[str, Series]:
    return {s.symbol: s for s in parsed(path)}


def raw_rows(path: Path) -> list[list[str]]:
    with path.open(newline="") as handle:
        return [row for row in csv.reader(handle) if row]


def test_every_file_parses_or_is_an_unsupported_non_data_file(marketdata: Path) -> None:
    unsupported = []
    for path in discover_files(marketdata):
        try:
            assert_valid(list(parsed(path)))
        except UnsupportedFile:
            unsupported.append(path.relative_to(marketdata).as_posix())
    assert unsupported == ["MANIFEST.md", "shiller/datapackage.json"]


def test_every_symbol_appears_once_per_folder(marketdata: Path) -> None:
    for folder in ("prices", "fred", "french", "yfinance-format", "shiller"):
        symbols = [s.symbol for p in discover_files(marketdata / folder) for s in _data(p)]
        assert len(symbols) == len(set(symbols)), folder


def _data(path: Path) -> tuple[Series, ...]:
    try:
        return parsed(path)
    except UnsupportedFile:
        return ()


def test_rut_null_row_dropped_with_a_note(marketdata: Path) -> None:
    path = marketdata / "prices" / "^RUT.csv"
    rows = raw_rows(path)[1:]
    nulls = [r[0] for r in rows if r[4] == "null"]
    assert nulls == ["2020-10-02"]
    (rut,) = parsed(path)
    assert (rut.symbol, rut.measure, rut.schema) == ("^RUT", "price", "ohlcv")
    assert rut.notes == ("2020-10-02: null row dropped",)
    assert len(rut.frame) == len(rows) - 1
    assert pd.Timestamp("2020-10-02") not in rut.frame.index
    last = rows[-1]
    assert rut.frame.index[-1] == pd.Timestamp(last[0])
    assert rut.frame.iloc[-1].tolist() == [float(c) for c in last[1:]]


@pytest.mark.parametrize("name", ["^IRX.csv", "^FVX.csv", "^TNX.csv", "^TYX.csv"])
def test_rates_are_yields_with_every_null_row_noted(marketdata: Path, name: str) -> None:
    path = marketdata / "prices" / name
    rows = raw_rows(path)[1:]
    nulls = [r[0] for r in rows if r[4] == "null"]
    (series,) = parsed(path)
    assert series.measure == "yield"
    assert series.notes == tuple(f"{d}: null row dropped" for d in nulls)
    assert len(series.frame) == len(rows) - len(nulls)


def test_fred_russell_total_return_has_no_missing_values(marketdata: Path) -> None:
    path = marketdata / "fred" / "RU2000TR.csv"
    rows = raw_rows(path)[1:]
    kept = [(d, float(v)) for d, v in rows if v != "."]
    (series,) = parsed(path)
    assert (series.symbol, series.measure, series.frequency) == ("RU2000TR", "level", "daily")
    assert not series.frame["value"].isna().any()
    assert len(series.frame) == len(kept) == len(rows) - 339
    assert series.frame["value"].tolist() == [v for _, v in kept]


@pytest.mark.parametrize("name", ["TB3MS", "GS10"])
def test_fred_monthly_rates(marketdata: Path, name: str) -> None:
    path = marketdata / "fred" / f"{name}.csv"
    rows = raw_rows(path)[1:]
    (series,) = parsed(path)
    assert (series.symbol, series.measure, series.frequency) == (name, "yield", "monthly")
    assert len(series.frame) == len(rows)
    assert series.frame["value"].iloc[0] == float(rows[0][1])


def test_french_daily_small_first_value(marketdata: Path) -> None:
    out = by_symbol(marketdata / "french" / "Portfolios_Formed_on_ME_Daily.csv")
    small = out[FF_SMALL_DAILY]
    assert small.frame.index[0] == pd.Timestamp("1926-07-01")
    assert small.frame["value"].iloc[0] == 0.0038
    assert (small.measure, small.frequency) == ("return", "daily")
    assert set(out) == {"FF_ME_LO30", "FF_ME_HI30", "FF_ME_LO10", "FF_ME_HI10"}


def test_french_monthly_size_file_uses_only_the_first_block(marketdata: Path) -> None:
    path = marketdata / "french" / "Portfolios_Formed_on_ME.CSV"
    lines = path.read_text().splitlines()
    first_block = lines[1 : lines.index("")]  # header on line 1, block ends at the first blank
    assert len(first_block) == 1182  # 1926-07 .. 2024-12: 98.5 years of months
    small = by_symbol(path)[FF_SMALL_MONTHLY]
    assert small.frequency == "monthly"
    expected_index = pd.date_range("1926-07-01", "2024-12-01", freq="MS", name="date")
    assert small.frame.index.equals(expected_index)
    lo30 = [float(line.split(",")[2]) / 100 for line in first_block]
    assert small.frame["value"].tolist() == lo30


def test_french_monthly_factors(marketdata: Path) -> None:
    out = by_symbol(marketdata / "french" / "F-F_Research_Data_Factors.CSV")
    assert set(out) == {"FF_MKT_RF_M", "FF_SMB_M", "FF_HML_M", "FF_RF_M"}
    assert len(out["FF_RF_M"].frame) == 1182
    assert out["FF_MKT_RF_M"].frame["value"].iloc[0] == 2.96 / 100


def test_french_book_to_market_from_the_be_me_block(marketdata: Path) -> None:
    path = marketdata / "french" / "25_Portfolios_5x5.CSV"
    lines = path.read_text().splitlines()
    title = next(i for i, line in enumerate(lines) if "Value Weight Average of BE/ME" in line)
    header = next(i for i in range(title, len(lines)) if lines[i].startswith(","))
    first = [float(c) for c in lines[header + 1].split(",")[1:]]
    out = by_symbol(path)
    small, big = out[FF_BEME_SMALL], out[FF_BEME_BIG]
    assert (small.measure, small.frequency) == ("ratio", "monthly")
    assert small.frame.index[0] == pd.Timestamp("1926-07-01")
    np.testing.assert_allclose(small.frame["value"].iloc[0], np.mean(first[:5]), rtol=1e-12)
    np.testing.assert_allclose(big.frame["value"].iloc[0], np.mean(first[20:]), rtol=1e-12)
    assert len(small.frame) == 1182


def test_yfinance_format_ticker_from_the_header(marketdata: Path) -> None:
    path = marketdata / "yfinance-format" / "^RUT.csv"
    rows = raw_rows(path)
    (rut,) = parsed(path)
    assert rut.symbol == rows[1][1] == "^RUT"
    assert len(rut.frame) == len(rows) - 3
    assert rut.frame.index[0] == pd.Timestamp(rows[3][0])
    assert rut.frame["close"].iloc[0] == float(rows[3][rows[0].index("Close")])
    assert rut.frame["adj_close"].equals(rut.frame["close"])


def test_shiller_zeros_are_missing(marketdata: Path) -> None:
    out = by_symbol(marketdata / "shiller" / "data.csv")
    pe, earnings = out["SHILLER_PE10"], out["SHILLER_EARNINGS"]
    assert (pe.frame["value"] > 0).all() and (earnings.frame["value"] > 0).all()
    assert pe.frame.index[0] == pd.Timestamp("1881-01-01")
    assert earnings.frame.index[-1] == pd.Timestamp("2023-06-01")
