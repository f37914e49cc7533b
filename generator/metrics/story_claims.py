"""The claims of the stories with evidence of their own sections: valuation and earnings
(``fundamentals``), the Great Rotation (``great_rotation``) and rate cuts (``ratecuts``).
Each rule is documented on the methodology page."""

from __future__ import annotations

from typing import Any

from generator.metrics.codec import Missing
from generator.metrics.groupstats import VERDICT_CI_LEVEL
from generator.metrics.schema import Claim, Document
from generator.metrics.schema_rotation import REVERSED, UNDER_WAY, GreatRotation, RotationGauge
from generator.metrics.verdicts import (
    CONTRADICTS,
    EVIDENCE,
    MIN_CYCLES,
    MIN_ROTATION_WEEKS,
    NO_DATA,
    NO_EDGE,
    NOT_IN_DOCUMENT,
    NOT_STATED,
    ROTATION_FIGURES,
    SUPPORTS,
    absent_reason,
    claim,
    interval_rule,
    interval_verdict,
    number,
    section,
)

# Valuation: where the Ken French book-to-market ratio small / big stands in its own history
# (small's B/M exceeds big's in almost every month since 1926, so the level alone says nothing):
# a discount wider than usual above the upper tercile, narrower than usual below the lower one.
WIDE_DISCOUNT_PERCENTILE, NARROW_DISCOUNT_PERCENTILE = 2 / 3, 1 / 3
# A P/E snapshot (no interval) counts as a discount or a premium beyond 10% either way.
PE_MARGIN = 0.10
# Book-to-market data ending more than this many months before the week says where valuations
# stood then, not now: the claim leaves it out rather than report it as a current finding (the
# Ken French library publishes a month a few months late).
BM_MAX_AGE_MONTHS = 12
# Earnings growth: small's minus large's, per year, beyond 2 percentage points either way.
GROWTH_MARGIN = 0.02


_SHOWN_WHEN_MISSING = frozenset({"bm_ratio", "pe_discount", "gap_52w", "gap_3y"})


def _pe_evidence(doc: Document) -> tuple[float | None, str | None, str]:
    """(small / large P/E - 1, its date, where it comes from): the ETFs' same-method P/E when
    current, else the curated forward P/E when not stale; (None, None, why) when neither."""
    fundamentals = section(doc, "fundamentals")
    pe = fundamentals.pe if fundamentals else None
    if pe is not None and not isinstance(pe, Missing) and number(pe.small_vs_large) is not None:
        return number(pe.small_vs_large), pe.small.date, f"ETF P/E ({pe.origin})"
    valuation = section(doc, "valuation")
    curated = valuation.curated if valuation else None
    if curated and not isinstance(curated, Missing) and curated.stale is False:
        if number(curated.discount) is not None:
            return number(curated.discount), curated.date, "curated forward P/E"
    why = pe if isinstance(pe, Missing) else getattr(pe, "small_vs_large", None)
    reason = why.reason if isinstance(why, Missing) and why.reason else NOT_IN_DOCUMENT
    return None, None, reason


def months_apart(first: str, last: str) -> int:
    """Calendar months from the month of ``first`` to that of ``last`` (ISO dates)."""
    return (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7])


def _band(value: float, low: float, high: float) -> str:
    """SUPPORTS above ``high``, CONTRADICTS below ``low``, NO_EDGE between."""
    return SUPPORTS if value > high else CONTRADICTS if value < low else NO_EDGE


