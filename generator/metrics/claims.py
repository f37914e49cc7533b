"""Claims: checkable statements about small caps, each with its evidence, rule and verdict.

Claims only read the other sections of the typed document (never the market), so their verdicts
are exactly as point-in-time as those sections. Verdicts and evidence declarations live in
``verdicts``; this module has the seasonal, cycle, rate-sensitivity and weekly-fact claims, and
``story_claims`` those of valuation, earnings, the Great Rotation and rate cuts.
``claims_section`` lists them all in a fixed order.
"""

from __future__ import annotations

import calendar as cal
from dataclasses import replace
from typing import Any

from generator.metrics.codec import Missing
from generator.metrics.registry import YIELD_LABELS
from generator.metrics.schema import Claim, Document, Relative, Stats
from generator.metrics.story_claims import (
    earnings_growth_claim,
    great_rotation_claim,
    rate_cuts_claim,
    valuation_claim,
)
from generator.metrics.verdicts import (
    CONTRADICTS,
    CYCLE_RULE,
    EVIDENCE,
    EVIDENCE_WORDS,
    MIDTERM,
    MIN_CYCLES,
    MIN_SEASONAL_YEARS,
    NO_DATA,
    NO_EDGE,
    NOT_IN_DOCUMENT,
    NOT_STATED,
    PHASE_NAMES,
    SEASONAL_RULE,
    STATS_KEYS,
    SUPPORTS,
    VERDICT_LEVEL,
    VERDICTS,
    absent_reason,
    claim,
    interval_verdict,
    number,
    section,
)

__all__ = [
    "CONTRADICTS", "EVIDENCE", "EVIDENCE_WORDS", "NO_DATA", "NO_EDGE", "NOT_IN_DOCUMENT",
    "SUPPORTS", "VERDICTS", "claim", "claim_by_id", "claims_section", "interval_verdict",
    "ratio_is_unusual", "seasonal_verdict", "with_claims",
]  # fmt: skip


def sign_claim(doc: Document, cid: str, statement: str, period: str) -> Claim:
    """A fact of this week (``1w``) or year (``ytd``): supports when the price spread is
    positive, contradicts when negative."""
    returns = section(doc, "returns")
    spread = (
        number(getattr(returns, "w1" if period == "1w" else period).spread) if returns else None
    )
    path = f"returns.{period}.spread"
    rule = f"supports when {path} > 0, contradicts when < 0"
    span = f"week ending {doc.week_ending}" if period == "1w" else f"{doc.week_ending[:4]} to date"
    if spread is None:
        return claim(cid, statement, rule, NO_DATA, {path: None}, period=span,
                     reason=f"no price spread: {absent_reason(doc.returns)}")  # fmt: skip
    verdict = SUPPORTS if spread > 0 else CONTRADICTS if spread < 0 else NO_EDGE
    return claim(cid, statement, rule, verdict, {path: spread}, n=1, period=span)


def seasonal_verdict(stats: Stats | None, minimum: int = MIN_SEASONAL_YEARS) -> str:
    """The three-way rule on a stats record's 99% interval, over at least ``minimum`` years."""
    if stats is None:
        return NO_DATA
    return interval_verdict(stats.spread_ci99_low, stats.spread_ci99_high, stats.years, minimum)


def seasonal_reason(stats: Stats | None, minimum: int, unit: str, absent: str) -> str | Missing:
    """Why a seasonal verdict is NO_DATA (``absent``: the reason when there is no table)."""
    if stats is None:
        return absent
    years = number(stats.years) or 0
    if years < minimum:
        return f"only {int(years)} {unit} of data; at least {minimum} are needed"
    return "no interval of the mean spread"


def seasonal_evidence(stats: Stats | None) -> dict[str, Any]:
    return {key: None if stats is None else getattr(stats, key) for key in STATS_KEYS}


def _month_period(first_year: Any, last_complete_month: Any, month: int) -> str | Missing:
    """``first_year``-(last year whose ``month`` is complete), from ``last_complete_month``."""
    if not isinstance(first_year, int) or not isinstance(last_complete_month, str):
        return NOT_STATED
    year, last = int(last_complete_month[:4]), int(last_complete_month[5:7])
    return f"{first_year}-{year if month <= last else year - 1}"


def _judged(
    cid: str, statement: str, rule: str, stats: Stats | None, evidence: dict[str, Any], *,
    minimum: int, unit: str, period: str | Missing, absent: str,
) -> Claim:  # fmt: skip
    verdict = seasonal_verdict(stats, minimum)
    n = stats.years if stats is not None else NOT_STATED
    reason = seasonal_reason(stats, minimum, unit, absent) if verdict == NO_DATA else NOT_STATED
    return claim(cid, statement, rule, verdict, evidence, n=n, period=period, reason=reason)


