"""Property tests: any input gives valid Series or a ParseError (UnsupportedFile), never a traceback."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import ParseError
from generator.model import FREQUENCIES, MEASURES, SCHEMAS, Series
from generator.sources.csvfiles import parse_file

pytestmark = pytest.mark.slow  # 200 generated files per property: not in `make test-fast`

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
YAHOO_FIELDS = ["Open", "High", "Low", "Close", "Adj Close", "Volume"]


def parse_bytes(name: str, content: bytes) -> list[Series] | ParseError:
    """parse_file on a fresh file; a ParseError is returned, any other exception propagates."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            return parse_file(path)
        except ParseError as err:
            assert str(err).startswith(f"{path}"), str(err)
            assert "\n" not in str(err)
            return err


def assert_valid(out: list[Series]) -> None:
    assert out, "parse_file returned no series"
    for s in out:
        frame = s.frame
        assert s.symbol
        assert s.measure in MEASURES and s.frequency in FREQUENCIES
        assert tuple(frame.columns) == SCHEMAS[s.schema]
        assert len(frame) > 0
        assert isinstance(frame.index, pd.DatetimeIndex) and frame.index.tz is None
        assert frame.index.name == "date"
        assert frame.index.is_monotonic_increasing
        assert (frame.dtypes == "float64").all()
        key = "close" if s.schema == "ohlcv" else "value"
        assert not frame[key].isna().any()
        values = frame.to_numpy()
        assert np.isfinite(values[~np.isnan(values)]).all()


def check(name: str, content: bytes) -> list[Series] | ParseError:
    out = parse_bytes(name, content)
    if not isinstance(out, ParseError):
        assert_valid(out)
    return out


# --- arbitrary input ------------------------------------------------------------------------


@SETTINGS
@given(content=st.binary(max_size=400), name=st.sampled_from(["x.csv", "x.CSV", "x.txt", "x"]))
def test_arbitrary_bytes(content: bytes, name: str) -> None:
    check(name, content)


TOKENS = st.sampled_from(
    [
        "Date", "Open", "High", "Low", "Close", "Adj Close", "Volume", "Price", "Ticker",
        "observation_date", "DATE", "VALUE", "GS10", "Lo 30", "Hi 30", "Lo 10", "Hi 10",
        "Mkt-RF", "SMB", "HML", "RF", "SP500", "PE10", "Earnings", "SMALL LoBM", "BIG HiBM",
        "2020-01-02", "2020-02-30", "19260701", "192607", "1927", "99999999", "1.5", "-99.99",
        "0", "0.0", "1e400", "nan", "null", ".", "", " ", "-", "x", '"', "{", "\t",
        "  Value Weight Average of BE/ME", "Equal Weight", "Copyright",
    ]
)  # fmt: skip
LINES = st.lists(st.lists(TOKENS, max_size=8).map(",".join), max_size=12)


@SETTINGS
@given(lines=LINES, newline=st.sampled_from(["\n", "\r\n", "\r"]))
def test_token_soup(lines: list[str], newline: str) -> None:
    check("soup.csv", newline.join(lines).encode())


@SETTINGS
@given(text=st.text(max_size=300))
def test_arbitrary_text(text: str) -> None:
    check("t.csv", text.encode("utf-8", "surrogatepass"))


# --- near-valid Yahoo -----------------------------------------------------------------------

DAYS = st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)).map(lambda d: d.isoformat())
GOOD_NUMBER = st.floats(0.01, 1e6, allow_nan=False).map(lambda x: f"{x:.4f}")
CELL = st.one_of(GOOD_NUMBER, st.sampled_from(["null", "", "NaN"]))
GARBAGE = st.sampled_from(["abc", "1.2.3", "inf", "-", "1_0", "2020-01-02", " x "])


@st.composite
def corrupted(draw: st.DrawFn, table: list[list[str]], garbage: st.SearchStrategy) -> None:
    """Apply zero to two corruptions in place: a garbage cell or a row losing its last cell."""
    for _ in range(draw(st.integers(0, 2)) if table else 0):
        row = table[draw(st.integers(0, len(table) - 1))]
        if draw(st.booleans()):
            row[draw(st.integers(1, len(row) - 1))] = draw(garbage)
        else:
            row.pop()


@st.composite
def yahoo_files(draw: st.DrawFn) -> tuple[list[str], list[list[str]], bool]:
    full = YAHOO_FIELDS
    fields = draw(st.sampled_from([full, full, full, full[:-1], full[1:], full[:4] + full[5:]]))
    width = len(fields)
    rows = draw(st.lists(st.tuples(DAYS, st.lists(CELL, min_size=width, max_size=width))))
    table = [[day, *cells] for day, cells in rows]
    draw(corrupted(table, GARBAGE))
    return ["Date", *fields], table, draw(st.booleans())