def valuation_claim(doc: Document) -> Claim:
    fundamentals = section(doc, "fundamentals")
    bm = fundamentals.book_to_market if fundamentals else None
    bm_why = bm.reason if isinstance(bm, Missing) and bm.reason else NOT_IN_DOCUMENT
    bm = None if isinstance(bm, Missing) else bm
    shown_bm = bm  # its figures stay in the evidence even when too old to judge by
    if bm is not None and months_apart(bm.date, doc.week_ending) > BM_MAX_AGE_MONTHS:
        bm_why = (
            f"its latest month, {bm.date[:7]}, is "
            f"{months_apart(bm.date, doc.week_ending)} months before the week, too old to say "
            "where valuations stand now"
        )
        bm = None
    pe_discount, pe_date, pe_origin = _pe_evidence(doc)
    verdicts = []
    if bm is not None:
        verdicts.append(_band(bm.percentile, NARROW_DISCOUNT_PERCENTILE, WIDE_DISCOUNT_PERCENTILE))
    if pe_discount is not None:
        verdicts.append(_band(-pe_discount, -PE_MARGIN, PE_MARGIN))  # a discount is negative
    verdict = NO_DATA if not verdicts else verdicts[0] if len(set(verdicts)) == 1 else NO_EDGE
    valuation = section(doc, "valuation")
    curated = valuation.curated if valuation else None
    curated = None if isinstance(curated, Missing) else curated
    evidence: dict[str, Any] = {
        "bm_ratio": shown_bm.ratio if shown_bm else None,
        "bm_percentile": shown_bm.percentile if shown_bm else None,
        "bm_median": shown_bm.median if shown_bm else None,
        "bm_months": shown_bm.months if shown_bm else None,
        "bm_date": shown_bm.date if shown_bm else None,
        "pe_discount": pe_discount, "pe_date": pe_date,
        "pe_source": pe_origin if pe_discount is not None else None,
        "discount": curated.discount if curated else None,
        "stale": curated.stale if curated else None,
    }  # fmt: skip
    # What the document lacks is said once for each kind (B/M, P/E), not for every figure.
    evidence = {k: v for k, v in evidence.items() if v is not None or k in _SHOWN_WHEN_MISSING}
    statement = "Small caps trade at a valuation discount to large caps"
    rule = (
        "Ken French book-to-market, small / big size quintile: supports when this ratio is in the "
        "top third of its monthly history since 1926 (small cheaper against big than usual), "
        "contradicts in the bottom third, no reliable edge between; a current P/E of small / "
        f"large - 1 (the ETFs' same-method figures, else the curated forward P/E) below "
        f"-{PE_MARGIN:.0%} supports, above +{PE_MARGIN:.0%} contradicts, else no reliable edge; "
        "when both are present and disagree: no reliable edge. The ETF P/E leaves out companies "
        "with negative earnings, a large share of the Russell 2000"
    )
    why = f"book-to-market: {bm_why}; P/E: {pe_origin}"
    n: int | Missing = bm.months if bm else 1 if pe_discount is not None else Missing(why)
    period: str | Missing = f"{bm.first[:7]} to {bm.date[:7]}" if bm else pe_date or Missing(why)
    return claim("valuation_discount", statement, rule, verdict, evidence, n=n, period=period,
                 reason=why)  # fmt: skip


def earnings_growth_claim(doc: Document) -> Claim:
    """Small caps' earnings grow faster than large caps': the 52-week implied growth of the
    ETFs' trailing earnings when the history allows, else their 3-year growth figures."""
    fundamentals = section(doc, "fundamentals")
    recent = fundamentals.earnings_growth_52w if fundamentals else None
    three = fundamentals.earnings_growth_3y if fundamentals else None
    evidence: dict[str, Any] = {"gap_52w": None, "gap_3y": None}
    verdict, n, period = NO_DATA, Missing(), Missing()
    if three is not None and not isinstance(three, Missing):
        evidence.update(gap_3y=three.small_vs_large, small_3y=three.small.value,
                        large_3y=three.large.value, snapshot_date=three.small.date)  # fmt: skip
        if number(three.small_vs_large) is not None:
            verdict = _band(three.small_vs_large, -GROWTH_MARGIN, GROWTH_MARGIN)
            n, period = 1, f"3 years to {three.small.date}"
    if recent is not None and not isinstance(recent, Missing):
        evidence.update(gap_52w=recent.gap, small_52w=recent.small, large_52w=recent.large)
        verdict = _band(recent.gap, -GROWTH_MARGIN, GROWTH_MARGIN)
        n, period = recent.snapshots, f"{recent.start} to {recent.end}"
    statement = "Small caps' earnings are growing faster than large caps'"
    rule = (
        "small minus large earnings growth per year: over 52 weeks, of the trailing earnings "
        "implied by each ETF's close / P/E (once 52 weekly snapshots exist), else the ETFs' "
        f"3-year earnings growth figures; supports above +{GROWTH_MARGIN * 100:.0f} pp, "
        f"contradicts below -{GROWTH_MARGIN * 100:.0f} pp, no reliable edge between. Companies "
        "with negative earnings are left out of the ETF figures"
    )
    reason = three.reason if isinstance(three, Missing) and three.reason else NOT_IN_DOCUMENT
    if verdict == NO_DATA:
        n, period = Missing(reason), Missing(reason)
    return claim("earnings_growth", statement, rule, verdict, evidence, n=n, period=period,
                 reason=reason)  # fmt: skip


ROTATION_STATEMENT = "Money is rotating out of mega-cap tech into small caps"


def rotation_rule(level: float) -> str:
    """The Great Rotation claim's rule, with the interval's level in percent."""
    return (f"supports when the rotation rule says '{UNDER_WAY}' (small caps beat the Nasdaq over "
            "both 13 and 52 weeks and the 13-week relative return is in the top third of its "
            f"history) and the bootstrap {level:.0%} interval of the mean weekly relative return "
            f"over the last {MIN_ROTATION_WEEKS} weeks lies above zero; contradicts when it says "
            f"'{REVERSED}' (the mirror image: the Nasdaq gained over both, bottom third) and the "
            "interval lies below zero; no reliable edge otherwise")  # fmt: skip


