"""The home page: the latest archived report's summary, rewritten only when it changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from generator.archive import HOME_FILE, PAGE_FILE, archived_weeks, published_path, report_dir
from generator.metrics.schema import read_metrics
from generator.pages import METRICS_FILE, chart_view, render_home
from generator.pages.context import PreviousReport
from generator.store import atomic_write_text

if TYPE_CHECKING:
    from generator.runcontext import RunContext

PREVIOUS = 8  # earlier reports the home page links by their headlines


def write_home(docs_dir: Path, run: RunContext | None = None) -> Path | None:
    """Rewrite the home page from the latest archived report; None when the archive is empty
    (``run``: its compiled templates)."""
    weeks = archived_weeks(docs_dir)
    if not weeks:
        return None
    previous = [_previous_report(docs_dir, week) for week in reversed(weeks[-PREVIOUS - 1 : -1])]
    folder = report_dir(docs_dir, weeks[-1])
    doc = read_metrics(folder / METRICS_FILE)
    charts = {}
    for path in sorted(folder.glob("*.vl.json")):
        name = path.name.removesuffix(".vl.json")
        spec = json.loads(path.read_text(encoding="utf-8"))
        charts[name] = chart_view(name, spec, None, svg=(folder / f"{name}.svg").exists())
    prefix = folder.relative_to(docs_dir).as_posix() + "/"
    url_prefix = published_path(prefix)
    page = render_home(
        doc,
        charts,
        sample=doc.sample,
        report_url=prefix + PAGE_FILE,
        asset_prefix=url_prefix,
        report_count=len(weeks),
        previous=previous,
        env=None if run is None else run.pages,
    )
    home = Path(docs_dir) / HOME_FILE
    if not home.exists() or home.read_text(encoding="utf-8") != page:
        atomic_write_text(home, page)
    return home


def _previous_report(docs_dir: Path, week: str) -> PreviousReport:
    """An earlier report as the home page links it: its week, headline and page."""
    page = report_dir(docs_dir, week) / PAGE_FILE
    return PreviousReport(week, _front_matter_title(page), published_source(docs_dir, page))


def published_source(docs_dir: Path, page: Path) -> str:
    """A page's path relative to the docs folder (MkDocs resolves such a link)."""
    return page.relative_to(docs_dir).as_posix()


def _front_matter_title(page: Path) -> str:
    """The ``title`` of a report's front matter; "" when it has none (the link shows the week)."""
    head = page.read_text(encoding="utf-8").split("\n---\n", 1)[0].removeprefix("---\n")
    try:
        meta = yaml.safe_load(head)
    except yaml.YAMLError:
        return ""
    title = meta.get("title") if isinstance(meta, dict) else None
    return title if isinstance(title, str) else ""
