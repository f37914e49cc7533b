"""FRED CSV downloads: ``observation_date,SERIES[,SERIES...]`` or the older ``DATE,VALUE``.

``.`` (or an empty cell) marks a missing observation, e.g. a holiday in a daily series; such rows
are dropped with a note. The frequency is read from the dates, not from the file name.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

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

# FRED ids quoted in percent (stored with the "yield" measure: values may be zero or negative,
# and a daily move is limited in percentage points, not relative terms): Treasury yields, the
# policy rates (effective fed funds, the target range's limits, which move 0.25 from 0.25 and
# would break a relative limit) and the high-yield option-adjusted spread. Every other series
# is a plain level.
RATE_IDS = frozenset(
    {
        "TB3MS", "GS10", "DGS10", "DTB3", "GS5", "GS30",
        "FEDFUNDS", "DFF", "DFEDTARU", "DFEDTARL", "DFEDTAR",
        "BAMLH0A0HYM2",
    }
)  # fmt: skip
DATE_HEADERS = ("observation_date", "date")
MISSING = frozenset({".", ""})
SOURCE = "fred-csv"
# The shortest quarter (Jan 1 to Apr 1 of a common year) less a day of slack.
QUARTER_DAYS = 89
# Consecutive steps of one kind (four dates) that make a stretch of that frequency. A daily
# series never holds four first-of-month dates a month apart with nothing between; a monthly
# series with a missing month has one longer step, not a run of them.
FREQUENCY_RUN = 3
# Step kinds between consecutive dates (0: none of these, e.g. a gap of two months).
_STEP_NAMES = {1: "daily", 2: "monthly", 3: "quarterly", 4: "annual"}
_MONTH_STEPS = {1: 2, 3: 3, 12: 4}  # months between two first-of-month dates -> step kind


def is_fred_header(cells: list[str]) -> bool:
    """Whether a first line is a FRED header: a date column then one or more series ids."""
    return len(cells) >= 2 and cells[0].lower() in DATE_HEADERS


def parse_fred(path: Path, lines: list[str], start: int) -> list[Series]:
    """One value Series per series column (header ``lines[start]``); ``VALUE`` -> file stem."""
    header = split_cells(lines[start])
    rows = data_rows(path, lines, start + 1, len(header))
    index = parse_dates(path, rows, parse_iso_date)
    names = [_series_name(path, name) for name in header[1:]]
    if len(set(names)) != len(names) or not all(names):
        raise parse_error(path, f"series columns must be distinct and named: {names}", start + 1)
    out = []
    for position, symbol in enumerate(names, start=1):
        values = parse_numbers(path, rows, position, header[position], MISSING)
        keep = ~np.isnan(values)
        if not keep.any():
            raise parse_error(path, f"{symbol}: every value is missing")
        out.append(_value_series(path, symbol, index, values, keep))
    return out


def _series_name(path: Path, column: str) -> str:
    return path.stem if column.upper() == "VALUE" else column


def _value_series(
    path: Path, symbol: str, index: pd.DatetimeIndex, values: np.ndarray, keep: np.ndarray
) -> Series:
    dropped = index[~keep]
    notes = ()
    if len(dropped):
        notes = (f"{len(dropped)} rows marked '.' (missing) dropped, first {iso(dropped[0])}",)
    frame = make_frame(index[keep], {"value": values[keep]})
    change = frequency_change(frame.index)
    if change is not None:
        raise parse_error(
            path,
            f"{symbol}: the dates change frequency midway ({change}); a series has one "
            "frequency: download each as its own file and series",
        )
    frequency = frequency_of(frame.index)
    if frequency == "quarterly":
        raise parse_error(
            path,
            f"{symbol}: observations a quarter or more apart; only daily, monthly and annual "
            "series can be stored (download the series at a monthly frequency)",
        )
    return Series(
        symbol=symbol,
        frame=frame,
        source=f"{SOURCE}:{path.name}",
        schema="value",
        measure="yield" if symbol.upper() in RATE_IDS else "level",
        frequency=frequency,
        notes=notes,
    )


def frequency_of(index: pd.DatetimeIndex) -> str:
    """``monthly`` (``quarterly``, ``annual``) when every date opens a period at least a month
    (a quarter, a year) apart; ``daily`` otherwise."""
    if not (index.day == 1).all():
        return "daily"
    days = index.unique().sort_values().to_numpy().astype("datetime64[D]")
    shortest_days = int(np.diff(days).astype(int).min()) if len(days) > 1 else None
    if shortest_days is not None and shortest_days < 28:
        return "daily"
    if (index.month == 1).all() and shortest_days is not None and shortest_days >= 365:
        return "annual"
    if shortest_days is not None and shortest_days >= QUARTER_DAYS:
        return "quarterly"  # the model has no such frequency: parse_fred refuses it
    return "monthly"


def frequency_change(index: pd.DatetimeIndex) -> str | None:
    """Where a date index turns from one frequency to another (``monthly until 1999-12-01,
    daily from 2000-01-03``), or None: stretches of FREQUENCY_RUN steps of two kinds."""
    kinds = _step_kinds(index)
    edges = np.flatnonzero(np.diff(kinds) != 0) + 1
    runs = [
        (int(start), int(end))
        for start, end in zip(np.r_[0, edges], np.r_[edges, len(kinds)], strict=True)
        if end - start >= FREQUENCY_RUN and kinds[start] != 0
    ]
    for (_, before_end), (start, _) in zip(runs, runs[1:], strict=False):
        if kinds[start] != kinds[runs[0][0]]:
            # The change lies between the last date of one stretch and the next date.
            return (
                f"{_STEP_NAMES[int(kinds[runs[0][0]])]} until {iso(index[before_end])}, "
                f"{_STEP_NAMES[int(kinds[start])]} from {iso(index[before_end + 1])}"
            )
    return None


def _step_kinds(index: pd.DatetimeIndex) -> np.ndarray:
    """The kind of each step between consecutive dates (see _STEP_NAMES)."""
    days = np.diff(index.to_numpy().astype("datetime64[D]")).astype(int)
    months = np.diff(np.asarray(index.year) * 12 + np.asarray(index.month))
    firsts = np.asarray(index.day == 1)
    both_first = firsts[1:] & firsts[:-1]
    kinds = np.where(days < 28, 1, 0)
    for steps, kind in _MONTH_STEPS.items():
        kinds[both_first & (months == steps)] = kind
    return kinds
