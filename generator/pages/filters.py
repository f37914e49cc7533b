"""Jinja filters: every number, date and piece of text becomes Markdown-safe display text here.

Templates own the words; these filters own the presentation of values. Numbers of the metrics
document are formatted only by ``metric`` (and its variants), from the declaration in
``metrics.registry``: its unit decides percent signs, rounding and signs. Each filter returns ``Markup`` so the environment's autoescape leaves it alone; text from
data or config goes through ``md_text``, which neutralises both HTML and Markdown syntax.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

from generator.metrics import registry
from generator.metrics.claims import EVIDENCE, EVIDENCE_WORDS
from generator.metrics.codec import Missing
from generator.metrics.registry import MONTHS, NOT_AVAILABLE
from generator.metrics.schema import Claim

# Characters that HTML or Markdown would interpret, as numeric entities. Entities render as the
# character itself but no Markdown inline pattern (links, emphasis, code, tables) can match them.
_ENTITIES = {c: f"&#{ord(c)};" for c in "&<>\"'`*_[]()#|~\\!{}$"}
_ENTITIES["\n"] = " "
_ENTITIES["\r"] = " "
_ENTITY_TABLE = str.maketrans(_ENTITIES)


_QUOTED = re.compile(r"`([^`]+)`")
# "...: run `generator fetch --source fred`" in a reason tells the operator what to do; readers
# of a published page cannot act on it (metrics.json and `generator status` keep it).
_OPERATOR_HINT = re.compile(r"[:;,]? *run `generator [^`]*`")


def md_text(value: Any) -> Markup:
    """Any value as inert text in Markdown or HTML (no markup, links or emphasis survive). A
    `quoted` command, as the document's reasons write one, is shown in quotation marks: an
    escaped backtick would show as a stray character, and code would end the report tables'
    plain cells."""
    if isinstance(value, Markup):
        return value
    text = _OPERATOR_HINT.sub("", str(value))
    return Markup(_QUOTED.sub("\u201c\\1\u201d", text).translate(_ENTITY_TABLE))


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def count(value: Any) -> Markup:
    """An integer count: 41 -> '41'."""
    number = _number(value)
    return Markup(NOT_AVAILABLE) if number is None else Markup(str(int(round(number))))


def ordinal(value: Any) -> Markup:
    """A share as an ordinal percentile: 0.559 -> '56th'."""
    number = _number(value)
    if number is None:
        return Markup(NOT_AVAILABLE)
    n = int(round(number * 100))
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return Markup(f"{n}{suffix}")


def month_name(value: Any) -> Markup:
    """1 -> 'January'."""
    number = _number(value)
    if number is None or not 1 <= int(number) <= 12:
        return Markup(NOT_AVAILABLE)
    return Markup(MONTHS[int(number) - 1])


def long_date(value: Any) -> Markup:
    """'2026-11-20' -> 'November 20, 2026'."""
    if value is None or isinstance(value, Missing):
        return Markup(NOT_AVAILABLE)
    day = dt.date.fromisoformat(str(value)[:10])
    return Markup(f"{MONTHS[day.month - 1]} {day.day}, {day.year}")


def metric(item: Any, path: str) -> Markup:
    """A number as the registry declares the metric at ``path`` (unit, decimals, sign)."""
    return Markup(registry.metric(path).format(item))


def prose(item: Any, path: str) -> Markup:
    """A number in a sentence, as the metric at ``path`` is written in prose (one decimal)."""
    return Markup(registry.metric(path).format_prose(item))


def prose_size(item: Any, path: str) -> Markup:
    """The size of a number (no sign) in a sentence: "led by 0.4 pp"."""
    declared = registry.metric(path)
    if isinstance(item, int | float) and not isinstance(item, bool):
        digits = min(declared.digits, 1)
        return Markup(registry.format_number(abs(item), declared.unit, digits, False))
    return Markup(declared.format(item))


def metric_compared(item: Any, path: str) -> Markup:
    """Last week's or this week's value in "what changed" (see ``Metric.format_compared``)."""
    return Markup(registry.metric(path).format_compared(item))


def metric_change(item: Any, path: str) -> Markup:
    """A week-over-week change of the metric at ``path`` (signed; percents in pp)."""
    return Markup(registry.metric(path).format_change(item))


def metric_label(path: Any) -> Markup:
    """The registry's label of the metric at ``path``."""
    return md_text(registry.metric(str(path)).label)


