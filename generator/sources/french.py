"""Ken French Data Library CSVs, clean daily files and raw monthly files alike.

A file is a sequence of blank-line separated blocks: optional title lines (e.g. "Equal Weight
Returns -- Monthly", or the preamble "This file was created by ..."), a header line whose first
cell is empty (or ``Date``), then rows dated ``YYYYMMDD`` (daily), ``YYYYMM`` (monthly) or
``YYYY`` (annual). A copyright footer is a block without a header and is ignored. Returns are
in percent and become decimals; ``-99.99`` and ``-999`` mark missing values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from generator.model import (
    FF_BEME_BIG,
    FF_BEME_SMALL,
    FF_BIG_DAILY,
    FF_BIG_MONTHLY,
    FF_SMALL_DAILY,
    FF_SMALL_MONTHLY,
    Series,
)
from generator.sources.csvtext import (
    Row,
    iso,
    make_frame,
    parse_compact_date,
    parse_dates,
    parse_error,
    parse_numbers,
    split_cells,
)

SOURCE = "french-csv"
MISSING_VALUES = (-99.99, -999.0)
FREQUENCY_BY_DIGITS = {8: "daily", 6: "monthly", 4: "annual"}
_DATE_CELL = re.compile(r"\d{4}(?:\d{2}){0,2}")
# Size portfolios: header column -> daily symbol (monthly symbols add "_M").
SIZE_COLUMNS = {
    "Lo 30": FF_SMALL_DAILY,
    "Hi 30": FF_BIG_DAILY,
    "Lo 10": "FF_ME_LO10",
    "Hi 10": "FF_ME_HI10",
}
FACTOR_COLUMNS = {"Mkt-RF": "FF_MKT_RF", "SMB": "FF_SMB", "HML": "FF_HML", "RF": "FF_RF"}
# 5x5 size x book-to-market: the five B/M columns of the smallest and of the biggest size row.
BEME_ROWS = {
    FF_BEME_SMALL: ("SMALL LoBM", "ME1 BM2", "ME1 BM3", "ME1 BM4", "SMALL HiBM"),
    FF_BEME_BIG: ("BIG LoBM", "ME5 BM2", "ME5 BM3", "ME5 BM4", "BIG HiBM"),
}
BEME_TITLE = "value weight average of be/me"
# Explicit monthly names where the model defines them (the others follow the "_M" rule).
MONTHLY_NAMES = {FF_SMALL_DAILY: FF_SMALL_MONTHLY, FF_BIG_DAILY: FF_BIG_MONTHLY}


@dataclass
class Block:
    """One blank-line separated block: title lines, a header and dated rows."""

    first_line: int
    titles: list[str] = field(default_factory=list)
    header: list[str] | None = None
    rows: list[Row] = field(default_factory=list)
    # A text line that directly followed the rows (no blank line): the data may be cut short.
    interrupted_at: int | None = None

    @property
    def title(self) -> str:
        return " ".join(" ".join(t.split()) for t in self.titles).lower()


def is_french(lines: list[str]) -> bool:
    """Whether the file opens (after any preamble) with a Ken French header and dated rows."""
    blocks = split_blocks(lines[:200])
    return any(b.header is not None and b.rows for b in blocks[:4])


def split_blocks(lines: list[str]) -> list[Block]:
    """The file's blocks in order; a text line right after data rows also starts a new block."""
    blocks: list[Block] = []
    current: Block | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            current = None
            continue
        cells = split_cells(line)
        if current is None or (current.rows and not _DATE_CELL.fullmatch(cells[0])):
            if current is not None and not cells[0].lower().startswith("copyright"):
                current.interrupted_at = number
            current = Block(first_line=number)
            blocks.append(current)
        if current.header is None and _is_header(cells):
            current.header = cells
        elif current.header is not None and _DATE_CELL.fullmatch(cells[0]):
            current.rows.append((number, cells))
        elif current.header is None:
            current.titles.append(line.strip())
        else:
            current = Block(first_line=number, titles=[line.strip()])
            blocks.append(current)
    return blocks


def _is_header(cells: list[str]) -> bool:
    return len(cells) >= 2 and cells[0].lower() in ("", "date") and all(cells[1:])


