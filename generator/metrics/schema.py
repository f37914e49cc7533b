"""The weekly metrics document as typed records: one frozen dataclass per section.

The field names are the keys of ``metrics.json`` (``codec`` reads and writes them, strictly), the
field types say which values may be ``Missing`` (null with a reason in the JSON). Every numeric
field has a declaration in ``registry`` (label, unit, format). What each number means is on the
methodology page. Templates and charts read these records by attribute, never by key strings.

``SCHEMA_VERSION`` is written into ``metrics.json``; raise it when a key changes meaning or shape.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import DataError
from generator.metrics.codec import (
    OMIT,
    Missing,
    Scalar,
    record_from_plain,
    record_to_plain,
)
from generator.metrics.schema_fundamentals import Fundamentals
from generator.metrics.schema_lead import Lead
from generator.metrics.schema_ratecuts import RateCuts
from generator.metrics.schema_rotation import GreatRotation
from generator.metrics.schema_seasons import (  # noqa: F401  (re-exported)
    Bootstrap,
    Cycle,
    FrenchCycle,
    FrenchSeasonality,
    MonthStats,
    PathPoint,
    PhaseMonths,
    PhaseStats,
    Seasonality,
    Stats,
    WindowStats,
)
from generator.metrics.schema_sources import Sources

SCHEMA_VERSION = 1

Num = float | Missing  # a number the document may lack
Count = int | Missing


def _key(name: str) -> Any:
    return field(metadata={"key": name})


@dataclass(frozen=True)
class PeriodReturns:
    small: Num
    large: Num
    spread: Num


@dataclass(frozen=True)
class Returns:
    """Returns of one basis by period (JSON keys ``1w``, ``mtd``, ..., ``10y_ann``)."""

    w1: PeriodReturns = _key("1w")
    mtd: PeriodReturns = _key("mtd")
    qtd: PeriodReturns = _key("qtd")
    ytd: PeriodReturns = _key("ytd")
    y1: PeriodReturns = _key("1y")
    y3_ann: PeriodReturns = _key("3y_ann")
    y5_ann: PeriodReturns = _key("5y_ann")
    y10_ann: PeriodReturns = _key("10y_ann")

    def rows(self) -> tuple[tuple[str, PeriodReturns], ...]:
        """(period key, returns) in scoreboard order."""
        return tuple((key, getattr(self, name)) for key, name in PERIOD_FIELDS)


PERIOD_FIELDS = (
    ("1w", "w1"),
    ("mtd", "mtd"),
    ("qtd", "qtd"),
    ("ytd", "ytd"),
    ("1y", "y1"),
    ("3y_ann", "y3_ann"),
    ("5y_ann", "y5_ann"),
    ("10y_ann", "y10_ann"),
)


@dataclass(frozen=True)
class SideDrawdown:
    current: Num
    max_1y: Num
    max_all: Num


@dataclass(frozen=True)
class Drawdowns:
    small: SideDrawdown | Missing
    large: SideDrawdown | Missing


@dataclass(frozen=True)
class SideHighs:
    all_time: Num
    all_time_date: str | Missing
    pct_from_all_time: Num
    sessions_since_all_time: Count
    new_all_time_high: bool | Missing
    high_52w: Num
    pct_from_high_52w: Num
    low_52w: Num
    pct_from_low_52w: Num
    new_high_52w: bool | Missing
    high_52w_date: str | Missing = field(metadata=OMIT)  # absent when there is no 52-week high
    low_52w_date: str | Missing = field(metadata=OMIT)


@dataclass(frozen=True)
class Highs:
    small: SideHighs | Missing
    large: SideHighs | Missing


@dataclass(frozen=True)
class Regime:
    start: str
    end: str
    weeks: int
    leader: str
    ongoing: bool
    small_return: float
    large_return: float
    cum_spread: float
    relative_return: float


@dataclass(frozen=True)
class Relative:
    ratio: Num
    ratio_date: str | Missing
    ma_50: Num
    ma_200: Num
    pct_52w: Num
    pct_all: Num
    zscore_3y: Num
    drawdown: Num
    last_week_spread: Num
    outperf_streak_weeks: Count
    underperf_streak_weeks: Count
    outperf_streak_record_weeks: Count
    outperf_streak_record_end: str | Missing
    # Absent from the previous week's headline numbers, which skip the regimes.
    regime_threshold: Num = field(metadata=OMIT)
    regimes: tuple[Regime, ...] | Missing = field(metadata=OMIT)


@dataclass(frozen=True)
class SidePair:
    small: Num
    large: Num


@dataclass(frozen=True)
class Risk:
    vol_3m: SidePair
    vol_1y: SidePair
    corr_1y: Num
    beta_1y: Num


@dataclass(frozen=True)
class YieldStats:
    symbol: str
    data_through: str | Missing
    stale: bool
    level: Num
    change_1w: Num
    change_3m: Num


@dataclass(frozen=True)
class Sensitivity:
    symbol: str
    beta: Num
    corr: Num
    weeks: Count
    # The verdicts' 99% interval of beta; absent in documents written before it existed.
    beta_ci99_low: Num = field(metadata=OMIT)
    beta_ci99_high: Num = field(metadata=OMIT)


@dataclass(frozen=True)
class Rates:
    yields: Mapping[str, YieldStats | Missing]
    sensitivity: Mapping[str, Sensitivity | Missing]
    slope_10y_13w: Num = field(metadata=OMIT)


@dataclass(frozen=True)
class CuratedSide:
    date: str
    source: str
    note: str
    forward_pe: Num
    earnings_growth: Num
    age_days: int
    stale: bool


@dataclass(frozen=True)
class Curated:
    stale_after_days: int
    small: CuratedSide | Missing
    large: CuratedSide | Missing
    date: str
    source: str
    stale: bool
    small_forward_pe: Num
    large_forward_pe: Num
    small_earnings_growth: Num
    large_earnings_growth: Num
    discount: Num
    earnings_growth_gap: Num


@dataclass(frozen=True)
class Snapshot:
    """The latest value of a value series (an ETF's trailing P/E, a book-to-market)."""

    symbol: str
    date: str
    value: float
    stale: bool | Missing = field(metadata=OMIT)  # only the ETF trailing P/E has an age limit


@dataclass(frozen=True)
class TrailingPE:
    small: Snapshot | Missing
    large: Snapshot | Missing
    discount: Num


@dataclass(frozen=True)
class BookToMarket:
    small: Snapshot | Missing
    big: Snapshot | Missing
    ratio: Num


@dataclass(frozen=True)
class Valuation:
    curated: Curated | Missing
    trailing_pe: TrailingPE | Missing
    book_to_market: BookToMarket | Missing


@dataclass(frozen=True)
class LadderRow:
    symbol: str
    label: str
    w1: Num = _key("1w")
    ytd: Num = _key("ytd")
    y1: Num = _key("1y")


@dataclass(frozen=True)
class Gauge:
    numerator: str
    denominator: str
    ratio: Num
    change_1w: Num
    pct_52w: Num


@dataclass(frozen=True)
class Ladder:
    basis: str
    rows: tuple[LadderRow, ...]
    rotation: Mapping[str, Gauge]


@dataclass(frozen=True)
class Change:
    """One headline number against the previous week; ``key`` is its registry path."""

    key: str
    current: Num
    previous: Num
    change: Num
    scale: float


@dataclass(frozen=True)
class Changes:
    previous_week_ending: str
    items: tuple[Change, ...]


@dataclass(frozen=True)
class Claim:
    """A checkable statement; each evidence key is declared in ``claims.EVIDENCE``."""

    id: str
    statement: str
    rule: str
    verdict: str
    evidence: Mapping[str, Scalar]
    # How many independent observations (years, cycles, weeks) the verdict rests on, and the
    # period they cover ("1988-2026"). Absent in documents written before verdicts carried them.
    n: Count = field(default=Missing(), metadata=OMIT, kw_only=True)
    period: str | Missing = field(default=Missing(), metadata=OMIT, kw_only=True)
    # Why the verdict is "not enough data", in words a reader understands (absent otherwise).
    reason: str | Missing = field(default=Missing(), metadata=OMIT, kw_only=True)


@dataclass(frozen=True)
class SideWeekRank:
    """This week's price return ranked among every weekly return since ``first_year``."""

    weeks: int
    rank_best: int
    rank_worst: int
    first_year: int


@dataclass(frozen=True)
class WeekRank:
    small: SideWeekRank | Missing
    large: SideWeekRank | Missing


@dataclass(frozen=True)
class Document:
    """Everything computed for one week (see the methodology page for each definition)."""

    schema_version: int
    week_ending: str
    data_through: str | Missing
    small: str
    large: str
    small_name: str
    large_name: str
    small_total_return: str | Missing
    large_total_return: str | Missing
    sample: bool
    returns: Returns | Missing
    returns_tr: Returns | Missing
    drawdown: Drawdowns | Missing
    highs: Highs | Missing
    relative: Relative | Missing
    risk: Risk | Missing
    seasonality: Seasonality | Missing
    cycle: Cycle | Missing
    rates: Rates | Missing
    valuation: Valuation | Missing
    ladder: Ladder | Missing
    changes: Changes | Missing
    claims: tuple[Claim, ...]
    # ETF fundamentals and the Ken French book-to-market record (absent in older documents).
    fundamentals: Fundamentals | Missing = field(metadata=OMIT)
    # Absent in documents written before the freshness policy.
    sources: Sources | Missing = field(metadata=OMIT)
    # Absent from documents written before the Great Rotation evidence existed.
    great_rotation: GreatRotation | Missing = field(metadata=OMIT)
    # Absent from documents written before the week's rank was published.
    week_rank: WeekRank | Missing = field(metadata=OMIT)
    # Absent from documents written before the rate-cuts study existed.
    ratecuts: RateCuts | Missing = field(metadata=OMIT)
    # The week's facts ranked for the headline; absent from documents written before it.
    lead: Lead | Missing = field(metadata=OMIT)

    def to_plain(self) -> dict[str, Any]:
        """The JSON-ready form written to ``metrics.json``."""
        return record_to_plain(self)

    @classmethod
    def from_plain(cls, data: Mapping[str, Any], where: str = "metrics") -> Document:
        """The document read from its JSON-ready form; SchemaError names any key out of place."""
        return record_from_plain(cls, dict(data), where)


def read_metrics(path: Path) -> Document:
    """The document of an archived ``metrics.json``; DataError names the file and the key.

    A file written before ``schema_version`` existed has the same keys (version 0)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            data.setdefault("schema_version", 0)
        return Document.from_plain(data, where="document")
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: cannot read the report's metrics ({exc}); rewrite the report "
                        "with `generator report --week WEEK --force`") from None  # fmt: skip
