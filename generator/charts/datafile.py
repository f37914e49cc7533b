"""``chart-data.csv``: the one home of the history charts' data, one row per date.

The history charts (every chart whose ``ChartDef.file_columns`` is set) draw weekly or daily
points keyed by date, mostly on the same weeks. Their tables are merged on ``date`` into one
wide table: each chart's columns are set on its own rows and empty elsewhere, so a date and a
chart name are written once per week rather than once per chart (a tidy file with a ``chart``
column and the same numbers is about 180 KB on a 40-year history; this one about 115 KB).
Specs load the file by URL and keep their rows with ``isValid(datum[<first value column>])``
(``builders.rows_filter``). The small category tables (months, cycle phases, ladder) stay inline
in their specs; the page shows their numbers as tables.

Numbers are written at what the tooltips show: a published number (a column in a chart's
``metrics``) as its table rounds it (``units.rounded_text``), any other at ``DEFAULT_FORMAT``;
dates are ISO dates.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import pandas as pd

from generator.charts.catalogue import CHARTS
from generator.charts.tables import write_csv
from generator.charts.units import rounded_text
from generator.metrics import registry

DATA_FILE = "chart-data.csv"
DATE = "date"
# Python format of a number column that is not a published number (none today: every history
# column has a registry metric, see ``file_metrics``): five significant digits.
DEFAULT_FORMAT = ".5g"


def file_metrics() -> Mapping[str, str]:
    """Data-file column -> registry path of the history charts' published numbers (each chart's
    ``metrics`` names its columns as the file does); a column two charts declare differently
    is an error."""
    out: dict[str, str] = {}
    for name, chart in CHARTS.items():
        if chart.file_columns is None:
            continue
        for column, path in chart.metrics.items():
            if out.setdefault(column, path) != path:
                raise ValueError(f"chart {name}: file column {column!r} is {path}, "
                                 f"and {out[column]} in another chart")  # fmt: skip
    return MappingProxyType(out)


def _number_format(column: str) -> str:
    """What a number column of the file is written by: its registry path, or a Python format."""
    return file_metrics().get(column, DEFAULT_FORMAT)


# Number texts kept per format before that format's are dropped (a bound on memory).
MAX_KEPT_TEXTS = 1 << 20


@dataclass
class TextCache:
    """What one run remembers of the files it wrote (``RunContext.data_texts``): each week's
    file repeats the whole history, so a backfill formats each number once and reuses the rows
    and dates unchanged since the last file. Texts only save time: a fresh cache writes the
    same bytes."""

    # (chart, frame, its tables) of the last frames seen; the frame is held, so ``is`` cannot
    # match a new frame at a reused address. A report has ten charts.
    recent_tables: deque[tuple[str, pd.DataFrame, tuple[pd.DataFrame, ...]]] = field(
        default_factory=lambda: deque(maxlen=16)
    )
    # Texts of numbers already written, per format.
    numbers: dict[str, dict[float, str]] = field(default_factory=dict)
    # The dates of the last file written and their texts (see ``_date_texts``).
    last_dates: tuple[np.ndarray, list[str]] = (np.array([], dtype="datetime64[ns]"), [])
    # The rows last written per set of columns (dates sorted, numbers, texts).
    last_rows: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray, np.ndarray]] = field(
        default_factory=dict
    )


def in_file(name: str) -> bool:
    """Whether chart ``name`` reads its data from the data file (not inline in its spec)."""
    return name in CHARTS and CHARTS[name].file_columns is not None


def file_tables(
    name: str, frame: pd.DataFrame, texts: TextCache | None = None
) -> tuple[pd.DataFrame, ...]:
    """The tables chart ``name`` draws, with their data-file column names (do not modify them:
    ``texts`` keeps the tables of the last few frames, as a report's spec and its data file read
    the same ones)."""
    if texts is None:
        return _file_tables(name, frame)
    for kept_name, kept_frame, tables in texts.recent_tables:
        if kept_frame is frame and kept_name == name:
            return tables
    tables = _file_tables(name, frame)
    texts.recent_tables.append((name, frame, tables))
    return tables


def _file_tables(name: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, ...]:
    chart = CHARTS[name]
    tables = chart.tables(frame)
    if chart.file_columns is not None:
        tables = tuple(
            t.set_axis([renames.get(c, c) for c in t.columns], axis=1)
            for t, renames in zip(tables, chart.file_columns, strict=True)
        )
    return tuple(_without_attrs(t, frame) for t in tables)


def _without_attrs(table: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """``table`` without the display names in ``attrs``: pandas deep-copies them into every
    column or slice taken, and the tables are only data."""
    if table is frame:
        table = table.copy(deep=False)
    table.attrs = {}
    return table


def _checked(tables: Iterable[pd.DataFrame]) -> list[tuple[pd.DataFrame, np.ndarray]]:
    """``tables`` with their dates, refused when a column is in two of them or a table has a
    row without a date or repeats a date."""
    checked = []
    seen: set[str] = set()
    for table in tables:
        shared = (seen & set(table.columns)) - {DATE}
        if shared:
            raise ValueError(f"{DATA_FILE}: column(s) {', '.join(sorted(shared))} drawn twice")
        seen |= set(table.columns)
        dates = table[DATE].to_numpy(dtype="datetime64[ns]")
        if np.isnat(dates).any():
            raise ValueError(f"{DATA_FILE}: a table has a row without a date")
        if _repeats_a_date(dates):
            raise ValueError(f"{DATA_FILE}: a table has two rows for the same date")
        checked.append((table, dates))
    return checked


def _repeats_a_date(dates: np.ndarray) -> bool:
    if len(dates) < 2 or bool((dates[1:] > dates[:-1]).all()):  # sorted: the usual case
        return False
    return len(np.unique(dates)) < len(dates)


def _merged(tables: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Outer join of ``tables`` on ``date``, sorted by date; a column in two tables is an error."""
    tables = [table for table, _ in _checked(tables)]
    if not tables:
        return pd.DataFrame({DATE: pd.Series(dtype="datetime64[ns]")})
    if len(tables) == 1:
        out = tables[0]
    else:  # one join of every table on its dates (a chain of merges copies the whole table each time)
        indexed = [t.set_index(DATE) for t in tables]
        out = pd.concat(indexed, axis=1, join="outer", sort=True).rename_axis(DATE).reset_index()
    return out.sort_values(DATE, kind="stable").reset_index(drop=True)


