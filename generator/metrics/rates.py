"""Treasury yields and the rate sensitivity of small against large.

Yields are in percent as quoted (4.25 = 4.25%); changes are in percentage points. The rate
sensitivity regresses the weekly relative return (small weekly simple return minus large weekly
simple return, decimals) on the weekly change of a yield (percentage points) over the trailing
52 weeks: beta = relative return per +1 percentage point of yield.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from generator.config import RATE_KEYS, Config
from generator.metrics.common import (
    MAX_START_GAP_DAYS,
    Unavailable,
    current_close,
    finite,
    iso,
    missing,
    record,
    week_monday,
)
from generator.model import Market

ROLLING_WEEKS = 52
SENSITIVITY_KEYS = ("13w", "10y")
THREE_MONTHS = pd.DateOffset(months=3)


def value_on_or_before(series: pd.Series, day: pd.Timestamp, what: str) -> float:
    """The last value on or before ``day``; Unavailable when none lies within MAX_START_GAP_DAYS."""
    before = series.loc[: pd.Timestamp(day)]
    if before.empty or (pd.Timestamp(day) - before.index[-1]).days > MAX_START_GAP_DAYS:
        raise Unavailable(
            f"{what}: no observation within {MAX_START_GAP_DAYS} days before {iso(day)}"
        )
    return float(before.iloc[-1])


def yield_changes(series: pd.Series, week_end: pd.Timestamp) -> dict[str, Any]:
    """Level at ``week_end`` and its change (percentage points) since the previous week's last
    observation and since the same calendar date three months earlier."""
    week_end = pd.Timestamp(week_end)
    level = float(series.loc[:week_end].iloc[-1])
    out: dict[str, Any] = {"level": level}
    previous_week = week_monday(week_end) - pd.Timedelta(days=1)
    record(
        out, "change_1w", lambda: level - value_on_or_before(series, previous_week, "1-week base")
    )
    record(
        out,
        "change_3m",
        lambda: level - value_on_or_before(series, week_end - THREE_MONTHS, "3-month base"),
    )
    return out


def _yield_section(market: Market, symbol: str, week_end: pd.Timestamp) -> dict[str, Any]:
    close = market.close(symbol)
    through = None
    if close is not None:
        finite = close.loc[:week_end]
        finite = finite[np.isfinite(finite.to_numpy(dtype=float))]
        through = finite.index[-1] if len(finite) else None
    out: dict[str, Any] = {"symbol": symbol, "data_through": iso(through)}
    try:
        series = current_close(market, symbol, week_end, positive=False)
    except Unavailable as exc:
        out["stale"] = through is not None
        for key in ("level", "change_1w", "change_3m"):
            missing(out, key, str(exc))
        return out
    out["stale"] = False
    out.update(yield_changes(series, week_end))
    return out


def weekly_last(series: pd.Series) -> pd.Series:
    """Last value of each calendar week, indexed by that week's Monday (consecutive weeks,
    NaN for a week without data)."""
    index = series.index
    mondays = (index - pd.to_timedelta(index.weekday, unit="D")).normalize()
    last = np.r_[mondays[1:] != mondays[:-1], True]
    values = pd.Series(series.to_numpy(dtype=float)[last], index=mondays[last])
    full = (
        pd.date_range(values.index[0], values.index[-1], freq="7D") if len(values) else values.index
    )
    return values.reindex(full)


def weekly_relative_returns(small: pd.Series, large: pd.Series) -> pd.Series:
    """Small weekly simple return minus large weekly simple return, indexed by week Monday."""
    s, lg = weekly_last(small), weekly_last(large)
    return (s / s.shift(1) - 1) - (lg / lg.shift(1) - 1)


def rolling_rate_sensitivity(
    small: pd.Series, large: pd.Series, yields: pd.Series, window: int = ROLLING_WEEKS
) -> pd.DataFrame:
    """Rolling beta and correlation of weekly relative return on weekly yield changes.

    Inputs are daily closes and a daily yield (percent). Output indexed by week Monday, columns
    ``beta`` (relative return per +1 percentage point), ``corr`` and ``weeks`` (weeks with both
    values in the window); NaN until ``window`` complete weeks, or when the yield did not move.
    """
    relative = weekly_relative_returns(small, large)
    change = weekly_last(yields).diff()
    both = pd.concat({"y": relative, "x": change}, axis=1).dropna()
    both = (
        both.reindex(pd.date_range(both.index.min(), both.index.max(), freq="7D"))
        if len(both)
        else both
    )
    x, y = both["x"], both["y"]
    var_x = x.rolling(window, min_periods=window).var()
    var_x = var_x.where(var_x > 0)  # a yield that never moved has no beta
    out = pd.DataFrame(
        {
            "beta": y.rolling(window, min_periods=window).cov(x) / var_x,
            "corr": y.rolling(window, min_periods=window).corr(x).where(var_x.notna()),
            "weeks": x.notna().astype(float).rolling(window, min_periods=1).sum(),
        }
    )
    out.index.name = "week"
    return out


def _sensitivity(
    market: Market, config: Config, key: str, week_end: pd.Timestamp
) -> dict[str, Any]:
    yields = current_close(market, config.rates[key], week_end, positive=False)
    small = current_close(market, config.small.index, week_end)
    large = current_close(market, config.large.index, week_end)
    start = week_monday(week_end) - pd.Timedelta(weeks=ROLLING_WEEKS + 2)
    series = rolling_rate_sensitivity(small.loc[start:], large.loc[start:], yields.loc[start:])
    this_week = week_monday(week_end)
    if this_week not in series.index or not np.isfinite(series.loc[this_week, "beta"]):
        raise Unavailable(
            f"fewer than {ROLLING_WEEKS} complete weeks of {config.rates[key]} changes and the pair"
        )
    row = series.loc[this_week]
    out: dict[str, Any] = {"symbol": config.rates[key], "beta": float(row["beta"])}
    record(
        out, "corr", lambda: finite(row["corr"], "the correlation (relative return never moved)")
    )
    out["weeks"] = int(row["weeks"])
    return out


def compute_rates(market: Market, config: Config, week_end: pd.Timestamp) -> dict[str, Any]:
    """The rates section: every yield (null with reason when missing or stale), the slope and
    the rate sensitivity of the weekly relative return."""
    week_end = pd.Timestamp(week_end)
    yields = {key: _yield_section(market, config.rates[key], week_end) for key in RATE_KEYS}
    out: dict[str, Any] = {"yields": yields}
    long, short = yields["10y"]["level"], yields["13w"]["level"]
    if long is None or short is None:
        missing(out, "slope_10y_13w", "the 10-year or 13-week yield is not current")
    else:
        out["slope_10y_13w"] = long - short
    out["sensitivity"] = {}
    for key in SENSITIVITY_KEYS:
        record(out["sensitivity"], key, lambda key=key: _sensitivity(market, config, key, week_end))
    return out
