"""``chart-data.csv``: the one home of the history charts' data, one row per date.

The history charts (every chart whose ``ChartDef.file_columns`` is set) draw weekly or daily
points keyed by date, mostly on the same weeks. Their tables are merged on ``date`` into one
wide table: each chart's columns are set on its own rows and empty elsewhere, so a date and a
chart name are written once per week rather than once per chart (a tidy file with a ``chart``
column and the same numbers is about 180 KB on a 40-year history; this one about 115 KB).
Specs load the file by URL and keep their rows with ``isValid(datum[<first value column>])``
(``builders.rows_filter``). The small category tables (months, cycle phases, ladder) stay inline
in their specs; the page shows their numbers as tables.

Numbers are written at what the tooltips show (``FILE_FORMATS``); dates are ISO dates.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from generator.charts.catalogue import CHARTS
from generator.charts.tables import write_csv

DATA_FILE = "chart-data.csv"
DATE = "date"
# Python format of each number column: the precision of its tooltip (``catalogue``), so the file
# holds what a reader sees; correlation and beta keep a third decimal (0.01 is 2-3 pixels).
FILE_FORMATS = {
    "ytd_small": ".1f",
    "ytd_large": ".1f",
    "ratio": ".4g",
    "ma50": ".4g",
    "ma200": ".4g",
    "spread_12m": ".4f",
    "drawdown_small": ".3f",
    "drawdown_large": ".3f",
    "corr": ".3f",
    "beta": ".3f",
    "relative": ".1f",
    "yield_10y": ".2f",
}
# Any other number column: five significant digits.
DEFAULT_FORMAT = ".5g"


def in_file(name: str) -> bool:
    """Whether chart ``name`` reads its data from the data file (not inline in its spec)."""
    return name in CHARTS and CHARTS[name].file_columns is not None


def file_tables(name: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, ...]:
    """The tables chart ``name`` draws, with their data-file column names."""
    chart = CHARTS[name]
    tables = chart.tables(frame)
    if chart.file_columns is None:
        return tables
    return tuple(
        t.set_axis([renames.get(c, c) for c in t.columns], axis=1)
        for t, renames in zip(tables, chart.file_columns, strict=True)
    )


def _checked(tables: Iterable[pd.DataFrame]) -> list[pd.DataFrame]:
    """``tables``, refused when a column is in two of them or a table repeats a date."""
    tables = list(tables)
    seen: set[str] = set()
    for table in tables:
        shared = (seen & set(table.columns)) - {DATE}
        if shared:
            raise ValueError(f"{DATA_FILE}: column(s) {', '.join(sorted(shared))} drawn twice")
        seen |= set(table.columns)
        if table[DATE].duplicated().any():
            raise ValueError(f"{DATA_FILE}: a table has two rows for the same date")
    return tables


def _merged(tables: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Outer join of ``tables`` on ``date``, sorted by date; a column in two tables is an error."""
    tables = _checked(tables)
    if not tables:
        return pd.DataFrame({DATE: pd.Series(dtype="datetime64[ns]")})
    if len(tables) == 1:
        out = tables[0]
    else:  # one join of every table on its dates (a chain of merges copies the whole table each time)
        indexed = [t.set_index(DATE) for t in tables]
        out = pd.concat(indexed, axis=1, join="outer", sort=True).rename_axis(DATE).reset_index()
    return out.sort_values(DATE, kind="stable").reset_index(drop=True)


def _text(value: float, spec: str) -> str:
    if not math.isfinite(value):
        return ""
    out = format(value, spec)
    return out[1:] if out.startswith("-") and not out.strip("-0.") else out  # no "-0.000"


# Texts of numbers already written, per format: each week's file repeats the whole history, so
# a backfill formats each number once (formatting is most of the time spent writing the file).
_texts: dict[str, dict[float, str]] = {}
MAX_KEPT_TEXTS = 1 << 20


def _number_text(values: pd.Series, spec: str) -> list[str]:
    known = _texts.setdefault(spec, {})
    if len(known) > MAX_KEPT_TEXTS:
        known.clear()
    numbers = values.to_numpy(dtype=float, na_value=math.nan)
    out = [""] * len(numbers)
    present = np.flatnonzero(~np.isnan(numbers))  # the wide file is mostly empty cells
    for position, value in zip(present.tolist(), numbers[present].tolist(), strict=True):
        text = known.get(value)
        if text is None:
            text = known[value] = _text(value, spec)
        out[position] = text
    return out


def _column_text(column: pd.Series) -> list[str]:
    if pd.api.types.is_datetime64_any_dtype(column.dtype) and column.dt.tz is None:
        days = np.datetime_as_string(column.to_numpy(dtype="datetime64[D]"), unit="D")
        return ["" if day == "NaT" else day for day in days.tolist()]
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return column.dt.strftime("%Y-%m-%d").fillna("").to_list()
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column):
        return _number_text(column, FILE_FORMATS.get(str(column.name), DEFAULT_FORMAT))
    return ["" if pd.isna(v) else str(v) for v in column.astype(object)]


def frame_csv(frame: pd.DataFrame) -> str:
    """The frame as data-file CSV text (``FILE_FORMATS``, ISO dates, empty for missing)."""
    columns = [_column_text(frame[c]) for c in frame.columns]
    return write_csv([str(c) for c in frame.columns], zip(*columns, strict=True))


def merged_csv(tables: Iterable[pd.DataFrame]) -> str:
    """``frame_csv(_merged(tables))``, joined as text: each table's cells are written once and
    placed in the row of their date (a pandas join of the wide table costs more than the rest of
    writing the file)."""
    tables = _checked(tables)
    if len(tables) < 2:
        return frame_csv(_merged(tables))
    header = [DATE] + [str(c) for t in tables for c in t.columns if c != DATE]
    stamps = [t[DATE].to_numpy(dtype="datetime64[ns]") for t in tables]
    dates = np.unique(np.concatenate(stamps))  # sorted
    grid = np.full((len(dates), len(header)), "", dtype=object)
    grid[:, 0] = np.datetime_as_string(dates, unit="D")
    start = 1
    for table, table_dates in zip(tables, stamps, strict=True):
        columns = [c for c in table.columns if c != DATE]
        rows = np.searchsorted(dates, table_dates)
        for offset, column in enumerate(columns):
            grid[rows, start + offset] = _column_text(table[column])
        start += len(columns)
    return write_csv(header, grid.tolist())


def data_file_csv(frames: Mapping[str, pd.DataFrame]) -> str:
    """The text of ``chart-data.csv`` for a report's chart frames (deterministic)."""
    return merged_csv(
        t for name, f in frames.items() if in_file(name) for t in file_tables(name, f)
    )


def _every_kth(table: pd.DataFrame, max_rows: int) -> pd.DataFrame:
    """At most about ``max_rows`` rows at a fixed stride from the first, always the last one."""
    if len(table) <= max_rows:
        return table
    stride = -(-len(table) // max_rows)  # ceiling division
    keep = list(range(0, len(table), stride))
    if keep[-1] != len(table) - 1:
        keep.append(len(table) - 1)
    return table.iloc[keep]


def chart_rows_csv(name: str, frame: pd.DataFrame, max_rows: int | None = None) -> str:
    """Chart ``name``'s rows in the data file's layout (its columns only), for inlining.

    ``max_rows`` thins the chart's first (line) table for a static image; its other tables
    (e.g. regime bands) are kept whole.
    """
    tables = list(file_tables(name, frame))
    if max_rows is not None:
        tables[0] = _every_kth(tables[0], max_rows)
    return merged_csv(tables)
