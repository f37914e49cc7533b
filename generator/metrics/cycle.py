"""The presidential cycle: small against large by the phase of the US four-year election cycle.

Phase = calendar year mod 4: 0 election, 1 post-election, 2 midterm, 3 pre-election (2024 was an
election year, so 2026 is a midterm year). Calendar-year returns run from the last close of the
previous year to the last close of the year, complete years only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from generator.config import Config
from generator.metrics.common import Unavailable
from generator.metrics.monthly import (
    average_path,
    group_arrays,
    group_stats,
    month_end_closes,
    num,
    pair_months,
    path_records,
    stats_records,
)
from generator.model import Market

PHASE_NAMES = {0: "election", 1: "post-election", 2: "midterm", 3: "pre-election"}
PHASES = (0, 1, 2, 3)


def phase_of_year(year: int) -> int:
    """The cycle phase of a calendar year (year mod 4)."""
    return int(year) % 4


def annual_returns(close: pd.Series, week_end: pd.Timestamp | None = None) -> pd.Series:
    """Calendar-year returns indexed by ``year``: December month-end close against the previous
    December's; a year counts only when both year-end closes exist and the year is complete."""
    return annual_returns_from_ends(month_end_closes(close, week_end))


def annual_returns_from_ends(ends: pd.Series) -> pd.Series:
    """``annual_returns`` from month-end closes already computed (``month_end_closes``)."""
    december = ends[ends.index % 12 == 11]
    keys = december.index.to_numpy()
    values = december.to_numpy()
    consecutive = keys[1:] - keys[:-1] == 12
    returns = np.where(consecutive, values[1:] / values[:-1] - 1, np.nan)
    ok = np.isfinite(returns)
    return pd.Series(returns[ok], index=pd.Index(keys[1:][ok] // 12, name="year"))


def annual_pair(small: pd.Series, large: pd.Series) -> pd.DataFrame:
    """Years with both annual returns: columns ``small, large, spread, phase``, index ``year``."""
    years, i, j = np.intersect1d(
        small.index.to_numpy(), large.index.to_numpy(), return_indices=True
    )
    s, lg = small.to_numpy()[i], large.to_numpy()[j]
    data = {"small": s, "large": lg, "spread": s - lg, "phase": years % 4}
    return pd.DataFrame(data, index=pd.Index(years, name="year"))


def phase_table(annual: pd.DataFrame) -> pd.DataFrame:
    """Per phase 0..3 (index ``phase``): the STAT_COLUMNS of annual small, large and spread."""
    return group_stats(annual, "phase", list(PHASES))


def monthly_spread_by_phase(pair: pd.DataFrame) -> pd.DataFrame:
    """Mean monthly spread by phase (index ``phase`` 0..3) and calendar month (columns 1..12).

    ``pair`` is the monthly pair frame (columns ``year, month, spread``) from ``paired_months``.
    """
    phase = pair["year"].to_numpy() % 4
    cell = phase * 12 + pair["month"].to_numpy() - 1
    sums = np.bincount(cell, weights=pair["spread"].to_numpy(), minlength=48)
    counts = np.bincount(cell, minlength=48)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = (sums / counts).reshape(4, 12)
    return pd.DataFrame(means, index=pd.Index(PHASES, name="phase"), columns=range(1, 13))


def _phase_records(annual: pd.DataFrame) -> list[dict[str, Any]]:
    arrays = group_arrays(
        annual["small"].to_numpy(),
        annual["large"].to_numpy(),
        annual["phase"].to_numpy(),
        list(PHASES),
    )
    rows = stats_records(arrays, "phase", list(PHASES))
    return [{"name": PHASE_NAMES[row["phase"]], **row} for row in rows]


def _monthly_records(means: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for phase, row in zip(PHASES, means.to_numpy(), strict=True):
        out.append({"phase": phase, "name": PHASE_NAMES[phase], "months": [num(v) for v in row]})
    return out


def compute_cycle(market: Market, config: Config, week_end: pd.Timestamp) -> dict[str, Any]:
    """The presidential-cycle section; raises Unavailable when the pair has no complete year."""
    week_end = pd.Timestamp(week_end)
    months = pair_months(market, config, week_end)
    annual = annual_pair(*(annual_returns_from_ends(ends) for ends in months.ends))
    if annual.empty:
        raise Unavailable(
            f"no complete calendar year of both {config.small.index} and {config.large.index}"
        )
    monthly, paths = months.pair, months.paths
    year = week_end.year
    phase = phase_of_year(year)
    same_phase = paths.index[(paths.index % 4 == phase) & (paths.index < year)]
    average, count = average_path(paths, same_phase)
    current = paths.loc[year] if year in paths.index else pd.Series(dtype=float)
    return {
        "small": config.small.index,
        "large": config.large.index,
        "year": year,
        "phase": phase,
        "phase_name": PHASE_NAMES[phase],
        "first_year": int(annual.index[0]),
        "last_complete_year": int(annual.index[-1]),
        "phases": _phase_records(annual),
        "monthly_spread_by_phase": _monthly_records(monthly_spread_by_phase(monthly)),
        "current_year_path": path_records(current),
        "phase_average_path": path_records(average),
        "phase_average_path_years": count,
    }
