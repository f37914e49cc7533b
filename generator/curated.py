"""Loads the curated, versioned valuation file (``data/valuation.csv``) that an editor maintains.

Format: CSV with the header ``date,side,forward_pe,earnings_growth,source,note``. Lines whose
first character is ``#`` are comments; blank lines are skipped. ``date`` is ISO (YYYY-MM-DD),
``side`` is ``small`` or ``large``, ``forward_pe`` a positive number, ``earnings_growth`` the
expected next-twelve-months EPS growth as a decimal (0.12 = 12%); either number may be empty but
not both; ``source`` (who published it, where) is required; ``note`` is free text.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pandas as pd

from generator.config import EARLIEST_DATE, LATEST_DATE
from generator.errors import DataError, file_kind

VALUATION_COLUMNS = ("date", "side", "forward_pe", "earnings_growth", "source", "note")
SIDES = ("small", "large")
# Above this absolute value a growth figure was almost surely typed in percent, not decimals.
MAX_ABS_GROWTH = 3.0


def empty_valuations() -> pd.DataFrame:
    """An empty table with the documented columns and dtypes."""
    return pd.DataFrame(
        {
            "date": pd.Series(dtype="datetime64[ns]"),
            "side": pd.Series(dtype=str),
            "forward_pe": pd.Series(dtype=float),
            "earnings_growth": pd.Series(dtype=float),
            "source": pd.Series(dtype=str),
            "note": pd.Series(dtype=str),
        }
    )


def load_valuations(path: Path) -> pd.DataFrame:
    """The curated valuation rows sorted by ``date, side``; empty when the file is absent.

    Raises DataError naming the file, line and column of the first bad value.
    """
    path = Path(path)
    if not path.exists():
        return empty_valuations()
    if path.is_dir():
        raise DataError(f"{path}: is a folder, not the curated valuation file")
    if not path.is_file():  # reading a FIFO would block, a device never end
        raise DataError(
            f"{path}: is {file_kind(path)}, not a regular file (the valuation file is plain CSV)"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = exc.object.count(b"\n", 0, exc.start) + 1
        raise DataError(
            f"{path}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} on line {line}); "
            "save it as UTF-8"
        ) from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read the valuation file ({exc.strerror or exc})") from None
    return parse_valuations(text, str(path))


def parse_valuations(text: str, where: str) -> pd.DataFrame:
    """Parse the curated file's text (see the module docstring); ``where`` names it in errors."""
    rows, header_seen = [], False
    reader = csv.reader(io.StringIO(text))
    for fields in reader:
        line = reader.line_num
        if not fields or not "".join(fields).strip() or fields[0].lstrip().startswith("#"):
            continue
        fields = [f.strip() for f in fields]
        if not header_seen:
            if tuple(fields) != VALUATION_COLUMNS:
                raise DataError(
                    f"{where} line {line}: header must be {','.join(VALUATION_COLUMNS)}, "
                    f"found {','.join(fields)}"
                )
            header_seen = True
            continue
        rows.append(_parse_row(fields, where, line))
    if not header_seen:
        raise DataError(f"{where}: no header line {','.join(VALUATION_COLUMNS)}")
    if not rows:
        return empty_valuations()
    frame = pd.DataFrame(rows, columns=["line", *VALUATION_COLUMNS])
    _check_duplicates(frame, where)
    frame = frame.sort_values(["date", "side"], kind="stable").drop(columns="line")
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    frame["forward_pe"] = frame["forward_pe"].astype(float)
    frame["earnings_growth"] = frame["earnings_growth"].astype(float)
    return frame.reset_index(drop=True)


def _parse_row(fields: list[str], where: str, line: int) -> list[object]:
    if len(fields) != len(VALUATION_COLUMNS):
        raise DataError(
            f"{where} line {line}: expected {len(VALUATION_COLUMNS)} columns, found {len(fields)}"
        )
    date, side, pe, growth, source, note = fields
    try:
        day = pd.Timestamp(pd.to_datetime(date, format="%Y-%m-%d"))
    except (ValueError, TypeError):
        raise DataError(
            f"{where} line {line}, column date: {date!r} is not an ISO date (YYYY-MM-DD)"
        ) from None
    if not EARLIEST_DATE <= day.date() <= LATEST_DATE:  # beyond what pandas' dates can hold
        raise DataError(
            f"{where} line {line}, column date: {date} is outside the dates the generator "
            f"can hold ({EARLIEST_DATE} to {LATEST_DATE})"
        )
    if side not in SIDES:
        raise DataError(
            f"{where} line {line}, column side: {side!r} is not one of {', '.join(SIDES)}"
        )
    forward_pe = _number(pe, where, line, "forward_pe")
    if not math.isnan(forward_pe) and forward_pe <= 0:
        raise DataError(f"{where} line {line}, column forward_pe: {pe!r} must be positive")
    earnings_growth = _number(growth, where, line, "earnings_growth")
    if abs(earnings_growth) > MAX_ABS_GROWTH:
        raise DataError(
            f"{where} line {line}, column earnings_growth: {growth!r} looks like a percent; "
            "write decimals (0.12 = 12%)"
        )
    if math.isnan(forward_pe) and math.isnan(earnings_growth):
        raise DataError(f"{where} line {line}: forward_pe and earnings_growth are both empty")
    if not source:
        raise DataError(f"{where} line {line}, column source: a source is required")
    return [line, day, side, forward_pe, earnings_growth, source, note]


def _number(text: str, where: str, line: int, column: str) -> float:
    if text == "":
        return math.nan
    try:
        value = float(text)
    except ValueError:
        raise DataError(f"{where} line {line}, column {column}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise DataError(f"{where} line {line}, column {column}: {text!r} is not a finite number")
    return value


def _check_duplicates(frame: pd.DataFrame, where: str) -> None:
    duplicated = frame.duplicated(["date", "side"], keep="first")
    if duplicated.any():
        row = frame[duplicated].iloc[0]
        raise DataError(
            f"{where} line {row['line']}: a {row['side']} row dated {row['date'].date()} already exists"
        )
