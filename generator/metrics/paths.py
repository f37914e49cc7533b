"""Seasonal paths: the compounded small-cap return minus the compounded large-cap return from
the start of each year through each month, and their averages over complete years.

Shared by the seasonality and presidential-cycle metrics and the seasonal-path chart. Pure
functions of month-keyed returns (``monthly``).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


def spread_paths(
    years: np.ndarray, months: np.ndarray, small: np.ndarray, large: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per year from the first to the last of ``years`` (rows) and month 1..12 (columns):
    compounded small minus compounded large return from the start of the year through each
    month, NaN from a missing month on; as (years, years x 12 paths) arrays."""
    first = years.min() if len(years) else 0
    index = np.arange(first, years.max() + 1) if len(years) else np.array([], dtype=np.int64)
    growth = []
    for values in (small, large):
        grid = np.full((len(index), 12), np.nan)
        grid[years - first, months - 1] = values
        growth.append(np.cumprod(1 + grid, axis=1))
    return index, growth[0] - growth[1]


def mean_path(path: np.ndarray, chosen: np.ndarray | None) -> tuple[np.ndarray, int]:
    """Mean path of a years x 12 array over the complete years (all 12 months present) among
    ``chosen`` (a mask of the rows; None: all), as (mean per month, years averaged)."""
    keep = np.isfinite(path).all(axis=1)
    if chosen is not None:
        keep &= chosen
    # path[keep] is a fresh C-ordered array whatever path's order, so the mean sums each month
    # over the years in the same order either way.
    mean = path[keep].mean(axis=0) if keep.any() else np.full(path.shape[1], np.nan)
    return mean, int(keep.sum())


def path_records(path: pd.Series | np.ndarray) -> list[dict[str, Any]]:
    """A month-indexed path (or 12 values for months 1..12) as ``[{month, spread}]``, skipping
    months without a value."""
    items = enumerate(path.tolist(), 1) if isinstance(path, np.ndarray) else path.items()
    return [{"month": int(m), "spread": float(v)} for m, v in items if math.isfinite(v)]
