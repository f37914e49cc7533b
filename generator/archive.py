"""The report archive's layout: where each week's report lives, and which weeks it holds.

A report is a folder ``<docs>/blog/posts/YYYY/MM/DD/`` (DD = the week's last session) holding the
blog post ``index.md``, its chart specs (``*.vl.json``), static SVGs, ``chart-data.csv`` (the
history charts' data, loaded by their specs) and ``metrics.json``. The blog plugin publishes the post at the same path, so the page loads its
sidecar files by relative URL. Writing a report is ``generator.report_folder``; the home page,
``generator.home``; the steps from the store to the site, ``generator.pipeline``.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from generator.errors import GeneratorError
from generator.publish import restore_set_aside

log = logging.getLogger(__name__)
POSTS_DIR = Path("blog") / "posts"
PAGE_FILE = "index.md"
HOME_FILE = "index.md"


class ReportExists(GeneratorError):
    """The archive already holds this week's report (regenerate it with force)."""


def report_dir(docs_dir: Path, week: str | pd.Timestamp) -> Path:
    """The folder of the report of the week ending ``week``."""
    day = pd.Timestamp(week)
    return Path(docs_dir) / POSTS_DIR / f"{day.year:04d}" / f"{day.month:02d}" / f"{day.day:02d}"


def published_path(source: str) -> str:
    """Where the site publishes a report file: the blog drops the ``posts/`` folder (mkdocs.yml)."""
    posts = POSTS_DIR.as_posix() + "/"
    return "blog/" + source[len(posts) :] if source.startswith(posts) else source


def report_exists(docs_dir: Path, week: str | pd.Timestamp) -> bool:
    return (report_dir(docs_dir, week) / PAGE_FILE).is_file()


def recover_report(docs_dir: Path, week: str | pd.Timestamp) -> bool:
    """Finish what a killed replacement of this week's report left (``_swap_into_place``): the
    previous report set aside and not yet replaced is put back; set aside and replaced, it is
    removed. Returns True when the previous report was put back."""
    target = report_dir(docs_dir, week)
    if not restore_set_aside(target):
        return False
    log.warning("%s: put back the report a killed run had set aside", target)
    return True


def archived_weeks(docs_dir: Path) -> list[str]:
    """ISO dates of every archived report, oldest first."""
    pages = (Path(docs_dir) / POSTS_DIR).glob(f"[0-9]*/[0-9]*/[0-9]*/{PAGE_FILE}")
    return sorted(f"{p.parts[-4]}-{p.parts[-3]}-{p.parts[-2]}" for p in pages)
