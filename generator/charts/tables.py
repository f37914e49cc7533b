"""Deterministic CSV text of chart frames: fixed float formatting, ISO dates, empty for missing."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

# Significant digits in chart specs: enough for a 300-pixel-high chart and its tooltips
# (0.1% on a return of 10%, 0.001 on a ratio of 0.5), few enough to keep specs small. Levels of
# 100 and more keep one decimal (an index rebased to 100 reads 119.5, not 120).
SPEC_DIGITS = 3
# The downloadable chart-data.csv keeps more.
CSV_DIGITS = 6


def format_cell(value: Any, digits: int = SPEC_DIGITS) -> str:
    """One value as CSV text: floats with ``digits`` significant digits, dates as ISO dates."""
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        text = format(value, ".1f" if abs(value) >= 10 ** (digits - 1) else f".{digits}g")
        return "0" if text == "-0" else text
    if isinstance(value, str):
        return value
    if pd.isna(value):
        return ""
    return str(value)


def _rows(frame: pd.DataFrame) -> Iterable[list[Any]]:
    columns = [frame[c].astype(object).to_list() for c in frame.columns]
    return zip(*columns, strict=True)


def write_csv_rows(header: list[str], rows: Iterable[Iterable[Any]], digits: int) -> str:
    """CSV text (``\\n`` line ends, minimal quoting) of a header and rows of raw values."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([format_cell(_plain(v), digits) for v in row])
    return buffer.getvalue()


def _plain(value: Any) -> Any:
    """numpy scalars as Python scalars, so formatting does not depend on the dtype."""
    if hasattr(value, "item") and not isinstance(value, pd.Timestamp):
        return value.item()
    return value


def frame_to_csv(frame: pd.DataFrame, digits: int = SPEC_DIGITS) -> str:
    """The frame (columns only, no index) as deterministic CSV text."""
    return write_csv_rows([str(c) for c in frame.columns], _rows(frame), digits)


def tidy_csv(frames: dict[str, pd.DataFrame], digits: int = CSV_DIGITS) -> str:
    """All frames in one CSV: a leading ``chart`` column, then the union of columns in order of
    first appearance; cells a chart does not have are empty."""
    columns: list[str] = []
    for frame in frames.values():
        columns += [str(c) for c in frame.columns if str(c) not in columns]

    def rows() -> Iterable[list[Any]]:
        for name, frame in frames.items():
            present = [c if c in frame.columns else None for c in columns]
            for record in _rows(frame.reindex(columns=[c for c in present if c])):
                values = iter(record)
                yield [name, *(next(values) if c else None for c in present)]

    return write_csv_rows(["chart", *columns], rows(), digits)
