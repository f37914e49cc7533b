"""The sample market: a deterministic, seeded synthetic market for every configured symbol.

It exists so the whole pipeline runs offline and every metric has something to chew on:
decades of daily sessions on the real NYSE calendar, correlated small/large returns with
volatility regimes and multi-year leadership cycles, a January small-cap tilt, dividends in the
ETFs' adjusted closes, and mean-reverting Treasury yields to which small caps are sensitive.
None of it is real; every artefact built from it is marked as sample data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import numpy as np
import pandas as pd

from generator.calendar import SessionTable, xnys
from generator.config import Config
from generator.model import FF_BIG_DAILY, FF_SMALL_DAILY, Series

SEED = 20_260_113  # chosen among nearby seeds for a plausible 40-year path (ratio, levels, yields)
SOURCE = "sample"
# First trading day of each ETF in the sample (roughly their real inception years).
ETF_INCEPTION = {
    "IWM": "2000-05-26",
    "SPY": "1993-01-29",
    "IWC": "2005-08-16",
    "IJR": "2000-05-26",
    "MDY": "1995-05-04",
    "RSP": "2003-05-01",
    "QQQ": "1999-03-10",
    "IWN": "2000-07-28",
    "IWO": "2000-07-28",
}
# (loading on large, loading on the small-cap factor, dividend yield, idiosyncratic daily vol)
LADDER_PROFILE = {
    "IWC": (1.0, 1.3, 0.012, 0.004),
    "IJR": (1.0, 0.9, 0.014, 0.002),
    "MDY": (1.0, 0.5, 0.015, 0.002),
    "RSP": (1.0, 0.2, 0.017, 0.0015),
    "QQQ": (1.25, -0.3, 0.007, 0.004),
    "IWN": (0.95, 1.0, 0.022, 0.003),
    "IWO": (1.1, 1.0, 0.006, 0.003),
}
# Indices only a rotation gauge names (loadings as in LADDER_PROFILE; no dividend, no inception).
ROTATION_INDEX_PROFILE = {"^IXIC": (1.25, -0.3, 0.0, 0.004)}
YIELD_START = {"13w": 7.5, "5y": 10.0, "10y": 10.5, "30y": 10.8}
TRADING_DAYS = 252
HORIZON = "2040-12-31"  # the sample market is drawn to here and cut at the requested end


def sample_market(
    config: Config,
    end: dt.date | str | pd.Timestamp,
    seed: int = SEED,
    *,
    calendar: SessionTable | None = None,
) -> list[Series]:
    """Every configured symbol (plus Ken French size portfolios) from the first sample session to ``end``.

    A pure function of ``config``, ``seed`` and ``end``: the random numbers are drawn on a fixed
    grid of weekdays up to ``HORIZON``, not on the NYSE sessions, because the session table ends
    about a year after today (exchange_calendars' default) and would shift every draw as days
    pass. Each session takes its weekday's draws; every path (prices, regimes, yields) is then a
    causal recursion over the sessions up to ``end``, so a longer sample extends a shorter one
    exactly, as real data does, and the weekly job can grow a sample store week by week.
    ``calendar``: the run's session table (None: the one this process builds; the same table).
    """
    table = xnys() if calendar is None else calendar
    draws = _Draws(np.random.default_rng(seed), config.fetch.start, end, table)
    days = draws.days
    large_r, small_r, dy10 = _factor_returns(days, draws)
    out: dict[str, Series] = {}
    out[config.large.index] = _index_series(config.large.index, days, large_r, 250.0, draws)
    out[config.small.index] = _index_series(config.small.index, days, small_r, 120.0, draws)
    sides = (
        (config.small.total_return, small_r, 0.013),
        (config.large.total_return, large_r, 0.018),
    )
    for symbol, r, div in sides:
        if symbol:
            out[symbol] = _etf_series(symbol, days, r, div, draws)
    small_factor = small_r - large_r
    for symbol in config.ladder:
        beta_l, beta_s, div, idio = LADDER_PROFILE.get(symbol, (1.0, 0.5, 0.015, 0.003))
        r = beta_l * large_r + beta_s * small_factor + draws.normal(0, idio)
        out[symbol] = _etf_series(symbol, days, np.clip(r, -0.2, 0.2), div, draws)
    for key, symbol in config.rates.items():
        out[symbol] = _yield_series(symbol, key, days, dy10, draws)
    out.update(_french_series(days, small_r, large_r))
    # Last, so the draws of every series above stay what they were before these existed.
    for symbol in (s for pair in config.rotation.values() for s in pair if s not in out):
        beta_l, beta_s, _, idio = ROTATION_INDEX_PROFILE.get(symbol, (1.0, 0.5, 0.0, 0.003))
        r = beta_l * large_r + beta_s * small_factor + draws.normal(0, idio)
        out[symbol] = _index_series(symbol, days, np.clip(r, -0.2, 0.2), 100.0, draws)
    return [_back_adjusted(out[s]) for s in sorted(out)]


class _Draws:
    """Random numbers drawn on the fixed weekday grid, returned for the sessions up to ``end``.

    Every call consumes one number per weekday from ``start`` to ``HORIZON`` whatever ``end``
    is, so the draws of a session never depend on ``end`` or on the calendar table's reach.
    """

    def __init__(
        self,
        rng: np.random.Generator,
        start: str,
        end: dt.date | str | pd.Timestamp,
        calendar: SessionTable,
    ):
        grid = pd.bdate_range(start, HORIZON)
        self.days = calendar.sessions(start, min(pd.Timestamp(end), grid[-1]))
        self._rng = rng
        self._size = len(grid)
        self._at = grid.get_indexer(self.days)  # every NYSE session is a weekday

    def _sessions(self, values: np.ndarray, keep: np.ndarray | None) -> np.ndarray:
        values = values[self._at]
        return values if keep is None else values[keep]

    def standard_normal(self, keep: np.ndarray | None = None) -> np.ndarray:
        return self._sessions(self._rng.standard_normal(self._size), keep)

    def normal(self, loc: float, scale: float, keep: np.ndarray | None = None) -> np.ndarray:
        return self._sessions(self._rng.normal(loc, scale, self._size), keep)

    def uniform(self, keep: np.ndarray | None = None) -> np.ndarray:
        return self._sessions(self._rng.random(self._size), keep)

    def lognormal(self, mean: float, sigma: float, keep: np.ndarray | None = None) -> np.ndarray:
        return self._sessions(self._rng.lognormal(mean, sigma, self._size), keep)


def _back_adjusted(series: Series) -> Series:
    """Rescale adjusted closes so the latest equals the close, as Yahoo does on every download."""
    frame = series.frame
    if series.schema != "ohlcv" or frame.empty or frame["adj_close"].equals(frame["close"]):
        return series
    factor = frame["close"].iloc[-1] / frame["adj_close"].iloc[-1]
    frame = frame.assign(adj_close=(frame["adj_close"] * factor).round(4))
    return replace(series, frame=frame)


def _factor_returns(days: pd.DatetimeIndex, draws: _Draws) -> tuple[np.ndarray, ...]:
    """Daily simple returns of large and small caps, and daily 10-year yield changes (pp)."""
    n = len(days)
    regime = _vol_regime(n, draws)
    large = 0.00035 + regime * draws.standard_normal() * 0.010
    dy10 = draws.standard_normal() * 0.055
    # Leadership cycles: a slow AR(1) drift in the small-minus-large return.
    drift = np.zeros(n)
    shocks = draws.standard_normal() * 0.00002
    for i in range(1, n):  # a short recursive filter; n is ~10,000
        drift[i] = 0.9985 * drift[i - 1] + shocks[i]
    january = np.asarray(days.month == 1)
    first_five = january & _first_sessions_of_month(days, 5)
    tilt = np.where(january, 0.0006, 0.0) + np.where(first_five, 0.0015, 0.0)
    idio = regime * draws.standard_normal() * 0.0065
    small = 1.1 * large - 0.00012 + drift + tilt + idio - 0.004 * dy10
    return np.clip(large, -0.2, 0.2), np.clip(small, -0.2, 0.2), dy10


def _vol_regime(n: int, draws: _Draws) -> np.ndarray:
    """A volatility multiplier that switches between calm and stressed spells."""
    state = np.zeros(n)
    switch = draws.uniform()
    for i in range(1, n):
        stay = 0.995 if state[i - 1] == 0 else 0.97
        state[i] = state[i - 1] if switch[i] < stay else 1 - state[i - 1]
    return np.where(state == 0, 0.85, 2.2)


def _first_sessions_of_month(days: pd.DatetimeIndex, k: int) -> np.ndarray:
    months = days.year * 12 + days.month
    rank = pd.Series(1, index=days).groupby(np.asarray(months)).cumsum().to_numpy()
    return rank <= k


def _ohlcv(
    days: pd.DatetimeIndex,
    close: np.ndarray,
    adj: np.ndarray,
    draws: _Draws,
    keep: np.ndarray | None = None,
) -> pd.DataFrame:
    """Open, high, low and volume around ``close``; ``keep`` selects a later-starting series' sessions."""
    prev = np.concatenate([close[:1], close[:-1]])
    open_ = prev * (1 + draws.normal(0, 0.002, keep))
    high = np.maximum(open_, close) * (1 + np.abs(draws.normal(0, 0.004, keep)))
    low = np.minimum(open_, close) * (1 - np.abs(draws.normal(0, 0.004, keep)))
    volume = np.round(draws.lognormal(20, 0.3, keep), -2)
    frame = pd.DataFrame(
        {
            "open": open_,
            "high": high,
            "low": low,
            "close": close,
            "adj_close": adj,
            "volume": volume,
        },
        index=days,
    )
    return frame.round({"open": 4, "high": 4, "low": 4, "close": 4, "adj_close": 4})


def _index_series(
    symbol: str, days: pd.DatetimeIndex, r: np.ndarray, start: float, draws: _Draws
) -> Series:
    close = start * np.cumprod(1 + r)
    return Series(symbol, _ohlcv(days, close, close, draws), SOURCE)


def _etf_series(
    symbol: str, days: pd.DatetimeIndex, r: np.ndarray, div_yield: float, draws: _Draws
) -> Series:
    keep = np.asarray(days >= pd.Timestamp(ETF_INCEPTION.get(symbol, "2000-01-03")))
    days, r = days[keep], r[keep]
    price = 50.0 * np.cumprod(1 + r)
    total = np.cumprod(1 + r + div_yield / TRADING_DAYS)
    adj = total * price[:1] / total[:1]  # rescaled to the close at the cut (_back_adjusted)
    return Series(symbol, _ohlcv(days, price, adj, draws, keep), SOURCE)


def _yield_series(
    symbol: str, key: str, days: pd.DatetimeIndex, dy10: np.ndarray, draws: _Draws
) -> Series:
    n = len(days)
    own = dy10 * {"13w": 0.8, "5y": 1.0, "10y": 1.0, "30y": 0.85}.get(key, 1.0)
    own = own + draws.standard_normal() * 0.015
    level = np.empty(n)
    level[:1] = YIELD_START.get(key, 6.0)
    for i in range(1, n):  # mean reversion towards 4% with a floor at zero
        level[i] = max(0.01, level[i - 1] + own[i] + 0.0004 * (4.0 - level[i - 1]))
    level = np.round(level, 3)
    frame = pd.DataFrame(
        {
            "open": level,
            "high": level,
            "low": level,
            "close": level,
            "adj_close": level,
            "volume": 0.0,
        },
        index=days,
    )
    return Series(symbol, frame, SOURCE, measure="yield")


def _french_series(
    days: pd.DatetimeIndex, small_r: np.ndarray, large_r: np.ndarray
) -> dict[str, Series]:
    """Ken French-style daily size-portfolio returns (decimals), rounded like the library's."""
    out = {}
    for symbol, r in ((FF_SMALL_DAILY, small_r), (FF_BIG_DAILY, large_r)):
        frame = pd.DataFrame({"value": np.round(r, 4)}, index=days)
        out[symbol] = Series(symbol, frame, SOURCE, schema="value", measure="return")
    return out
