"""Highs and drawdowns: all-time and 52-week (252-session) highs, current and maximum drawdowns."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from generator.metrics.common import (
    SESSIONS_PER_YEAR,
    Unavailable,
    current_close,
    finite,
    iso,
    missing,
    record,
    week_monday,
)
from generator.model import Market

WINDOW_52W = SESSIONS_PER_YEAR  # 52 weeks = the trailing 252 sessions, current one included


def drawdown_path(values: np.ndarray, start: int = 0) -> np.ndarray:
    """Drawdown at every row from ``start`` on: value / running maximum of all values so far - 1
    (<= 0; the values are finite). The drawdowns chart draws this path; its last value is
    ``current_drawdown``."""
    running = np.maximum.accumulate(values[start:])
    if start > 0:
        running = np.maximum(running, values[:start].max())
    return values[start:] / running - 1


def max_drawdown(close: pd.Series) -> float:
    """Worst peak-to-trough fall within ``close`` (peaks inside the window only), <= 0."""
    if close.empty:
        raise Unavailable("no closes")
    values = close.to_numpy(dtype=float)
    return finite((values / np.maximum.accumulate(values) - 1.0).min(), "maximum drawdown")


def trailing(close: pd.Series, sessions: int) -> pd.Series:
    """The last ``sessions`` rows; Unavailable when the history is shorter."""
    if len(close) < sessions:
        raise Unavailable(f"{len(close)} sessions of history, {sessions} needed")
    return close.iloc[-sessions:]


def current_drawdown(close: pd.Series) -> float:
    """Last close / highest close so far - 1 (<= 0): the last point of ``drawdown_path``."""
    values = close.to_numpy(dtype=float)
    return finite(drawdown_path(values, max(len(values) - 1, 0))[-1], "current drawdown")


def drawdown_metrics(close: pd.Series) -> dict[str, Any]:
    """``current``, ``max_1y`` (trailing 252 sessions) and ``max_all`` (full history)."""
    out: dict[str, Any] = {"current": current_drawdown(close)}
    record(out, "max_1y", lambda: max_drawdown(trailing(close, WINDOW_52W)))
    out["max_all"] = max_drawdown(close)
    return out


def pct_from_high(close: pd.Series, window: np.ndarray) -> float:
    """Last close / highest value of ``window`` (the trailing 52 weeks' closes) - 1: the one
    computation of ``pct_from_high_52w``, for the highs section and the previous week's
    headlines."""
    return float(close.iloc[-1]) / float(window.max()) - 1.0


def high_metrics(close: pd.Series, week_end: pd.Timestamp) -> dict[str, Any]:
    """All-time and 52-week high/low, distance from each, sessions since the all-time high.

    ``new_all_time_high`` / ``new_high_52w`` are true when that high was set during the week.
    """
    monday = week_monday(week_end)
    last = float(close.iloc[-1])
    values = close.to_numpy(dtype=float)
    ath_pos = int(values.argmax())  # first occurrence: the day the high was reached
    out: dict[str, Any] = {
        "all_time": float(values[ath_pos]),
        "all_time_date": iso(close.index[ath_pos]),
        "pct_from_all_time": last / float(values[ath_pos]) - 1.0,
        "sessions_since_all_time": len(values) - 1 - ath_pos,
        "new_all_time_high": bool(close.index[ath_pos] >= monday),
    }
    try:
        window = trailing(close, WINDOW_52W)
    except Unavailable as exc:
        for key in ("high_52w", "low_52w", "pct_from_high_52w", "pct_from_low_52w", "new_high_52w"):
            missing(out, key, str(exc))
        return out
    w = window.to_numpy(dtype=float)
    hi_pos, lo_pos = int(w.argmax()), int(w.argmin())
    out.update(
        high_52w=float(w[hi_pos]),
        high_52w_date=iso(window.index[hi_pos]),
        low_52w=float(w[lo_pos]),
        low_52w_date=iso(window.index[lo_pos]),
        pct_from_high_52w=pct_from_high(close, w),
        pct_from_low_52w=last / float(w[lo_pos]) - 1.0,
        new_high_52w=bool(window.index[hi_pos] >= monday),
    )
    return out


def drawdown_sections(market: Market, config: Any, week_end: pd.Timestamp) -> dict[str, Any]:
    """``drawdown.{small,large}`` and ``highs.{small,large}`` from the price indices."""
    drawdown: dict[str, Any] = {}
    highs: dict[str, Any] = {}
    for side, symbol in (("small", config.small.index), ("large", config.large.index)):
        try:
            close = current_close(market, symbol, week_end)
        except Unavailable as exc:
            missing(drawdown, side, str(exc))
            missing(highs, side, str(exc))
            continue
        drawdown[side] = drawdown_metrics(close)
        highs[side] = high_metrics(close, week_end)
    return {"drawdown": drawdown, "highs": highs}
