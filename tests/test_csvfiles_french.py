"""Ken French and Shiller parsers on small hand-built files (blocks, titles, footers, CRLF)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from generator.errors import ParseError
from generator.sources.csvfiles import parse_file
from tests.test_csvfiles import dates, write

# --- Ken French -----------------------------------------------------------------------------

SIZE_HEADER = "<= 0,Lo 30,Med 40,Hi 30,Lo 10,Hi 10"


def test_french_daily_size_file(tmp_path: Path) -> None:
    lines = [
        f"Date,{SIZE_HEADER}",
        "19260701,-99.99,0.38,-0.14,0.13,0.57,0.17",
        "19260702,-99.99,-99.99,0.36,0.48,-0.52,0.52",
    ]
    out = {s.symbol: s for s in parse_file(write(tmp_path, "ME_daily.csv", lines, "\r\n"))}
    assert list(out) == ["FF_ME_LO30", "FF_ME_HI30", "FF_ME_LO10", "FF_ME_HI10"]
    lo30 = out["FF_ME_LO30"]
    assert (lo30.schema, lo30.measure, lo30.frequency) == ("value", "return", "daily")
    assert lo30.frame["value"].tolist() == [0.38 / 100]
    assert lo30.notes == ("1 rows marked missing (-99.99) dropped, first 1926-07-02",)
    assert out["FF_ME_HI30"].frame["value"].tolist() == [0.13 / 100, 0.48 / 100]
    pd.testing.assert_index_equal(out["FF_ME_HI10"].frame.index, dates("1926-07-01", "1926-07-02"))


def test_french_daily_factors(tmp_path: Path) -> None:
    lines = ["Date,Mkt-RF,SMB,HML,RF", "19260701,0.09,-0.25,-0.27,0.009"]
    out = {s.symbol: s.frame["value"].tolist() for s in parse_file(write(tmp_path, "f.csv", lines))}
    assert out == {
        "FF_MKT_RF": [0.09 / 100],
        "FF_SMB": [-0.25 / 100],
        "FF_HML": [-0.27 / 100],
        "FF_RF": [0.009 / 100],
    }


RAW_MONTHLY_SIZE = [
    f",{SIZE_HEADER}",
    "192607,  -99.99,    0.14,    1.54,    3.42,   -0.12,    3.71",
    "192608,  -99.99,    3.19,    2.73,    2.91,    1.13,    3.79",
    "",
    "",
    "  Equal Weight Returns -- Monthly",
    f",{SIZE_HEADER}",
    "192607,  -99.99,    9.00,    9.00,    9.00,    9.00,    9.00",
    "",
    "  Value Weight Returns -- Annual from January to December",
    f",{SIZE_HEADER}",
    "  1927,  -99.99,   30.00,   30.00,   30.00,   30.00,   30.00",
    "",
    "Copyright 2024 Eugene F. Fama and Kenneth R. French",
]


def test_french_footer_right_after_the_rows_is_accepted(tmp_path: Path) -> None:
    lines = [
        ",Mkt-RF,SMB,HML,RF",
        "192607,2.96,-2.56,-2.43,0.22",
        "Copyright 2024 Kenneth R. French",
    ]
    assert len(parse_file(write(tmp_path, "F.CSV", lines))) == 4


def test_french_raw_monthly_takes_only_the_first_block(tmp_path: Path) -> None:
    path = write(tmp_path, "Portfolios_Formed_on_ME.CSV", RAW_MONTHLY_SIZE, newline="\r\n")
    out = {s.symbol: s for s in parse_file(path)}
    assert list(out) == ["FF_ME_LO30_M", "FF_ME_HI30_M", "FF_ME_LO10_M", "FF_ME_HI10_M"]
    lo = out["FF_ME_LO30_M"]
    assert (lo.measure, lo.frequency) == ("return", "monthly")
    pd.testing.assert_index_equal(lo.frame.index, dates("1926-07-01", "1926-08-01"))
    assert lo.frame["value"].tolist() == [0.14 / 100, 3.19 / 100]
    assert out["FF_ME_HI10_M"].frame["value"].tolist() == [3.71 / 100, 3.79 / 100]


def test_french_raw_file_with_preamble_and_titles(tmp_path: Path) -> None:
    preamble = [
        "This file was created by CMPT_ME_RETS using the 202412 CRSP database.",
        "It contains value- and equal-weighted returns for size portfolios.",
        "",
        "  Value Weight Returns -- Monthly",
    ]
    path = write(tmp_path, "ME.CSV", preamble + RAW_MONTHLY_SIZE)
    out = {s.symbol: s.frame["value"].tolist() for s in parse_file(path)}
    assert out["FF_ME_HI30_M"] == [3.42 / 100, 2.91 / 100]


def test_french_raw_factors_skip_the_annual_block(tmp_path: Path) -> None:
    lines = [
        ",Mkt-RF,SMB,HML,RF",
        "192607,    2.96,   -2.56,   -2.43,    0.22",
        "",
        " Annual Factors: January-December ",
        ",Mkt-RF,SMB,HML,RF",
        "  1927,   29.47,   -2.46,   -3.75,    3.12",
        "",
        "Copyright 2024 Eugene F. Fama and Kenneth R. French",
    ]
    out = {s.symbol: s for s in parse_file(write(tmp_path, "F-F.CSV", lines, "\r\n"))}
    assert list(out) == ["FF_MKT_RF_M", "FF_SMB_M", "FF_HML_M", "FF_RF_M"]
    assert out["FF_SMB_M"].frame["value"].tolist() == [-2.56 / 100]
    assert out["FF_RF_M"].frequency == "monthly"


def _beme_header() -> str:
    names = []
    for size in range(1, 6):
        for bm in range(1, 6):
            name = f"ME{size} BM{bm}"
            name = {"ME1 BM1": "SMALL LoBM", "ME1 BM5": "SMALL HiBM"}.get(name, name)
            name = {"ME5 BM1": "BIG LoBM", "ME5 BM5": "BIG HiBM"}.get(name, name)
            names.append(name)
    return "," + ",".join(names)


def _beme_row(date: str, start: float) -> str:
    return date + "," + ",".join(f"{start + i / 10:.4f}" for i in range(25))


def test_french_5x5_book_to_market_block_found_by_title(tmp_path: Path) -> None:
    header = _beme_header()
    lines = [
        header,
        _beme_row("192607", 50.0),  # value-weighted returns: not wanted
        "",
        "  For portfolios formed in June of year t",
        "  Value Weight Average of BE/ME Calculated for June of t to June of t+1 as: ",
        "  Sum[ME(Mth) * BE(Fiscal Year t-1) / ME(Dec t-1)] / Sum[ME(Mth)]",
        header,
        _beme_row("192607", 1.0),
        _beme_row("192608", 2.0),
        "",
        "  For portfolios formed in June of year t",
        "  Value Weight Average of BE_FYt-1/ME_June t Calculated for June of t to June of t+1 as: ",
        header,
        _beme_row("192607", 80.0),
        "",
        "Copyright 2024 Eugene F. Fama and Kenneth R. French",
    ]
    small, big = parse_file(write(tmp_path, "25_Portfolios_5x5.CSV", lines, "\r\n"))
    assert (small.symbol, big.symbol) == ("FF_BEME_SMALL", "FF_BEME_BIG")
    assert (small.measure, small.frequency) == ("ratio", "monthly")
    pd.testing.assert_index_equal(small.frame.index, dates("1926-07-01", "1926-08-01"))
    # Row value i is start + i/10: the small row holds i = 0..4, the big row i = 20..24.
    np.testing.assert_allclose(small.frame["value"], [1.2, 2.2], rtol=1e-12)
    np.testing.assert_allclose(big.frame["value"], [3.2, 4.2], rtol=1e-12)


def test_french_5x5_without_the_block_is_an_error(tmp_path: Path) -> None:
    lines = [_beme_header(), _beme_row("192607", 1.0)]
    with pytest.raises(ParseError, match="no 'Value Weight Average of BE/ME' block"):
        parse_file(write(tmp_path, "25.CSV", lines))


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([",A,B", "192607,1,2"], "unknown Ken French columns"),
        ([f",{SIZE_HEADER}", "192607,1,2,3,4,5,6", "19260801,1,2,3,4,5,6"], "mixes date formats"),
        ([f",{SIZE_HEADER}", "192613,1,2,3,4,5,6"], "line 2: '192613' is not a valid date"),
        ([f",{SIZE_HEADER}", "192607,1,2,3,x,5,6"], "line 2: column 'Hi 30': 'x'"),
        ([f",{SIZE_HEADER}", "192607,1,2,3"], "line 2: expected 7 cells, found 4"),
        ([f",{SIZE_HEADER}", "192607,1,-99.99,3,4,5,6"], "FF_ME_LO30_M: every value is missing"),
        (
            [f",{SIZE_HEADER}", "192607,1,2,3,4,5,6", "oops,1,2,3,4,5,6", "192609,1,2,3,4,5,6"],
            "line 3: expected a dated row or a blank line",
        ),
    ],
)
def test_french_errors(tmp_path: Path, lines: list[str], message: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_file(write(tmp_path, "ff.CSV", lines))
    assert message in str(err.value)


# --- Shiller --------------------------------------------------------------------------------


def test_shiller_pe10_and_earnings_with_zero_as_missing(tmp_path: Path) -> None:
    lines = [
        "Date,SP500,Dividend,Earnings,Consumer Price Index,Long Interest Rate,PE10",
        "1871-01-01,4.44,0.26,0.4,12.46,5.32,0.0",
        "1881-01-01,6.19,0.27,0.5,9.42,3.7,18.47",
        "2023-10-01,4269.4,0.0,0.0,307.67,4.8,28.53",
    ]
    pe, earnings = parse_file(write(tmp_path, "data.csv", lines))
    assert (pe.symbol, pe.measure, pe.frequency) == ("SHILLER_PE10", "ratio", "monthly")
    pd.testing.assert_index_equal(pe.frame.index, dates("1881-01-01", "2023-10-01"))
    assert pe.frame["value"].tolist() == [18.47, 28.53]
    assert pe.notes == ("1 rows with 0.0 (missing) dropped, first 1871-01-01",)
    assert (earnings.symbol, earnings.measure) == ("SHILLER_EARNINGS", "level")
    assert earnings.frame["value"].tolist() == [0.4, 0.5]
