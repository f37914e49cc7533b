"""The presidential cycle: small against large by the phase of the US four-year election cycle.

Phase = calendar year mod 4: 0 election, 1 post-election, 2 midterm, 3 pre-election (2024 was an
election year, so 2026 is a midterm year). Calendar-year returns run from the last close of the
previous year to the last close of the year, complete years only.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from generator.config import Config
from generator.metrics.common import Unavailable, memo
from generator.metrics.groupstats import group_arrays
from generator.metrics.monthly import (
    Closes,
    MonthPairs,
    PairMonths,
    num,
    pair_months,
    stats_records,
    stats_table,
)
from generator.metrics.paths import mean_path, path_records
from generator.metrics.seasonality import french_months
from generator.model import Market

PHASE_NAMES = {0: "election", 1: "post-election", 2: "midterm", 3: "pre-election"}
PHASES = (0, 1, 2, 3)


def phase_of_year(year: int) -> int:
    """The cycle phase of a calendar year (year mod 4)."""
    return int(year) % 4


def annual_arrays(keys: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(years, calendar-year returns) from month-end closes by month key (``monthly.Closes``):
    December month-end close against the previous December's; a year counts only when both
    year-end closes exist (the final December only once its last session has closed)."""
    december = keys % 12 == 11
    keys, values = keys[december], ends[december]
    consecutive = keys[1:] - keys[:-1] == 12
    returns = np.where(consecutive, values[1:] / values[:-1] - 1, np.nan)
    ok = np.isfinite(returns)
    return keys[1:][ok] // 12, returns[ok]


def _annual_pair_arrays(
    small: tuple[np.ndarray, np.ndarray], large: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(years, small, large) of the years with both annual returns."""
    years, i, j = np.intersect1d(small[0], large[0], return_indices=True)
    return years, small[1][i], large[1][j]


def _annual_of(closes: Closes) -> tuple[np.ndarray, np.ndarray]:
    return annual_arrays(closes.end_keys, closes.ends)


def phase_month_means(years: np.ndarray, months: np.ndarray, spread: np.ndarray) -> np.ndarray:
    """Mean monthly spread by phase (rows 0..3) and calendar month (columns 1..12) of paired
    monthly spreads, as a 4 x 12 array (NaN for a cell without months)."""
    cell = years % 4 * 12 + months - 1
    sums = np.bincount(cell, weights=spread, minlength=48)
    counts = np.bincount(cell, minlength=48)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (sums / counts).reshape(4, 12)


@dataclass(frozen=True, eq=False)  # arrays: compared by identity
class PhaseStats:
    """Calendar-year returns of the pair by cycle phase: ``arrays`` holds STAT_COLUMNS per
    phase 0..3 (``groupstats.group_arrays``; NaN statistics for a phase without years), aligned
    with PHASES; ``first_year``/``last_year``: the complete years counted."""

    arrays: dict[str, np.ndarray]
    first_year: int
    last_year: int

    @cached_property
    def table(self) -> pd.DataFrame:
        """Columns ``phase`` (0..3), then STAT_COLUMNS: the cycle-phase chart's table."""
        return stats_table("phase", list(PHASES), self.arrays)


def phase_stats(market: Market, config: Config, week_end: pd.Timestamp) -> PhaseStats:
    """The ``PhaseStats`` of the configured pair, computed once per cut market: the cycle
    section and the cycle-phase chart read the same object. Raises Unavailable when the pair is
    missing or stale, or has no complete calendar year."""
    week_end = pd.Timestamp(week_end)
    return memo(
        market,
        ("phase_stats", config.small.index, config.large.index, week_end),
        lambda: _phase_stats(pair_months(market, config, week_end), config),
    )


def _phase_stats(months: PairMonths, config: Config) -> PhaseStats:
    years, small, large = _annual_pair_arrays(_annual_of(months.small), _annual_of(months.large))
    if not len(years):
        raise Unavailable(
            f"no complete calendar year of both {config.small.index} and {config.large.index}"
        )
    arrays = group_arrays(small, large, years % 4, list(PHASES))
    return PhaseStats(arrays, int(years[0]), int(years[-1]))


def annual_from_months(keys: np.ndarray, returns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(years, calendar-year returns) compounded from month-keyed returns (keys ascending,
    unique): only years with all twelve months count."""
    years, starts, counts = np.unique(keys // 12, return_index=True, return_counts=True)
    if not len(years):
        return years, np.array([], dtype=float)
    compounded = np.multiply.reduceat(1 + returns, starts) - 1
    full = counts == 12
    return years[full], compounded[full]


def french_phase_stats(market: Market, week_end: pd.Timestamp) -> PhaseStats:
    """``PhaseStats`` of the Ken French bottom against top 30% by size (calendar years
    compounded from their month returns): the long record beside the index pair's. Raises
    Unavailable without the French series or a complete year."""
    week_end = pd.Timestamp(week_end)
    french = french_months(market, week_end)
    pairs = french.pairs
    years, small = annual_from_months(pairs.keys, pairs.small)
    _, large = annual_from_months(pairs.keys, pairs.large)
    if not len(years):
        raise Unavailable("no complete calendar year of the Ken French size portfolios")
    arrays = group_arrays(small, large, years % 4, list(PHASES))
    return PhaseStats(arrays, int(years[0]), int(years[-1]))


def french_cycle_section(market: Market, week_end: pd.Timestamp) -> dict[str, Any]:
    """The cycle table of the Ken French size portfolios (``cycle.french``)."""
    phases = french_phase_stats(market, week_end)
    french = french_months(market, week_end)
    return {
        "small": french.names[0],
        "large": french.names[1],
        "basis": french.basis,
        "first_year": phases.first_year,
        "last_complete_year": phases.last_year,
        "phases": _phase_records(phases),
    }


def _phase_records(stats: PhaseStats) -> list[dict[str, Any]]:
    rows = stats_records(stats.arrays, "phase", list(PHASES))
    return [{"name": PHASE_NAMES[row["phase"]], **row} for row in rows]


def _monthly_records(months: MonthPairs) -> list[dict[str, Any]]:
    means = phase_month_means(months.keys // 12, months.keys % 12 + 1, months.small - months.large)
    out = []
    for phase, row in zip(PHASES, means.tolist(), strict=True):
        out.append({"phase": phase, "name": PHASE_NAMES[phase], "months": [num(v) for v in row]})
    return out


def compute_cycle(market: Market, config: Config, week_end: pd.Timestamp) -> dict[str, Any]:
    """The presidential-cycle section; raises Unavailable when the pair has no complete year."""
    week_end = pd.Timestamp(week_end)
    months = pair_months(market, config, week_end)
    phases = phase_stats(market, config, week_end)
    year = week_end.year
    phase = phase_of_year(year)
    average, count = mean_path(months.grid, (months.years % 4 == phase) & (months.years < year))
    return {
        "small": config.small.index,
        "large": config.large.index,
        "year": year,
        "phase": phase,
        "phase_name": PHASE_NAMES[phase],
        "first_year": phases.first_year,
        "last_complete_year": phases.last_year,
        "phases": _phase_records(phases),
        "monthly_spread_by_phase": _monthly_records(months.months),
        "current_year_path": path_records(months.path_row(year)),
        "phase_average_path": path_records(average),
        "phase_average_path_years": count,
        **_french_part(market, week_end),
    }


def _french_part(market: Market, week_end: pd.Timestamp) -> dict[str, Any]:
    try:
        return {"french": french_cycle_section(market, week_end)}
    except Unavailable as exc:
        return {"french": None, "french_reason": str(exc)}
