"""Robert Shiller's monthly S&P data (datasets/s-and-p-500 ``data.csv``).

Only the cyclically adjusted P/E (``PE10``) and ``Earnings`` are imported. The file writes 0.0
for values it does not have (PE10 before 1881, fundamentals after the last report), so 0.0
means missing and such rows are dropped.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from generator.model import Series
from generator.sources.csvtext import (
    data_rows,
    iso,
    make_frame,
    parse_dates,
    parse_error,
    parse_iso_date,
    parse_numbers,
    split_cells,
)

SOURCE = "shiller-csv"
# Header column -> (symbol, measure).
WANTED = {"PE10": ("SHILLER_PE10", "ratio"), "Earnings": ("SHILLER_EARNINGS", "level")}
MISSING = frozenset({"", "NaN", "nan"})


def is_shiller_header(cells: list[str]) -> bool:
    """Whether a first line is the Shiller header (a Date column, SP500 and PE10)."""
    return bool(cells) and cells[0].lower() == "date" and {"SP500", "PE10"} <= set(cells)


def parse_shiller(path: Path, lines: list[str], start: int) -> list[Series]:
    """SHILLER_PE10 (ratio) and SHILLER_EARNINGS (level), monthly, zeros dropped."""
    header = split_cells(lines[start])
    rows = data_rows(path, lines, start + 1, len(header))
    index = parse_dates(path, rows, parse_iso_date)
    if not (index.day == 1).all():
        raise parse_error(path, "monthly rows must be dated on the first of the month")
    out = []
    for column, (symbol, measure) in WANTED.items():
        if header.count(column) != 1:
            raise parse_error(path, f"column {column!r} must appear once", start + 1)
        values = parse_numbers(path, rows, header.index(column), column, MISSING)
        keep = ~np.isnan(values) & (values != 0.0)
        if not keep.any():
            raise parse_error(path, f"{symbol}: every value is missing")
        notes = ()
        if not keep.all():
            first = iso(index[~keep][0])
            notes = (f"{int((~keep).sum())} rows with 0.0 (missing) dropped, first {first}",)
        out.append(
            Series(
                symbol=symbol,
                frame=make_frame(index[keep], {"value": values[keep]}),
                source=f"{SOURCE}:{path.name}",
                schema="value",
                measure=measure,
                frequency="monthly",
                notes=notes,
            )
        )
    return out