def claim_gauge(rotation: GreatRotation) -> tuple[str, RotationGauge] | None:
    """The first of ``claim_gauges`` with a rule state and an interval, else the first one
    (whose reasons then say what is missing); None when no gauge is named."""
    named = [(n, rotation.gauges[n]) for n in rotation.claim_gauges if n in rotation.gauges]
    usable = [(n, g) for n, g in named if not isinstance(g.state, Missing)
              and not isinstance(g.weekly_ci_low, Missing)]  # fmt: skip
    return (usable or named or [None])[0]


def first_reason(gauge: RotationGauge) -> str:
    """Why the gauge has no verdict: the reason of its first missing input."""
    inputs = (gauge.change_13w, gauge.change_52w, gauge.change_13w_pct, gauge.weekly_ci_low)
    return next((v.reason for v in inputs if isinstance(v, Missing) and v.reason),
                f"fewer than {MIN_ROTATION_WEEKS} weekly relative returns")  # fmt: skip


def rotation_verdict(gauge: RotationGauge) -> str:
    """The rotation rule's state confirmed by the interval of the weekly relative return."""
    interval = interval_verdict(gauge.weekly_ci_low, gauge.weekly_ci_high, gauge.weekly_n,
                                MIN_ROTATION_WEEKS)  # fmt: skip
    if interval == NO_DATA or isinstance(gauge.state, Missing):
        return NO_DATA
    if gauge.state == UNDER_WAY and interval == SUPPORTS:
        return SUPPORTS
    if gauge.state == REVERSED and interval == CONTRADICTS:
        return CONTRADICTS
    return NO_EDGE


def great_rotation_claim(doc: Document) -> Claim:
    """Small caps gaining on the Nasdaq, by the rotation rule and an interval (see
    ``rotation_rule``), on the first usable gauge of ``great_rotation.claim_gauges``."""
    rotation = section(doc, "great_rotation")
    level = rotation.ci_level if rotation else VERDICT_CI_LEVEL
    rule = rotation_rule(level)
    picked = claim_gauge(rotation) if rotation else None
    if picked is None:
        why = ("no gauge is named in [rotation] claim_gauges" if rotation
               else f"no rotation gauges: {absent_reason(doc.great_rotation)}")  # fmt: skip
        return claim("great_rotation", ROTATION_STATEMENT, rule, NO_DATA, {}, reason=why)
    _, gauge = picked
    verdict = rotation_verdict(gauge)
    evidence: dict[str, Any] = {"gauge": f"{gauge.numerator} / {gauge.denominator}",
                                "state": gauge.state, "first_week": gauge.first_week,
                                **{k: getattr(gauge, k) for k in ROTATION_FIGURES}}  # fmt: skip
    if verdict == NO_DATA:
        return claim("great_rotation", ROTATION_STATEMENT, rule, verdict, evidence,
                     reason=first_reason(gauge))  # fmt: skip
    period = f"{gauge.weekly_from} to {gauge.last_week}"
    return claim("great_rotation", ROTATION_STATEMENT, rule, verdict, evidence,
                 n=gauge.weekly_n, period=period)  # fmt: skip


def rate_cuts_claim(doc: Document) -> Claim:
    """Small minus large over the 12 months after each Fed easing cycle's first cut: the
    three-way rule on the 99% interval of the mean spread, over at least MIN_CYCLES cycles."""
    ratecuts = section(doc, "ratecuts")
    easing = ratecuts.easing if ratecuts else None
    absent = absent_reason(easing) if isinstance(easing, Missing) else absent_reason(doc.ratecuts)
    easing = None if isinstance(easing, Missing) else easing
    stats = easing.summary.m12 if easing else None
    statement = "Small caps beat large caps after the Fed starts cutting rates"
    rule = interval_rule("the mean spread (small minus large) over the 12 months after each Fed "
                         "easing cycle's first cut", f"{MIN_CYCLES} complete cycles")  # fmt: skip
    if stats is None:
        return claim("rate_cuts", statement, rule, NO_DATA, {"n": None},
                     reason=f"no easing cycles: {absent}")  # fmt: skip
    evidence = {key: getattr(stats, key) for key in EVIDENCE["rate_cuts"]}
    verdict = interval_verdict(stats.spread_ci99_low, stats.spread_ci99_high, stats.n, MIN_CYCLES)
    first, last = stats.first_year, stats.last_year
    period = f"{first}-{last}" if isinstance(first, int) and isinstance(last, int) else NOT_STATED
    reason = (f"only {stats.n} easing cycles with a complete 12-month window; at least "
              f"{MIN_CYCLES} are needed" if stats.n < MIN_CYCLES
              else "no interval of the mean spread")  # fmt: skip
    return claim("rate_cuts", statement, rule, verdict, evidence, n=stats.n, period=period,
                 reason=reason)  # fmt: skip
