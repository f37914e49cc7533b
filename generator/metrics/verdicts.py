"""The verdicts of claims and what every claim declares: the four verdict words, the
three-way rule on an interval, each claim's evidence keys (with the registry metric that labels
and formats each) and the one constructor that checks them.

Claims (``claims``, ``story_claims``) read only the typed document; the pages show their
verdicts and never re-derive them.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from generator.metrics.codec import Missing
from generator.metrics.schema import Claim, Document

NO_DATA = "not enough data"
# The three-way verdicts on an effect (plus NO_DATA): its interval lies above zero, below zero,
# or straddles it. See ``interval_verdict``.
SUPPORTS, CONTRADICTS, NO_EDGE = "supports", "contradicts", "no reliable edge"
VERDICTS = (SUPPORTS, CONTRADICTS, NO_EDGE, NO_DATA)
# A month's or window's average is judged over at least 20 years and a cycle phase over at least
# 8 cycles: with fewer, a 99% interval of a mean of noisy yearly spreads is too wide to mean much
# and too unstable from one year to the next.
MIN_SEASONAL_YEARS = 20
MIN_CYCLES = 8
VERDICT_LEVEL = "99%"  # groupstats.VERDICT_CI_LEVEL, as the rules print it
CUT_HORIZON = "12m"  # the event-study horizon the rate-cuts claim judges
PHASE_NAMES = {0: "election", 1: "post-election", 2: "midterm", 3: "pre-election"}
MIDTERM = 2
MIN_ROTATION_WEEKS = 52  # weekly relative returns behind the Great Rotation interval
NOT_IN_DOCUMENT = "not available in this week's document"
NOT_STATED = Missing()  # n / period of a claim that does not state them (frozen, so shareable)


def interval_rule(effect: str, minimum: str) -> str:
    """The three-way rule on the 99% interval of ``effect``, judged over at least ``minimum``."""
    return (f"over at least {minimum}, supports when the {VERDICT_LEVEL} interval of {effect} "
            "lies above zero, contradicts when it lies below zero, no reliable edge when it "
            "straddles zero")  # fmt: skip


SEASONAL_RULE = interval_rule("the mean spread (small minus large)", f"{MIN_SEASONAL_YEARS} years")
CYCLE_RULE = interval_rule("the mean calendar-year spread", f"{MIN_CYCLES} cycles")
STATS_KEYS = ("years", "wins", "hit_rate", "spread_mean", "spread_median", "spread_ci99_low",
              "spread_ci99_high")  # fmt: skip


def _stats_paths(base: str) -> dict[str, str]:
    return {key: f"{base}.{key}" for key in STATS_KEYS}


_MONTH = {"month": "seasonality.months.*.month", "first_year": "seasonality.first_year",
          **_stats_paths("seasonality.months.*")}  # fmt: skip
_FRENCH_MONTH = {"month": "seasonality.french.months.*.month",
                 "first_year": "seasonality.french.first_year",
                 **_stats_paths("seasonality.french.months.*")}  # fmt: skip
_PHASE = {"phase": "cycle.phase", "phase_name": None, **_stats_paths("cycle.phases.*")}
_FRENCH_PHASE = {"phase": "cycle.french.phases.*.phase", "phase_name": None,
                 **_stats_paths("cycle.french.phases.*")}  # fmt: skip
_RATE = {"beta": "rates.sensitivity.*.beta", "corr": "rates.sensitivity.*.corr",
         "weeks": "rates.sensitivity.*.weeks",
         "beta_ci99_low": "rates.sensitivity.*.beta_ci99_low",
         "beta_ci99_high": "rates.sensitivity.*.beta_ci99_high"}  # fmt: skip
ROTATION_FIGURES = ("change_4w", "change_13w", "change_52w", "pct_all", "change_13w_pct",
                    "weekly_mean", "weekly_ci_low", "weekly_ci_high")  # fmt: skip
# claim id -> evidence key -> registry path of the metric it shows (None: a word, not a number).
EVIDENCE: Mapping[str, Mapping[str, str | None]] = MappingProxyType({
    "small_led_week": {"returns.1w.spread": "returns.1w.spread"},
    "small_led_ytd": {"returns.ytd.spread": "returns.ytd.spread"},
    "january_effect": _MONTH,
    "january_effect_long": _FRENCH_MONTH,
    "february": _MONTH,
    "february_long": _FRENCH_MONTH,
    "current_month": _MONTH,
    "next_month": _MONTH,
    "january_window": {"first_year": "seasonality.first_year",
                       **_stats_paths("seasonality.dec15_feb15")},
    "january_first5": {"first_year": "seasonality.first_year",
                       **_stats_paths("seasonality.first5_january")},
    "cycle_phase": _PHASE,
    "midterm_year": _PHASE,
    "midterm_year_long": _FRENCH_PHASE,
    "new_high": {"new_high_52w": None, "new_all_time_high": None,
                 "high_52w": "highs.small.high_52w", "all_time": "highs.small.all_time",
                 "all_time_date": None, "pct_from_all_time": "highs.small.pct_from_all_time"},
    "rate_sensitivity_13w": _RATE,
    "rate_sensitivity_10y": _RATE,
    "valuation_discount": {"bm_ratio": "fundamentals.book_to_market.ratio",
                           "bm_percentile": "fundamentals.book_to_market.percentile",
                           "bm_median": "fundamentals.book_to_market.median",
                           "bm_months": "fundamentals.book_to_market.months", "bm_date": None,
                           "pe_discount": "fundamentals.pe.small_vs_large", "pe_date": None,
                           "pe_source": None, "discount": "valuation.curated.discount",
                           "stale": None},
    "earnings_growth": {"gap_52w": "fundamentals.earnings_growth_52w.gap",
                        "small_52w": "fundamentals.earnings_growth_52w.small",
                        "large_52w": "fundamentals.earnings_growth_52w.large",
                        "gap_3y": "fundamentals.earnings_growth_3y.small_vs_large",
                        "small_3y": "fundamentals.earnings_growth_3y.small.value",
                        "large_3y": "fundamentals.earnings_growth_3y.large.value",
                        "snapshot_date": None},
    "great_rotation": {"gauge": None, "state": None, "first_week": None,
                       **{k: f"great_rotation.gauges.*.{k}" for k in ROTATION_FIGURES}},
    "rate_cuts": {key: f"ratecuts.easing.summary.{CUT_HORIZON}.{key}"
                  for key in ("n", "pending", "wins", "spread_mean", "spread_median", "hit_rate",
                              "spread_ci99_low", "spread_ci99_high", "first_year", "last_year")},
})  # fmt: skip


# Labels of the evidence that is a word, a date or a yes/no rather than a registered number.
EVIDENCE_WORDS: Mapping[str, str] = MappingProxyType({
    "phase_name": "Phase, in words",
    "new_high_52w": "New 52-week high this week",
    "new_all_time_high": "New all-time high this week",
    "all_time_date": "Date of the all-time high",
    "stale": "Entry is stale",
    "date": "Date of the entry",
    "source": "Source",
    "bm_date": "Last month of the book-to-market data",
    "pe_date": "Date of the P/E figures",
    "pe_source": "Source of the P/E figures",
    "snapshot_date": "Date of the growth figures",
    "gauge": "Gauge",
    "state": "Rotation rule",
    "first_week": "History since",
})  # fmt: skip


def number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def interval_verdict(low: Any, high: Any, n: Any, min_n: int) -> str:
    """The verdict on an effect from its interval (``low``, ``high``) over ``n`` observations:
    SUPPORTS when the interval lies above zero, CONTRADICTS when below, NO_EDGE when it
    straddles zero, NO_DATA when there are fewer than ``min_n`` observations or no interval."""
    low, high, count = number(low), number(high), number(n)
    if low is None or high is None or count is None or count < min_n:
        return NO_DATA
    if low > 0:
        return SUPPORTS
    if high < 0:
        return CONTRADICTS
    return NO_EDGE


def claim(
    cid: str,
    statement: str,
    rule: str,
    verdict: str,
    evidence: dict[str, Any],
    *,
    n: int | Missing = NOT_STATED,
    period: str | Missing = NOT_STATED,
    reason: str | Missing = NOT_STATED,
) -> Claim:
    """One claim; a piece of evidence the document lacks is Missing with a reason. ``n`` and
    ``period``: what the verdict rests on; ``reason``: why it is NO_DATA (required then)."""
    declared = EVIDENCE[cid]
    for key in evidence:
        if key not in declared:
            raise KeyError(f"claim {cid}: evidence {key!r} is not declared in EVIDENCE")
    if verdict not in VERDICTS:
        raise ValueError(f"claim {cid}: unknown verdict {verdict!r}")
    if verdict == NO_DATA and not reason:
        raise ValueError(f"claim {cid}: a 'not enough data' verdict needs a reason")
    # Evidence the document lacks says so in one sentence; the section's own reason is beside
    # the value in that section.
    shown = {k: Missing(NOT_IN_DOCUMENT) if v is None or isinstance(v, Missing) else v
             for k, v in evidence.items()}  # fmt: skip
    return Claim(cid, statement, rule, verdict, MappingProxyType(shown), n=n, period=period,
                 reason=reason if verdict == NO_DATA else NOT_STATED)  # fmt: skip


def section(doc: Document, name: str) -> Any:
    value = getattr(doc, name)
    return None if isinstance(value, Missing) else value


def absent_reason(value: Any) -> str:
    """The reason a section or record is absent, as a sentence fragment."""
    reason = value.reason if isinstance(value, Missing) and value.reason else NOT_IN_DOCUMENT
    return reason
