"""Seasonality of small against large: calendar months, Dec 15 - Feb 15, the first five sessions
of January, this year's path, and the same month table for the Ken French size portfolios.

All returns are simple decimal returns between closes; spreads are small minus large. Pure
functions of closes; the only outside knowledge is the NYSE calendar (is a date a month's last
session?), which decides whether the final month of a series is complete.

The section works on numpy arrays (``monthly.Closes``, ``monthly.MonthPairs``). The plain pandas
versions of these computations are tests/reference_metrics.py, the reference the arrays are
checked against.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from generator.calendar import SessionTable, xnys
from generator.config import Config
from generator.metrics.common import (
    MAX_START_GAP_DAYS,
    Unavailable,
    as_unit_of,
    iso,
    market_calendar,
    memo,
)
from generator.metrics.groupstats import BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, CI_LEVEL, group_arrays
from generator.metrics.monthly import (
    MONTHS,
    Closes,
    MonthPairs,
    PairMonths,
    clean_arrays,
    closes_of,
    key_to_month_start,
    keyed_from_monthly_series,
    month_arrays,
    month_key,
    month_pairs,
    month_records,
    num,
    pair_months,
    stats_records,
)
from generator.metrics.paths import mean_path, path_records
from generator.model import FF_BIG_DAILY, FF_BIG_MONTHLY, FF_SMALL_DAILY, FF_SMALL_MONTHLY, Market

FIRST_SESSIONS = 5
WINDOW_START = (12, 15)  # month, day of the previous year
WINDOW_END = (2, 15)  # month, day of the labelled year

# Returns by year: (years, returns) arrays, years ascending.
Yearly = tuple[np.ndarray, np.ndarray]


def _close_on_or_before(days: np.ndarray, values: np.ndarray, anchors: np.ndarray) -> np.ndarray:
    """Close at the last row on or before each anchor; NaN when none lies within the gap limit."""
    marks = anchors.astype(days.dtype)  # midnight anchors: exact in any unit
    pos = np.searchsorted(days, marks, side="right") - 1
    ok = pos >= 0
    safe = np.where(ok, pos, 0)
    # Floor division by a day, exactly as Timedelta.days counts whole days.
    ok &= (marks - days[safe]) // np.timedelta64(1, "D") <= MAX_START_GAP_DAYS
    return np.where(ok, values[safe], np.nan)


def _anchors(years: np.ndarray, month: int, day: int) -> np.ndarray:
    """The date month/day in each year (datetime64[D])."""
    months = (np.asarray(years, dtype=np.int64) * 12 + month - 1 - 1970 * 12).astype(
        "datetime64[M]"
    )
    return months.astype("datetime64[D]") + (day - 1)


def _year(day: np.datetime64) -> int:
    return int(day.astype("datetime64[Y]").astype(np.int64)) + 1970


def window_arrays(
    days: np.ndarray, values: np.ndarray, calendar: SessionTable | None = None
) -> Yearly:
    """Dec 15 - Feb 15 returns of clean, non-empty closes (``monthly.clean_arrays``), by the
    year of the February.

    Start: last close on or before Dec 15 of the previous year; end: last close on or before
    Feb 15 (each within MAX_START_GAP_DAYS). A year counts once its last session on or before
    Feb 15 has closed in the data (``calendar``: the run's session table; None: the one this
    process builds).
    """
    calendar = xnys() if calendar is None else calendar
    last = days[-1]
    years = np.arange(_year(days[0]) + 1, _year(last) + 1)
    start = _close_on_or_before(days, values, _anchors(years - 1, *WINDOW_START))
    end_anchor = _anchors(years, *WINDOW_END)
    end = _close_on_or_before(days, values, end_anchor)
    # The final year's end is known only when no session remains between the last row and Feb 15.
    if len(years) and end_anchor[-1] > last:
        after = pd.Timestamp(last) + pd.Timedelta(days=1)
        if len(calendar.sessions(after, pd.Timestamp(end_anchor[-1]))):
            end[-1] = np.nan
    returns = end / start - 1
    keep = ~np.isnan(returns)  # dropna: NaN only
    return years[keep], returns[keep]


def first_sessions_arrays(
    days: np.ndarray, values: np.ndarray, count: int, first_key: int, ends: np.ndarray
) -> Yearly:
    """Return of the first ``count`` January sessions (rows) against the previous December's
    month-end close, by year, of clean, non-empty closes; a year counts once it has ``count``
    January rows. ``ends``: month-end closes from the month keyed ``first_key`` on
    (``monthly.Closes``)."""
    keys = month_key(days)
    january = keys % 12 == 0
    years = keys[january] // 12
    # Rows are in date order, so each year's January rows are consecutive: a row's first
    # January row is the last run start at or before it.
    rows = np.arange(len(years))
    starts = np.ones(len(years), dtype=bool)
    np.not_equal(years[1:], years[:-1], out=starts[1:])
    first_row = np.maximum.accumulate(np.where(starts, rows, 0)) if len(years) else rows
    nth = (rows - first_row) == count - 1
    december = years[nth] * 12 - 1  # key of the previous December
    inside = (december >= first_key) & (december <= first_key + len(ends) - 1)
    base = np.full(len(december), np.nan)
    base[inside] = ends[december[inside] - first_key]
    returns = values[january][nth] / base - 1
    ok = np.isfinite(returns)
    return years[nth][ok], returns[ok]


def _window_stats(small: Yearly, large: Yearly, first_year: int | None) -> dict[str, Any]:
    """STAT_COLUMNS (JSON-ready, nulls with reasons) of year-keyed returns since ``first_year``."""
    years, i, j = np.intersect1d(small[0], large[0], return_indices=True)
    s, lg = small[1][i], large[1][j]
    keep = np.isfinite(s) & np.isfinite(lg) & (years >= (first_year or years.min(initial=0)))
    arrays = group_arrays(s[keep], lg[keep], np.zeros(int(keep.sum()), dtype=int), [0])
    record = stats_records(arrays, "group", [0])[0]
    del record["group"]
    return record


def _in_year(returns: Yearly, year: int) -> float:
    """The return labelled ``year`` (NaN when there is none), as ``Series.get`` gives it."""
    pos = np.flatnonzero(returns[0] == year)
    return returns[1][pos[0]] if len(pos) else np.nan


def _window_record(
    small: Yearly, large: Yearly, first_year: int | None, year: int
) -> dict[str, Any]:
    out = _window_stats(small, large, first_year)
    spread = num(_in_year(small, year) - _in_year(large, year))
    out["this_year"] = year
    out["this_year_spread"] = spread
    if spread is None:
        out["this_year_spread_reason"] = f"the {year} window is not complete"
    return out


def _window_section(
    closes: tuple[Closes, Closes],
    first_year: int | None,
    week_end: pd.Timestamp,
    calendar: SessionTable,
) -> dict[str, Any]:
    """Dec 15 - Feb 15 and first-five-sessions records of closes cut at ``week_end`` (their
    month-end closes are those of the uncut closes, as computed once for the month table)."""
    year = pd.Timestamp(week_end).year
    windows, first5 = [], []
    for side in closes:
        days, values = clean_arrays(side.days, side.values, week_end)
        if not len(days):
            windows.append((np.zeros(0, dtype=np.int64), np.zeros(0)))
            first5.append((np.zeros(0, dtype=np.int64), np.zeros(0)))
            continue
        windows.append(window_arrays(days, values, calendar))
        first5.append(
            first_sessions_arrays(days, values, FIRST_SESSIONS, side.first_key, side.ends)
        )
    return {
        "dec15_feb15": _window_record(*windows, first_year, year),
        "first5_january": _window_record(*first5, first_year, year),
    }


def _bootstrap_info() -> dict[str, Any]:
    return {"seed": BOOTSTRAP_SEED, "resamples": BOOTSTRAP_RESAMPLES, "level": CI_LEVEL}


@dataclass(frozen=True, eq=False)  # arrays: compared by identity
class SeasonalPaths:
    """This year's seasonal path against the average of the complete years before it.

    ``current``: compounded small minus compounded large return from the start of the year
    through each month 1..12 (NaN for months without a paired return); ``average``: the mean
    path over the complete calendar years before it (``mean_path``); ``years``: how many;
    ``first_year``/``last_year``: the first and last of them (None when there is none).
    """

    current: np.ndarray
    average: np.ndarray
    years: int
    first_year: int | None
    last_year: int | None

    @cached_property
    def table(self) -> pd.DataFrame:
        """Columns ``month`` (1..12), ``current``, ``average``: the seasonal-path chart's table."""
        return pd.DataFrame(
            {"month": np.arange(1, 13), "current": self.current, "average": self.average}
        )