def month_claim(doc: Document, cid: str, month: int, *, long: bool = False) -> Claim:
    """The seasonal claim of calendar ``month``: the small index against the large one, or
    (``long``) the Ken French bottom against top 30% by size."""
    seasonality = section(doc, "seasonality")
    table = seasonality.french if long and seasonality else seasonality
    table = None if isinstance(table, Missing) else table
    stats = table.month(month) if table else None
    first_year = table.first_year if table else None
    evidence = {"month": month, "first_year": first_year, **seasonal_evidence(stats)}
    name = cal.month_name[month]
    statement = f"Small caps tend to beat large caps in {name}"
    if long:
        statement += ", on the long record (Ken French size portfolios)"
    absent = ("no Ken French size-portfolio data on record" if long
              else f"no seasonal table: {absent_reason(doc.seasonality)}")  # fmt: skip
    period = _month_period(first_year, table.last_complete_month, month) if table else NOT_STATED
    return _judged(cid, statement, SEASONAL_RULE, stats, evidence, minimum=MIN_SEASONAL_YEARS,
                   unit="years", period=period, absent=absent)  # fmt: skip


def window_claim(doc: Document, cid: str, key: str, statement: str) -> Claim:
    seasonality = section(doc, "seasonality")
    stats = getattr(seasonality, key) if seasonality else None
    stats = None if isinstance(stats, Missing) else stats
    first_year = seasonality.first_year if seasonality else None
    evidence = {"first_year": first_year, **seasonal_evidence(stats)}
    period = (f"{first_year}-{stats.this_year}"
              if stats is not None and isinstance(stats.this_year, int) else NOT_STATED)  # fmt: skip
    return _judged(cid, statement, SEASONAL_RULE, stats, evidence, minimum=MIN_SEASONAL_YEARS,
                   unit="years", period=period,
                   absent=f"no window statistics: {absent_reason(doc.seasonality)}")  # fmt: skip


def cycle_claim(doc: Document, cid: str, phase: int, *, long: bool = False) -> Claim:
    """The cycle claim of ``phase``: the index pair's table, or (``long``) Ken French's."""
    cycle = section(doc, "cycle")
    table = cycle.french if long and cycle else cycle
    table = None if isinstance(table, Missing) else table
    stats = table.phase_row(phase) if table else None
    name = PHASE_NAMES[phase]
    year = int(doc.week_ending[:4])
    statement = f"Small caps tend to beat large caps in {name} years"
    if phase == _this_phase(doc, year):
        statement += f" ({year} is one)"
    if long:
        statement += ", on the long record (Ken French size portfolios)"
    evidence = {"phase": phase, "phase_name": name, **seasonal_evidence(stats)}
    period = f"{table.first_year}-{table.last_complete_year}" if table else NOT_STATED
    absent = ("no Ken French size-portfolio data on record" if long
              else f"no cycle table: {absent_reason(doc.cycle)}")  # fmt: skip
    return _judged(cid, statement, CYCLE_RULE, stats, evidence, minimum=MIN_CYCLES,
                   unit="cycles", period=period if isinstance(period, str) else NOT_STATED,
                   absent=absent)  # fmt: skip


def high_claim(doc: Document) -> Claim:
    """A fact of this week: supports when small's 52-week or all-time closing high fell in it."""
    highs = section(doc, "highs")
    small = highs.small if highs and not isinstance(highs.small, Missing) else None
    statement = "Small caps set a new 52-week or all-time closing high this week"
    rule = ("supports when the highest close of the trailing 252 sessions or of all history fell "
            "in this week, contradicts when neither did")  # fmt: skip
    span = f"week ending {doc.week_ending}"
    if small is None:
        return claim("new_high", statement, rule, NO_DATA, {}, period=span,
                     reason=f"no highs of the small index: {absent_reason(doc.highs)}")  # fmt: skip
    evidence = {k: getattr(small, k) for k in ("new_high_52w", "new_all_time_high", "high_52w",
                                               "all_time", "all_time_date",
                                               "pct_from_all_time")}  # fmt: skip
    flags = [small.new_high_52w, small.new_all_time_high]
    if any(f is True for f in flags):
        return claim("new_high", statement, rule, SUPPORTS, evidence, n=1, period=span)
    if all(f is False for f in flags):
        return claim("new_high", statement, rule, CONTRADICTS, evidence, n=1, period=span)
    return claim("new_high", statement, rule, NO_DATA, evidence, period=span,
                 reason="too little history to know the 52-week high")  # fmt: skip


