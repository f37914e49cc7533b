"""Monthly building blocks shared by the seasonality and presidential-cycle metrics.

Months are keyed internally by ``year * 12 + month - 1`` so consecutive months differ by 1 and a
missing month is a gap. Returns are simple decimal returns between month-end closes; spreads are
small minus large. Pure functions; the only outside knowledge is the NYSE calendar (is a date the
month's last session?), which decides whether a series' final month is complete.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import numpy as np
import pandas as pd

from generator.calendar import SessionTable, xnys
from generator.metrics.common import (
    MAX_START_GAP_DAYS,
    as_unit_of,
    current_close,
    market_calendar,
    memo,
    run_ends,
    truncate_frame,
)
from generator.metrics.groupstats import STAT_COLUMNS, group_arrays
from generator.metrics.paths import spread_paths
from generator.model import Market

MONTHS = list(range(1, 13))
NS_PER_DAY = 86_400_000_000_000


def month_key(index: pd.DatetimeIndex | np.ndarray) -> np.ndarray:
    """Months counted from year 0: year * 12 + month - 1 (consecutive months differ by 1)."""
    days = index.values if isinstance(index, pd.Index) else index
    nanoseconds = np.asarray(days, dtype="datetime64[ns]").view(np.int64)
    first, table = _month_key_table()
    return table[nanoseconds // NS_PER_DAY - first]


@lru_cache(maxsize=1)
def _month_key_table() -> tuple[int, np.ndarray]:
    """(first day number, month key of every day datetime64[ns] can hold), read-only.

    A table lookup is ten times faster than casting each date to ``datetime64[M]``, and month
    keys are taken for every daily series of every section.
    """
    days = np.arange(
        np.datetime64("1677-09-21"), np.datetime64("2262-04-12"), dtype="datetime64[D]"
    )
    table = days.astype("datetime64[M]").astype(np.int64) + 1970 * 12
    table.setflags(write=False)
    return int(days[0].astype(np.int64)), table


def key_to_month_start(keys: np.ndarray) -> pd.DatetimeIndex:
    """First day of each keyed month."""
    months = (np.asarray(keys, dtype=np.int64) - 1970 * 12).astype("datetime64[M]")
    return pd.DatetimeIndex(months.astype("datetime64[ns]"), name="month")


def is_last_session_of_month(day: pd.Timestamp, calendar: SessionTable | None = None) -> bool:
    """Whether no NYSE session follows ``day`` within its calendar month (``calendar``: the
    run's session table; None: the one this process builds)."""
    day = pd.Timestamp(day)
    last = (calendar or xnys()).last_session_of_month(day.year * 12 + day.month - 1)
    return last is None or np.datetime64(day.date(), "D") >= last


def _ends_its_month(day: np.datetime64, key: int, calendar: SessionTable) -> bool:
    """``is_last_session_of_month`` of a datetime64 ``day`` in the month keyed ``key``."""
    last = calendar.last_session_of_month(int(key))
    return last is None or day.astype("datetime64[D]") >= last


def clean_arrays(
    days: np.ndarray, values: np.ndarray, week_end: pd.Timestamp | None
) -> tuple[np.ndarray, np.ndarray]:
    """Finite, positive values on or before ``week_end`` (all of them when it is None) of
    (datetime64 dates, float values) arrays."""
    if week_end is not None:
        stop = int(np.searchsorted(days, as_unit_of(week_end, days), side="right"))
        days, values = days[:stop], values[:stop]
    keep = np.isfinite(values) & (values > 0)
    return (days, values) if keep.all() else (days[keep], values[keep])


@dataclass(frozen=True, eq=False)  # arrays: compared by identity
class Closes:
    """Clean closes (``clean_arrays``) and their month-end closes, as arrays: the monthly
    sections read only these, and pandas objects cost more to build than the sums themselves.

    ``ends``: the last close of every month from ``first_key`` on, NaN for a month in the span
    without a usable close: no data, or the last close lies more than MAX_START_GAP_DAYS before
    the month's last day (a hole). The final month counts only when its last row is the month's
    last NYSE session.
    """

    days: np.ndarray  # datetime64 dates
    values: np.ndarray  # float closes
    first_key: int  # month key of ends[0]
    ends: np.ndarray  # month-end close of every month from first_key on (NaN: unusable)

    @property
    def end_keys(self) -> np.ndarray:
        return np.arange(self.first_key, self.first_key + len(self.ends))

    def month_returns(self) -> tuple[np.ndarray, np.ndarray]:
        """Simple monthly returns between consecutive month-end closes, complete months only,
        as (month keys, returns): months whose own or previous month-end close is missing are
        dropped."""
        returns = self.ends[1:] / self.ends[:-1] - 1
        ok = np.isfinite(returns)
        return self.end_keys[1:][ok], returns[ok]


def closes_of(days: np.ndarray, values: np.ndarray, calendar: SessionTable | None = None) -> Closes:
    """Closes of already clean arrays (see ``clean_arrays``), with their month-end closes
    (``calendar``: the run's session table; None: the one this process builds)."""
    if not len(days):
        return Closes(days, values, 0, np.zeros(0))
    keys = month_key(days)
    last_of_key = run_ends(keys)
    keys = keys[last_of_key]
    month_days = days[last_of_key].astype("datetime64[D]")
    ends = values[last_of_key]  # a copy (boolean indexing)
    month_last_day = (keys + 1 - 1970 * 12).astype("datetime64[M]").astype("datetime64[D]") - 1
    ends[(month_last_day - month_days).astype(np.int64) > MAX_START_GAP_DAYS] = np.nan
    if not _ends_its_month(days[-1], keys[-1], calendar or xnys()):
        ends[-1] = np.nan
    full = np.full(keys[-1] - keys[0] + 1, np.nan)
    full[keys - keys[0]] = ends
    return Closes(days, values, int(keys[0]), full)


def keyed_from_monthly_series(frame: pd.DataFrame, week_end: pd.Timestamp) -> pd.Series:
    """Month-keyed returns from a monthly return series dated on each month's first day."""
    frame = truncate_frame(frame, week_end, "monthly")
    values = frame["value"].to_numpy(dtype=float)
    ok = np.isfinite(values)
    return pd.Series(values[ok], index=month_key(frame.index)[ok])


@dataclass(frozen=True, eq=False)  # arrays: compared by identity
class MonthPairs:
    """Months where both month-keyed returns exist, from the first common January on: month keys
    (year * 12 + month - 1) and both returns of each month."""

    keys: np.ndarray
    small: np.ndarray
    large: np.ndarray

    def first_year(self) -> int | None:
        """The first calendar year whose January return exists for both series (the rows start
        at that January), or None."""
        return int(self.keys[0] // 12) if len(self.keys) else None

    def last_month(self) -> str | None:
        """The last paired month as ``YYYY-MM``."""
        if not len(self.keys):
            return None
        key = int(self.keys[-1])
        return f"{key // 12:04d}-{key % 12 + 1:02d}"


def month_pairs(
    small: tuple[np.ndarray, np.ndarray], large: tuple[np.ndarray, np.ndarray]
) -> MonthPairs:
    """MonthPairs of two (month keys, returns) pairs of arrays."""
    keys, i, j = np.intersect1d(small[0], large[0], return_indices=True)
    s, lg = small[1][i], large[1][j]
    ok = np.isfinite(s) & np.isfinite(lg)
    keys, s, lg = keys[ok], s[ok], lg[ok]
    januaries = keys[keys % 12 == 0]
    keep = keys >= januaries[0] if len(januaries) else np.zeros(len(keys), dtype=bool)
    return MonthPairs(keys[keep], s[keep], lg[keep])


def month_arrays(months: MonthPairs) -> dict[str, np.ndarray]:
    """The one computation of the calendar-month statistics of paired month returns:
    STAT_COLUMNS per month 1..12 (``groupstats.group_arrays``; NaN statistics for a month
    without years), as arrays aligned with MONTHS."""
    return group_arrays(months.small, months.large, months.keys % 12 + 1, MONTHS)


def stats_table(label: str, labels: list[int], arrays: dict[str, np.ndarray]) -> pd.DataFrame:
    """Group statistics as a table: column ``label`` (the groups), then STAT_COLUMNS."""
    return pd.DataFrame({label: labels, **{key: arrays[key] for key in STAT_COLUMNS}})


def month_stats(months: MonthPairs) -> pd.DataFrame:
    """``month_arrays`` as the 12-row table the month-spread chart reads: columns ``month``
    (1..12), then STAT_COLUMNS."""
    return stats_table("month", MONTHS, month_arrays(months))


def num(value: Any) -> float | None:
    if value is None:
        return None
    x = float(value)
    return x if math.isfinite(x) else None


def _reason(years: int) -> str:
    return "no complete year" if years == 0 else "a bootstrap interval needs at least 2 years"


def stats_records(
    arrays: dict[str, np.ndarray], label: str, labels: list[Any]
) -> list[dict[str, Any]]:
    """group_arrays as JSON objects ``{<label>, <STAT_COLUMNS>}``; NaN becomes null + reason."""
    columns = {key: arrays[key].tolist() for key in STAT_COLUMNS}
    out = []
    for row, name in enumerate(labels):
        years = int(columns["years"][row])
        item: dict[str, Any] = {label: name, "years": years, "wins": int(columns["wins"][row])}
        for key in STAT_COLUMNS:
            if key in item:
                continue
            item[key] = num(columns[key][row])
            if item[key] is None:
                item[key + "_reason"] = _reason(years)
        out.append(item)
    return out


def month_records(pair: MonthPairs) -> list[dict[str, Any]]:
    """``month_arrays`` as ``{month, <STAT_COLUMNS>}`` objects."""
    return stats_records(month_arrays(pair), "month", MONTHS)


@dataclass(frozen=True, eq=False)  # arrays: compared by identity
class PairMonths:
    """Monthly data of the configured pair at one week's end, shared by seasonality and cycle.

    ``small``/``large``: current closes and their month-end closes; ``months``: the paired
    month-end returns; ``years``/``grid``: their ``paths.spread_paths``; ``stats``/``table``:
    their month statistics as arrays and as a table, computed once on first use.
    """

    small: Closes
    large: Closes
    months: MonthPairs
    years: np.ndarray
    grid: np.ndarray

    @cached_property
    def stats(self) -> dict[str, np.ndarray]:
        """``month_arrays`` of the paired months: the seasonality section's month table."""
        return month_arrays(self.months)

    @cached_property
    def table(self) -> pd.DataFrame:
        """``stats`` as the month-spread chart's table (``month_stats``): the same numbers."""
        return stats_table("month", MONTHS, self.stats)

    def path_row(self, year: int) -> np.ndarray:
        """The year's path (12 values), empty when the year has no paired month."""
        if not len(self.years) or not self.years[0] <= year <= self.years[-1]:
            return np.zeros(0)
        return self.grid[year - self.years[0]]


def pair_months(market: Market, config: Any, week_end: pd.Timestamp) -> PairMonths:
    """PairMonths of the configured small and large indices (computed once per cut market);
    raises Unavailable when either is missing or stale."""
    week_end = pd.Timestamp(week_end)
    small, large = config.small.index, config.large.index
    return memo(
        market,
        ("pair_months", small, large, week_end),
        lambda: _pair_months(market, small, large, week_end),
    )


def _pair_months(market: Market, small: str, large: str, week_end: pd.Timestamp) -> PairMonths:
    sides = []
    for symbol in (small, large):
        close = current_close(market, symbol, week_end)
        days, values = clean_arrays(close.index.values, close.to_numpy(dtype=float), week_end)
        sides.append(closes_of(days, values, market_calendar(market)))
    months = month_pairs(sides[0].month_returns(), sides[1].month_returns())
    years, grid = spread_paths(months.keys // 12, months.keys % 12 + 1, months.small, months.large)
    return PairMonths(sides[0], sides[1], months, years, grid)
