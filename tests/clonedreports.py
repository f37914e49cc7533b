"""Archives of many reports made from a few real ones (the site tests and benchmarks/bench_site.py).

Generating a report runs the whole pipeline (about 1 s), so a large archive is made by cloning a
few real reports round-robin to other weeks: a clone is the seed's folder with its dates
rewritten (front matter ``date``, title, social image path and every mention of the seed week in
the page and in ``metrics.json``), so the blog sees distinct posts spread over months, years and
categories. Pages, sidecar files and sizes are those of real reports; only the numbers repeat.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from generator import archive, home
from generator.pages.filters import long_date

REWRITTEN = ("index.md", "metrics.json")  # the files that name their week; the rest is linked


def date_patterns(week: str) -> list[str]:
    """The ways a report spells its week: ISO date, long date and URL path."""
    return [week, str(long_date(week)), week.replace("-", "/")]


def clone_report(seed_dir: Path, seed: str, content: Path, week: str) -> None:
    """Copy the seed week's report folder to ``week``, rewriting the dates in its text files."""
    source, target = archive.report_dir(seed_dir, seed), archive.report_dir(content, week)
    target.mkdir(parents=True)
    swaps = dict(zip(date_patterns(seed), date_patterns(week), strict=True))
    pattern = re.compile("|".join(re.escape(k) for k in swaps))
    for path in source.iterdir():
        if path.name in REWRITTEN:
            text = pattern.sub(lambda m: swaps[m.group(0)], path.read_text(encoding="utf-8"))
            (target / path.name).write_text(text, encoding="utf-8")
        else:
            os.link(path, target / path.name)  # the build links or copies it: no need to copy


def clone_archive(seed_dir: Path, seeds: list[str], content: Path, weeks: list[str]) -> None:
    """Clone the seeds round-robin to ``weeks`` (the newest week gets the newest seed)."""
    for i, week in enumerate(weeks):
        clone_report(seed_dir, seeds[(i - len(weeks)) % len(seeds)], content, week)
    home.write_home(content)