def rate_claim(doc: Document, key: str) -> Claim:
    """Small caps' weekly relative return moves opposite to weekly changes of a yield."""
    rates = section(doc, "rates")
    sens = rates.sensitivity.get(key) if rates else None
    absent = absent_reason(sens) if isinstance(sens, Missing) else absent_reason(doc.rates)
    sens = None if isinstance(sens, Missing) else sens
    label = YIELD_LABELS[key]
    statement = f"Small caps beat large caps when the {label} yield falls (rate sensitivity)"
    rule = (f"over the trailing 52 weeks, supports when the {VERDICT_LEVEL} interval of the beta "
            f"of weekly relative return on weekly {label} yield changes lies below zero (small "
            "caps gain as the yield falls), contradicts when it lies above zero, no reliable "
            "edge when it straddles zero")  # fmt: skip
    cid = f"rate_sensitivity_{key}"
    if sens is None:
        return claim(cid, statement, rule, NO_DATA, {"beta": None, "corr": None},
                     reason=f"no rate sensitivity: {absent}")  # fmt: skip
    evidence = {k: getattr(sens, k) for k in ("beta", "corr", "weeks", "beta_ci99_low",
                                              "beta_ci99_high")}  # fmt: skip
    low, high = number(sens.beta_ci99_low), number(sens.beta_ci99_high)
    # The effect is -beta: its interval is (-high, -low).
    verdict = interval_verdict(None if high is None else -high, None if low is None else -low,
                               sens.weeks, 2)  # fmt: skip
    reason = "no interval of the beta (the correlation is zero or undefined)"
    return claim(cid, statement, rule, verdict, evidence, n=sens.weeks,
                 period=f"52 weeks to {doc.week_ending}", reason=reason)  # fmt: skip


def _this_phase(doc: Document, year: int) -> int:
    cycle = section(doc, "cycle")
    return int(cycle.phase) if cycle else year % 4


def claims_section(doc: Document) -> tuple[Claim, ...]:
    """Every claim, in a fixed order, from the document's other sections."""
    year, month = int(doc.week_ending[:4]), int(doc.week_ending[5:7])
    next_month = month % 12 + 1
    phase = _this_phase(doc, year)
    return (
        sign_claim(doc, "small_led_week", "Small caps beat large caps this week", "1w"),
        sign_claim(doc, "small_led_ytd", "Small caps beat large caps this year", "ytd"),
        month_claim(doc, "january_effect", 1),
        month_claim(doc, "january_effect_long", 1, long=True),
        window_claim(doc, "january_window", "dec15_feb15",
                     "Small caps tend to beat large caps from Dec 15 to Feb 15"),
        window_claim(doc, "january_first5", "first5_january",
                     "Small caps tend to beat large caps in the first five sessions of January"),
        month_claim(doc, "february", 2),
        month_claim(doc, "february_long", 2, long=True),
        month_claim(doc, "current_month", month),
        month_claim(doc, "next_month", next_month),
        # In a midterm year the midterm claim is this year's phase claim: not stated twice.
        *([] if phase == MIDTERM else [cycle_claim(doc, "cycle_phase", phase)]),
        cycle_claim(doc, "midterm_year", MIDTERM),
        cycle_claim(doc, "midterm_year_long", MIDTERM, long=True),
        high_claim(doc),
        rate_claim(doc, "13w"),
        rate_claim(doc, "10y"),
        valuation_claim(doc),
        earnings_growth_claim(doc),
        great_rotation_claim(doc),
        rate_cuts_claim(doc),
    )  # fmt: skip


def with_claims(doc: Document) -> Document:
    """The document with its claims section filled in."""
    return replace(doc, claims=claims_section(doc))


UNUSUAL_PERCENTILE = 0.05  # the ratio in the top or bottom 5% of its past 52 weeks is unusual
UNUSUAL_ZSCORE = 2.0  # as is a 3-year z-score of 2 or more in either direction


def ratio_is_unusual(relative: Relative | Missing) -> bool:
    """The narrative's rule for "unusual": the small/large ratio at an extreme of its past year
    (percentile) or of its past three years (z-score)."""
    if isinstance(relative, Missing):
        return False
    pct, z = number(relative.pct_52w), number(relative.zscore_3y)
    extreme = pct is not None and (pct >= 1 - UNUSUAL_PERCENTILE or pct <= UNUSUAL_PERCENTILE)
    return extreme or (z is not None and abs(z) >= UNUSUAL_ZSCORE)


def claim_by_id(claims: tuple[Claim, ...], cid: str) -> Claim | None:
    return next((c for c in claims if c.id == cid), None)
