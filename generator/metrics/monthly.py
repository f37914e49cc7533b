"""Monthly building blocks shared by the seasonality and presidential-cycle metrics.

Months are keyed internally by ``year * 12 + month - 1`` so consecutive months differ by 1 and a
missing month is a gap. Returns are simple decimal returns between month-end closes; spreads are
small minus large. Pure functions; the only outside knowledge is the NYSE calendar (is a date the
month's last session?), which decides whether a series' final month is complete.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from generator.calendar import sessions
from generator.metrics.common import MAX_START_GAP_DAYS, truncate_frame

BOOTSTRAP_SEED = 20260101
BOOTSTRAP_RESAMPLES = 2000
CI_LEVEL = 0.90
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


def month_key(index: pd.DatetimeIndex) -> np.ndarray:
    """Months counted from year 0: year * 12 + month - 1 (consecutive months differ by 1)."""
    return np.asarray(index.year, dtype=np.int64) * 12 + np.asarray(index.month, dtype=np.int64) - 1


def key_to_month_start(keys: np.ndarray) -> pd.DatetimeIndex:
    keys = np.asarray(keys, dtype=np.int64)
    frame = pd.DataFrame({"year": keys // 12, "month": keys % 12 + 1, "day": 1})
    return pd.DatetimeIndex(pd.to_datetime(frame), name="month")


def is_last_session_of_month(day: pd.Timestamp) -> bool:
    """Whether no NYSE session follows ``day`` within its calendar month."""
    day = pd.Timestamp(day).normalize()
    month_end = day + pd.offsets.MonthEnd(0)
    return day >= month_end or len(sessions(day + pd.Timedelta(days=1), month_end)) == 0


def clean_close(close: pd.Series, week_end: pd.Timestamp | None) -> pd.Series:
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
    close = clean_close(close, week_end)
    if close.empty:
        return pd.Series(dtype=float)
    idx = close.index
    keys = month_key(idx)
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
    keyed = keyed_monthly_returns(close, week_end)
    return pd.Series(keyed.to_numpy(), index=key_to_month_start(keyed.index), name="return")


def keyed_monthly_returns(close: pd.Series, week_end: pd.Timestamp | None) -> pd.Series:
    ends = month_end_closes(close, week_end)
    return (ends / ends.shift(1) - 1).dropna()


def keyed_from_monthly_series(frame: pd.DataFrame, week_end: pd.Timestamp) -> pd.Series:
    """Month-keyed returns from a monthly return series dated on each month's first day."""
    frame = truncate_frame(frame, week_end, "monthly")
    values = frame["value"].astype(float)
    values = values[np.isfinite(values.to_numpy())]
    return pd.Series(values.to_numpy(), index=month_key(values.index))


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


def num(value: Any) -> float | None:
    if value is None:
        return None
    x = float(value)
    return x if np.isfinite(x) else None


def stats_record(row: pd.Series) -> dict[str, Any]:
    """STAT_COLUMNS of one table row as JSON values, each null with a ``_reason``."""
    years = int(row["years"])
    out: dict[str, Any] = {"years": years}
    for key in STAT_COLUMNS:
        if key == "years":
            continue
        out[key] = num(row[key])
        if out[key] is None:
            out[key + "_reason"] = (
                "no complete year" if years == 0 else "a bootstrap interval needs at least 2 years"
            )
    return out


def month_records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """The month table as a list of ``{month, <STAT_COLUMNS>}`` objects."""
    return [{"month": int(month), **stats_record(row)} for month, row in table.iterrows()]


def path_records(path: pd.Series) -> list[dict[str, Any]]:
    """A month-indexed path as ``[{month, spread}]``, skipping months without a value."""
    return [{"month": int(m), "spread": float(v)} for m, v in path.items() if np.isfinite(v)]