def _text(value: float, spec: str) -> str:
    """``value`` as ``spec`` writes it: a registry path (the table's rounding) or a format."""
    if not math.isfinite(value):
        return ""
    if spec in registry.BY_PATH:
        return rounded_text(value, registry.BY_PATH[spec])
    out = format(value, spec)
    return out[1:] if out.startswith("-") and not out.strip("-0.") else out  # no "-0.000"


def _number_text(values: pd.Series | np.ndarray, spec: str, texts: TextCache) -> list[str]:
    # Formatting is most of the time spent writing the file: each number once per run.
    known = texts.numbers.setdefault(spec, {})
    if len(known) > MAX_KEPT_TEXTS:
        known.clear()
    if isinstance(values, pd.Series):
        numbers = values.to_numpy(dtype=float, na_value=math.nan)
    else:
        numbers = values
    out = [""] * len(numbers)
    present = np.flatnonzero(~np.isnan(numbers))  # the wide file is mostly empty cells
    for position, value in zip(present.tolist(), numbers[present].tolist(), strict=True):
        text = known.get(value)
        if text is None:
            text = known[value] = _text(value, spec)
        out[position] = text
    return out


def _column_text(column: pd.Series, texts: TextCache) -> list[str]:
    if pd.api.types.is_datetime64_any_dtype(column.dtype) and column.dt.tz is None:
        days = np.datetime_as_string(column.to_numpy(dtype="datetime64[D]"), unit="D")
        return ["" if day == "NaT" else day for day in days.tolist()]
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return column.dt.strftime("%Y-%m-%d").fillna("").to_list()
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column):
        return _number_text(column, _number_format(str(column.name)), texts)
    return ["" if pd.isna(v) else str(v) for v in column.astype(object)]


def frame_csv(frame: pd.DataFrame, texts: TextCache | None = None) -> str:
    """The frame as data-file CSV text (numbers as ``_number_format`` says, ISO dates, empty for missing)."""
    texts = TextCache() if texts is None else texts
    columns = [_column_text(frame[c], texts) for c in frame.columns]
    return write_csv([str(c) for c in frame.columns], zip(*columns, strict=True))


def merged_csv(tables: Iterable[pd.DataFrame], texts: TextCache | None = None) -> str:
    """``frame_csv(_merged(tables))``, joined as text: each table's rows are written once, as
    comma-joined cells, and placed in the line of their date (a pandas join of the wide table,
    or a grid of its cells, costs more than the rest of writing the file)."""
    texts = TextCache() if texts is None else texts
    checked = _checked(tables)
    if len(checked) < 2:
        return frame_csv(_merged(table for table, _ in checked), texts)
    header = [DATE] + [str(c) for t, _ in checked for c in t.columns if c != DATE]
    dates = _sorted_unique(np.concatenate([table_dates for _, table_dates in checked]))
    line_parts = [_date_texts(dates, texts)]
    for table, table_dates in checked:
        columns = [c for c in table.columns if c != DATE]
        if not columns:
            continue
        parts = _row_texts(table, columns, table_dates, texts)
        if len(table_dates) < len(dates) or not np.array_equal(table_dates, dates):
            placed = ["," * (len(columns) - 1)] * len(dates)
            for line, text in zip(_positions(dates, table_dates).tolist(), parts, strict=True):
                placed[line] = text
            parts = placed
        line_parts.append(parts)
    lines = map(",".join, zip(*line_parts, strict=True))
    return "\n".join([",".join(_csv_cells(header)), *lines]) + "\n"


