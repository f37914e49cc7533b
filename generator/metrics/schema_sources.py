"""The document's ``sources`` section: each source's freshness as of the week's end
(``generator.freshness``). Its own module to keep ``schema.py`` short."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.metrics.codec import OMIT, Missing


@dataclass(frozen=True)
class SourceRow:
    """One source: its stored series, the date of its latest observation up to the week's end,
    that date's age in days, the age past which it is stale, and its state (``fresh``,
    ``stale`` or ``never fetched``)."""

    name: str
    label: str
    series: int
    as_of: str | Missing
    age_days: int | Missing
    stale_after_days: int
    state: str
    # Series older than stale_after_days themselves (absent in documents written before it).
    stale_series: int | Missing = field(default=0, metadata=OMIT, kw_only=True)


@dataclass(frozen=True)
class Sources:
    rows: tuple[SourceRow, ...]
