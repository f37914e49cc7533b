"""Claims: checkable statements about small caps, each with its evidence, rule and verdict.

Claims only read the other sections of the typed document (never the market), so their verdicts
are exactly as point-in-time as those sections. Verdicts: ``supported``, ``not supported``,
``not enough data``. Every rule lives here; the pages show these verdicts and never re-derive
them. Each evidence key is declared in ``EVIDENCE`` with the registry metric that labels and
formats it.
"""

from __future__ import annotations

import calendar as cal
from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from generator.metrics.codec import Missing
from generator.metrics.schema import Claim, Document, Relative, Stats

SUPPORTED, NOT_SUPPORTED, NO_DATA = "supported", "not supported", "not enough data"
# The three-way verdicts on an effect (plus NO_DATA): its interval lies above zero, below zero,
# or straddles it. See ``interval_verdict``.
SUPPORTS, CONTRADICTS, NO_EDGE = "supports", "contradicts", "no reliable edge"
VERDICTS = (SUPPORTS, CONTRADICTS, NO_EDGE, NO_DATA)
MIN_SEASONAL_YEARS = 10  # years of a calendar month or window before a seasonal claim is judged
MIN_PHASE_YEARS = 5  # years of a presidential-cycle phase before a cycle claim is judged
MIN_CUT_CYCLES = 8  # complete easing cycles before the rate-cuts claim is judged
CUT_HORIZON = "12m"  # the event-study horizon the rate-cuts claim judges
MIN_RATE_CORR = 0.2  # |correlation| above which a rate sensitivity counts as real
PHASE_NAMES = {0: "election", 1: "post-election", 2: "midterm", 3: "pre-election"}
NOT_IN_DOCUMENT = "not available in this week's document"
NOT_STATED = Missing()  # n / period of a claim that does not state them (frozen, so shareable)

SEASONAL_RULE = (
    f"supported when, over at least {MIN_SEASONAL_YEARS} years, small beat large in more than "
    "half of them and the bootstrap 90% interval of the mean spread lies above zero"
)
STATS_KEYS = ("years", "hit_rate", "spread_mean", "spread_median", "spread_ci90_low",
              "spread_ci90_high")  # fmt: skip


def _stats_paths(base: str) -> dict[str, str]:
    return {key: f"{base}.{key}" for key in STATS_KEYS}


_MONTH = {"month": "seasonality.months.*.month", "first_year": "seasonality.first_year",
          **_stats_paths("seasonality.months.*")}  # fmt: skip
_RATE = {"beta": "rates.sensitivity.*.beta", "corr": "rates.sensitivity.*.corr",
         "weeks": "rates.sensitivity.*.weeks"}  # fmt: skip
