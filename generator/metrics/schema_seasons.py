"""The seasonal sections of the metrics document: the month table and windows (``seasonality``)
and the presidential cycle (``cycle``), each also on the Ken French size portfolios. Part of
``schema`` (which re-exports every name here); its own module to keep ``schema`` readable."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.metrics.codec import OMIT, Missing

Num = float | Missing  # a number the document may lack
Count = int | Missing


@dataclass(frozen=True)
class Stats:
    """Small, large and spread statistics of a group of years (a month, a window, a phase)."""

    years: Count
    small_mean: Num
    small_median: Num
    large_mean: Num
    large_median: Num
    spread_mean: Num
    spread_median: Num
    hit_rate: Num
    spread_ci90_low: Num
    spread_ci90_high: Num
    # The verdicts' stricter 99% interval; absent in documents written before it existed.
    spread_ci99_low: Num = field(metadata=OMIT, kw_only=True)
    spread_ci99_high: Num = field(metadata=OMIT, kw_only=True)
    # How many of ``years`` small led (``hit_rate`` as a count); absent in older documents.
    wins: Count = field(default=Missing(), metadata=OMIT, kw_only=True)


@dataclass(frozen=True, kw_only=True)
class MonthStats(Stats):
    month: int


@dataclass(frozen=True, kw_only=True)
class WindowStats(Stats):
    this_year: Count
    this_year_spread: Num


@dataclass(frozen=True, kw_only=True)
class PhaseStats(Stats):
    phase: int
    name: str


@dataclass(frozen=True)
class PathPoint:
    month: int
    spread: Num


@dataclass(frozen=True)
class Bootstrap:
    level: float
    resamples: int
    seed: int


@dataclass(frozen=True)
class FrenchSeasonality:
    small: str
    large: str
    basis: str
    data_through: str | Missing
    first_year: Count
    last_complete_month: str | Missing
    months: tuple[MonthStats, ...]
    dec15_feb15: WindowStats | Missing
    first5_january: WindowStats | Missing

    def month(self, number: int) -> MonthStats | None:
        """The row of calendar month ``number`` (1-12), when the table has it."""
        return next((m for m in self.months if m.month == number), None)


@dataclass(frozen=True)
class Seasonality:
    small: str
    large: str
    first_year: Count
    last_complete_month: str | Missing
    current_year: int
    bootstrap: Bootstrap
    months: tuple[MonthStats, ...]
    dec15_feb15: WindowStats | Missing
    first5_january: WindowStats | Missing
    average_path: tuple[PathPoint, ...]
    average_path_years: Count
    current_year_path: tuple[PathPoint, ...]
    french: FrenchSeasonality | Missing

    def month(self, number: int) -> MonthStats | None:
        """The row of calendar month ``number`` (1-12), when the table has it."""
        return next((m for m in self.months if m.month == number), None)


@dataclass(frozen=True)
class PhaseMonths:
    phase: int
    name: str
    months: tuple[Num, ...]


@dataclass(frozen=True)
class FrenchCycle:
    """The cycle table of the Ken French size portfolios: the record since 1927."""

    small: str
    large: str
    basis: str
    first_year: int
    last_complete_year: int
    phases: tuple[PhaseStats, ...]

    def phase_row(self, number: int) -> PhaseStats | None:
        """The row of cycle phase ``number`` (0-3), when the table has it."""
        return next((p for p in self.phases if p.phase == number), None)


@dataclass(frozen=True)
class Cycle:
    small: str
    large: str
    year: int
    phase: int
    phase_name: str
    first_year: Count
    last_complete_year: Count
    phases: tuple[PhaseStats, ...]
    monthly_spread_by_phase: tuple[PhaseMonths, ...]
    phase_average_path: tuple[PathPoint, ...]
    phase_average_path_years: Count
    current_year_path: tuple[PathPoint, ...]
    # Absent in documents written before the long record was added.
    french: FrenchCycle | Missing = field(metadata=OMIT)

    def current_phase(self) -> PhaseStats | None:
        """This year's phase row, when the table has it."""
        return self.phase_row(self.phase)

    def phase_row(self, number: int) -> PhaseStats | None:
        """The row of cycle phase ``number`` (0-3), when the table has it."""
        return next((p for p in self.phases if p.phase == number), None)
