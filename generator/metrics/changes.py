"""What changed: headline numbers against the previous week's, largest move first.

The measures are the registry's metrics with a ``change_scale``; ranking uses |change| / scale
so that a 0.1 move of a z-score weighs like a 0.01 (one percentage point) move of a decimal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.metrics.codec import Missing, value_at
from generator.metrics.registry import CHANGE_METRICS
from generator.metrics.schema import Change, Changes, Document

Numbers = Mapping[str, float | None]  # registry path -> value (None when the week lacks it)


def change_values(doc: Document) -> dict[str, float | None]:
    """The value of every "what changed" metric in a week's document."""
    return {m.path: _number(value_at(doc, m.path)) for m in CHANGE_METRICS}


def nested_values(core: Mapping[str, Any]) -> dict[str, float | None]:
    """The "what changed" values of a partial document in its JSON-ready form (the previous
    week's ``headlines.headline_core``), None where it has no number."""
    out = {}
    for m in CHANGE_METRICS:
        node: Any = core
        for part in m.path.split("."):
            node = node.get(part) if isinstance(node, Mapping) else None
        out[m.path] = _number(node)
    return out


def _number(value: Any) -> float | None:
    if isinstance(value, bool | Missing) or not isinstance(value, int | float):
        return None
    return float(value)


def _item(path: str, scale: float, current: Numbers, previous: Numbers) -> Change:
    now, before = current.get(path), previous.get(path)
    if now is None or before is None:
        return Change(
            path,
            Missing(f"{path} is missing from the current week") if now is None else now,
            Missing(f"{path} is missing from the previous week") if before is None else before,
            Missing("a value is missing in one of the two weeks"),
            scale,
        )
    return Change(path, now, before, now - before, scale)


def changes_section(current: Numbers, previous: Numbers, previous_week: str) -> Changes:
    """``previous_week_ending`` and one item per measure, sorted by |change|/scale descending
    (ties by path), items without a change last."""
    items = [_item(m.path, m.change_scale or 1.0, current, previous) for m in CHANGE_METRICS]

    def rank(item: Change) -> tuple[int, float, str]:
        if isinstance(item.change, Missing):
            return (1, 0.0, item.key)
        return (0, -abs(item.change) / item.scale, item.key)

    return Changes(previous_week, tuple(sorted(items, key=rank)))
