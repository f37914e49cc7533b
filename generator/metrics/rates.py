"""Treasury yields and the rate sensitivity of small against large.

Yields are in percent as quoted (4.25 = 4.25%); changes are in percentage points. The rate
sensitivity regresses the weekly relative return (small weekly simple return minus large weekly
simple return, decimals) on the weekly change of a yield (percentage points) over the trailing
52 weeks: beta = relative return per +1 percentage point of yield.
"""

from __future__ import annotations

from functools import lru_cache
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd

from generator.config import RATE_KEYS, Config
from generator.metrics.common import (
    MAX_START_GAP_DAYS,
    Unavailable,
    as_unit_of,
    current_close,
    finite,
    iso,
    missing,
    record,
    run_ends,
    week_monday,
)
from generator.metrics.groupstats import VERDICT_CI_LEVEL
from generator.model import Market

ROLLING_WEEKS = 52
SENSITIVITY_KEYS = ("13w", "10y")
THREE_MONTHS = pd.DateOffset(months=3)


def value_on_or_before(series: pd.Series, day: pd.Timestamp, what: str) -> float:
    """The last value on or before ``day``; Unavailable when none lies within MAX_START_GAP_DAYS."""
    return _value_on_or_before(series.index.values, series.to_numpy(dtype=float), day, what)


def _value_on_or_before(
    days: np.ndarray, values: np.ndarray, day: pd.Timestamp, what: str
) -> float:
    """``value_on_or_before`` of (datetime64 dates, float values) arrays."""
    mark = as_unit_of(day, days)
    pos = int(np.searchsorted(days, mark, side="right")) - 1
    # Floor division by a day counts whole days as Timedelta.days does.
    if pos < 0 or (mark - days[pos]) // np.timedelta64(1, "D") > MAX_START_GAP_DAYS:
        raise Unavailable(
            f"{what}: no observation within {MAX_START_GAP_DAYS} days before {iso(day)}"
        )
    return float(values[pos])


def yield_changes(series: pd.Series, week_end: pd.Timestamp) -> dict[str, Any]:
    """Level at ``week_end`` and its change (percentage points) since the previous week's last
    observation and since the same calendar date three months earlier."""
    days, values = series.index.values, series.to_numpy(dtype=float)
    week_end = pd.Timestamp(week_end)
    level = _value_on_or_before(days, values, week_end, "level")
    out: dict[str, Any] = {"level": level}
    previous_week, three_months = _change_bases(week_end)
    record(
        out,
        "change_1w",
        lambda: level - _value_on_or_before(days, values, previous_week, "1-week base"),
    )
    record(
        out,
        "change_3m",
        lambda: level - _value_on_or_before(days, values, three_months, "3-month base"),
    )
    return out


@lru_cache(maxsize=4096)  # DateOffset arithmetic is slow and every yield asks for the same dates
def _change_bases(week_end: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp]:
    """(the day before week_end's Monday, the same calendar date three months earlier)."""
    return week_monday(week_end) - pd.Timedelta(days=1), week_end - THREE_MONTHS


def _last_finite_date(market: Market, symbol: str, week_end: pd.Timestamp) -> np.datetime64 | None:
    series = market.series.get(symbol)
    if series is None or series.schema != "ohlcv":
        return None
    frame = series.frame
    days = frame.index.values
    stop = int(np.searchsorted(days, as_unit_of(week_end, days), side="right"))
    finite = np.flatnonzero(np.isfinite(frame["close"].to_numpy(dtype=float)[:stop]))
    return days[finite[-1]] if len(finite) else None


def _yield_section(market: Market, symbol: str, week_end: pd.Timestamp) -> dict[str, Any]:
    through = _last_finite_date(market, symbol, week_end)
    out: dict[str, Any] = {"symbol": symbol, "data_through": iso(through)}
    if through is None:
        series = market.series.get(symbol)
        absent = series is None or series.schema != "ohlcv"
        reason = "has no data on record" if absent else f"has no value on or before {iso(week_end)}"
        out["data_through_reason"] = f"{symbol} {reason}"
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


def _week_numbers(index: pd.DatetimeIndex | np.ndarray) -> np.ndarray:
    """Monday-based week number of each date (1970-01-01 was a Thursday, hence the +3)."""
    dates = index.values if isinstance(index, pd.Index) else index
    days = np.asarray(dates, dtype="datetime64[D]").astype(np.int64)
    return (days + 3) // 7


