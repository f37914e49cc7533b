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
from generator.metrics.common import (
    MAX_START_GAP_DAYS,
    Unavailable,
    current_close,
    iso,
    truncate_frame,
)
from generator.model import FF_BIG_DAILY, FF_BIG_MONTHLY, FF_SMALL_DAILY, FF_SMALL_MONTHLY, Market

BOOTSTRAP_SEED = 20260101
BOOTSTRAP_RESAMPLES = 2000
CI_LEVEL = 0.90
FIRST_SESSIONS = 5
WINDOW_START = (12, 15)  # month, day of the previous year
WINDOW_END = (2, 15)  # month, day of the labelled year
STAT_COLUMNS = (
    "small_mean",
    "small_median",
    "large_mean",
    "large_median",
    "spread_mean",
    "spread_median",
    "hit_rate",
    "years",
    "spread_ci90_low",
    "spread_ci90_high",
)


def _month_key(index: pd.DatetimeIndex) -> np.ndarray:
    """Months counted from year 0: year * 12 + month - 1 (consecutive months differ by 1)."""
    return np.asarray(index.year, dtype=np.int64) * 12 + np.asarray(index.month, dtype=np.int64) - 1


def _key_to_month_start(keys: np.ndarray) -> pd.DatetimeIndex:
    keys = np.asarray(keys, dtype=np.int64)
    frame = pd.DataFrame({"year": keys // 12, "month": keys % 12 + 1, "day": 1})
    return pd.DatetimeIndex(pd.to_datetime(frame), name="month")


def is_last_session_of_month(day: pd.Timestamp) -> bool:
    """Whether no NYSE session follows ``day`` within its calendar month."""
    day = pd.Timestamp(day).normalize()
    month_end = day + pd.offsets.MonthEnd(0)
    return day >= month_end or len(sessions(day + pd.Timedelta(days=1), month_end)) == 0


def _clean_close(close: pd.Series, week_end: pd.Timestamp | None) -> pd.Series:
    close = close.astype(float)
    close = close[np.isfinite(close.to_numpy()) & (close.to_numpy() > 0)]
    if week_end is not None:
        close = close.loc[: pd.Timestamp(week_end)]
    return close


def month_end_closes(close: pd.Series, week_end: pd.Timestamp | None = None) -> pd.Series:
    """Last close of every complete month, indexed by month key (year * 12 + month - 1).

    Months in the span without a usable close are NaN: no data, or the last close lies more than
    MAX_START_GAP_DAYS before the month's last day (a hole). The final month counts only when its
    last row is the month's last NYSE session.
    """
    close = _clean_close(close, week_end)
    if close.empty:
        return pd.Series(dtype=float)
    idx = close.index
    keys = _month_key(idx)
    last_of_key = np.r_[keys[1:] != keys[:-1], True]
    dates = idx[last_of_key]
    values = close.to_numpy()[last_of_key].copy()
    gap = (dates + pd.offsets.MonthEnd(0) - dates).days
    values[np.asarray(gap) > MAX_START_GAP_DAYS] = np.nan
    if not is_last_session_of_month(idx[-1]):
        values[-1] = np.nan
    out = pd.Series(values, index=keys[last_of_key])
    return out.reindex(np.arange(out.index[0], out.index[-1] + 1))


def monthly_returns(close: pd.Series, week_end: pd.Timestamp | None = None) -> pd.Series:
    """Simple monthly returns from month-end closes, complete months only.

    Index: ``DatetimeIndex`` named ``month`` (first day of the month); values: decimal return of
    the month's last close against the previous month's last close. Months whose own or previous
    month-end close is missing are dropped.
    """
    keyed = _keyed_monthly_returns(close, week_end)
    return pd.Series(keyed.to_numpy(), index=_key_to_month_start(keyed.index), name="return")


def _keyed_monthly_returns(close: pd.Series, week_end: pd.Timestamp | None) -> pd.Series:
    ends = month_end_closes(close, week_end)
    return (ends / ends.shift(1) - 1).dropna()


def _keyed_from_monthly_series(frame: pd.DataFrame, week_end: pd.Timestamp) -> pd.Series:
    """Month-keyed returns from a monthly return series dated on each month's first day."""
    frame = truncate_frame(frame, week_end, "monthly")
    values = frame["value"].astype(float)
    values = values[np.isfinite(values.to_numpy())]
    return pd.Series(values.to_numpy(), index=_month_key(values.index))


def paired_months(small: pd.Series, large: pd.Series) -> pd.DataFrame:
    """Months where both month-keyed returns exist: columns ``year, month, small, large, spread``.

    Index: month key. Rows start at ``first_year`` (see ``first_january_year``).
    """
    both = pd.concat({"small": small, "large": large}, axis=1, join="inner").dropna()
    keys = both.index.to_numpy(dtype=np.int64)
    both.insert(0, "month", keys % 12 + 1)
    both.insert(0, "year", keys // 12)
    both["spread"] = both["small"] - both["large"]
    january = both.loc[both["month"] == 1, "year"]
    if january.empty:
        return both.iloc[0:0]
    return both[both["year"] >= january.iloc[0]]


def first_january_year(pair: pd.DataFrame) -> int | None:
    """The first calendar year whose January return exists for both series."""
    january = pair.loc[pair["month"] == 1, "year"]
    return None if january.empty else int(january.iloc[0])


def bootstrap_mean_ci(
    values: np.ndarray,
    seed: int = BOOTSTRAP_SEED,
    resamples: int = BOOTSTRAP_RESAMPLES,
    level: float = CI_LEVEL,
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean; NaN when fewer than 2 values.

    A fresh generator seeded with ``seed`` per call, so one group's interval does not depend on
    which other groups were computed before it.
    """
    values = np.asarray(values, dtype=float)
    if len(values) < 2:
        return (np.nan, np.nan)
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), size=(resamples, len(values)))].mean(axis=1)
    tail = (1 - level) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return (float(low), float(high))


def group_stats(
    frame: pd.DataFrame, by: str | np.ndarray, groups: list[int] | None = None
) -> pd.DataFrame:
    """Per group of ``by``: mean/median of small, large and spread, hit rate, years, bootstrap CI.

    ``frame`` has columns ``small, large, spread``; ``hit_rate`` is the share of rows where small
    beat large. ``groups`` lists the groups to report (missing ones get ``years`` 0 and NaN).
    """
    keys = frame[by] if isinstance(by, str) else pd.Series(by, index=frame.index)
    grouped = frame[["small", "large", "spread"]].groupby(keys)
    means, medians = grouped.mean(), grouped.median()
    out = pd.DataFrame(
        {
            "small_mean": means["small"],
            "small_median": medians["small"],
            "large_mean": means["large"],
            "large_median": medians["large"],
            "spread_mean": means["spread"],
            "spread_median": medians["spread"],
            "hit_rate": (frame["spread"] > 0).groupby(keys).mean(),
            "years": grouped.size(),
        }
    )
    ci = {key: bootstrap_mean_ci(part.to_numpy()) for key, part in frame["spread"].groupby(keys)}
    out["spread_ci90_low"] = pd.Series({k: v[0] for k, v in ci.items()}, dtype=float)
    out["spread_ci90_high"] = pd.Series({k: v[1] for k, v in ci.items()}, dtype=float)
    if groups is not None:
        out = out.reindex(groups)
        out["years"] = out["years"].fillna(0)
    out["years"] = out["years"].astype(int)
    return out


def month_table(pair: pd.DataFrame) -> pd.DataFrame:
    """The 12-row calendar-month table (index ``month`` 1..12, columns STAT_COLUMNS)."""
    table = group_stats(pair, "month", list(range(1, 13)))
    table.index.name = "month"
    return table


def _close_on_or_before(close: pd.Series, anchors: pd.DatetimeIndex) -> np.ndarray:
    """Close at the last row on or before each anchor; NaN when none lies within the gap limit."""
    idx = close.index
    pos = idx.searchsorted(anchors, side="right") - 1
    ok = pos >= 0
    found = idx[np.where(ok, pos, 0)]
    ok &= np.asarray((anchors - found).days) <= MAX_START_GAP_DAYS
    return np.where(ok, close.to_numpy()[np.where(ok, pos, 0)], np.nan)


def _anchors(years: np.ndarray, month: int, day: int) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(
        pd.to_datetime(pd.DataFrame({"year": years, "month": month, "day": day}))
    )


def window_returns(close: pd.Series, week_end: pd.Timestamp | None = None) -> pd.Series:
    """Dec 15 - Feb 15 returns, indexed by the year of the February (``year``).

    Start: last close on or before Dec 15 of the previous year; end: last close on or before
    Feb 15. A year counts once its last session on or before Feb 15 has closed in the data.
    """
    close = _clean_close(close, week_end)
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
    close: pd.Series, week_end: pd.Timestamp | None = None, count: int = FIRST_SESSIONS
) -> pd.Series:
    """Return of the first ``count`` January sessions (rows of the series) against the previous
    year's last close, indexed by ``year``; a year counts once it has ``count`` January rows."""
    close = _clean_close(close, week_end)
    if close.empty:
        return pd.Series(dtype=float)
    january = close[close.index.month == 1]
    nth = january.groupby(january.index.year).nth(count - 1)
    years = np.asarray(nth.index.year)
    ends = month_end_closes(close)
    base = ends.reindex(years * 12 - 1).to_numpy()
    return pd.Series(nth.to_numpy() / base - 1, index=pd.Index(years, name="year")).dropna()


def window_stats(small: pd.Series, large: pd.Series, first_year: int | None) -> pd.Series:
    """One row of STAT_COLUMNS for year-indexed returns of small and large since ``first_year``."""
    frame = pd.concat({"small": small, "large": large}, axis=1, join="inner").dropna()
    if first_year is not None:
        frame = frame[frame.index >= first_year]
    frame["spread"] = frame["small"] - frame["large"]
    return group_stats(frame, np.zeros(len(frame), dtype=int), [0]).iloc[0]


def cumulative_spread_paths(pair: pd.DataFrame) -> pd.DataFrame:
    """Per year (index ``year``), columns 1..12: compounded small minus compounded large return
    from the start of the year through each month; NaN from a missing month on."""
    grid = {
        side: pair.pivot(index="year", columns="month", values=side).reindex(columns=range(1, 13))
        for side in ("small", "large")
    }
    growth = {side: np.cumprod(1 + frame.to_numpy(), axis=1) for side, frame in grid.items()}
    return pd.DataFrame(
        growth["small"] - growth["large"], index=grid["small"].index, columns=range(1, 13)
    )


def average_path(
    paths: pd.DataFrame, years: list[int] | np.ndarray | None = None
) -> tuple[pd.Series, int]:
    """Mean path over complete years (all 12 months present), optionally restricted to ``years``;
    returns (path indexed by month 1..12, number of years averaged)."""
    complete = paths.dropna()
    if years is not None:
        complete = complete[complete.index.isin(years)]
    return complete.mean(), len(complete)


def _num(value: Any) -> float | None:
    if value is None:
        return None
    x = float(value)
    return x if np.isfinite(x) else None


def _stats_record(row: pd.Series) -> dict[str, Any]:
    """STAT_COLUMNS of one table row as JSON values, each null with a ``_reason``."""
    years = int(row["years"])
    out: dict[str, Any] = {"years": years}
    for key in STAT_COLUMNS:
        if key == "years":
            continue
        out[key] = _num(row[key])
        if out[key] is None:
            out[key + "_reason"] = (
                "no complete year" if years == 0 else "a bootstrap interval needs at least 2 years"
            )
    return out


def month_records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The month table as a list of ``{month, <STAT_COLUMNS>}`` objects."""
    return [{"month": int(month), **_stats_record(row)} for month, row in table.iterrows()]


def path_records(path: pd.Series) -> list[dict[str, Any]]:
    """A month-indexed path as ``[{month, spread}]``, skipping months without a value."""
    return [{"month": int(m), "spread": float(v)} for m, v in path.items() if np.isfinite(v)]


def _window_record(
    small: pd.Series, large: pd.Series, first_year: int | None, year: int
) -> dict[str, Any]:
    out = _stats_record(window_stats(small, large, first_year))
    spread = _num(small.get(year, np.nan) - large.get(year, np.nan))
    out["this_year"] = year
    out["this_year_spread"] = spread
    if spread is None:
        out["this_year_spread_reason"] = f"the {year} window is not complete"
    return out


def _window_section(
    small: pd.Series, large: pd.Series, first_year: int | None, week_end: pd.Timestamp
) -> dict[str, Any]:
    year = pd.Timestamp(week_end).year
    return {
        "dec15_feb15": _window_record(
            window_returns(small, week_end), window_returns(large, week_end), first_year, year
        ),
        "first5_january": _window_record(
            first_sessions_returns(small, week_end),
            first_sessions_returns(large, week_end),
            first_year,
            year,
        ),
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
    small = current_close(market, config.small.index, week_end)
    large = current_close(market, config.large.index, week_end)
    pair = paired_months(
        _keyed_monthly_returns(small, week_end), _keyed_monthly_returns(large, week_end)
    )
    first_year = first_january_year(pair)
    if first_year is None:
        raise Unavailable(
            f"no January with returns of both {config.small.index} and {config.large.index}"
        )
    paths = cumulative_spread_paths(pair)
    this_year = week_end.year
    average, count = average_path(paths, paths.index[paths.index < this_year])
    current = paths.loc[this_year] if this_year in paths.index else pd.Series(dtype=float)
    out: dict[str, Any] = {
        "small": config.small.index,
        "large": config.large.index,
        "first_year": first_year,
        "last_complete_month": _last_complete_month(pair),
        "bootstrap": _bootstrap_info(),
        "months": month_records(month_table(pair)),
        **_window_section(small, large, first_year, week_end),
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
    keyed = _keyed_from_monthly_series(series.frame, week_end)
    return None if keyed.empty else keyed


def french_seasonality(market: Market, week_end: pd.Timestamp) -> dict[str, Any]:
    """Month table (and windows when daily data exist) of FF bottom 30% against top 30% by size."""
    week_end = pd.Timestamp(week_end)
    small, large = (
        _french_level(market, FF_SMALL_DAILY, week_end),
        _french_level(market, FF_BIG_DAILY, week_end),
    )
    if small is not None and large is not None:
        basis, names = "daily", (FF_SMALL_DAILY, FF_BIG_DAILY)
        pair = paired_months(
            _keyed_monthly_returns(small, None), _keyed_monthly_returns(large, None)
        )
        through = min(small.index[-1], large.index[-1])
    else:
        small_m = _french_monthly(market, FF_SMALL_MONTHLY, week_end)
        large_m = _french_monthly(market, FF_BIG_MONTHLY, week_end)
        if small_m is None or large_m is None:
            raise Unavailable("the Ken French size portfolios are not in the store")
        basis, names = "monthly", (FF_SMALL_MONTHLY, FF_BIG_MONTHLY)
        pair = paired_months(small_m, large_m)
        through = _key_to_month_start(np.array([min(small_m.index[-1], large_m.index[-1])]))[
            0
        ] + pd.offsets.MonthEnd(0)
    first_year = first_january_year(pair)
    if first_year is None:
        raise Unavailable(f"no January with returns of both {names[0]} and {names[1]}")
    out: dict[str, Any] = {
        "small": names[0],
        "large": names[1],
        "basis": basis,
        "first_year": first_year,
        "last_complete_month": _last_complete_month(pair),
        "data_through": iso(through),
        "months": month_records(month_table(pair)),
    }
    if basis == "daily":
        out.update(_window_section(small, large, first_year, min(week_end, through)))
    else:
        reason = "only monthly French returns are in the store"
        out.update(
            {
                "dec15_feb15": None,
                "dec15_feb15_reason": reason,
                "first5_january": None,
                "first5_january_reason": reason,
            }
        )
    return out
