"""Low-level helpers shared by the CSV importers: lines, cells, numbers, dates, frames.

Every helper raises ParseError with one line naming the file (and line and column when known),
so the format parsers never let a ValueError or IndexError escape.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from generator.errors import ParseError

# A data row: its 1-based line number in the file and its stripped cells.
Row = tuple[int, list[str]]

# Plain decimal numbers only: float() alone would also accept "1_000", "inf" or "nan".
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T][0-9:.+\-]*)?")
_COMPACT_DATE = re.compile(r"\d{4}(?:\d{2}(?:\d{2})?)?")
_NUMBER_CHARS = frozenset("0123456789.+-eE")
_DIGITS = frozenset("0123456789")
_DATE_CHARS = _DIGITS | {"-"}
# Dates outside this range are typos (and would not fit datetime64[ns] either).
FIRST_YEAR, LAST_YEAR = 1800, 2200


class UnsupportedFile(ParseError):
    """A file that is recognised but holds no importable series (JSON metadata, notes, ...)."""


def parse_error(path: Path, detail: str, line: int | None = None) -> ParseError:
    """A ParseError whose single-line message names the file and, when known, the line."""
    where = f"{path}: line {line}" if line is not None else f"{path}"
    return ParseError(f"{where}: {detail}")


def read_lines(path: Path) -> list[str]:
    """The file's text lines (BOM and CR removed); binary or undecodable files are refused."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise parse_error(path, f"cannot read file ({exc.strerror or exc})") from None
    return decode_lines(path, data)


def decode_lines(path: Path, data: bytes) -> list[str]:
    """The text lines of a file's bytes (``path`` names it in errors), as ``read_lines`` reads
    them: what a live download is parsed from."""
    if b"\x00" in data:
        raise UnsupportedFile(f"{path}: binary file, not a CSV")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise parse_error(path, f"not UTF-8 text (byte {exc.start})") from None
    # Only CR/LF end lines: str.splitlines() would also split on form feeds and the like.
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def split_cells(line: str) -> list[str]:
    """The comma-separated cells of a line, stripped of blanks and enclosing double quotes."""
    if '"' in line:
        return [cell.strip().strip('"').strip() for cell in line.split(",")]
    if line.isprintable() and " " not in line:
        return line.split(",")  # the common case, kept fast: nothing to strip
    return [cell.strip() for cell in line.split(",")]


def data_rows(path: Path, lines: list[str], start: int, width: int) -> list[Row]:
    """Non-blank lines from index ``start`` on, each checked to have ``width`` cells."""
    rows: list[Row] = []
    for number, line in enumerate(lines[start:], start=start + 1):
        if not line.strip():
            continue
        cells = split_cells(line)
        if len(cells) != width:
            raise parse_error(path, f"expected {width} cells, found {len(cells)}", number)
        rows.append((number, cells))
    if not rows:
        raise parse_error(path, "no data rows")
    return rows


def parse_numbers(
    path: Path, rows: list[Row], index: int, name: str, missing: frozenset[str]
) -> np.ndarray:
    """Column ``index`` as float64; ``missing`` tokens become NaN, anything else not a number fails."""
    texts = [cells[index] for _, cells in rows]
    absent = np.fromiter((t in missing for t in texts), dtype=bool, count=len(texts))
    present = [t for t in texts if t not in missing] if absent.any() else texts
    out = np.full(len(texts), np.nan)
    out[~absent] = _fast_numbers(present)
    if np.isnan(out[~absent]).any():
        _raise_first_bad_number(path, rows, index, name, missing)
    return out


def _fast_numbers(texts: list[str]) -> np.ndarray:
    """Floats in C, or all-NaN when a cell is not a plain decimal (the slow path then explains)."""
    # float() alone would also accept "1_000", "inf", "nan" or other scripts' digits.
    if not set("".join(texts)) <= _NUMBER_CHARS:
        return np.full(len(texts), np.nan)
    try:
        values = np.array(texts, dtype="float64")
    except ValueError:
        return np.full(len(texts), np.nan)
    return np.where(np.isfinite(values), values, np.nan)


