"""The report archive: where each week's report lives, immutability, backfill and the home page.

A report is a folder ``<docs>/blog/posts/YYYY/MM/DD/`` (DD = the week's last session) holding the
blog post ``index.md``, its chart specs (``*.vl.json``), static SVGs, ``chart-data.csv`` (the
history charts' data, loaded by their specs) and ``metrics.json``. The blog plugin publishes the post at the same path, so the page loads its
sidecar files by relative URL. A report is written into a hidden temp folder and renamed into
place: it is complete or absent, and an existing report is never rewritten without ``force``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing as mp
import os
import shutil
import signal
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from tqdm import tqdm

from generator.atomic import create_temp_dir
from generator.config import Config
from generator.errors import GeneratorError
from generator.metrics.schema import Document, read_metrics
from generator.model import Market
from generator.pages import METRICS_FILE, ChartView, chart_view, render_home, render_report
from generator.pages.context import SVG_CHARTS
from generator.publish import SET_ASIDE, restore_set_aside
from generator.store import atomic_write_text

if TYPE_CHECKING:
    from generator.charts import VegaRenderer

log = logging.getLogger(__name__)
POSTS_DIR = Path("blog") / "posts"
PAGE_FILE = "index.md"
HOME_FILE = "index.md"
# The reports with static images in a backfill: the newest ones, as many as the feed lists
# (mkdocs.yml, rss ``length``).
IMAGE_WEEKS = 20
# A worker process costs about as much to start as writing this many reports.
MIN_WEEKS_PER_JOB = 8


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


def _set_aside(target: Path) -> Path:
    return target.with_name(f".{target.name}{SET_ASIDE}")


def archived_weeks(docs_dir: Path) -> list[str]:
    """ISO dates of every archived report, oldest first."""
    pages = (Path(docs_dir) / POSTS_DIR).glob(f"[0-9]*/[0-9]*/[0-9]*/{PAGE_FILE}")
    return sorted(f"{p.parts[-4]}-{p.parts[-3]}-{p.parts[-2]}" for p in pages)


def write_report(
    docs_dir: Path,
    doc: Document,
    specs: Mapping[str, dict[str, Any]],
    chart_data: Mapping[str, pd.DataFrame],
    svgs: Mapping[str, str],
    *,
    force: bool = False,
) -> Path:
    """Write one week's report folder; returns the path of its page.

    Raises ReportExists when the week is archived and ``force`` is False.
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
        written = write_chart_files(staging, dict(specs), dict(chart_data))
        for name, svg in sorted(svgs.items()):
            (staging / f"{name}.svg").write_text(svg, encoding="utf-8")
        (staging / METRICS_FILE).write_text(metrics_json(doc), encoding="utf-8")
        downloads = [METRICS_FILE] + sorted(p.name for p in written if p.suffix == ".csv")
        charts = _chart_views(specs, chart_data, svgs)
        page = render_report(doc, charts, sample=doc.sample, downloads=downloads)
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


def generate_report(
    market: Market,
    config: Config,
    week: pd.Timestamp,
    docs_dir: Path,
    *,
    force: bool = False,
    images: bool = True,
    renderer: VegaRenderer | None = None,
) -> Path:
    """Compute, chart and write the report of the week ending ``week`` (see write_report).

    ``images`` draws the static SVGs of the key charts (``SVG_CHARTS``: feed, social image,
    no-JavaScript fallback); without them the page says a chart needs JavaScript. They are drawn
    by ``renderer``, or by a renderer started (and ended) for this report.
    """
    from generator.charts import VegaRenderer, build_chart, compute_chart_data, static_chart_spec
    from generator.metrics import compute_metrics
    from generator.metrics.common import truncate_market

    if report_exists(docs_dir, week) and not force:
        raise ReportExists(
            f"{report_dir(docs_dir, week) / PAGE_FILE}: report already archived (use --force)"
        )
    cut = truncate_market(market, week)  # one cut, shared by the metrics and the charts
    doc = compute_metrics(cut, config, week)
    data = compute_chart_data(cut, config, week)
    specs = {name: build_chart(name, frame, sample=market.sample) for name, frame in data.items()}
    pictured = [name for name in SVG_CHARTS if name in specs] if images else []
    svgs = {}
    if pictured:
        with contextlib.nullcontext(renderer) if renderer else VegaRenderer() as drawing:
            for name in pictured:
                svgs[name] = drawing.svg(static_chart_spec(name, specs[name], data[name]))
    return write_report(docs_dir, doc, specs, data, svgs, force=force)


