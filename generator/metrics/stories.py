"""The named stories told about small caps, each with the claims that test it.

The report's story scorecard and its dot-and-interval chart read the claims through this table:
one entry per story, in the scorecard's order, naming its claims (the index pair's record first,
then the long Ken French record where there is one) and, for a seasonal story, the months in
which it is in season. Verdicts and evidence stay in the claims; nothing here judges.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from generator.metrics.schema import Claim, Document
from generator.metrics.verdicts import MIDTERM, NO_DATA

# A seasonal story is written out when this month or the next falls in its season.
Season = Callable[[int, int], bool]  # (year, month) -> in season


def _months(*months: int) -> Season:
    return lambda year, month: month in months


def _midterm_year(year: int, month: int) -> bool:
    return year % 4 == MIDTERM


@dataclass(frozen=True)
class StoryDef:
    key: str
    title: str
    claim_ids: tuple[str, ...]
    season: Season | None = None  # None: not seasonal, always written out


STORY_DEFS: tuple[StoryDef, ...] = (
    StoryDef("great_rotation", "Great Rotation", ("great_rotation",)),
    StoryDef("rate_cuts", "Rate cuts", ("rate_cuts",)),
    StoryDef("january", "January effect", ("january_effect", "january_effect_long"),
             _months(1)),
    StoryDef("february", "February", ("february", "february_long"), _months(2)),
    StoryDef("midterm", "Midterm year", ("midterm_year", "midterm_year_long"), _midterm_year),
    StoryDef("earnings_growth", "Earnings growth", ("earnings_growth",)),
    StoryDef("valuation", "Valuation", ("valuation_discount",)),
)  # fmt: skip

# The claims whose effect is a mean spread (small minus large, a decimal) with a 99% interval:
# evidence keys of (estimate, interval low, interval high). They share one axis in the chart.
SPREAD_KEYS = ("spread_mean", "spread_ci99_low", "spread_ci99_high")
SPREAD_CLAIMS = ("rate_cuts", "january_effect", "january_effect_long", "february",
                 "february_long", "midterm_year", "midterm_year_long")  # fmt: skip


@dataclass(frozen=True)
class SpreadRow:
    """A claim with a mean spread and its 99% interval, as a row of the scorecard chart."""

    label: str
    claim: Claim


def _row_label(cid: str, small_name: str) -> str:
    what = {"rate_cuts": "Rate cuts, 12 months after", "january_effect": "January",
            "february": "February", "midterm_year": "Midterm year"}  # fmt: skip
    base = cid.removesuffix("_long")
    record = "Ken French" if cid.endswith("_long") else small_name
    return what[base] if base == "rate_cuts" else f"{what[base]}, {record}"


def _has_interval(claim: Claim) -> bool:
    """Whether the claim was judged on an interval (not "not enough data": an interval of too
    few years is not drawn as if it were evidence)."""
    numbers = all(isinstance(claim.evidence.get(k), int | float) for k in SPREAD_KEYS)
    return numbers and claim.verdict != NO_DATA


def spread_rows(doc: Document) -> tuple[SpreadRow, ...]:
    """The claims of SPREAD_CLAIMS in the document judged on a mean spread and both interval
    ends, in that order, labelled for the chart (the index pair by the small side's name)."""
    by_id = {c.id: c for c in doc.claims}
    small = doc.small_name or doc.small
    return tuple(SpreadRow(_row_label(cid, small), by_id[cid]) for cid in SPREAD_CLAIMS
                 if cid in by_id and _has_interval(by_id[cid]))  # fmt: skip


@dataclass(frozen=True)
class Story:
    """A story as the scorecard shows it: its claims present in the document (in order) and
    whether it is in season this week (always True for a story that is not seasonal)."""

    key: str
    title: str
    claims: tuple[Claim, ...]
    seasonal: bool
    in_season: bool


def in_season(story: StoryDef, week_ending: str) -> bool:
    """Whether ``story`` is in season in the week's month or the next one."""
    if story.season is None:
        return True
    year, month = int(week_ending[:4]), int(week_ending[5:7])
    following = (year + month // 12, month % 12 + 1)
    return story.season(year, month) or story.season(*following)


def stories(doc: Document) -> tuple[Story, ...]:
    """Every story with at least one of its claims in the document, in the scorecard's order."""
    by_id = {c.id: c for c in doc.claims}
    out = []
    for story in STORY_DEFS:
        claims = tuple(by_id[cid] for cid in story.claim_ids if cid in by_id)
        if claims:
            out.append(Story(story.key, story.title, claims, story.season is not None,
                             in_season(story, doc.week_ending)))  # fmt: skip
    return tuple(out)