def _positions(sorted_dates: np.ndarray, dates: np.ndarray) -> np.ndarray:
    """Where ``dates`` go in ``sorted_dates`` (as integers: numpy's date search is slower)."""
    return np.searchsorted(sorted_dates.view(np.int64), dates.view(np.int64))


def _sorted_unique(dates: np.ndarray) -> np.ndarray:
    dates = np.sort(dates)
    return dates[np.concatenate(([True], dates[1:] != dates[:-1]))] if len(dates) else dates


def _date_texts(dates: np.ndarray, texts: TextCache) -> list[str]:
    """ISO texts of sorted ``dates``; those of the last call's dates are reused (a backfill's
    files share their history, and numpy's date formatting is slow)."""
    kept_dates, kept_texts = texts.last_dates
    same = min(len(dates), len(kept_dates))
    differ = np.flatnonzero(dates[:same] != kept_dates[:same])
    same = int(differ[0]) if differ.size else same
    out = kept_texts[:same] + np.datetime_as_string(dates[same:], unit="D").tolist()
    texts.last_dates = (dates, out)
    return out


def _row_texts(
    table: pd.DataFrame, columns: list[str], dates: np.ndarray, cache: TextCache
) -> list[str]:
    """Each row's cells but its date, joined by commas; a row of numbers written by the last
    call for the same columns, at the same date with the same numbers, reuses that text."""
    series = [table[c] for c in columns]
    if not all(column.dtype == np.float64 for column in series):
        cells = [_quoted_column_text(column, cache) for column in series]
        return list(map(",".join, zip(*cells, strict=True)))
    values = np.column_stack([column.to_numpy() for column in series])
    texts = np.empty(len(dates), dtype=object)
    fresh = _reused_rows(tuple(columns), dates, values, texts, cache)
    if fresh.size:
        cells = [
            _number_text(values[fresh, i], _number_format(c), cache) for i, c in enumerate(columns)
        ]
        texts[fresh] = list(map(",".join, zip(*cells, strict=True)))
    if len(dates) and bool((dates[1:] > dates[:-1]).all()):
        cache.last_rows[tuple(columns)] = (dates, values, texts)
    return texts.tolist()


def _reused_rows(
    columns: tuple[str, ...],
    dates: np.ndarray,
    values: np.ndarray,
    texts: np.ndarray,
    cache: TextCache,
) -> np.ndarray:
    """Fill ``texts`` with the kept texts of rows unchanged since the last call for
    ``columns``; returns the positions of the other rows. Equal numbers have equal texts
    (``_text`` writes -0 as 0), NaN included."""
    kept = cache.last_rows.get(columns)
    if kept is None or not len(dates):
        return np.arange(len(dates))
    old_dates, old_values, old_texts = kept
    at = np.minimum(_positions(old_dates, dates), len(old_dates) - 1)
    before = old_values[at]
    same = (old_dates[at] == dates) & (
        (before == values) | (np.isnan(before) & np.isnan(values))
    ).all(axis=1)
    texts[same] = old_texts[at[same]]
    return np.flatnonzero(~same)


def _quoted_column_text(column: pd.Series, cache: TextCache) -> list[str]:
    """``_column_text`` as ``csv.writer`` writes the cells (numbers and dates need no quotes)."""
    texts = _column_text(column, cache)
    kind = column.dtype.kind
    return texts if kind in "fiumM" else _csv_cells(texts)


def _csv_cells(texts: list[str]) -> list[str]:
    """``texts`` as ``csv.writer`` writes cells: quoted when they hold a comma, a quote or a
    line break."""
    return ['"' + t.replace('"', '""') + '"' if _needs_quotes(t) else t for t in texts]


def _needs_quotes(text: str) -> bool:
    return "," in text or '"' in text or "\n" in text or "\r" in text


def data_file_csv(frames: Mapping[str, pd.DataFrame], texts: TextCache | None = None) -> str:
    """The text of ``chart-data.csv`` for a report's chart frames (deterministic; ``texts``: the
    run's, which only saves time)."""
    return merged_csv(
        (t for name, f in frames.items() if in_file(name) for t in file_tables(name, f, texts)),
        texts,
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


def chart_rows_csv(
    name: str, frame: pd.DataFrame, max_rows: int | None = None, texts: TextCache | None = None
) -> str:
    """Chart ``name``'s rows in the data file's layout (its columns only), for inlining.

    ``max_rows`` thins the chart's first (line) table for a static image; its other tables
    (e.g. regime bands) are kept whole.
    """
    tables = list(file_tables(name, frame, texts))
    if max_rows is not None:
        tables[0] = _every_kth(tables[0], max_rows)
    return merged_csv(tables, texts)