def parse_french(path: Path, lines: list[str]) -> list[Series]:
    """The size portfolios, the research factors or the 5x5 book-to-market series."""
    blocks = [b for b in split_blocks(lines) if b.header is not None]
    if not blocks:
        raise parse_error(path, "no Ken French data block found")
    interrupted = next((b.interrupted_at for b in blocks if b.interrupted_at), None)
    if interrupted is not None:
        raise parse_error(path, "expected a dated row or a blank line", interrupted)
    columns = set(blocks[0].header or ())
    if set(SIZE_COLUMNS) <= columns:
        return _returns(path, _first_return_block(path, blocks), SIZE_COLUMNS)
    if set(FACTOR_COLUMNS) <= columns:
        return _returns(path, _first_return_block(path, blocks), FACTOR_COLUMNS)
    if all(set(names) <= columns for names in BEME_ROWS.values()):
        return _book_to_market(path, blocks)
    raise parse_error(
        path, f"unknown Ken French columns {sorted(columns)[:6]}", blocks[0].first_line
    )


def _first_return_block(path: Path, blocks: list[Block]) -> Block:
    """The first daily or monthly block: value-weighted returns come first in the library."""
    for block in blocks:
        if "equal weight" in block.title:
            continue
        if block.rows and _frequency(path, block) != "annual":
            return block
    raise parse_error(path, "no daily or monthly value-weighted block")


def _frequency(path: Path, block: Block) -> str:
    lengths = {len(cells[0]) for _, cells in block.rows}
    if len(lengths) != 1:
        raise parse_error(path, "block mixes date formats", block.first_line)
    return FREQUENCY_BY_DIGITS[lengths.pop()]


def _returns(path: Path, block: Block, wanted: dict[str, str]) -> list[Series]:
    frequency = _frequency(path, block)
    values = _block_values(path, block, list(wanted))
    index = parse_dates(path, block.rows, parse_compact_date)
    out = []
    for column, symbol in wanted.items():
        name = symbol if frequency == "daily" else _monthly_name(symbol)
        returns = values[column] / 100.0
        out.append(_value_series(path, name, block, index, returns, "return", frequency))
    return out


def _monthly_name(symbol: str) -> str:
    return MONTHLY_NAMES.get(symbol, f"{symbol}_M")


def _book_to_market(path: Path, blocks: list[Block]) -> list[Series]:
    block = next((b for b in blocks if BEME_TITLE in b.title), None)
    if block is None or not block.rows:
        raise parse_error(path, "no 'Value Weight Average of BE/ME' block")
    frequency = _frequency(path, block)
    wanted = [name for names in BEME_ROWS.values() for name in names]
    values = _block_values(path, block, wanted)
    index = parse_dates(path, block.rows, parse_compact_date)
    out = []
    for symbol, names in BEME_ROWS.items():
        # A month with any of the five missing has no meaningful mean: it stays NaN (dropped).
        mean = np.mean(np.vstack([values[n] for n in names]), axis=0)
        out.append(_value_series(path, symbol, block, index, mean, "ratio", frequency))
    return out


def _block_values(path: Path, block: Block, names: list[str]) -> dict[str, np.ndarray]:
    """The named columns as floats with the library's missing markers turned into NaN."""
    header = block.header or []
    width = len(header)
    for number, cells in block.rows:
        if len(cells) != width:
            raise parse_error(path, f"expected {width} cells, found {len(cells)}", number)
    out = {}
    for name in names:
        if header.count(name) != 1:
            raise parse_error(path, f"column {name!r} must appear once", block.first_line)
        values = parse_numbers(path, block.rows, header.index(name), name, frozenset())
        out[name] = np.where(np.isin(values, MISSING_VALUES), np.nan, values)
    return out


def _value_series(
    path: Path,
    symbol: str,
    block: Block,
    index: pd.DatetimeIndex,
    values: np.ndarray,
    measure: str,
    frequency: str,
) -> Series:
    keep = ~np.isnan(values)
    if not keep.any():
        raise parse_error(path, f"{symbol}: every value is missing", block.first_line)
    notes = ()
    if not keep.all():
        first = iso(index[~keep][0])
        notes = (f"{int((~keep).sum())} rows marked missing (-99.99) dropped, first {first}",)
    return Series(
        symbol=symbol,
        frame=make_frame(index[keep], {"value": values[keep]}),
        source=f"{SOURCE}:{path.name}",
        schema="value",
        measure=measure,
        frequency=frequency,
        notes=notes,
    )
