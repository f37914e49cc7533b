"""Links between weeks: each report's previous and next week and the same week a year earlier.

The links are added when the site is built (``add_week_links`` on the assembled docs folder),
not written into the archived reports: a report's "next week" link exists only once the next
week is archived, and adding a week must not rewrite last week's committed report. The archive
listing decides every link, so a build always links exactly the reports it publishes. The
block is rendered by ``templates/partials/week_nav.md.j2`` and placed right after the feed
excerpt (``<!-- more -->``), or at the end of a page without one.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment

from generator.archive import PAGE_FILE, POSTS_DIR, archived_weeks

# A report's neighbour the week before or after: 6 to 8 days away (a week can end on a Thursday
# when Friday is a holiday); further is a gap in the archive.
ADJACENT_DAYS = 8

EXCERPT_END = "<!-- more -->"  # the blog's excerpt separator (mkdocs.yml)
NAV_TEMPLATE = "partials/week_nav.md.j2"
# A year ago is the archived week nearest to the same calendar day a year earlier, at most this
# many days away: NYSE weeks end on different days of the month from year to year.
YEAR_AGO_DAYS = 4


@dataclass(frozen=True)
class WeekLinks:
    """The weeks a report links to (ISO dates, None when the archive has no such report)."""

    previous: str | None
    next: str | None
    year_ago: str | None


def week_links(weeks: Sequence[str]) -> dict[str, WeekLinks]:
    """The links of every week of ``weeks`` (ISO dates, sorted oldest first)."""
    days = [dt.date.fromisoformat(w) for w in weeks]
    return {
        week: WeekLinks(
            weeks[i - 1] if i > 0 else None,
            weeks[i + 1] if i + 1 < len(weeks) else None,
            year_ago_week(days, days[i]),
        )
        for i, week in enumerate(weeks)
    }


def year_ago_week(days: Sequence[dt.date], day: dt.date) -> str | None:
    """The week of ``days`` (sorted) nearest to ``day`` one year earlier, within YEAR_AGO_DAYS
    (the earlier one on a tie); None when there is none."""
    target = _one_year_before(day)
    i = bisect.bisect_left(days, target)
    near = [d for d in days[max(i - 1, 0) : i + 1] if abs((d - target).days) <= YEAR_AGO_DAYS]
    if not near:
        return None
    return min(near, key=lambda d: (abs((d - target).days), d)).isoformat()


def _one_year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # February 29
        return day.replace(year=day.year - 1, day=28)


def page_source(week: str) -> str:
    """A report's page, relative to the docs folder (``blog/posts/YYYY/MM/DD/index.md``)."""
    return f"{POSTS_DIR.as_posix()}/{week.replace('-', '/')}/{PAGE_FILE}"


def relative_link(from_week: str, to_week: str) -> str:
    """The Markdown link from one report's page to another's (MkDocs resolves it): up from the
    day's folder to the first of year, month and day that differs (no ``os.path.relpath``,
    which asks the operating system for the working folder, on each of 3,000 links)."""
    here, there = from_week.split("-"), to_week.split("-")
    same = 0
    while same < 2 and here[same] == there[same]:
        same += 1
    return "../" * (3 - same) + "/".join(there[same:]) + "/" + PAGE_FILE


def page_url(from_week: str, to_week: str) -> str:
    """The relative URL of another report's page as the built site serves it: the folder of
    ``relative_link`` (``use_directory_urls``). The block is plain HTML, which MkDocs does not
    rewrite, so the link names the page, not its Markdown file."""
    return relative_link(from_week, to_week).removesuffix(PAGE_FILE)


def render_week_nav(week: str, links: WeekLinks, env: Environment) -> str:
    """The navigation block of ``week``'s report; empty when it links to nothing."""
    targets = {
        name: None if other is None else {"week": other, "url": page_url(week, other),
                                          "adjacent": _days_apart(week, other) <= ADJACENT_DAYS}
        for name, other in (("previous", links.previous), ("next", links.next),
                            ("year_ago", links.year_ago))
    }  # fmt: skip
    if not any(targets.values()):
        return ""
    return env.get_template(NAV_TEMPLATE).render(**targets).strip("\n")


def _days_apart(week: str, other: str) -> int:
    """Days between two report weeks: 7 for the week before or after; more across a gap in the
    archive, where the link says "report", not "week"."""
    return abs((dt.date.fromisoformat(other) - dt.date.fromisoformat(week)).days)


def with_week_nav(page: str, nav: str) -> str:
    """``page`` with the block ``nav`` after its excerpt separator (or at its end)."""
    if not nav:
        return page
    head, separator, tail = page.partition(EXCERPT_END)
    if not separator:
        return page.rstrip("\n") + "\n\n" + nav + "\n"
    return f"{head}{separator}\n\n{nav}\n{tail}"


def add_week_links(docs_dir: Path, env: Environment) -> int:
    """Add the week navigation to every report of the docs folder ``docs_dir``; returns how
    many pages got links.

    ``docs_dir`` is the site's build copy: each page is replaced by a new file (never written
    through, since the build copy's files are hard links to the archive's).
    """
    weeks = archived_weeks(docs_dir)
    count = 0
    for week, links in week_links(weeks).items():
        nav = render_week_nav(week, links, env)
        if not nav:
            continue
        path = Path(docs_dir) / page_source(week)
        _replace_file(path, with_week_nav(path.read_text(encoding="utf-8"), nav))
        count += 1
    return count


def _replace_file(path: Path, text: str) -> None:
    """Put a new file at ``path``. The old one is unlinked first: it is a hard link to the
    archive's report, which must not change. No temp file or fsync: the build copy is rebuilt
    whole by the next build, whatever a kill leaves in it."""
    path.unlink()
    path.write_text(text, encoding="utf-8")
