"""The home page: the latest archived report's summary, rewritten only when it changed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from generator.archive import HOME_FILE, PAGE_FILE, archived_weeks, published_path, report_dir
from generator.metrics.schema import read_metrics
from generator.pages import METRICS_FILE, chart_view, render_home
from generator.store import atomic_write_text

if TYPE_CHECKING:
    from generator.runcontext import RunContext


def write_home(docs_dir: Path, run: RunContext | None = None) -> Path | None:
    """Rewrite the home page from the latest archived report; None when the archive is empty
    (``run``: its compiled templates)."""
    weeks = archived_weeks(docs_dir)
    if not weeks:
        return None
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
        env=None if run is None else run.pages,
    )
    home = Path(docs_dir) / HOME_FILE
    if not home.exists() or home.read_text(encoding="utf-8") != page:
        atomic_write_text(home, page)
    return home
