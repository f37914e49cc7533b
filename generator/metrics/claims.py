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
from generator.metrics.groupstats import VERDICT_CI_LEVEL
from generator.metrics.schema import Claim, Document, Relative, Stats
from generator.metrics.schema_rotation import REVERSED, UNDER_WAY, GreatRotation, RotationGauge

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
STATS_KEYS = ("years", "hit_rate", "spread_mean", "spread_median", "spread_ci99_low",
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
                  for key in ("n", "pending", "spread_mean", "spread_median", "hit_rate",
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


def _section(doc: Document, name: str) -> Any:
    value = getattr(doc, name)
    return None if isinstance(value, Missing) else value


def _absent(value: Any) -> str:
    """The reason a section or record is absent, as a sentence fragment."""
    reason = value.reason if isinstance(value, Missing) and value.reason else NOT_IN_DOCUMENT
    return reason


def sign_claim(doc: Document, cid: str, statement: str, period: str) -> Claim:
    """A fact of this week (``1w``) or year (``ytd``): supports when the price spread is
    positive, contradicts when negative."""
    returns = _section(doc, "returns")
    spread = (
        number(getattr(returns, "w1" if period == "1w" else period).spread) if returns else None
    )
    path = f"returns.{period}.spread"
    rule = f"supports when {path} > 0, contradicts when < 0"
    span = f"week ending {doc.week_ending}" if period == "1w" else f"{doc.week_ending[:4]} to date"
    if spread is None:
        return claim(cid, statement, rule, NO_DATA, {path: None}, period=span,
                     reason=f"no price spread: {_absent(doc.returns)}")  # fmt: skip
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
    seasonality = _section(doc, "seasonality")
    table = seasonality.french if long and seasonality else seasonality
    table = None if isinstance(table, Missing) else table
    stats = table.month(month) if table else None
    first_year = table.first_year if table else None
    evidence = {"month": month, "first_year": first_year, **seasonal_evidence(stats)}
    name = cal.month_name[month]
    statement = f"Small caps tend to beat large caps in {name}"
    if long:
        statement += ", on the long record (Ken French size portfolios)"
    absent = ("the Ken French size portfolios are not in the store" if long
              else f"no seasonal table: {_absent(doc.seasonality)}")  # fmt: skip
    period = _month_period(first_year, table.last_complete_month, month) if table else NOT_STATED
    return _judged(cid, statement, SEASONAL_RULE, stats, evidence, minimum=MIN_SEASONAL_YEARS,
                   unit="years", period=period, absent=absent)  # fmt: skip


def window_claim(doc: Document, cid: str, key: str, statement: str) -> Claim:
    seasonality = _section(doc, "seasonality")
    stats = getattr(seasonality, key) if seasonality else None
    stats = None if isinstance(stats, Missing) else stats
    first_year = seasonality.first_year if seasonality else None
    evidence = {"first_year": first_year, **seasonal_evidence(stats)}
    period = (f"{first_year}-{stats.this_year}"
              if stats is not None and isinstance(stats.this_year, int) else NOT_STATED)  # fmt: skip
    return _judged(cid, statement, SEASONAL_RULE, stats, evidence, minimum=MIN_SEASONAL_YEARS,
                   unit="years", period=period,
                   absent=f"no window statistics: {_absent(doc.seasonality)}")  # fmt: skip


def cycle_claim(doc: Document, cid: str, phase: int, *, long: bool = False) -> Claim:
    """The cycle claim of ``phase``: the index pair's table, or (``long``) Ken French's."""
    cycle = _section(doc, "cycle")
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
    absent = ("the Ken French size portfolios are not in the store" if long
              else f"no cycle table: {_absent(doc.cycle)}")  # fmt: skip
    return _judged(cid, statement, CYCLE_RULE, stats, evidence, minimum=MIN_CYCLES,
                   unit="cycles", period=period if isinstance(period, str) else NOT_STATED,
                   absent=absent)  # fmt: skip


def high_claim(doc: Document) -> Claim:
    """A fact of this week: supports when small's 52-week or all-time closing high fell in it."""
    highs = _section(doc, "highs")
    small = highs.small if highs and not isinstance(highs.small, Missing) else None
    statement = "Small caps set a new 52-week or all-time closing high this week"
    rule = ("supports when the highest close of the trailing 252 sessions or of all history fell "
            "in this week, contradicts when neither did")  # fmt: skip
    span = f"week ending {doc.week_ending}"
    if small is None:
        return claim("new_high", statement, rule, NO_DATA, {}, period=span,
                     reason=f"no highs of the small index: {_absent(doc.highs)}")  # fmt: skip
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


def rate_claim(doc: Document, key: str, label: str) -> Claim:
    """Small caps' weekly relative return moves opposite to weekly changes of a yield."""
    rates = _section(doc, "rates")
    sens = rates.sensitivity.get(key) if rates else None
    absent = _absent(sens) if isinstance(sens, Missing) else _absent(doc.rates)
    sens = None if isinstance(sens, Missing) else sens
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


# Valuation: where the Ken French book-to-market ratio small / big stands in its own history
# (small's B/M exceeds big's in almost every month since 1926, so the level alone says nothing):
# a discount wider than usual above the upper tercile, narrower than usual below the lower one.
WIDE_DISCOUNT_PERCENTILE, NARROW_DISCOUNT_PERCENTILE = 2 / 3, 1 / 3
# A P/E snapshot (no interval) counts as a discount or a premium beyond 10% either way.
PE_MARGIN = 0.10
# Earnings growth: small's minus large's, per year, beyond 2 percentage points either way.
GROWTH_MARGIN = 0.02


_SHOWN_WHEN_MISSING = frozenset({"bm_ratio", "pe_discount", "gap_52w", "gap_3y"})


def _pe_evidence(doc: Document) -> tuple[float | None, str | None, str]:
    """(small / large P/E - 1, its date, where it comes from): the ETFs' same-method P/E when
    current, else the curated forward P/E when not stale; (None, None, why) when neither."""
    fundamentals = _section(doc, "fundamentals")
    pe = fundamentals.pe if fundamentals else None
    if pe is not None and not isinstance(pe, Missing) and number(pe.small_vs_large) is not None:
        return number(pe.small_vs_large), pe.small.date, f"ETF P/E ({pe.origin})"
    valuation = _section(doc, "valuation")
    curated = valuation.curated if valuation else None
    if curated and not isinstance(curated, Missing) and curated.stale is False:
        if number(curated.discount) is not None:
            return number(curated.discount), curated.date, "curated forward P/E"
    why = pe if isinstance(pe, Missing) else getattr(pe, "small_vs_large", None)
    reason = why.reason if isinstance(why, Missing) and why.reason else NOT_IN_DOCUMENT
    return None, None, reason


def _band(value: float, low: float, high: float) -> str:
    """SUPPORTS above ``high``, CONTRADICTS below ``low``, NO_EDGE between."""
    return SUPPORTS if value > high else CONTRADICTS if value < low else NO_EDGE


def valuation_claim(doc: Document) -> Claim:
    fundamentals = _section(doc, "fundamentals")
    bm = fundamentals.book_to_market if fundamentals else None
    bm_why = bm.reason if isinstance(bm, Missing) and bm.reason else NOT_IN_DOCUMENT
    bm = None if isinstance(bm, Missing) else bm
    pe_discount, pe_date, pe_origin = _pe_evidence(doc)
    verdicts = []
    if bm is not None:
        verdicts.append(_band(bm.percentile, NARROW_DISCOUNT_PERCENTILE, WIDE_DISCOUNT_PERCENTILE))
    if pe_discount is not None:
        verdicts.append(_band(-pe_discount, -PE_MARGIN, PE_MARGIN))  # a discount is negative
    verdict = NO_DATA if not verdicts else verdicts[0] if len(set(verdicts)) == 1 else NO_EDGE
    valuation = _section(doc, "valuation")
    curated = valuation.curated if valuation else None
    curated = None if isinstance(curated, Missing) else curated
    evidence: dict[str, Any] = {
        "bm_ratio": bm.ratio if bm else None, "bm_percentile": bm.percentile if bm else None,
        "bm_median": bm.median if bm else None, "bm_months": bm.months if bm else None,
        "bm_date": bm.date if bm else None, "pe_discount": pe_discount, "pe_date": pe_date,
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
    fundamentals = _section(doc, "fundamentals")
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


def _this_phase(doc: Document, year: int) -> int:
    cycle = _section(doc, "cycle")
    return int(cycle.phase) if cycle else year % 4


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
    rotation = _section(doc, "great_rotation")
    level = rotation.ci_level if rotation else VERDICT_CI_LEVEL
    rule = rotation_rule(level)
    picked = claim_gauge(rotation) if rotation else None
    if picked is None:
        why = ("no gauge is named in [rotation] claim_gauges" if rotation
               else f"no rotation gauges: {_absent(doc.great_rotation)}")  # fmt: skip
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
    ratecuts = _section(doc, "ratecuts")
    easing = ratecuts.easing if ratecuts else None
    absent = _absent(easing) if isinstance(easing, Missing) else _absent(doc.ratecuts)
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
        rate_claim(doc, "13w", "13-week"),
        rate_claim(doc, "10y", "10-year"),
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