# claim id -> evidence key -> registry path of the metric it shows (None: a word, not a number).
EVIDENCE: Mapping[str, Mapping[str, str | None]] = MappingProxyType({
    "small_led_week": {"returns.1w.spread": "returns.1w.spread"},
    "small_led_ytd": {"returns.ytd.spread": "returns.ytd.spread"},
    "january_effect": _MONTH,
    "february": _MONTH,
    "current_month": _MONTH,
    "next_month": _MONTH,
    "january_window": {"first_year": "seasonality.first_year",
                       **_stats_paths("seasonality.dec15_feb15")},
    "january_first5": {"first_year": "seasonality.first_year",
                       **_stats_paths("seasonality.first5_january")},
    "cycle_phase": {"phase": "cycle.phase", "phase_name": None, **_stats_paths("cycle.phases.*")},
    "new_high": {"new_high_52w": None, "new_all_time_high": None,
                 "high_52w": "highs.small.high_52w", "all_time": "highs.small.all_time",
                 "all_time_date": None, "pct_from_all_time": "highs.small.pct_from_all_time"},
    "rate_sensitivity_13w": _RATE,
    "rate_sensitivity_10y": _RATE,
    "valuation_discount": {"discount": "valuation.curated.discount", "stale": None,
                           "date": None, "source": None,
                           "small_forward_pe": "valuation.curated.small_forward_pe",
                           "large_forward_pe": "valuation.curated.large_forward_pe"},
    "rate_cuts": {key: f"ratecuts.easing.summary.{CUT_HORIZON}.{key}"
                  for key in ("n", "pending", "spread_mean", "spread_median", "hit_rate",
                              "spread_ci_low", "spread_ci_high", "first_year", "last_year")},
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
) -> Claim:
    """One claim; a piece of evidence the document lacks is Missing with a reason. ``n`` and
    ``period``: what the verdict rests on (Missing with the reason when nothing)."""
    declared = EVIDENCE[cid]
    for key in evidence:
        if key not in declared:
            raise KeyError(f"claim {cid}: evidence {key!r} is not declared in EVIDENCE")
    # Evidence the document lacks says so in one sentence; the section's own reason is beside
    # the value in that section.
    shown = {k: Missing(NOT_IN_DOCUMENT) if v is None or isinstance(v, Missing) else v
             for k, v in evidence.items()}  # fmt: skip
    return Claim(cid, statement, rule, verdict, MappingProxyType(shown), n=n, period=period)


def _section(doc: Document, name: str) -> Any:
    value = getattr(doc, name)
    return None if isinstance(value, Missing) else value


def sign_claim(doc: Document, cid: str, statement: str, period: str) -> Claim:
    """Supported when the price spread of ``period`` (``1w`` or ``ytd``) is positive."""
    returns = _section(doc, "returns")
    spread = (
        number(getattr(returns, "w1" if period == "1w" else period).spread) if returns else None
    )
    verdict = NO_DATA if spread is None else SUPPORTED if spread > 0 else NOT_SUPPORTED
    path = f"returns.{period}.spread"
    return claim(cid, statement, f"supported when {path} > 0", verdict, {path: spread})


def seasonal_verdict(stats: Stats | None, min_years: int = MIN_SEASONAL_YEARS) -> str:
    """The seasonal rule applied to a stats record (``years, hit_rate, spread_ci90_low``)."""
    if stats is None:
        return NO_DATA
    years, hit = number(stats.years), number(stats.hit_rate)
    low = number(stats.spread_ci90_low)
    if years is None or years < min_years or hit is None or low is None:
        return NO_DATA
    return SUPPORTED if hit > 0.5 and low > 0 else NOT_SUPPORTED


def seasonal_evidence(stats: Stats | None) -> dict[str, Any]:
    return {key: None if stats is None else getattr(stats, key) for key in STATS_KEYS}


def month_claim(doc: Document, cid: str, month: int) -> Claim:
    seasonality = _section(doc, "seasonality")
    stats = seasonality.month(month) if seasonality else None
    first_year = seasonality.first_year if seasonality else None
    evidence = {"month": month, "first_year": first_year, **seasonal_evidence(stats)}
    statement = f"Small caps tend to beat large caps in {cal.month_name[month]}"
    return claim(cid, statement, SEASONAL_RULE, seasonal_verdict(stats), evidence)


def window_claim(doc: Document, cid: str, key: str, statement: str) -> Claim:
    seasonality = _section(doc, "seasonality")
    stats = getattr(seasonality, key) if seasonality else None
    stats = None if isinstance(stats, Missing) else stats
    first_year = seasonality.first_year if seasonality else None
    evidence = {"first_year": first_year, **seasonal_evidence(stats)}
    return claim(cid, statement, SEASONAL_RULE, seasonal_verdict(stats), evidence)


def cycle_claim(doc: Document, year: int) -> Claim:
    cycle = _section(doc, "cycle")
    phase = cycle.phase if cycle else year % 4
    stats = cycle.current_phase() if cycle else None
    name = PHASE_NAMES[phase]
    statement = f"Small caps tend to beat large caps in {name} years ({year} is one)"
    rule = SEASONAL_RULE.replace(str(MIN_SEASONAL_YEARS), str(MIN_PHASE_YEARS), 1)
    evidence = {"phase": phase, "phase_name": name, **seasonal_evidence(stats)}
    verdict = seasonal_verdict(stats, MIN_PHASE_YEARS)
    if verdict == NO_DATA and stats is not None and number(stats.spread_ci90_low) is None:
        # No interval published for the phase: fall back to mean and hit rate.
        hit, mean, years = (number(v) for v in (stats.hit_rate, stats.spread_mean, stats.years))
        if hit is not None and mean is not None and years is not None and years >= MIN_PHASE_YEARS:
            rule = (f"supported when, over at least {MIN_PHASE_YEARS} years, small beat large in "
                    "more than half of them and the mean spread is positive")  # fmt: skip
            verdict = SUPPORTED if hit > 0.5 and mean > 0 else NOT_SUPPORTED
    return claim("cycle_phase", statement, rule, verdict, evidence)


def high_claim(doc: Document) -> Claim:
    highs = _section(doc, "highs")
    small = highs.small if highs and not isinstance(highs.small, Missing) else None
    evidence: dict[str, Any] = {}
    verdict = NO_DATA
    if small is not None:
        evidence = {k: getattr(small, k) for k in ("new_high_52w", "new_all_time_high", "high_52w",
                                                   "all_time", "all_time_date",
                                                   "pct_from_all_time")}  # fmt: skip
        flags = [small.new_high_52w, small.new_all_time_high]
        if any(f is True for f in flags):
            verdict = SUPPORTED
        elif all(f is False for f in flags):
            verdict = NOT_SUPPORTED
    statement = "Small caps set a new 52-week or all-time closing high this week"
    rule = "supported when the highest close of the trailing 252 sessions or of all history fell in this week"
    return claim("new_high", statement, rule, verdict, evidence)


def rate_claim(doc: Document, key: str, label: str) -> Claim:
    """Small caps' weekly relative return moves opposite to weekly changes of a yield."""
    rates = _section(doc, "rates")
    sens = rates.sensitivity.get(key) if rates else None
    sens = None if isinstance(sens, Missing) else sens
    beta = number(sens.beta) if sens else None
    corr = number(sens.corr) if sens else None
    verdict = NO_DATA
    if beta is not None and corr is not None:
        verdict = SUPPORTED if beta < 0 and abs(corr) >= MIN_RATE_CORR else NOT_SUPPORTED
    statement = f"Small caps beat large caps when the {label} yield falls (rate sensitivity)"
    rule = (f"supported when the trailing 1-year beta of weekly relative return on weekly {label} "
            f"yield changes is negative and |correlation| >= {MIN_RATE_CORR}")  # fmt: skip
    evidence: dict[str, Any] = {"beta": beta, "corr": corr}
    if sens:
        evidence["weeks"] = sens.weeks
    return claim(f"rate_sensitivity_{key}", statement, rule, verdict, evidence)


def valuation_claim(doc: Document) -> Claim:
    valuation = _section(doc, "valuation")
    val = valuation.curated if valuation else None
    val = None if isinstance(val, Missing) else val
    discount = number(val.discount) if val else None
    stale = val.stale if val else None
    verdict = NO_DATA
    if discount is not None and stale is False:
        verdict = SUPPORTED if discount < 0 else NOT_SUPPORTED
    evidence: dict[str, Any] = {"discount": discount, "stale": stale}
    if val:
        evidence.update({k: getattr(val, k)
                         for k in ("date", "source", "small_forward_pe", "large_forward_pe")})  # fmt: skip
    statement = "Small caps trade at a forward P/E discount to large caps"
    rule = ("supported when the latest curated forward P/E of small / large - 1 is negative and the "
            "entry is not stale; not enough data when missing or stale")  # fmt: skip
    return claim("valuation_discount", statement, rule, verdict, evidence)


def rate_cuts_claim(doc: Document) -> Claim:
    """Small minus large over the 12 months after each easing cycle's first cut: the three-way
    verdict on the bootstrap interval of the mean spread, over at least MIN_CUT_CYCLES cycles."""
    ratecuts = _section(doc, "ratecuts")
    easing = ratecuts.easing if ratecuts else None
    easing = None if isinstance(easing, Missing) else easing
    stats = easing.summary.m12 if easing else None
    level = f"{easing.ci_level:.0%}" if easing else "bootstrap"
    rule = (f"supports when the {level} bootstrap interval of the mean spread (small − large) over "
            f"the 12 months after each Fed easing cycle's first cut lies above zero, contradicts "
            f"when it lies below, no reliable edge when it straddles zero; not enough data with "
            f"fewer than {MIN_CUT_CYCLES} complete cycles")  # fmt: skip
    if stats is None:
        absent = ratecuts.easing if ratecuts else doc.ratecuts
        reason = getattr(absent, "reason", "") or NOT_IN_DOCUMENT
        rule += f" (not enough data: {reason})"
        evidence: dict[str, Any] = {"n": Missing(reason)}
        verdict, n, period = NO_DATA, Missing(reason), Missing(reason)
    else:
        evidence = {key: getattr(stats, key) for key in EVIDENCE["rate_cuts"]}
        verdict = interval_verdict(stats.spread_ci_low, stats.spread_ci_high, stats.n,
                                   MIN_CUT_CYCLES)  # fmt: skip
        n = stats.n
        first, last = stats.first_year, stats.last_year
        period = (Missing("no complete 12-month window") if isinstance(first, Missing)
                  else f"{first}-{last}")  # fmt: skip
    statement = "Small caps beat large caps after the Fed starts cutting rates"
    return claim("rate_cuts", statement, rule, verdict, evidence, n=n, period=period)


def claims_section(doc: Document) -> tuple[Claim, ...]:
    """Every claim, in a fixed order, from the document's other sections."""
    year, month = int(doc.week_ending[:4]), int(doc.week_ending[5:7])
    next_month = month % 12 + 1
    return (
        sign_claim(doc, "small_led_week", "Small caps beat large caps this week", "1w"),
        sign_claim(doc, "small_led_ytd", "Small caps beat large caps this year", "ytd"),
        month_claim(doc, "january_effect", 1),
        window_claim(doc, "january_window", "dec15_feb15",
                     "Small caps tend to beat large caps from Dec 15 to Feb 15"),
        window_claim(doc, "january_first5", "first5_january",
                     "Small caps tend to beat large caps in the first five sessions of January"),
        month_claim(doc, "february", 2),
        month_claim(doc, "current_month", month),
        month_claim(doc, "next_month", next_month),
        cycle_claim(doc, year),
        high_claim(doc),
        rate_claim(doc, "13w", "13-week"),
        rate_claim(doc, "10y", "10-year"),
        valuation_claim(doc),
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