def seasonal_paths(market: Market, config: Config, week_end: pd.Timestamp) -> SeasonalPaths:
    """The ``SeasonalPaths`` of ``week_end``'s year, computed once per cut market: the
    seasonality section and the seasonal-path chart read the same object. Raises Unavailable
    when the pair is missing or stale."""
    week_end = pd.Timestamp(week_end)
    return memo(
        market,
        ("seasonal_paths", config.small.index, config.large.index, week_end),
        lambda: _seasonal_paths(pair_months(market, config, week_end), week_end.year),
    )


def _seasonal_paths(months: PairMonths, year: int) -> SeasonalPaths:
    before = months.years < year
    average, count = mean_path(months.grid, before)
    current = months.path_row(year)
    complete = months.years[before & np.isfinite(months.grid).all(axis=1)]
    first, last = (int(complete[0]), int(complete[-1])) if len(complete) else (None, None)
    current = current if len(current) else np.full(12, np.nan)
    return SeasonalPaths(current, average, count, first, last)


def compute_seasonality(market: Market, config: Config, week_end: pd.Timestamp) -> dict[str, Any]:
    """The seasonality section; raises Unavailable when the pair has no common January."""
    week_end = pd.Timestamp(week_end)
    months = pair_months(market, config, week_end)
    first_year = months.months.first_year()
    if first_year is None:
        raise Unavailable(
            f"no January with returns of both {config.small.index} and {config.large.index}"
        )
    this_year = week_end.year
    paths = seasonal_paths(market, config, week_end)
    out: dict[str, Any] = {
        "small": config.small.index,
        "large": config.large.index,
        "first_year": first_year,
        "last_complete_month": months.months.last_month(),
        "bootstrap": _bootstrap_info(),
        "months": stats_records(months.stats, "month", MONTHS),
        **_window_section(
            (months.small, months.large), first_year, week_end, market_calendar(market)
        ),
        "current_year": this_year,
        "current_year_path": path_records(paths.current),
        "average_path": path_records(paths.average),
        "average_path_years": paths.years,
    }
    try:
        out["french"] = french_seasonality(market, week_end)
    except Unavailable as exc:
        out["french"] = None
        out["french_reason"] = str(exc)
    return out


