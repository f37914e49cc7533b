"""Seasonality of small against large: calendar months, Dec 15 - Feb 15, the first five sessions
of January, this year's path, and the same month table for the Ken French size portfolios.

All returns are simple decimal returns between closes; spreads are small minus large. Pure
functions of closes; the only outside knowledge is the NYSE calendar (is a date a month's last
session?), which decides whether the final month of a series is complete.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from generator.calendar import sessions
from generator.config import Config
from generator.metrics.common import MAX_START_GAP_DAYS, Unavailable, iso
from generator.metrics.monthly import (
    BOOTSTRAP_RESAMPLES,
    BOOTSTRAP_SEED,
    CI_LEVEL,
    average_path,
    clean_close,
    first_january_year,
    group_arrays,
    key_to_month_start,
    keyed_from_monthly_series,
    month_end_closes,
    month_end_returns,
    month_key,
    month_records,
    num,
    pair_months,
    paired_months,
    path_records,
    stats_records,
)
from generator.model import FF_BIG_DAILY, FF_BIG_MONTHLY, FF_SMALL_DAILY, FF_SMALL_MONTHLY, Market

FIRST_SESSIONS = 5
WINDOW_START = (12, 15)  # month, day of the previous year
WINDOW_END = (2, 15)  # month, day of the labelled year


def _close_on_or_before(close: pd.Series, anchors: pd.DatetimeIndex) -> np.ndarray:
    """Close at the last row on or before each anchor; NaN when none lies within the gap limit."""
    days = close.index.to_numpy()
    marks = anchors.to_numpy().astype(days.dtype)  # midnight anchors: exact in any unit
    pos = np.searchsorted(days, marks, side="right") - 1
    ok = pos >= 0
    safe = np.where(ok, pos, 0)
    # Floor division by a day, exactly as Timedelta.days counts whole days.
    ok &= (marks - days[safe]) // np.timedelta64(1, "D") <= MAX_START_GAP_DAYS
    return np.where(ok, close.to_numpy()[safe], np.nan)


def _anchors(years: np.ndarray, month: int, day: int) -> pd.DatetimeIndex:
    """The date month/day in each year."""
    months = (np.asarray(years, dtype=np.int64) * 12 + month - 1 - 1970 * 12).astype(
        "datetime64[M]"
    )
    return pd.DatetimeIndex((months.astype("datetime64[D]") + (day - 1)).astype("datetime64[ns]"))


def window_returns(close: pd.Series, week_end: pd.Timestamp | None = None) -> pd.Series:
    """Dec 15 - Feb 15 returns, indexed by the year of the February (``year``).

    Start: last close on or before Dec 15 of the previous year; end: last close on or before
    Feb 15. A year counts once its last session on or before Feb 15 has closed in the data.
    """
    close = clean_close(close, week_end)
    if close.empty:
        return pd.Series(dtype=float)
    last = close.index[-1]
    years = np.arange(close.index[0].year + 1, last.year + 1)
    start = _close_on_or_before(close, _anchors(years - 1, *WINDOW_START))
    end_anchor = _anchors(years, *WINDOW_END)
    end = _close_on_or_before(close, end_anchor)
    # The final year's end is known only when no session remains between the last row and Feb 15.
    if (
        len(years)
        and end_anchor[-1] > last
        and len(sessions(last + pd.Timedelta(days=1), end_anchor[-1]))
    ):
        end[-1] = np.nan
    out = pd.Series(end / start - 1, index=pd.Index(years, name="year"))
    return out.dropna()


def first_sessions_returns(
    close: pd.Series,
    week_end: pd.Timestamp | None = None,
    count: int = FIRST_SESSIONS,
    ends: pd.Series | None = None,
) -> pd.Series:
    """Return of the first ``count`` January sessions (rows of the series) against the previous
    year's last close, indexed by ``year``; a year counts once it has ``count`` January rows.
    ``ends`` may pass the series' ``month_end_closes`` when already computed."""
    close = clean_close(close, week_end)
    if close.empty:
        return pd.Series(dtype=float)
    keys = month_key(close.index)
    january = keys % 12 == 0
    years = keys[january] // 12
    _, first_row, which = np.unique(years, return_index=True, return_inverse=True)
    nth = (np.arange(len(years)) - first_row[which]) == count - 1
    ends = month_end_closes(close) if ends is None else ends
    december = years[nth] * 12 - 1  # key of the previous December
    inside = (december >= ends.index[0]) & (december <= ends.index[-1])
    base = np.full(len(december), np.nan)
    base[inside] = ends.to_numpy()[december[inside] - ends.index[0]]
    returns = close.to_numpy()[january][nth] / base - 1
    ok = np.isfinite(returns)
    return pd.Series(returns[ok], index=pd.Index(years[nth][ok], name="year"))


def window_stats(small: pd.Series, large: pd.Series, first_year: int | None) -> dict[str, Any]:
    """STAT_COLUMNS (JSON-ready, nulls with reasons) of year-indexed returns since ``first_year``."""
    years, i, j = np.intersect1d(
        small.index.to_numpy(), large.index.to_numpy(), return_indices=True
    )
    s, lg = small.to_numpy()[i], large.to_numpy()[j]
    keep = np.isfinite(s) & np.isfinite(lg) & (years >= (first_year or years.min(initial=0)))
    arrays = group_arrays(s[keep], lg[keep], np.zeros(int(keep.sum()), dtype=int), [0])
    record = stats_records(arrays, "group", [0])[0]
    del record["group"]
    return record


