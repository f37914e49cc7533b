"""Rate cuts: small against large after the first cut of every Fed easing cycle, where the policy
rate stands now, and the high-yield spread (the "indebted companies" part of the story).

**Easing cycles** come from the monthly effective federal funds rate (``FEDFUNDS``, monthly
averages in percent) by one rule (``easing_cycles``): a *cut* is a month whose average is at
least ``CUT_STEP`` (0.25 pp) below the highest average since the previous cut; a *hike* is a
rise of at least ``CUT_STEP`` above the lowest average since the previous cut that lasts
``HIKE_MONTHS`` (3) months in a row (so a one-month spike of the effective rate, common at
year ends in the 1980s, is not a tightening). A cycle's *first cut* is the first cut after a
hike. A cycle therefore runs from its first cut to the next tightening, whatever the pauses
between its cuts (2019's and 2020's cuts form one cycle). When the daily target range upper
limit ``DFEDTARU`` covers the first-cut month or the month before, the cycle is dated on the
first day the upper limit fell in those two months; otherwise on the first day of the
first-cut month.

**Event study**: each horizon h (3, 6, 12 months) is the window from the last close before the
first cut's day A to the last close on or before A + h months - 1 day. Returns are simple
returns of the configured pair's closes when both cover the window's start, else of wealth
indices compounded from the Ken French size portfolios (bottom 30% against top 30% by size:
daily when present, else monthly, dated at each month's last day). A window that ends after the
week's end is pending. Everything is cut at the week's end (point-in-time).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from generator.config import Config
from generator.metrics.common import (
    MAX_START_GAP_DAYS,
    Unavailable,
    current_close,
    iso,
    memo,
    missing,
    record,
)
from generator.metrics.groupstats import CI_LEVEL, VERDICT_CI_LEVEL, bootstrap_mean_ci
from generator.metrics.rates import (
    ROLLING_WEEKS,
    current_rate_sensitivity,
    value_on_or_before,
)
from generator.model import (
    FF_BIG_DAILY,
    FF_BIG_MONTHLY,
    FF_SMALL_DAILY,
    FF_SMALL_MONTHLY,
    Market,
)

FED_FUNDS = "FEDFUNDS"  # effective federal funds rate, monthly average, percent
TARGET_UPPER = "DFEDTARU"  # federal funds target range upper limit, daily, percent (2008-12 on)
HY_SPREAD = "BAMLH0A0HYM2"  # ICE BofA US high-yield option-adjusted spread, daily, percent
CUT_STEP = 0.25  # percentage points: the smallest move of the monthly average that is a cut/hike
# "Where we stand" on the monthly rate: the last month whose average fell this much (pp).
LAST_CUT_FALL = 0.125
HIKE_MONTHS = 3  # consecutive months a rise must last to count as a tightening
HORIZONS = (3, 6, 12)  # months after the first cut
HY_CHANGE_WEEKS = 13
# Levels of the summary's two bootstrap intervals: the tables' (90%) and the verdicts' (99%).
INTERVAL_LEVELS = (CI_LEVEL, VERDICT_CI_LEVEL)
FETCH_HINT = "run `generator fetch --source fred`"


@dataclass(frozen=True)
class Cuts:
    """Positions (in the monthly rate series) of every cut and of each cycle's first cut, and
    whether the last month is still in an easing phase (no tightening since the last cut)."""

    cuts: tuple[int, ...]
    first_cuts: tuple[int, ...]
    peaks: tuple[float, ...]  # per first cut: the highest average since the previous cut
    easing: bool


def easing_cycles(
    rates: np.ndarray, step: float = CUT_STEP, hike_months: int = HIKE_MONTHS
) -> Cuts:
    """Cuts and first cuts of a monthly rate path by the module's rule (see the docstring).

    The phase is unknown until the first cut or tightening, so the series' first cut only
    opens a cycle when a tightening was seen before it.
    """
    cuts: list[int] = []
    first: list[int] = []
    peaks: list[float] = []
    tightening: bool | None = None
    high = low = float(rates[0]) if len(rates) else 0.0
    run = 0
    for t in range(1, len(rates)):
        rate = float(rates[t])
        high = max(high, rate)
        if rate <= high - step + 1e-9:  # the tolerance: 5.58 - 5.33 is 0.2499999 in floats
            cuts.append(t)
            if tightening:
                first.append(t)
                peaks.append(high)
            tightening, high, low, run = False, rate, rate, 0
            continue
        low = min(low, rate)
        run = run + 1 if rate >= low + step - 1e-9 else 0
        if run >= hike_months:
            tightening = True
    return Cuts(tuple(cuts), tuple(first), tuple(peaks), tightening is False)


def _value_series(market: Market, symbol: str, frequency: str | None = None) -> pd.Series | None:
    series = market.series.get(symbol)
    if series is None or series.schema != "value" or series.frame.empty:
        return None
    if frequency is not None and series.frequency != frequency:
        return None
    return series.frame["value"].dropna()


def _month_start(day: pd.Timestamp) -> pd.Timestamp:
    return pd.Timestamp(day.year, day.month, 1)


def _target_cut_day(target: pd.Series | None, month: pd.Timestamp) -> pd.Timestamp | None:
    """The first day the target upper limit fell in ``month`` or the month before, when the
    daily series covers both months; None otherwise."""
    if target is None or not len(target):
        return None
    start = month - pd.DateOffset(months=1)
    end = month + pd.offsets.MonthEnd(0)
    # Covered: observations from the month before's start to (nearly) the month's end; the
    # last may be a session before a month ending on a weekend or holiday.
    if target.index[0] > start or (end - target.index[-1]).days > MAX_START_GAP_DAYS:
        return None
    falls = target[target.diff() < 0]
    falls = falls[(falls.index >= start) & (falls.index <= end)]
    return falls.index[0] if len(falls) else None


# A level series as (dates as whole days since 1970, int64; values) arrays: searched about 800
# times a week, where numpy's datetime scalar arithmetic would cost more than the searches.
Level = tuple[np.ndarray, np.ndarray]
NS_PER_DAY = 86_400_000_000_000


def _level(days: np.ndarray, values: np.ndarray) -> Level:
    """A Level of datetime64 ``days`` (midnights, as the store's dates are) and ``values``."""
    return days.astype("datetime64[D]").astype(np.int64), values


def _level_at(level: Level, day: pd.Timestamp, what: str) -> float:
    """The level's last value on or before ``day``; Unavailable when none lies within
    MAX_START_GAP_DAYS (rates.value_on_or_before, on whole days)."""
    numbers, values = level
    mark = day.value // NS_PER_DAY
    pos = int(numbers.searchsorted(mark, side="right")) - 1
    if pos < 0 or mark - int(numbers[pos]) > MAX_START_GAP_DAYS:
        raise Unavailable(
            f"{what}: no observation within {MAX_START_GAP_DAYS} days before {iso(day)}"
        )
    return float(values[pos])


@dataclass(frozen=True)
class Source:
    """Where a cycle's returns come from: a label and the small and large levels."""

    label: str
    small: Level
    large: Level


def _wealth(days: np.ndarray, returns: np.ndarray) -> Level:
    """A level compounded from simple returns, with 1.0 dated the day before the first."""
    base = days[:1].astype("datetime64[D]") - np.timedelta64(1, "D")
    dates = np.concatenate([base.astype(days.dtype), days])
    return _level(dates, np.concatenate([[1.0], np.cumprod(1 + returns)]))


def _french_sources(market: Market) -> list[Source]:
    """The French size portfolios as sources: daily, then monthly (a month's return makes the
    level at the month's last day)."""
    out = []
    small, big = (_value_series(market, s, "daily") for s in (FF_SMALL_DAILY, FF_BIG_DAILY))
    if small is not None and big is not None:
        levels = [_wealth(s.index.values, s.to_numpy(dtype=float)) for s in (small, big)]
        out.append(Source(f"{FF_SMALL_DAILY} / {FF_BIG_DAILY}", *levels))
    small, big = (_value_series(market, s, "monthly") for s in (FF_SMALL_MONTHLY, FF_BIG_MONTHLY))
    if small is not None and big is not None:
        levels = []
        for s in (small, big):
            months = s.index.values.astype("datetime64[M]")
            ends = (months + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
            # The base (1.0) is dated the day before the first month, its previous month's end.
            levels.append(_wealth(ends.astype("datetime64[ns]"), s.to_numpy(dtype=float)))
            levels[-1][0][0] = months[0].astype("datetime64[D]").astype(np.int64) - 1
        out.append(Source(f"{FF_SMALL_MONTHLY} / {FF_BIG_MONTHLY}", *levels))
    return out


def _sources(market: Market, config: Config) -> list[Source]:
    """Candidate sources in order of preference: the pair's closes, then French."""
    out = []
    small, large = market.close(config.small.index), market.close(config.large.index)
    if small is not None and large is not None and len(small) and len(large):
        levels = [_level(c.index.values, c.to_numpy(dtype=float)) for c in (small, large)]
        out.append(Source(f"{config.small.index} / {config.large.index}", *levels))
    return out + _french_sources(market)


def _window_start(level: Level, day: pd.Timestamp) -> float:
    """The level at the last observation before ``day`` (within MAX_START_GAP_DAYS)."""
    return _level_at(level, _day_before(day), "start")


@lru_cache(maxsize=4096)  # Timestamp arithmetic costs microseconds; the same days recur weekly
def _day_before(day: pd.Timestamp) -> pd.Timestamp:
    return day - pd.Timedelta(days=1)


def _pick_source(sources: list[Source], day: pd.Timestamp) -> Source | None:
    """The first source whose small and large both have a level just before ``day``."""
    for source in sources:
        try:
            _window_start(source.small, day)
            _window_start(source.large, day)
        except Unavailable:
            continue
        return source
    return None


@lru_cache(maxsize=4096)  # DateOffset arithmetic is slow and every week asks for the same windows
def window_end(day: pd.Timestamp, months: int) -> pd.Timestamp:
    """The last day of the ``months``-month window starting on ``day``."""
    return pd.Timestamp(day) + pd.DateOffset(months=months) - pd.Timedelta(days=1)


def _window(
    source: Source | None, day: pd.Timestamp, months: int, week_end: pd.Timestamp
) -> dict[str, Any]:
    end = window_end(day, months)
    out: dict[str, Any] = {"end": iso(end), "pending": bool(end > week_end)}
    if out["pending"]:
        reason = f"the {months}-month window ends {iso(end)}, after the week's end"
    elif source is None:
        reason = "neither the pair nor the Ken French size portfolios cover the window's start"
    else:
        try:
            small, large = (
                _level_at(level, end, "end") / _window_start(level, day) - 1
                for level in (source.small, source.large)
            )
        except Unavailable as exc:
            reason = f"{source.label}: {exc}"
        else:
            out.update(small=small, large=large, spread=small - large)
            return out
    for key in ("small", "large", "spread"):
        missing(out, key, reason)
    return out


def _cycle(
    rates: pd.Series,
    position: int,
    peak: float,
    target: pd.Series | None,
    sources: list[Source],
    week_end: pd.Timestamp,
) -> dict[str, Any]:
    month = _month_start(rates.index[position])
    cut_day = _target_cut_day(target, month)
    day = cut_day if cut_day is not None else month
    source = _pick_source(sources, day)
    out: dict[str, Any] = {
        "first_cut_month": month.strftime("%Y-%m"),
        "first_cut": iso(day),
        "dated_by": TARGET_UPPER if cut_day is not None else FED_FUNDS,
        "rate_before": peak,
        "source": source.label if source else "none",
    }
    for months in HORIZONS:
        out[f"{months}m"] = _window(source, day, months, week_end)
    return out


def horizon_stats(
    cycles: list[dict[str, Any]], key: str, levels: tuple[float, float] = INTERVAL_LEVELS
) -> dict[str, Any]:
    """Statistics of one horizon's spreads over the cycles whose window is complete, with the
    bootstrap intervals of the mean at ``levels`` (the 90% and the verdicts' 99%)."""
    rows = [(c["first_cut"], c[key]["spread"]) for c in cycles if c[key].get("spread") is not None]
    spreads = np.array([s for _, s in rows], dtype=float)
    out: dict[str, Any] = {
        "n": len(rows),
        "pending": sum(1 for c in cycles if c[key]["pending"]),
    }
    reason = f"no complete {key} window after a first cut"
    if not len(rows):
        for k in ("spread_mean", "spread_median", "hit_rate", "wins", *_interval_keys(),
                  "first_year", "last_year"):  # fmt: skip
            missing(out, k, reason)
        return out
    out.update(
        spread_mean=float(spreads.mean()),
        spread_median=float(np.median(spreads)),
        hit_rate=float((spreads > 0).mean()),
        wins=int((spreads > 0).sum()),
        first_year=int(rows[0][0][:4]),
        last_year=int(rows[-1][0][:4]),
    )
    for level, name in zip(levels, ("ci90", "ci99"), strict=True):
        low, high = bootstrap_mean_ci(spreads, level=level)
        if np.isfinite(low) and np.isfinite(high):
            out.update({f"spread_{name}_low": low, f"spread_{name}_high": high})
        else:
            for k in (f"spread_{name}_low", f"spread_{name}_high"):
                missing(out, k, "an interval needs at least two complete windows")
    return out


def _interval_keys() -> tuple[str, ...]:
    return ("spread_ci90_low", "spread_ci90_high", "spread_ci99_low", "spread_ci99_high")


def easing_study(
    market: Market,
    config: Config,
    week_end: pd.Timestamp,
    levels: tuple[float, float] = INTERVAL_LEVELS,
) -> dict[str, Any]:
    """Every easing cycle the monthly rate shows up to ``week_end`` with its windows, and the
    summary per horizon (bootstrap intervals at ``levels``). Unavailable without FEDFUNDS."""
    rates, found = _rate_cycles(market)
    target = _value_series(market, TARGET_UPPER, "daily")
    sources = _sources(market, config)
    cycles = [
        _cycle(rates, position, peak, target, sources, week_end)
        for position, peak in zip(found.first_cuts, found.peaks, strict=True)
    ]
    return {
        "rate_symbol": FED_FUNDS,
        "rate_through": rates.index[-1].strftime("%Y-%m"),
        "cycles": cycles,
        "summary": {f"{m}m": horizon_stats(cycles, f"{m}m", levels) for m in HORIZONS},
    }


def _rate_cycles(market: Market) -> tuple[pd.Series, Cuts]:
    """The monthly rate and its cuts, computed once per cut market (study and "now" share it)."""
    rates = _monthly_rate(market)
    return memo(market, ("ratecuts", FED_FUNDS), lambda: (rates, easing_cycles(rates.to_numpy())))


def _monthly_rate(market: Market) -> pd.Series:
    rates = _value_series(market, FED_FUNDS, "monthly")
    if rates is None:
        raise Unavailable(f"no federal funds rate data on record: {FETCH_HINT}")
    return rates


def _months_between(earlier: pd.Timestamp, later: pd.Timestamp) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def policy_now(market: Market, week_end: pd.Timestamp) -> dict[str, Any]:
    """The policy rate at the week's end: the daily target upper limit when it is current, else
    the monthly effective rate; its 12-month change, the last cut and the current cycle."""
    rates, found = _rate_cycles(market)
    target = _value_series(market, TARGET_UPPER, "daily")
    current = target is not None and (week_end - target.index[-1]).days <= MAX_START_GAP_DAYS
    series = target if current else rates
    last_day = series.index[-1]
    out: dict[str, Any] = {
        "basis": TARGET_UPPER if current else FED_FUNDS,
        "level": float(series.iloc[-1]),
        "level_date": iso(last_day),
        "easing": found.easing,
    }
    record(
        out,
        "change_12m",
        lambda: (
            out["level"]
            - value_on_or_before(series, last_day - pd.DateOffset(months=12), "12-month base")
        ),
    )
    if current:
        falls = series.index[series.diff().to_numpy() < 0]
    else:
        # A month's average falls by less than a whole step when the cut came mid-month.
        falls = rates.index[rates.diff().to_numpy() <= -LAST_CUT_FALL]
    last_cut = falls[-1] if len(falls) else None
    start = rates.index[found.first_cuts[-1]] if found.first_cuts else None
    for key, day, what in (("last_cut", last_cut, "cut"), ("cycle_start", start, "easing cycle")):
        if day is None:
            missing(out, key, f"no {what} in the {out['basis']} series")
            missing(out, f"months_since_{key}", f"no {what} in the {out['basis']} series")
        else:
            out[key] = iso(day)
            out[f"months_since_{key}"] = _months_between(day, week_end)
    return out


def high_yield(market: Market, config: Config, week_end: pd.Timestamp) -> dict[str, Any]:
    """Level, 13-week change (pp), percentile within its history and the 52-week beta of the
    weekly relative return on weekly spread changes."""
    spread = _value_series(market, HY_SPREAD, "daily")
    if spread is None:
        raise Unavailable(f"no high-yield credit spread data on record: {FETCH_HINT}")
    if (week_end - spread.index[-1]).days > MAX_START_GAP_DAYS:
        raise Unavailable(f"{HY_SPREAD} data ends {iso(spread.index[-1])}, before the week's end")
    level = float(spread.iloc[-1])
    out: dict[str, Any] = {
        "symbol": HY_SPREAD,
        "level_date": iso(spread.index[-1]),
        "level": level,
        "pct_all": float((spread.to_numpy() <= level).mean()),
        "first_date": iso(spread.index[0]),
    }
    base = week_end - pd.Timedelta(weeks=HY_CHANGE_WEEKS)
    record(out, "change_13w", lambda: level - value_on_or_before(spread, base, "13-week base"))
    try:
        small = current_close(market, config.small.index, week_end)
        large = current_close(market, config.large.index, week_end)
        beta, corr = current_rate_sensitivity(small, large, spread, week_end)
    except Unavailable as exc:
        for key in ("beta", "corr", "weeks"):
            missing(out, key, str(exc))
        return out
    out["beta"] = beta
    if np.isfinite(corr):
        out["corr"] = corr
    else:
        missing(out, "corr", "the relative return never moved")
    out["weeks"] = ROLLING_WEEKS
    return out


def compute_ratecuts(
    market: Market,
    config: Config,
    week_end: pd.Timestamp,
    levels: tuple[float, float] = INTERVAL_LEVELS,
) -> dict[str, Any]:
    """The rate-cuts section: the event study, the policy rate now and the high-yield spread,
    each null with a reason when its series is missing."""
    week_end = pd.Timestamp(week_end)
    out: dict[str, Any] = {}
    record(out, "easing", lambda: easing_study(market, config, week_end, levels))
    record(out, "now", lambda: policy_now(market, week_end))
    record(out, "high_yield", lambda: high_yield(market, config, week_end))
    return out
