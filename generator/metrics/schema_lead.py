"""The ``lead`` section's records: the week's facts ranked for the headline, and the few numbers
the ranking needs that no other section holds (see ``metrics.lead``)."""

from __future__ import annotations

from dataclasses import dataclass

from generator.metrics.codec import Missing


@dataclass(frozen=True)
class LeadFact:
    """One fact of the week: ``kind`` (one of ``lead.FACT_KINDS``) and the side it is about
    (``small``, ``large``, ``both`` or ``none``). Its numbers are read where they are kept:
    ``highs``, ``week_rank``, ``relative``, ``returns`` and this section."""

    kind: str
    side: str


@dataclass(frozen=True)
class SideRecord:
    """The week's last close, whether it is the index's highest close so far, and the record it
    beat."""

    close: float
    record_close: bool
    previous_record_date: str | Missing
    weeks_since_previous_record: int | Missing


@dataclass(frozen=True)
class SideRecords:
    small: SideRecord | Missing
    large: SideRecord | Missing


@dataclass(frozen=True)
class Lead:
    """The week's facts in rank order (the headline is the first) and their own numbers."""

    facts: tuple[LeadFact, ...]
    records: SideRecords
    underperf_streak_record_weeks: int | Missing
    regime_change: bool | Missing
    ratio_first_year: int | Missing
    ratio_peak_date: str | Missing
