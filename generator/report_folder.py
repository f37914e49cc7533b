"""Writing one week's report folder, whole or not at all.

A report is written into a hidden temp folder and renamed into place: it is complete or absent,
and an existing report is never rewritten without ``force`` (the previous one is set aside and
removed only once the new one is in place; ``archive.recover_report`` finishes a killed swap).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from generator.archive import PAGE_FILE, ReportExists, recover_report, report_dir
from generator.atomic import create_temp_dir
from generator.metrics.schema import Document
from generator.pages import METRICS_FILE, ChartView, chart_view, render_report
from generator.pages.context import SOCIAL_FILE
from generator.publish import SET_ASIDE

if TYPE_CHECKING:
    from generator.runcontext import RunContext


def write_report(
    docs_dir: Path,
    doc: Document,
    specs: Mapping[str, dict[str, Any]],
    chart_data: Mapping[str, pd.DataFrame],
    svgs: Mapping[str, str],
    *,
    force: bool = False,
    run: RunContext | None = None,
    social_png: bytes | None = None,
) -> Path:
    """Write one week's report folder; returns the path of its page.

    Raises ReportExists when the week is archived and ``force`` is False. ``run`` lends its
    compiled templates and data-file texts (None: this call's own). ``social_png``: the social
    and feed image (``charts.social``), written as SOCIAL_FILE.
    """
    from generator.charts import write_chart_files
    from generator.metrics import metrics_json

    target = report_dir(docs_dir, doc.week_ending)
    recover_report(docs_dir, doc.week_ending)
    if (target / PAGE_FILE).exists() and not force:
        raise ReportExists(f"{target / PAGE_FILE}: report already archived (use --force)")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = create_temp_dir(target)  # the umask's mode: the report is a normal folder
    try:
        texts = None if run is None else run.data_texts
        written = write_chart_files(staging, dict(specs), dict(chart_data), texts)
        for name, svg in sorted(svgs.items()):
            (staging / f"{name}.svg").write_text(svg, encoding="utf-8")
        if social_png is not None:
            (staging / SOCIAL_FILE).write_bytes(social_png)
        (staging / METRICS_FILE).write_text(metrics_json(doc), encoding="utf-8")
        downloads = [METRICS_FILE] + sorted(p.name for p in written if p.suffix == ".csv")
        charts = _chart_views(specs, chart_data, svgs)
        page = render_report(
            doc,
            charts,
            sample=doc.sample,
            downloads=downloads,
            env=None if run is None else run.pages,
            social_image=social_png is not None,
        )
        (staging / PAGE_FILE).write_text(page, encoding="utf-8")
        _swap_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target / PAGE_FILE


def _chart_views(
    specs: Mapping[str, dict[str, Any]],
    chart_data: Mapping[str, pd.DataFrame],
    svgs: Mapping[str, str],
) -> dict[str, ChartView]:
    return {n: chart_view(n, specs[n], chart_data.get(n), svg=n in svgs) for n in specs}


def _swap_into_place(staging: Path, target: Path) -> None:
    """Rename the finished folder over the target; the old one is removed only afterwards (a
    kill in between leaves it set aside for ``recover_report``)."""
    old = None
    if target.exists():
        old = _set_aside(target)
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old)


def _set_aside(target: Path) -> Path:
    return target.with_name(f".{target.name}{SET_ASIDE}")
