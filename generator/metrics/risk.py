"""Risk: 3-month volatility, 1-year correlation and beta of small on large, and their rolling series."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from generator.metrics.common import (
    SESSIONS_PER_YEAR,
    Unavailable,
    current_close,
    finite,
    inner_positions,
    missing,
    record,
)
from generator.model import Market

VOL_SESSIONS = 63
CORR_SESSIONS = SESSIONS_PER_YEAR
ANNUALISE = math.sqrt(SESSIONS_PER_YEAR)


def daily_returns(close: pd.Series) -> pd.Series:
    """Simple daily returns close/previous close - 1 (the first row dropped)."""
    return close.pct_change().iloc[1:]


def rolling_vol(close: pd.Series, sessions: int = VOL_SESSIONS) -> pd.Series:
    """Annualised volatility (sample std of the last ``sessions`` simple returns x sqrt(252))."""
    return daily_returns(close).rolling(sessions, min_periods=sessions).std(ddof=1) * ANNUALISE


def rolling_corr_of(returns: pd.DataFrame, sessions: int = CORR_SESSIONS) -> pd.Series:
    """Correlation of the ``small`` and ``large`` columns of daily returns over ``sessions``
    rows (NaN until the window is full)."""
    return returns["small"].rolling(sessions, min_periods=sessions).corr(returns["large"])


def rolling_beta_of(returns: pd.DataFrame, sessions: int = CORR_SESSIONS) -> pd.Series:
    """Beta of small on large, cov(small, large) / var(large), over ``sessions`` rows of the
    ``small`` and ``large`` columns of daily returns (NaN until the window is full)."""
    small, large = returns["small"], returns["large"]
    cov = small.rolling(sessions, min_periods=sessions).cov(large)
    return cov / large.rolling(sessions, min_periods=sessions).var()


def rolling_risk_table(
    dates: np.ndarray, small: np.ndarray, large: np.ndarray, sessions: int = CORR_SESSIONS
) -> pd.DataFrame:
    """Rolling correlation and beta of small on large from closes on common dates.

    Columns: ``date`` (each return's closing date: ``dates[1:]``), ``corr``, ``beta`` over the
    last ``sessions`` simple returns (NaN until the window is full). The closes are finite and
    share ``dates``. The one computation of the rolling series: the risk chart samples this
    table.
    """
    returns = pd.DataFrame(
        {"small": _simple_returns(small), "large": _simple_returns(large)}
    )  # a range index: rolling windows count rows
    corr = rolling_corr_of(returns, sessions).to_numpy()
    beta = rolling_beta_of(returns, sessions).to_numpy()
    return pd.DataFrame({"date": dates[1:], "corr": corr, "beta": beta})


def _last(values: np.ndarray, n: int, what: str) -> np.ndarray:
    if len(values) < n:
        raise Unavailable(f"{len(values)} daily returns for {what}, {n} needed")
    return values[-n:]


def _simple_returns(values: np.ndarray) -> np.ndarray:
    """values[i] / values[i - 1] - 1 along the first axis: exactly what pct_change computes."""
    return values[1:] / values[:-1] - 1


def vol(close: pd.Series, sessions: int = VOL_SESSIONS) -> float:
    """Annualised volatility from the last ``sessions`` simple daily returns."""
    # Only the trailing window's returns are needed: take its closes, not 40 years of returns.
    values = close.to_numpy(dtype=float)
    r = _last(_simple_returns(values[-(sessions + 1) :]), sessions, "volatility")
    return finite(r.std(ddof=1) * ANNUALISE, "volatility")


def _common_closes(small: pd.Series, large: pd.Series, last: int | None = None) -> np.ndarray:
    """(n x 2) closes of small and large on the dates where both are finite, in date order;
    only the ``last`` rows when given."""
    found = inner_positions(small.index, large.index)  # sorted indexes: one searchsorted
    if found is None:
        _, i, j = np.intersect1d(
            small.index.to_numpy(), large.index.to_numpy(), assume_unique=True, return_indices=True
        )
    else:
        i, j = found
    if last is not None and len(i) > 2 * last:
        # Forty years of closes to keep a year: try the tail first (enough unless it has gaps).
        tail = _finite_rows(small, large, i[-2 * last :], j[-2 * last :])
        if len(tail) >= last:
            return tail[-last:]
    both = _finite_rows(small, large, i, j)
    return both if last is None else both[-last:]


def _finite_rows(small: pd.Series, large: pd.Series, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    both = np.column_stack([small.to_numpy(dtype=float)[i], large.to_numpy(dtype=float)[j]])
    return both[~np.isnan(both).any(axis=1)]


def corr_beta(
    small: pd.Series, large: pd.Series, sessions: int = CORR_SESSIONS
) -> tuple[float, float]:
    """(correlation, beta of small on large) over the trailing ``sessions`` common returns."""
    common = _common_closes(small, large, sessions + 1)
    window = _last(_simple_returns(common), sessions, "correlation")
    s, lg = window[:, 0], window[:, 1]
    var_s, var_l = s.var(ddof=1), lg.var(ddof=1)
    if not (var_s > 0 and var_l > 0):
        raise Unavailable("a series did not move over the window")
    cov = float(np.cov(s, lg, ddof=1)[0, 1])
    return finite(cov / math.sqrt(var_s * var_l), "correlation"), finite(cov / var_l, "beta")


def risk_section(market: Market, config: Any, week_end: pd.Timestamp) -> dict[str, Any]:
    """``vol_3m.{small,large}``, ``vol_1y.{small,large}``, ``corr_1y``, ``beta_1y``."""
    out: dict[str, Any] = {"vol_3m": {}, "vol_1y": {}}
    closes: dict[str, pd.Series] = {}
    for side, symbol in (("small", config.small.index), ("large", config.large.index)):
        try:
            closes[side] = current_close(market, symbol, week_end)
        except Unavailable as exc:
            missing(out["vol_3m"], side, str(exc))
            missing(out["vol_1y"], side, str(exc))
            continue
        record(out["vol_3m"], side, lambda c=closes[side]: vol(c, VOL_SESSIONS))
        record(out["vol_1y"], side, lambda c=closes[side]: vol(c, SESSIONS_PER_YEAR))
    record_corr_beta(out, closes)
    return out


def record_corr_beta(out: dict[str, Any], closes: dict[str, pd.Series]) -> None:
    """Set ``corr_1y`` and ``beta_1y`` of ``out`` (or null with reasons) from the ``small`` and
    ``large`` closes present in ``closes``: the one place these two numbers are computed, for
    the risk section and for the previous week's headlines."""
    if len(closes) < 2:
        missing(out, "corr_1y", "small or large series is unavailable")
        missing(out, "beta_1y", "small or large series is unavailable")
        return
    try:
        out["corr_1y"], out["beta_1y"] = corr_beta(closes["small"], closes["large"])
    except Unavailable as exc:
        missing(out, "corr_1y", str(exc))
        missing(out, "beta_1y", str(exc))