def _window_record(
    small: pd.Series, large: pd.Series, first_year: int | None, year: int
) -> dict[str, Any]:
    out = window_stats(small, large, first_year)
    spread = num(small.get(year, np.nan) - large.get(year, np.nan))
    out["this_year"] = year
    out["this_year_spread"] = spread
    if spread is None:
        out["this_year_spread_reason"] = f"the {year} window is not complete"
    return out


def _window_section(
    closes: tuple[pd.Series, pd.Series],
    ends: tuple[pd.Series, pd.Series],
    first_year: int | None,
    week_end: pd.Timestamp,
) -> dict[str, Any]:
    year = pd.Timestamp(week_end).year
    windows = [window_returns(close, week_end) for close in closes]
    first5 = [
        first_sessions_returns(close, week_end, ends=end)
        for close, end in zip(closes, ends, strict=True)
    ]
    return {
        "dec15_feb15": _window_record(*windows, first_year, year),
        "first5_january": _window_record(*first5, first_year, year),
    }


def _last_complete_month(pair: pd.DataFrame) -> str | None:
    if pair.empty:
        return None
    return f"{int(pair['year'].iloc[-1]):04d}-{int(pair['month'].iloc[-1]):02d}"


def _bootstrap_info() -> dict[str, Any]:
    return {"seed": BOOTSTRAP_SEED, "resamples": BOOTSTRAP_RESAMPLES, "level": CI_LEVEL}


def compute_seasonality(market: Market, config: Config, week_end: pd.Timestamp) -> dict[str, Any]:
    """The seasonality section; raises Unavailable when the pair has no common January."""
    week_end = pd.Timestamp(week_end)
    months = pair_months(market, config, week_end)
    closes, ends, pair, paths = months.closes, months.ends, months.pair, months.paths
    first_year = first_january_year(pair)
    if first_year is None:
        raise Unavailable(
            f"no January with returns of both {config.small.index} and {config.large.index}"
        )
    this_year = week_end.year
    average, count = average_path(paths, paths.index[paths.index < this_year])
    current = paths.loc[this_year] if this_year in paths.index else pd.Series(dtype=float)
    out: dict[str, Any] = {
        "small": config.small.index,
        "large": config.large.index,
        "first_year": first_year,
        "last_complete_month": _last_complete_month(pair),
        "bootstrap": _bootstrap_info(),
        "months": month_records(pair),
        **_window_section(closes, ends, first_year, week_end),
        "current_year": this_year,
        "current_year_path": path_records(current),
        "average_path": path_records(average),
        "average_path_years": count,
    }
    try:
        out["french"] = french_seasonality(market, week_end)
    except Unavailable as exc:
        out["french"] = None
        out["french_reason"] = str(exc)
    return out


def _french_level(market: Market, symbol: str, week_end: pd.Timestamp) -> pd.Series | None:
    """A wealth index compounded from a daily French return series (rows with a return only)."""
    series = market.series.get(symbol)
    if series is None or series.schema != "value" or series.frequency != "daily":
        return None
    returns = series.frame["value"].astype(float).loc[:week_end]
    returns = returns[np.isfinite(returns.to_numpy())]
    return None if returns.empty else (1 + returns).cumprod()


def _french_monthly(market: Market, symbol: str, week_end: pd.Timestamp) -> pd.Series | None:
    series = market.series.get(symbol)
    if series is None or series.schema != "value" or series.frequency != "monthly":
        return None
    keyed = keyed_from_monthly_series(series.frame, week_end)
    return None if keyed.empty else keyed


def french_seasonality(market: Market, week_end: pd.Timestamp) -> dict[str, Any]:
    """Month table (and windows when daily data exist) of FF bottom 30% against top 30% by size."""
    week_end = pd.Timestamp(week_end)
    levels = tuple(_french_level(market, sym, week_end) for sym in (FF_SMALL_DAILY, FF_BIG_DAILY))
    if levels[0] is not None and levels[1] is not None:
        ends = tuple(month_end_closes(level) for level in levels)
        through = min(level.index[-1] for level in levels)
        out = _french_table(
            (FF_SMALL_DAILY, FF_BIG_DAILY),
            "daily",
            paired_months(*map(month_end_returns, ends)),
            through,
        )
        out.update(_window_section(levels, ends, out["first_year"], min(week_end, through)))
        return out
    monthly = tuple(
        _french_monthly(market, sym, week_end) for sym in (FF_SMALL_MONTHLY, FF_BIG_MONTHLY)
    )
    if monthly[0] is None or monthly[1] is None:
        raise Unavailable("the Ken French size portfolios are not in the store")
    last_key = min(series.index[-1] for series in monthly)
    through = key_to_month_start(np.array([last_key]))[0] + pd.offsets.MonthEnd(0)
    out = _french_table(
        (FF_SMALL_MONTHLY, FF_BIG_MONTHLY), "monthly", paired_months(*monthly), through
    )
    reason = "only monthly French returns are in the store"
    for key in ("dec15_feb15", "first5_january"):
        out[key] = None
        out[key + "_reason"] = reason
    return out


def _french_table(
    names: tuple[str, str], basis: str, pair: pd.DataFrame, through: pd.Timestamp
) -> dict[str, Any]:
    first_year = first_january_year(pair)
    if first_year is None:
        raise Unavailable(f"no January with returns of both {names[0]} and {names[1]}")
    return {
        "small": names[0],
        "large": names[1],
        "basis": basis,
        "first_year": first_year,
        "last_complete_month": _last_complete_month(pair),
        "data_through": iso(through),
        "months": month_records(pair),
    }