def _raise_first_bad_number(
    path: Path, rows: list[Row], index: int, name: str, missing: frozenset[str]
) -> None:
    for number, cells in rows:
        text = cells[index]
        if text in missing:
            continue
        value = float(text) if _NUMBER.fullmatch(text) else math.nan
        if not math.isfinite(value):
            raise parse_error(path, f"column {name!r}: {text[:40]!r} is not a number", number)
    raise AssertionError("unreachable: the fast path found a bad number")  # pragma: no cover


def parse_iso_date(text: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` date (a time or offset after it is ignored), or None."""
    match = _ISO_DATE.fullmatch(text)
    if match is None:
        return None
    return _checked_date(*(int(g) for g in match.groups()))


def parse_compact_date(text: str) -> dt.date | None:
    """A Ken French date ``YYYYMMDD``, ``YYYYMM`` or ``YYYY`` (first day of the period), or None."""
    if _COMPACT_DATE.fullmatch(text) is None:
        return None
    month = int(text[4:6]) if len(text) >= 6 else 1
    day = int(text[6:8]) if len(text) == 8 else 1
    return _checked_date(int(text[:4]), month, day)


def _checked_date(year: int, month: int, day: int) -> dt.date | None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_dates(path: Path, rows: list[Row], parser, index: int = 0) -> pd.DatetimeIndex:  # type: ignore[no-untyped-def]
    """Column ``index`` parsed by ``parser`` into a naive DatetimeIndex named ``date``."""
    texts = [cells[index] for _, cells in rows]
    days = _fast_days(texts, compact=parser is parse_compact_date)
    if days is None:
        days = _slow_days(path, rows, parser, index)
    return pd.DatetimeIndex(days.astype("datetime64[us]"), name="date")


def _fast_days(texts: list[str], compact: bool) -> np.ndarray | None:
    """datetime64[D] parsed in C when every cell has the plain shape; None means "look closer"."""
    widths = {len(t) for t in texts}
    allowed = _DIGITS if compact else _DATE_CHARS
    if len(widths) != 1 or not set("".join(texts)) <= allowed:
        return None
    width = widths.pop()
    try:
        if compact:
            fmt = {8: "%Y%m%d", 6: "%Y%m", 4: "%Y"}.get(width)
            if fmt is None:
                return None
            days = pd.to_datetime(texts, format=fmt).to_numpy().astype("datetime64[D]")
        else:
            if width != 10:
                return None
            chars = np.array(texts, dtype="U10").view("U1").reshape(len(texts), 10)
            if not (chars[:, [4, 7]] == "-").all():
                return None
            days = np.array(texts, dtype="datetime64[D]")
    except ValueError:
        return None
    years = days.astype("datetime64[Y]").astype(int) + 1970
    if years.min() < FIRST_YEAR or years.max() > LAST_YEAR:
        return None
    return days


def _slow_days(path: Path, rows: list[Row], parser, index: int) -> np.ndarray:  # type: ignore[no-untyped-def]
    dates = []
    for number, cells in rows:
        value = parser(cells[index])
        if value is None:
            raise parse_error(path, f"{cells[index][:40]!r} is not a valid date", number)
        dates.append(value)
    return np.array(dates, dtype="datetime64[D]")


def make_frame(index: pd.DatetimeIndex, columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """A float64 frame sorted by date (stable, so duplicate dates keep their file order)."""
    frame = pd.DataFrame(
        {name: np.asarray(values, dtype="float64") for name, values in columns.items()},
        index=index,
    )
    if not frame.index.is_monotonic_increasing:
        frame = frame.sort_index(kind="stable")
    return frame


def iso(day: pd.Timestamp) -> str:
    """A date as ``YYYY-MM-DD`` for notes and messages."""
    return f"{day:%Y-%m-%d}"
