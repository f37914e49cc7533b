"""What changed: headline numbers against the previous week's document, largest move first."""

from __future__ import annotations

from typing import Any

from generator.metrics.common import missing

# (path in the document, scale of a notable move). Ranking uses |change| / scale so that a
# 0.1 move of a z-score weighs like a 0.01 (one percentage point) move of a decimal metric.
HEADLINES: tuple[tuple[str, float], ...] = (
    ("returns.ytd.small", 0.01),
    ("returns.ytd.large", 0.01),
    ("returns.ytd.spread", 0.01),
    ("returns.1y.spread", 0.01),
    ("drawdown.small.current", 0.01),
    ("drawdown.large.current", 0.01),
    ("highs.small.pct_from_high_52w", 0.01),
    ("highs.large.pct_from_high_52w", 0.01),
    ("relative.pct_52w", 0.01),
    ("relative.pct_all", 0.01),
    ("relative.zscore_3y", 0.1),
    ("relative.drawdown", 0.01),
    ("risk.vol_3m.small", 0.01),
    ("risk.vol_3m.large", 0.01),
    ("risk.corr_1y", 0.01),
    ("risk.beta_1y", 0.01),
)


def lookup(doc: dict[str, Any] | None, path: str) -> float | None:
    """The number at a dotted path, or None when any step is missing or not a number."""
    node: Any = doc
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if isinstance(node, bool) or not isinstance(node, int | float):
        return None
    return float(node)


def _item(
    key: str, scale: float, current: dict[str, Any], previous: dict[str, Any]
) -> dict[str, Any]:
    now, before = lookup(current, key), lookup(previous, key)
    item: dict[str, Any] = {"key": key, "current": now, "previous": before, "scale": scale}
    if now is None or before is None:
        for name, value in (("current", now), ("previous", before)):
            if value is None:
                item[name + "_reason"] = f"{key} is missing from the {name} week"
        missing(item, "change", "a value is missing in one of the two weeks")
    else:
        item["change"] = now - before
    return item


def changes_section(current: dict[str, Any], previous: dict[str, Any]) -> dict[str, Any]:
    """``previous_week_ending`` and ``items[]`` of ``{key, current, previous, change, scale}``
    sorted by |change|/scale descending (ties by key), items without a change last."""
    items = [_item(key, scale, current, previous) for key, scale in HEADLINES]

    def rank(item: dict[str, Any]) -> tuple[int, float, str]:
        if item["change"] is None:
            return (1, 0.0, item["key"])
        return (0, -abs(item["change"]) / item["scale"], item["key"])

    return {"previous_week_ending": previous.get("week_ending"), "items": sorted(items, key=rank)}
