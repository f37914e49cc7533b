"""The Great Rotation section of the document: each rotation gauge's weekly relative returns,
history percentiles and rule state (see ``metrics.rotation`` and the methodology page)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from generator.metrics.codec import Missing

# The rotation rule's states (``rotation.rotation_state``), read by the Great Rotation claim.
UNDER_WAY, REVERSED, NEITHER = "under way", "reversed", "neither"
Num = float | Missing
Count = int | Missing


@dataclass(frozen=True)
class RotationGauge:
    """One gauge (numerator / denominator) on weekly closes up to the week's end."""

    numerator: str
    denominator: str
    first_week: str | Missing  # the first weekly close of the common history
    last_week: str | Missing  # the weekly close the figures end on
    weeks: Count  # weekly closes in the history
    change_4w: Num
    change_13w: Num
    change_52w: Num
    pct_all: Num  # percentile of the ratio among every weekly close of the history
    change_13w_pct: Num  # percentile of change_13w among every 13-week change of the history
    state: str | Missing  # the rotation rule: "under way", "reversed" or "neither"
    weekly_mean: Num  # mean weekly ratio change over the last 52 weeks
    weekly_ci_low: Num  # its bootstrap interval
    weekly_ci_high: Num
    weekly_n: Count
    weekly_from: str | Missing  # the week-end of the first of those weekly changes


@dataclass(frozen=True)
class GreatRotation:
    ci_level: float
    claim_gauges: tuple[str, ...]
    gauges: Mapping[str, RotationGauge]
