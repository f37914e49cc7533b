"""Yahoo Finance CSVs: the website download and yfinance 1.x ``DataFrame.to_csv()`` files.

Download: ``Date,Open,High,Low,Close,Adj Close,Volume`` with literal ``null`` rows.
yfinance: three header rows, ``Price`` (field), ``Ticker`` (symbol) and ``Date`` (index name),
in either field/ticker order; ``Adj Close`` is absent when yfinance adjusted the prices itself.
The store's own ``date,open,high,low,close,adj_close,volume`` CSVs read as downloads, so a stored
series (or a committed copy of one) can be imported back with ``import --replace``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from generator.model import Series
from generator.sources.csvtext import (
    Row,
    data_rows,
    iso,
    make_frame,
    parse_dates,
    parse_error,
    parse_iso_date,
    parse_numbers,
    split_cells,
)

# Header name (lower case) -> model column.
FIELDS = {
    "open": "open",
    "high": "high",
    "low": "low",
    "close": "close",
    "adj close": "adj_close",
    "adj_close": "adj_close",  # the store's own CSVs: a stored series can be imported back
    "volume": "volume",
}
REQUIRED = ("open", "high", "low", "close", "volume")
MISSING = frozenset({"", "null", "NaN", "nan"})
DOWNLOAD_SOURCE = "yahoo-csv"
YFINANCE_SOURCE = "yfinance-csv"


def is_download_header(cells: list[str]) -> bool:
    """Whether a first line looks like a Yahoo download header (a Date column and price fields)."""
    names = {c.lower() for c in cells}
    return bool(cells) and cells[0].lower() == "date" and bool(names & set(FIELDS))


def is_yfinance_header(lines: list[str], start: int) -> bool:
    """Whether lines ``start`` and the next are yfinance's ``Price`` and ``Ticker`` rows."""
    if len(lines) < start + 2:
        return False
    firsts = {split_cells(lines[start])[0], split_cells(lines[start + 1])[0]}
    return firsts == {"Price", "Ticker"}


def parse_download(
    path: Path, lines: list[str], start: int, yield_symbols: frozenset[str]
) -> list[Series]:
    """One ohlcv Series named after the file stem; the header is ``lines[start]``."""
    header = split_cells(lines[start])
    positions = _field_positions(path, header, line=start + 1)
    rows = data_rows(path, lines, start + 1, len(header))
    symbol = path.stem
    return [_ohlcv_series(path, symbol, rows, positions, DOWNLOAD_SOURCE, yield_symbols)]


def parse_yfinance(
    path: Path, lines: list[str], start: int, yield_symbols: frozenset[str]
) -> list[Series]:
    """One ohlcv Series per ticker named in the ``Ticker`` header row (``lines[start]``)."""
    first, second, third = (split_cells(line) for line in (lines[start:] + ["", ""])[:3])
    fields, tickers = (first, second) if first[0] == "Price" else (second, first)
    if len(fields) != len(tickers):
        raise parse_error(path, "the Price and Ticker header rows differ in length", start + 2)
    if third[0] != "Date" or any(third[1:]):
        raise parse_error(
            path, "third header row must be 'Date' followed by empty cells", start + 3
        )
    rows = data_rows(path, lines, start + 3, len(fields))
    out = []
    for ticker in _unique(tickers[1:]):
        if not ticker:
            raise parse_error(path, "empty ticker in the Ticker header row", start + 1)
        columns = [fields[i] if tickers[i] == ticker else "" for i in range(len(fields))]
        positions = _field_positions(path, columns, line=start + 1, ticker=ticker)
        out.append(_ohlcv_series(path, ticker, rows, positions, YFINANCE_SOURCE, yield_symbols))
    if not out:
        raise parse_error(path, "no ticker in the Ticker header row", start + 1)
    return out


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _field_positions(
    path: Path, header: list[str], line: int, ticker: str | None = None
) -> dict[str, int]:
    """Model column -> cell index; unknown fields (Dividends, Stock Splits) are ignored."""
    positions: dict[str, int] = {}
    for i, name in enumerate(header[1:], start=1):
        column = FIELDS.get(name.lower())
        if column is None:
            continue
        if column in positions:
            raise parse_error(path, f"column {name!r} appears twice", line)
        positions[column] = i
    missing = [c for c in REQUIRED if c not in positions]
    if missing:
        whose = f" for {ticker}" if ticker else ""
        raise parse_error(path, f"missing columns {missing}{whose}", line)
    return positions


def _ohlcv_series(
    path: Path,
    symbol: str,
    rows: list[Row],
    positions: dict[str, int],
    source: str,
    yield_symbols: frozenset[str],
) -> Series:
    """Rows without a close are dropped with a note; adj_close defaults to close."""
    index = parse_dates(path, rows, parse_iso_date)
    values = {
        column: parse_numbers(path, rows, i, _header_name(column), MISSING)
        for column, i in positions.items()
    }
    notes: list[str] = []
    if "adj_close" not in values:
        values["adj_close"] = values["close"].copy()
        notes.append("no Adj Close column (prices already adjusted): adj_close = close")
    keep = ~np.isnan(values["close"])
    notes.extend(f"{iso(day)}: null row dropped" for day in index[~keep])
    if not keep.any():
        raise parse_error(path, f"{symbol}: no row has a close")
    frame = make_frame(
        index[keep],
        {c: values[c][keep] for c in ("open", "high", "low", "close", "adj_close", "volume")},
    )
    measure = "yield" if symbol in yield_symbols else "price"
    return Series(
        symbol=symbol,
        frame=frame,
        source=f"{source}:{path.name}",
        schema="ohlcv",
        measure=measure,
        frequency="daily",
        notes=tuple(notes),
    )


def _header_name(column: str) -> str:
    return {"adj_close": "Adj Close"}.get(column, column.capitalize())
