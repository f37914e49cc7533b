"""Deterministic CSV text of chart frames: fixed float formatting, ISO dates, empty for missing."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from generator.charts.units import rounded_text
from generator.metrics.registry import Metric

# Significant digits of chart numbers that are not published numbers (a column without a
# registry metric): enough for a 300-pixel-high chart, few enough to keep specs small. Levels of
# 100 and more keep one decimal (an index rebased to 100 reads 119.5, not 120). A published
# number is written as its table rounds it (``units``), so its tooltip shows the table's value.
SPEC_DIGITS = 3


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


def format_column(column: pd.Series, digits: int = SPEC_DIGITS) -> list[str]:
    """Every value of ``column`` as ``format_cell`` writes it, a whole column at a time.

    Float and date columns (nearly every cell of a report) skip the per-cell type dispatch.
    """
    dtype = column.dtype
    if dtype == "float64":
        small = f".{digits}g"
        limit = 10 ** (digits - 1)

        def text(v: float) -> str:
            if v != v or v in (math.inf, -math.inf):
                return ""
            out = format(v, ".1f" if abs(v) >= limit else small)
            return "0" if out == "-0" else out

        return [text(v) for v in column.to_numpy().tolist()]
    if pd.api.types.is_datetime64_dtype(dtype):
        return column.dt.strftime("%Y-%m-%d").fillna("").to_list()
    return [format_cell(_plain(v), digits) for v in column.tolist()]


def _text_rows(
    frame: pd.DataFrame, digits: int, metrics: Mapping[str, Metric]
) -> Iterable[tuple[str, ...]]:
    return zip(*(_column_texts(frame[c], digits, metrics.get(str(c))) for c in frame.columns),
               strict=True)  # fmt: skip


def _column_texts(column: pd.Series, digits: int, metric: Metric | None) -> list[str]:
    """A column's cells: a published number as its table rounds it, else ``format_column``."""
    if metric is None or not pd.api.types.is_numeric_dtype(column.dtype):
        return format_column(column, digits)
    return [
        rounded_text(v, metric) for v in column.to_numpy(dtype=float, na_value=math.nan).tolist()
    ]


def write_csv(header: list[str], rows: Iterable[Iterable[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _plain(value: Any) -> Any:
    """numpy scalars as Python scalars, so formatting does not depend on the dtype."""
    if hasattr(value, "item") and not isinstance(value, pd.Timestamp):
        return value.item()
    return value


def frame_to_csv(
    frame: pd.DataFrame, digits: int = SPEC_DIGITS, metrics: Mapping[str, Metric] | None = None
) -> str:
    """The frame (columns only, no index) as deterministic CSV text; ``metrics``: columns that
    are published numbers, written as their tables round them (``units.rounded_text``)."""
    return write_csv([str(c) for c in frame.columns], _text_rows(frame, digits, metrics or {}))