def _french_level(market: Market, symbol: str, week_end: pd.Timestamp) -> Closes | None:
    """A wealth index compounded from a daily French return series (rows with a return only),
    with its month-end closes."""
    series = market.series.get(symbol)
    if series is None or series.schema != "value" or series.frequency != "daily":
        return None
    days = series.frame.index.values
    returns = series.frame["value"].to_numpy(dtype=float)
    stop = int(np.searchsorted(days, as_unit_of(week_end, days), side="right"))
    days, returns = days[:stop], returns[:stop]
    ok = np.isfinite(returns)
    if not ok.any():
        return None
    days, level = days[ok], np.cumprod(1 + returns[ok])  # what Series.cumprod computes
    calendar = market_calendar(market)
    if _positive(level):
        return closes_of(days, level, calendar)
    return _closes_of_unclean(days, level, calendar)


def _positive(values: np.ndarray) -> bool:
    return bool((values > 0).all() and np.isfinite(values).all())


def _closes_of_unclean(days: np.ndarray, values: np.ndarray, calendar: SessionTable) -> Closes:
    """Closes keeping every row of ``values`` (the windows clean them again), with the month-end
    closes of their finite, positive rows."""
    ends = closes_of(*clean_arrays(days, values, None), calendar)
    return Closes(days, values, ends.first_key, ends.ends)


def _french_monthly(market: Market, symbol: str, week_end: pd.Timestamp) -> pd.Series | None:
    series = market.series.get(symbol)
    if series is None or series.schema != "value" or series.frequency != "monthly":
        return None
    keyed = keyed_from_monthly_series(series.frame, week_end)
    return None if keyed.empty else keyed


