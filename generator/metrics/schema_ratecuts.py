"""Typed records of the rate-cuts section (``ratecuts`` in ``metrics.json``): the event study
of small against large after the first cut of every Fed easing cycle, where the policy rate
stands now, and the high-yield spread. Kept apart from ``schema`` so that module stays small;
``schema.Document`` imports ``RateCuts``. See ``metrics.ratecuts`` for the definitions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.metrics.codec import OMIT, Missing

Num = float | Missing
Count = int | Missing


def _key(name: str) -> dict[str, str]:
    return field(metadata={"key": name})  # type: ignore[return-value]


@dataclass(frozen=True)
class CutWindow:
    """Small, large and spread returns over one horizon after a first cut; ``pending`` when the
    window had not ended by the week's end (the returns are then missing)."""

    end: str
    pending: bool
    small: Num
    large: Num
    spread: Num


@dataclass(frozen=True)
class EasingCycle:
    """One easing cycle: its first-cut month (monthly rule), the day the event windows start
    from (``first_cut``), what dated it, the rate before, and the returns after it."""

    first_cut_month: str
    first_cut: str
    dated_by: str
    rate_before: float
    source: str
    m3: CutWindow = _key("3m")
    m6: CutWindow = _key("6m")
    m12: CutWindow = _key("12m")


@dataclass(frozen=True)
class HorizonStats:
    """The spreads of the complete windows of one horizon: how many, their mean, median, hit
    rate, the bootstrap 90% (tables) and 99% (verdict) intervals of the mean, and the first and
    last cycle's year."""

    n: int
    pending: int
    spread_mean: Num
    spread_median: Num
    hit_rate: Num
    spread_ci90_low: Num
    spread_ci90_high: Num
    spread_ci99_low: Num
    spread_ci99_high: Num
    first_year: Count
    last_year: Count
    # How many of the ``n`` windows small led (``hit_rate`` as a count); absent in older documents.
    wins: Count = field(default=Missing(), metadata=OMIT, kw_only=True)


@dataclass(frozen=True)
class CutSummary:
    m3: HorizonStats = _key("3m")
    m6: HorizonStats = _key("6m")
    m12: HorizonStats = _key("12m")


@dataclass(frozen=True)
class EasingStudy:
    rate_symbol: str
    rate_through: str
    cycles: tuple[EasingCycle, ...]
    summary: CutSummary


@dataclass(frozen=True)
class PolicyNow:
    """Where the policy rate stands at the week's end."""

    basis: str
    level: float
    level_date: str
    change_12m: Num
    last_cut: str | Missing
    months_since_last_cut: Count
    cycle_start: str | Missing
    months_since_cycle_start: Count
    easing: bool


@dataclass(frozen=True)
class HighYield:
    symbol: str
    level_date: str
    level: float
    change_13w: Num
    pct_all: Num
    first_date: str
    beta: Num
    corr: Num
    weeks: Count


@dataclass(frozen=True)
class RateCuts:
    easing: EasingStudy | Missing
    now: PolicyNow | Missing
    high_yield: HighYield | Missing