def _weekly_last_arrays(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(week numbers, last value of each week) for the weeks that have data."""
    return _weekly_last_of(series.index.values, series.to_numpy(dtype=float))


def _weekly_last_of(days: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``_weekly_last_arrays`` of (dates, values) arrays."""
    weeks = _week_numbers(days)
    last = run_ends(weeks)
    return weeks[last], values[last]


def weekly_last(series: pd.Series) -> pd.Series:
    """Last value of each calendar week, indexed by that week's Monday (consecutive weeks,
    NaN for a week without data)."""
    weeks, values = _weekly_last_arrays(series)
    if not len(weeks):
        return pd.Series(dtype=float, index=pd.DatetimeIndex([], name="week"))
    full = np.full(weeks[-1] - weeks[0] + 1, np.nan)
    full[weeks - weeks[0]] = values
    mondays = (np.arange(weeks[0], weeks[-1] + 1) * 7 - 3).astype("datetime64[D]")
    return pd.Series(full, index=pd.DatetimeIndex(mondays.astype("datetime64[ns]"), name="week"))


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


def _window_levels(
    series: tuple[np.ndarray, np.ndarray], last_week: int, weeks: int
) -> np.ndarray | None:
    """Weekly last values of the ``weeks`` weeks ending with ``last_week`` of (dates, values)
    arrays; None if any lacks data."""
    numbers, values = _weekly_last_of(*series)
    wanted = np.arange(last_week - weeks + 1, last_week + 1)
    pos = np.searchsorted(numbers, wanted)
    if (pos >= len(numbers)).any() or (numbers[np.minimum(pos, len(numbers) - 1)] != wanted).any():
        return None
    return values[pos]


def current_rate_sensitivity(
    small: pd.Series,
    large: pd.Series,
    yields: pd.Series,
    week_end: pd.Timestamp,
    window: int = ROLLING_WEEKS,
) -> tuple[float, float]:
    """(beta, corr) of the ``window`` weeks ending with week_end's week: the last row of
    ``rolling_rate_sensitivity``, computed directly. Unavailable when a week lacks data or the
    yield did not move."""
    arrays = [(s.index.values, s.to_numpy(dtype=float)) for s in (small, large, yields)]
    return _sensitivity_of(*arrays, week_end, window)


def _sensitivity_of(
    small: tuple[np.ndarray, np.ndarray],
    large: tuple[np.ndarray, np.ndarray],
    yields: tuple[np.ndarray, np.ndarray],
    week_end: pd.Timestamp,
    window: int = ROLLING_WEEKS,
) -> tuple[float, float]:
    """``current_rate_sensitivity`` of (dates, values) arrays."""
    week = int(_week_numbers(np.array([pd.Timestamp(week_end).to_datetime64()]))[0])
    levels = [_window_levels(s, week, window + 1) for s in (small, large, yields)]
    if any(level is None for level in levels):
        raise Unavailable(
            f"fewer than {window} complete consecutive weeks of the pair and the yield"
        )
    s, lg, y = levels
    relative = (s[1:] / s[:-1] - 1) - (lg[1:] / lg[:-1] - 1)
    change = np.diff(y)
    dx, dy = change - change.mean(), relative - relative.mean()
    var_x, var_y = (dx @ dx), (dy @ dy)
    if var_x <= 0:
        raise Unavailable("the yield did not move in the window")
    beta = float((dx @ dy) / var_x)
    corr = float((dx @ dy) / np.sqrt(var_x * var_y)) if var_y > 0 else np.nan
    return beta, corr


def beta_interval(
    beta: float, corr: float, weeks: int, level: float = VERDICT_CI_LEVEL
) -> tuple[float, float]:
    """The ``level`` interval of an OLS slope from its correlation over ``weeks`` pairs:
    beta +- t * se with se = |beta| * sqrt((1 - r^2) / (r^2 (n - 2))), the textbook formula
    (equivalently the residual variance over the regressor's), and t the Student quantile."""
    dof = weeks - 2
    if dof < 1 or not np.isfinite(corr) or corr == 0:
        raise Unavailable("no interval: the correlation is zero or undefined")
    se = abs(beta) * np.sqrt((1 - corr * corr) / (corr * corr * dof))
    half = student_quantile(1 - (1 - level) / 2, dof) * se
    return beta - half, beta + half


def student_quantile(p: float, dof: int) -> float:
    """Student's t quantile by the Cornish-Fisher expansion around the normal quantile (error
    below 1e-4 for 50 degrees of freedom at p = 0.995; no SciPy in the dependency tree)."""
    z = NormalDist().inv_cdf(p)
    v = float(dof)
    return (
        z
        + (z**3 + z) / (4 * v)
        + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * v**2)
        + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * v**3)
    )


def _sensitivity(
    market: Market, config: Config, key: str, week_end: pd.Timestamp
) -> dict[str, Any]:
    yields = current_close(market, config.rates[key], week_end, positive=False)
    small = current_close(market, config.small.index, week_end)
    large = current_close(market, config.large.index, week_end)
    start = _window_start(pd.Timestamp(week_end))
    cut = []
    for series in (small, large, yields):
        days, values = series.index.values, series.to_numpy(dtype=float)
        first = int(np.searchsorted(days, as_unit_of(start, days)))
        cut.append((days[first:], values[first:]))
    beta, corr = _sensitivity_of(*cut, week_end)
    out: dict[str, Any] = {"symbol": config.rates[key], "beta": beta}
    record(out, "corr", lambda: finite(corr, "the correlation (relative return never moved)"))
    out["weeks"] = ROLLING_WEEKS
    try:
        out["beta_ci99_low"], out["beta_ci99_high"] = beta_interval(beta, corr, ROLLING_WEEKS)
    except Unavailable as exc:
        for bound in ("beta_ci99_low", "beta_ci99_high"):
            missing(out, bound, str(exc))
    return out


@lru_cache(maxsize=4096)
def _window_start(week_end: pd.Timestamp) -> pd.Timestamp:
    """The first day whose data can fall in the sensitivity window (two weeks of slack)."""
    return week_monday(week_end) - pd.Timedelta(weeks=ROLLING_WEEKS + 2)


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