def evidence(item: Any, claim_id: str, key: str) -> Markup:
    """A piece of claim evidence: numbers as their declared metric, words as inert text."""
    path = EVIDENCE[claim_id][key]
    if path is not None:
        return metric(item, path)
    if isinstance(item, Missing) or item is None:
        return Markup(NOT_AVAILABLE)
    if isinstance(item, bool):
        return Markup("yes" if item else "no")
    return md_text(item)


def evidence_label(key: str, claim_id: str) -> Markup:
    """The label of a piece of claim evidence: its metric's label, or the key in words."""
    path = EVIDENCE[claim_id][key]
    return metric_label(path) if path is not None else md_text(EVIDENCE_WORDS[key])


def table_cells(cells: Sequence[Any]) -> Markup:
    """A table row's cells (already display text) joined by the column separator."""
    return Markup(" | ").join(md_text(c) for c in cells)


def is_missing(item: Any) -> bool:
    """Jinja test ``is missing``: a value or section the document does not have."""
    return isinstance(item, Missing)


def verdict(text: Any) -> Markup:
    """A claim verdict with a symbol that does not rely on colour alone."""
    marks = {"supports": "✔ supports", "contradicts": "✘ contradicts",
             "no reliable edge": "≈ no reliable edge", "not enough data": "○ not enough data"}  # fmt: skip
    return Markup(marks.get(str(text), str(md_text(text))))


def evidence_items(evidence: Mapping[str, Any], claim_id: str) -> list[tuple[str, Any]]:
    """A claim's evidence in the order ``claims.EVIDENCE`` declares it (what it is, then its
    statistics, an interval's low before its high), whatever order the mapping holds."""
    order = {key: i for i, key in enumerate(EVIDENCE[claim_id])}
    return sorted(evidence.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))


def ranked(rank: Any, word: str) -> str:
    """A rank in words: 1 -> "worst", 2 -> "2nd-worst", 11 -> "11th-worst"."""
    place = int(rank)
    if place == 1:
        return word
    suffix = "th" if 10 <= place % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(place % 10, "th")
    return f"{place:,}{suffix}-{word}"


def claim_basis(claim: Claim) -> Markup:
    """What a verdict rests on: "n = 39, 1988-2025" (either part when the other is absent)."""
    parts = []
    if not isinstance(claim.n, Missing):
        parts.append(f"n = {metric(claim.n, 'claims.*.n')}")
    if not isinstance(claim.period, Missing):
        parts.append(str(md_text(claim.period)))
    return Markup(", ".join(parts) or "–")


def lower_first(text: Any) -> str:
    """A sentence continued after a colon: its first letter in lower case."""
    text = str(text)
    return text[:1].lower() + text[1:]


def upper_first(text: Any) -> Any:
    """A phrase opening a sentence: its first letter in upper case (names keep their case).
    Markup (a macro's output, already escaped) stays Markup, so it is not escaped twice."""
    plain = str(text)
    raised = plain[:1].upper() + plain[1:]
    return Markup(raised) if isinstance(text, Markup) else raised


def yaml_str(value: Any) -> Markup:
    """A YAML double-quoted scalar (front matter) holding inert text."""
    # The value is page text, escaped for Markdown ("S&#38;P 500"): the title wants the plain
    # characters back. Material prints a front-matter title without escaping, so "<" and ">"
    # are dropped (no markup can come through); a bare "&" is harmless there and the feeds
    # escape it.
    text = html.unescape(str(value))
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    for c in "<>":
        text = text.replace(c, "")
    return Markup(f'"{text}"')


FILTERS = {
    "md": md_text,
    "count": count,
    "ordinal": ordinal,
    "month_name": month_name,
    "long_date": long_date,
    "metric": metric,
    "metric_change": metric_change,
    "prose": prose,
    "prose_size": prose_size,
    "metric_compared": metric_compared,
    "metric_label": metric_label,
    "evidence": evidence,
    "evidence_label": evidence_label,
    "verdict": verdict,
    "claim_basis": claim_basis,
    "ranked": ranked,
    "evidence_items": evidence_items,
    "lower_first": lower_first,
    "upper_first": upper_first,
    "table_cells": table_cells,
    "yaml_str": yaml_str,
}

TESTS = {"missing": is_missing}
