"""Claims: checkable statements about small caps, each with its evidence, rule and verdict.

Claims only read the other sections of the document (never the market), so their verdicts are
exactly as point-in-time as those sections. Verdicts: ``supported``, ``not supported``,
``not enough data``.
"""

from __future__ import annotations

import calendar as cal
from typing import Any

from generator.metrics.common import REASON_SUFFIX

SUPPORTED, NOT_SUPPORTED, NO_DATA = "supported", "not supported", "not enough data"
MIN_SEASONAL_YEARS = 10  # years of a calendar month or window before a seasonal claim is judged
MIN_PHASE_YEARS = 5  # years of a presidential-cycle phase before a cycle claim is judged
MIN_RATE_CORR = 0.2  # |correlation| above which a rate sensitivity counts as real
PHASE_NAMES = {0: "election", 1: "post-election", 2: "midterm", 3: "pre-election"}

SEASONAL_RULE = (
    f"supported when, over at least {MIN_SEASONAL_YEARS} years, small beat large in more than "
    "half of them and the bootstrap 90% interval of the mean spread lies above zero"
)


def node(doc: Any, path: str) -> Any:
    """The value at a dotted path (None when any step is missing)."""
    for part in path.split("."):
        if not isinstance(doc, dict):
            return None
        doc = doc.get(part)
    return doc


def number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def claim(
    cid: str, statement: str, rule: str, verdict: str, evidence: dict[str, Any]
) -> dict[str, Any]:
    """One claim record; a null piece of evidence gets its ``<key>_reason``."""
    evidence = dict(evidence)
    for key, value in list(evidence.items()):
        if value is None and key + REASON_SUFFIX not in evidence:
            evidence[key + REASON_SUFFIX] = "not available in this week's document"
    return {
        "id": cid,
        "statement": statement,
        "rule": rule,
        "verdict": verdict,
        "evidence": evidence,
    }


def sign_claim(doc: dict[str, Any], cid: str, statement: str, path: str) -> dict[str, Any]:
    """Supported when the spread at ``path`` is positive."""
    spread = number(node(doc, path))
    verdict = NO_DATA if spread is None else SUPPORTED if spread > 0 else NOT_SUPPORTED
    return claim(cid, statement, f"supported when {path} > 0", verdict, {path: spread})


def seasonal_verdict(stats: dict[str, Any] | None, min_years: int = MIN_SEASONAL_YEARS) -> str:
    """The seasonal rule applied to a stats record (``years, hit_rate, spread_ci90_low``)."""
    if not isinstance(stats, dict):
        return NO_DATA
    years, hit = number(stats.get("years")), number(stats.get("hit_rate"))
    low = number(stats.get("spread_ci90_low"))
    if years is None or years < min_years or hit is None or low is None:
        return NO_DATA
    return SUPPORTED if hit > 0.5 and low > 0 else NOT_SUPPORTED


def seasonal_evidence(stats: dict[str, Any] | None) -> dict[str, Any]:
    keys = (
        "years",
        "hit_rate",
        "spread_mean",
        "spread_median",
        "spread_ci90_low",
        "spread_ci90_high",
    )
    stats = stats if isinstance(stats, dict) else {}
    return {key: stats.get(key) for key in keys}


def month_stats(doc: dict[str, Any], month: int) -> dict[str, Any] | None:
    for row in node(doc, "seasonality.months") or []:
        if isinstance(row, dict) and row.get("month") == month:
            return row
    return None


def month_claim(doc: dict[str, Any], cid: str, month: int) -> dict[str, Any]:
    stats = month_stats(doc, month)
    name = cal.month_name[month]
    evidence = {"month": month, "first_year": node(doc, "seasonality.first_year")}
    evidence.update(seasonal_evidence(stats))
    statement = f"Small caps tend to beat large caps in {name}"
    return claim(cid, statement, SEASONAL_RULE, seasonal_verdict(stats), evidence)


def window_claim(doc: dict[str, Any], cid: str, key: str, statement: str) -> dict[str, Any]:
    stats = node(doc, f"seasonality.{key}")
    evidence = {"first_year": node(doc, "seasonality.first_year"), **seasonal_evidence(stats)}
    return claim(cid, statement, SEASONAL_RULE, seasonal_verdict(stats), evidence)