def backfill(
    market: Market,
    config: Config,
    weeks: Iterable[pd.Timestamp],
    docs_dir: Path,
    *,
    progress: bool = True,
    images: int = IMAGE_WEEKS,
    jobs: int | None = None,
) -> tuple[list[Path], list[str]]:
    """Write the report of every week not yet archived; returns (pages written, weeks skipped).

    Only the newest ``images`` reports written get static images (drawing them is most of a
    report's cost, and the feed shows the newest ``IMAGE_WEEKS``). The others are written by
    ``jobs`` worker processes (default: one per core, for long backfills).
    """
    weeks = [pd.Timestamp(w) for w in weeks]
    for week in weeks:
        recover_report(docs_dir, week)
    skipped = [w.strftime("%Y-%m-%d") for w in weeks if report_exists(docs_dir, w)]
    todo = [w for w in weeks if not report_exists(docs_dir, w)]
    split = max(len(todo) - max(images, 0), 0)
    plain, pictured = todo[:split], todo[split:]
    workers = default_jobs(len(plain)) if jobs is None else max(1, jobs)
    job = _Job(market, config, Path(docs_dir))
    written: dict[pd.Timestamp, Path] = {}
    with tqdm(total=len(todo), desc="reports", unit="week", disable=not progress) as bar:
        if workers > 1 and plain:
            # The first report draws this year's chart templates; the workers inherit them.
            written[plain[0]] = job.write(plain[0], images=False)
            bar.update()
            plain = plain[1:]
        with _report_pool(workers, job) as pool:
            futures = {pool.submit(_plain_report, w): w for w in plain} if pool else {}
            for future in futures:
                future.add_done_callback(lambda _: bar.update())
            for week in plain if pool is None else []:
                written[week] = job.write(week, images=False)
                bar.update()
            if pictured:  # in this process, while the workers write the rest
                from generator.charts import VegaRenderer

                with VegaRenderer() as renderer:
                    for week in pictured:
                        written[week] = job.write(week, images=True, renderer=renderer)
                        bar.update()
            for future in as_completed(futures):
                written[futures[future]] = future.result()
    return [written[w] for w in todo], skipped


def default_jobs(weeks: int) -> int:
    """Worker processes for a backfill of ``weeks`` plain reports: one per core when there is
    enough work to pay for starting them (and ``fork`` exists to start them cheaply)."""
    if weeks < MIN_WEEKS_PER_JOB * 2 or "fork" not in mp.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, weeks // MIN_WEEKS_PER_JOB))


@dataclass(frozen=True)
class _Job:
    """What every report of one backfill shares."""

    market: Market
    config: Config
    docs_dir: Path

    def write(
        self, week: pd.Timestamp, *, images: bool, renderer: VegaRenderer | None = None
    ) -> Path:
        return generate_report(
            self.market, self.config, week, self.docs_dir, images=images, renderer=renderer
        )


@contextmanager
def _report_pool(workers: int, job: _Job) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes sharing ``market`` by ``fork`` (nothing is pickled but weeks and paths),
    or None for ``workers`` == 1. A failure cancels the weeks not started."""
    if workers <= 1:
        yield None
        return
    pool = ProcessPoolExecutor(
        workers,
        mp_context=mp.get_context("fork"),
        initializer=_start_worker,
        initargs=(job,),
    )
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


# A worker process's backfill job, set once by the pool's initializer (inherited through fork).
_worker_job: _Job | None = None


def _start_worker(job: _Job) -> None:
    """Keep the backfill job; leave Ctrl-C to the parent. The terminal sends SIGINT to every
    process of the group: a worker would print its traceback, while the parent cancels the
    weeks not started, lets running ones finish and prints one line."""
    global _worker_job
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_job = job


def _plain_report(week: pd.Timestamp) -> Path:
    assert _worker_job is not None, "not in a backfill worker"
    return _worker_job.write(week, images=False)


def write_home(docs_dir: Path) -> Path | None:
    """Rewrite the home page from the latest archived report; None when the archive is empty."""
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
    )
    home = Path(docs_dir) / HOME_FILE
    if not home.exists() or home.read_text(encoding="utf-8") != page:
        atomic_write_text(home, page)
    return home