@SETTINGS
@given(spec=yahoo_files())
def test_near_valid_yahoo(spec: tuple[list[str], list[list[str]], bool]) -> None:
    header, table, crlf = spec
    newline = "\r\n" if crlf else "\n"
    text = newline.join(",".join(row) for row in [header, *table]) + newline
    out = check("^RUT.csv", text.encode())
    clean = all(
        len(row) == len(header) and all(c in ("null", "", "NaN") or _is_number(c) for c in row[1:])
        for row in table
    )
    at = header.index("Close") if "Close" in header else None
    closes = [row[at] for row in table if at is not None and at < len(row)]
    has_close = any(_is_number(c) for c in closes)
    if set(header) >= {"Open", "High", "Low", "Close", "Volume"} and clean and has_close:
        # Every cell well-formed: the parse must succeed and keep exactly the rows with a close.
        assert not isinstance(out, ParseError), out
        (series,) = out
        assert len(series.frame) == sum(_is_number(c) for c in closes)
        expected = sorted(float(c) for c in closes if _is_number(c))
        assert sorted(series.frame["close"].tolist()) == expected
        dropped = [n for n in series.notes if n.endswith("null row dropped")]
        assert len(dropped) == len(closes) - len(expected)
    else:
        assert isinstance(out, ParseError)


def _is_number(text: str) -> bool:
    try:
        return np.isfinite(float(text)) and "_" not in text and text.strip() == text
    except ValueError:
        return False


# --- near-valid FRED ------------------------------------------------------------------------

FRED_VALUE = st.one_of(GOOD_NUMBER, GOOD_NUMBER, st.just("."), st.sampled_from(["x", "1,5", "#"]))


def _refused_for_its_frequency(error: ParseError) -> bool:
    text = str(error)
    return "a quarter or more apart" in text or "change frequency midway" in text


@SETTINGS
@given(
    rows=st.lists(st.tuples(DAYS, FRED_VALUE), max_size=15),
    header=st.sampled_from(["DATE,VALUE", "observation_date,GS10", "observation_date,RU2000TR"]),
)
def test_near_valid_fred(rows: list[tuple[str, str]], header: str) -> None:
    text = "\n".join([header, *(f"{d},{v}" for d, v in rows)])
    out = check("SERIES.csv", text.encode())
    values = [v for _, v in rows]
    if rows and all(v == "." or _is_number(v) for v in values) and set(values) != {"."}:
        if isinstance(out, ParseError) and _refused_for_its_frequency(out):
            # Quarterly series and frequency changes are refused by rule (sources/fred.py):
            # that takes at least two dates far enough apart.
            assert len({d for d, _ in rows}) >= 2, out
            return
        assert not isinstance(out, ParseError), out
        (series,) = out
        assert series.symbol == ("SERIES" if header == "DATE,VALUE" else header.split(",")[1])
        assert sorted(series.frame["value"]) == sorted(float(v) for v in values if v != ".")
    else:
        assert isinstance(out, ParseError)


# --- near-valid Ken French ------------------------------------------------------------------

FRENCH_DAY = st.dates(dt.date(1926, 7, 1), dt.date(2025, 12, 31)).map(lambda d: f"{d:%Y%m%d}")
FRENCH_VALUE = st.one_of(st.floats(-50, 50).map(lambda x: f"{x:8.2f}"), st.just("-99.99"))
FRENCH_GARBAGE = st.sampled_from(["  x", "", "1e999", "--1"])


@SETTINGS
@given(
    rows=st.lists(st.tuples(FRENCH_DAY, st.lists(FRENCH_VALUE, min_size=4, max_size=4))),
    bad_date=st.sampled_from([None, "192613", "1926", "20250230", "abc"]),
    footer=st.booleans(),
    data=st.data(),
)
def test_near_valid_french_factors(
    rows: list[tuple[str, list[str]]], bad_date: str | None, footer: bool, data: st.DataObject
) -> None:
    table = [[d, *vs] for d, vs in rows]
    if bad_date and table:
        table[data.draw(st.integers(0, len(table) - 1))][0] = bad_date
    data.draw(corrupted(table, FRENCH_GARBAGE))
    lines = [",Mkt-RF,SMB,HML,RF", *(",".join(row) for row in table)]
    if footer:
        lines += ["", "Copyright 2024 Eugene F. Fama and Kenneth R. French"]
    out = check("F-F.CSV", "\r\n".join(lines).encode())
    clean = all(len(r) == 5 and all(_is_number(c.strip()) for c in r[1:]) for r in table)
    if not (table and clean and bad_date is None):
        assert isinstance(out, ParseError)
        return
    smb = [float(r[2]) / 100 for r in table if r[2] != "-99.99"]
    if all(any(r[i] != "-99.99" for r in table) for i in (1, 2, 3, 4)):
        assert not isinstance(out, ParseError), out
        assert [s.symbol for s in out] == ["FF_MKT_RF", "FF_SMB", "FF_HML", "FF_RF"]
        assert sorted(out[1].frame["value"]) == sorted(smb)
    else:
        assert "every value is missing" in str(out)