def cycle_claim(doc: dict[str, Any], year: int) -> dict[str, Any]:
    phase = node(doc, "cycle.phase")
    phase = phase if isinstance(phase, int) else year % 4
    stats = None
    for row in node(doc, "cycle.phases") or []:
        if isinstance(row, dict) and row.get("phase") == phase:
            stats = row
    name = PHASE_NAMES[phase]
    statement = f"Small caps tend to beat large caps in {name} years ({year} is one)"
    rule = SEASONAL_RULE.replace(str(MIN_SEASONAL_YEARS), str(MIN_PHASE_YEARS), 1)
    evidence = {"phase": phase, "phase_name": name, **seasonal_evidence(stats)}
    verdict = seasonal_verdict(stats, MIN_PHASE_YEARS)
    if verdict == NO_DATA and isinstance(stats, dict) and stats.get("spread_ci90_low") is None:
        # No interval published for the phase: fall back to mean and hit rate.
        hit, mean, years = (number(stats.get(k)) for k in ("hit_rate", "spread_mean", "years"))
        if None not in (hit, mean, years) and years >= MIN_PHASE_YEARS:
            rule = (f"supported when, over at least {MIN_PHASE_YEARS} years, small beat large in "
                    "more than half of them and the mean spread is positive")  # fmt: skip
            verdict = SUPPORTED if hit > 0.5 and mean > 0 else NOT_SUPPORTED
    return claim("cycle_phase", statement, rule, verdict, evidence)


def high_claim(doc: dict[str, Any]) -> dict[str, Any]:
    highs = node(doc, "highs.small")
    evidence: dict[str, Any] = {}
    verdict = NO_DATA
    if isinstance(highs, dict):
        evidence = {k: highs.get(k) for k in ("new_high_52w", "new_all_time_high", "high_52w",
                                              "all_time", "all_time_date", "pct_from_all_time")}  # fmt: skip
        flags = [highs.get("new_high_52w"), highs.get("new_all_time_high")]
        if any(f is True for f in flags):
            verdict = SUPPORTED
        elif all(f is False for f in flags):
            verdict = NOT_SUPPORTED
    statement = "Small caps set a new 52-week or all-time closing high this week"
    rule = "supported when the highest close of the trailing 252 sessions or of all history fell in this week"
    return claim("new_high", statement, rule, verdict, evidence)


def rate_claim(doc: dict[str, Any], key: str, label: str) -> dict[str, Any]:
    """Small caps' weekly relative return moves opposite to weekly changes of a yield."""
    sens = node(doc, f"rates.sensitivity.{key}")
    beta = number(node(sens, "beta")) if isinstance(sens, dict) else None
    corr = number(node(sens, "corr")) if isinstance(sens, dict) else None
    verdict = NO_DATA
    if beta is not None and corr is not None:
        verdict = SUPPORTED if beta < 0 and abs(corr) >= MIN_RATE_CORR else NOT_SUPPORTED
    statement = f"Small caps beat large caps when the {label} yield falls (rate sensitivity)"
    rule = (f"supported when the trailing 1-year beta of weekly relative return on weekly {label} "
            f"yield changes is negative and |correlation| >= {MIN_RATE_CORR}")  # fmt: skip
    evidence = {"beta": beta, "corr": corr}
    if isinstance(sens, dict):
        evidence["weeks"] = sens.get("weeks")
    return claim(f"rate_sensitivity_{key}", statement, rule, verdict, evidence)


def valuation_claim(doc: dict[str, Any]) -> dict[str, Any]:
    val = node(doc, "valuation.curated")
    discount = number(node(val, "discount")) if isinstance(val, dict) else None
    stale = node(val, "stale") if isinstance(val, dict) else None
    verdict = NO_DATA
    if discount is not None and stale is False:
        verdict = SUPPORTED if discount < 0 else NOT_SUPPORTED
    evidence = {"discount": discount, "stale": stale}
    if isinstance(val, dict):
        evidence.update(
            {k: val.get(k) for k in ("date", "source", "small_forward_pe", "large_forward_pe")}
        )
    statement = "Small caps trade at a forward P/E discount to large caps"
    rule = ("supported when the latest curated forward P/E of small / large - 1 is negative and the "
            "entry is not stale; not enough data when missing or stale")  # fmt: skip
    return claim("valuation_discount", statement, rule, verdict, evidence)


def claims_section(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every claim, in a fixed order, from the document's other sections."""
    week = doc.get("week_ending") or "1970-01-01"
    year, month = int(week[:4]), int(week[5:7])
    next_month = month % 12 + 1
    return [
        sign_claim(
            doc, "small_led_week", "Small caps beat large caps this week", "returns.1w.spread"
        ),
        sign_claim(
            doc, "small_led_ytd", "Small caps beat large caps this year", "returns.ytd.spread"
        ),
        month_claim(doc, "january_effect", 1),
        window_claim(
            doc,
            "january_window",
            "dec15_feb15",
            "Small caps tend to beat large caps from Dec 15 to Feb 15",
        ),  # fmt: skip
        window_claim(
            doc,
            "january_first5",
            "first5_january",
            "Small caps tend to beat large caps in the first five sessions of January",
        ),  # fmt: skip
        month_claim(doc, "february", 2),
        month_claim(doc, "current_month", month),
        month_claim(doc, "next_month", next_month),
        cycle_claim(doc, year),
        high_claim(doc),
        rate_claim(doc, "13w", "13-week"),
        rate_claim(doc, "10y", "10-year"),
        valuation_claim(doc),
    ]
