"""The Great Rotation evidence: each rotation gauge's relative returns on weekly closes, where
its ratio and its 13-week change stand in their whole history, and the documented rotation rule.

A gauge is numerator close / denominator close (price basis, as ``ladder.rotation``) on the
dates both have, sampled at each week's last common session (``relative.weekly_closes``). A
k-week relative return is the ratio's change from the weekly close k calendar weeks earlier
(none when that week has no close). Everything is cut at the week's end before it gets here.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from generator.metrics.common import Unavailable, current_close, iso, missing, record
from generator.metrics.groupstats import VERDICT_CI_LEVEL, bootstrap_mean_ci
from generator.metrics.relative import common_closes, percentile_of_last, weekly_closes
from generator.metrics.schema_rotation import NEITHER, REVERSED, UNDER_WAY
from generator.model import Market

HORIZONS = (4, 13, 52)  # weeks of the published relative returns
RULE_WEEKS = 13  # the recent horizon of the rule; 52 weeks is its long one
TOP_SHARE = 2 / 3  # the rule's "top third": a percentile at or above this
BOTTOM_SHARE = 1 / 3  # and its mirror for the reverse rotation
MIN_PCT_WEEKS = 52  # weekly closes (or 13-week changes) before a history percentile is shown
INTERVAL_WEEKS = 52  # the window of weekly changes whose mean gets an interval
GAUGE_FIGURES = ("first_week", "last_week", "weeks", "change_4w", "change_13w", "change_52w",
                 "pct_all", "change_13w_pct", "state", "weekly_mean", "weekly_ci_low",
                 "weekly_ci_high", "weekly_n", "weekly_from")  # fmt: skip


def weekly_ratio(
    market: Market, numerator: str, denominator: str, week_end: pd.Timestamp
) -> tuple[np.ndarray, np.ndarray]:
    """(week-end dates, ratio) of the gauge's weekly closes; Unavailable when there are none."""
    common = common_closes(
        current_close(market, numerator, week_end, adjusted=False),
        current_close(market, denominator, week_end, adjusted=False),
    )
    days, top, bottom = weekly_closes(common)
    if not len(days):
        raise Unavailable(f"{numerator} and {denominator} have no date in common")
    return days, top / bottom


def week_numbers(days: np.ndarray) -> np.ndarray:
    """The Monday-to-Sunday week number of each date (``relative.week_ids``' numbering)."""
    return (days.astype("datetime64[D]").astype(np.int64) - 4) // 7


def relative_returns(weeks: np.ndarray, ratio: np.ndarray, horizon: int) -> np.ndarray:
    """The ratio's change over ``horizon`` weeks at every weekly close: NaN where the week
    ``horizon`` weeks earlier has no close (the start of the history, a gap)."""
    out = np.full(len(ratio), np.nan)
    pos = np.searchsorted(weeks, weeks - horizon)
    found = pos < len(weeks)
    found[found] = weeks[pos[found]] == (weeks - horizon)[found]
    out[found] = ratio[found] / ratio[pos[found]] - 1.0
    return out


def last_change(changes: np.ndarray, horizon: int) -> float:
    """The latest weekly close's ``horizon``-week change, or Unavailable."""
    if np.isnan(changes[-1]):
        raise Unavailable(f"no weekly close {horizon} weeks before the last one")
    return float(changes[-1])


def history_percentile(values: np.ndarray, what: str) -> float:
    """``percentile_of_last`` of the non-NaN values, once there are MIN_PCT_WEEKS of them."""
    present = values[~np.isnan(values)]
    if np.isnan(values[-1]) or len(present) < MIN_PCT_WEEKS:
        raise Unavailable(f"{len(present)} weeks of {what}, {MIN_PCT_WEEKS} needed")
    return percentile_of_last(present)


def rotation_state(change_13w: float, change_52w: float, change_13w_pct: float) -> str:
    """The rotation rule: UNDER_WAY when the numerator gained over both 13 and 52 weeks and the
    13-week change is in the top third of its history; REVERSED for the mirror image (lost over
    both, bottom third); NEITHER otherwise."""
    if change_13w > 0 and change_52w > 0 and change_13w_pct >= TOP_SHARE:
        return UNDER_WAY
    if change_13w < 0 and change_52w < 0 and change_13w_pct <= BOTTOM_SHARE:
        return REVERSED
    return NEITHER


def weekly_interval(weeks: np.ndarray, ratio: np.ndarray, dates: np.ndarray) -> dict[str, Any]:
    """Mean and bootstrap interval of the 1-week ratio changes of the last INTERVAL_WEEKS weeks
    (each change from the previous calendar week's close; a week without one has none)."""
    changes = relative_returns(weeks, ratio, 1)
    inside = (weeks > weeks[-1] - INTERVAL_WEEKS) & ~np.isnan(changes)
    values = changes[inside]
    out: dict[str, Any] = {"weekly_n": len(values)}
    if len(values) < INTERVAL_WEEKS:
        reason = f"{len(values)} weekly changes in the last {INTERVAL_WEEKS} weeks, {INTERVAL_WEEKS} needed"
        for key in ("weekly_mean", "weekly_ci_low", "weekly_ci_high", "weekly_from"):
            missing(out, key, reason)
        return out
    low, high = bootstrap_mean_ci(values, level=VERDICT_CI_LEVEL)
    out.update(weekly_mean=float(values.mean()), weekly_ci_low=low, weekly_ci_high=high,
               weekly_from=iso(dates[inside][0]))  # fmt: skip
    return out


def gauge_figures(dates: np.ndarray, ratio: np.ndarray) -> dict[str, Any]:
    """Every figure of one gauge from its weekly (dates, ratio), the last row the week's."""
    weeks = week_numbers(dates)
    out: dict[str, Any] = {"first_week": iso(dates[0]), "last_week": iso(dates[-1]),
                           "weeks": len(ratio)}  # fmt: skip
    changes = {h: relative_returns(weeks, ratio, h) for h in HORIZONS}
    for h in HORIZONS:
        record(out, f"change_{h}w", lambda h=h: last_change(changes[h], h))
    record(out, "pct_all", lambda: history_percentile(ratio, "weekly closes"))
    record(out, "change_13w_pct",
           lambda: history_percentile(changes[RULE_WEEKS], "13-week changes"))  # fmt: skip
    inputs = [out[k] for k in ("change_13w", "change_52w", "change_13w_pct")]
    if any(v is None for v in inputs):
        missing(out, "state", "the 13-week or 52-week change or its percentile is not available")
    else:
        out["state"] = rotation_state(*inputs)
    out.update(weekly_interval(weeks, ratio, dates))
    return out


def rotation_gauge_record(
    market: Market, numerator: str, denominator: str, week_end: pd.Timestamp
) -> dict[str, Any]:
    """``great_rotation.gauges.<name>``: the gauge's symbols and figures (null with reasons)."""
    out: dict[str, Any] = {"numerator": numerator, "denominator": denominator}
    try:
        dates, ratio = weekly_ratio(market, numerator, denominator, week_end)
    except Unavailable as exc:
        for key in GAUGE_FIGURES:
            missing(out, key, str(exc))
        return out
    out.update(gauge_figures(dates, ratio))
    return out


def great_rotation_section(market: Market, config: Any, week_end: pd.Timestamp) -> dict[str, Any]:
    """The ``great_rotation`` section: every configured gauge and the claim's gauge names."""
    return {
        "ci_level": VERDICT_CI_LEVEL,
        "claim_gauges": list(config.rotation_claim),
        "gauges": {
            name: rotation_gauge_record(market, num, den, week_end)
            for name, (num, den) in config.rotation.items()
        },
    }