@dataclass(frozen=True, eq=False)  # arrays: compared by identity
class FrenchMonths:
    """Paired month returns of the Ken French bottom and top 30% by size, from the daily
    series when the store has them (``levels``: their wealth indices), else the monthly ones."""

    names: tuple[str, str]
    basis: str  # "daily" or "monthly"
    pairs: MonthPairs
    through: pd.Timestamp  # the last day (daily) or month end (monthly) both sides cover
    levels: tuple[Closes, Closes] | None


def french_months(market: Market, week_end: pd.Timestamp) -> FrenchMonths:
    """The ``FrenchMonths`` up to ``week_end``, computed once per cut market (the seasonality
    and cycle sections read the same object); Unavailable when the store has neither basis."""
    week_end = pd.Timestamp(week_end)
    return memo(market, ("french_months", week_end), lambda: _french_months(market, week_end))


def _french_months(market: Market, week_end: pd.Timestamp) -> FrenchMonths:
    small, big = (_french_level(market, sym, week_end) for sym in (FF_SMALL_DAILY, FF_BIG_DAILY))
    if small is not None and big is not None:
        through = pd.Timestamp(min(small.days[-1], big.days[-1]))
        pairs = month_pairs(small.month_returns(), big.month_returns())
        return FrenchMonths((FF_SMALL_DAILY, FF_BIG_DAILY), "daily", pairs, through, (small, big))
    monthly = tuple(
        _french_monthly(market, sym, week_end) for sym in (FF_SMALL_MONTHLY, FF_BIG_MONTHLY)
    )
    if monthly[0] is None or monthly[1] is None:
        raise Unavailable("no Ken French size-portfolio data on record")
    last_key = min(series.index[-1] for series in monthly)
    through = key_to_month_start(np.array([last_key]))[0] + pd.offsets.MonthEnd(0)
    pairs = month_pairs(*((s.index.to_numpy(), s.to_numpy()) for s in monthly))
    return FrenchMonths((FF_SMALL_MONTHLY, FF_BIG_MONTHLY), "monthly", pairs, through, None)


def french_seasonality(market: Market, week_end: pd.Timestamp) -> dict[str, Any]:
    """Month table (and windows when daily data exist) of FF bottom 30% against top 30% by size."""
    week_end = pd.Timestamp(week_end)
    french = french_months(market, week_end)
    if french.levels is not None:
        small, big = french.levels
        through = french.through
        arrays = french_month_arrays(market, week_end)
        out = _french_table(french.names, "daily", french.pairs, through, arrays)
        out.update(
            _window_section(
                (small, big), out["first_year"], min(week_end, through), market_calendar(market)
            )
        )
        return out
    arrays = french_month_arrays(market, week_end)
    out = _french_table(french.names, "monthly", french.pairs, french.through, arrays)
    reason = "only monthly Ken French returns are on record"
    for key in ("dec15_feb15", "first5_january"):
        out[key] = None
        out[key + "_reason"] = reason
    return out


def _french_table(
    names: tuple[str, str],
    basis: str,
    pairs: MonthPairs,
    through: pd.Timestamp,
    arrays: dict[str, np.ndarray],
) -> dict[str, Any]:
    first_year = pairs.first_year()
    if first_year is None:
        raise Unavailable(f"no January with returns of both {names[0]} and {names[1]}")
    return {
        "small": names[0],
        "large": names[1],
        "basis": basis,
        "first_year": first_year,
        "last_complete_month": pairs.last_month(),
        "data_through": iso(through),
        "months": month_records(pairs)
        if arrays is None
        else stats_records(arrays, "month", MONTHS),
    }


def french_month_arrays(market: Market, week_end: pd.Timestamp) -> dict[str, np.ndarray]:
    """``month_arrays`` of the French month pairs, computed once per cut market (the section's
    table and the French seasonality chart read the same arrays)."""
    week_end = pd.Timestamp(week_end)
    return memo(
        market,
        ("french_month_arrays", week_end),
        lambda: month_arrays(french_months(market, week_end).pairs),
    )
