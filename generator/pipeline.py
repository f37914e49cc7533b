"""The pipeline, top to bottom: store -> metrics -> charts -> pages -> archive -> site.

Each step is a function returning what the next one takes; the commands run the same steps
(their modules only parse arguments, and ``cli`` maps errors to exit codes):

- ``report``: ``load_project_market`` -> ``resolve_market_week`` -> ``generate_report`` ->
  ``write_home``;
- ``backfill``: ``load_project_market`` -> ``backfill_weeks`` -> ``backfill`` (``generate_report``
  for each week, most of them in worker processes) -> ``write_home``;
- ``weekly`` (``generator.weekly``, on staged copies it publishes all or nothing): ``ingest`` ->
  ``load_market`` -> ``closed_report_week`` -> ``update_archive`` (``generate_report`` unless the
  week is archived, ``write_home``) -> ``build_site``;
- ``site``: ``build_project_site``;
- ``fetch`` and ``import`` (the store alone): ``fetch_sample``, ``import_files``, and for a live
  fetch ``generator.fetching.fetch_source`` for each source (Yahoo, then the research sources,
  under the freshness policy).

One week's report (``generate_report``): the market cut at the week -> its metrics document ->
its chart data -> chart specs -> static images -> the report folder. An error while writing a
week names the week (``week YYYY-MM-DD: ...``), in this process or in a backfill's workers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from tqdm import tqdm

from generator.archive import PAGE_FILE, ReportExists, recover_report, report_dir, report_exists
from generator.calendar import SessionTable
from generator.config import Config
from generator.errors import DataError, GeneratorError, ReportError, UsageError, os_error_line
from generator.home import write_home
from generator.ingest import IngestReport, ingest
from generator.model import Market
from generator.pages.context import SVG_CHARTS
from generator.pool import chunks, default_jobs, plain_reports, report_pool
from generator.publish import Layout, write_site_stamp
from generator.report_folder import write_report
from generator.runcontext import RunContext
from generator.store import load_market
from generator.weeks import backfill_weeks, resolve_market_week

if TYPE_CHECKING:
    from generator.charts.assets import Renderer
    from generator.metrics.schema import Document
    from generator.site import SiteBuild

# The reports with static images in a backfill: the newest ones, as many as the feed lists
# (mkdocs.yml, rss ``length``).
IMAGE_WEEKS = 20


# --- What the commands run ---------------------------------------------------------------------


def report(
    layout: Layout,
    config: Config,
    requested: str | None,
    *,
    force: bool,
    images: bool,
    run: RunContext | None = None,
    renderer: Renderer | None = None,
) -> Path:
    """The ``report`` command: one week's report (``requested``, else the latest complete week)
    and the home page; returns the report's page (``run``: the run's calendar, caches and
    renderer; None: a context keeping nothing; ``renderer``: one already started, else the run
    starts one)."""
    run = RunContext() if run is None else run
    # The renderer starts first: its JavaScript engine warms up (~0.6 s) while the market loads
    # and the metrics are computed, instead of after them.
    with _drawing(images, renderer, run) as renderer:
        market = load_project_market(layout)
        week = resolve_market_week(market, config, requested, calendar=run.calendar)
        page = generate_report(
            market,
            config,
            week,
            layout.docs,
            force=force,
            images=images,
            renderer=renderer,
            run=run,
        )
    write_home(layout.docs, run)
    return page


def backfill_range(
    layout: Layout,
    config: Config,
    *,
    since: str | None,
    until: str | None,
    last: int | None,
    images: int,
    jobs: int | None,
    progress: bool,
    run: RunContext | None = None,
) -> tuple[list[Path], list[str]]:
    """The ``backfill`` command: every missing report of a range, then the home page; returns
    (pages written, weeks skipped)."""
    run = RunContext() if run is None else run
    market = load_project_market(layout)
    weeks = backfill_weeks(
        market, config, since=since, until=until, last=last, calendar=run.calendar
    )
    written, skipped = backfill(
        market, config, weeks, layout.docs, progress=progress, images=images, jobs=jobs, run=run
    )
    write_home(layout.docs, run)
    return written, skipped


def update_archive(
    market: Market,
    config: Config,
    week: pd.Timestamp,
    docs_dir: Path,
    run: RunContext | None = None,
) -> bool:
    """The weekly job's archive step: the week's report unless already archived, then the home
    page; True when the report was written."""
    written = False
    if not report_exists(docs_dir, week):
        generate_report(market, config, week, docs_dir, run=run)
        written = True
    write_home(docs_dir, run)
    return written


def build_project_site(
    layout: Layout, site_url: str | None, run: RunContext | None = None
) -> SiteBuild:
    """The ``site`` command: the project's site, stamped with what it was built from (the
    weekly job rebuilds a site older than the archive)."""
    from generator.site import build_site

    content = layout.docs if layout.sample else None
    built = build_site(
        layout.project,
        layout.site,
        content_dir=content,
        build_dir=layout.build,
        site_url=site_url,
        run=run,
    )
    write_site_stamp(layout)
    return built


# --- The store ---------------------------------------------------------------------------------


def fetch_sample(
    store: Path,
    config: Config,
    end: str,
    symbols: list[str] | None = None,
    calendar: SessionTable | None = None,
) -> IngestReport:
    """The ``fetch --sample`` command: the synthetic sample market through ``end`` (only
    ``symbols``, when given) into ``store`` (``calendar``: the run's session table)."""
    from generator.sources.sample import sample_market

    series = sample_market(config, end, calendar=calendar)
    if symbols:
        series = [s for s in series if s.symbol in set(symbols)]
    return ingest(
        store,
        series,
        config,
        now=None,
        sample=True,
        fetched_at=f"{end}T00:00:00Z",
        calendar=calendar,
    )


def import_files(
    store: Path,
    config: Config,
    files: Iterable[Path],
    *,
    say: Callable[[str], None],
    now: pd.Timestamp,
    replace: bool,
    calendar: SessionTable | None = None,
) -> IngestReport:
    """The ``import`` command: every series in ``files`` into ``store``; a file that is not
    market data is skipped, and ``say`` is told (``calendar``: the run's session table)."""
    from generator.sources.csvfiles import parse_files

    series = parse_files(files, say)
    if not series:
        raise DataError("nothing to import: no supported file found")
    # Historical files hold what exists: long gaps are kept (and shown by status), not rejected.
    return ingest(
        store,
        series,
        config,
        now=now,
        sample=False,
        allow_gaps=True,
        replace=replace,
        calendar=calendar,
    )


def load_project_market(layout: Layout) -> Market:
    """The project's store; refused when there is none, or when it holds sample data and the
    reports would go to the real archive."""
    if not (layout.store / "manifest.json").exists():
        hint = "generator fetch --sample" if layout.sample else "generator fetch"
        raise DataError(f"{layout.store}: no store here (run `{hint}` first)")
    market = load_market(layout.store)
    if market.sample and layout.docs.resolve() == layout.real_docs.resolve():
        raise DataError(
            f"{layout.store} holds sample data: use --sample so reports go to sample/docs, "
            "never into the real archive"
        )
    return market


# --- One week: metrics -> charts -> pages -> archive -------------------------------------------


def generate_report(
    market: Market,
    config: Config,
    week: pd.Timestamp,
    docs_dir: Path,
    *,
    force: bool = False,
    images: bool = True,
    renderer: Renderer | None = None,
    run: RunContext | None = None,
) -> Path:
    """Compute, chart and write the report of the week ending ``week`` (see write_report).

    ``images`` draws the static SVGs of the key charts (``SVG_CHARTS``: feed, social image,
    no-JavaScript fallback); without them the page says a chart needs JavaScript. They are drawn
    by ``renderer``, or by one the run starts (and ends) for this report. ``run``: the calendar,
    caches and renderer of the run (None: a context of this call's own, keeping nothing).
    """
    from generator.charts import compute_chart_data
    from generator.charts.scorecard import document_charts
    from generator.metrics import compute_metrics
    from generator.metrics.common import truncate_market

    run = RunContext() if run is None else run
    if report_exists(docs_dir, week) and not force:
        raise ReportExists(
            f"{report_dir(docs_dir, week) / PAGE_FILE}: report already archived (use --force)"
        )
    with naming_the_week(week, report_dir(docs_dir, week)):
        cut = truncate_market(market, week, run.calendar)  # shared by the metrics and the charts
        doc = compute_metrics(cut, config, week)
        data = {**compute_chart_data(cut, config, week), **document_charts(doc)}
        specs = build_specs(data, sample=market.sample, run=run)
        with _drawing(images, renderer, run) as drawing:
            svgs = draw_images(specs, data, images=images, renderer=drawing, run=run)
            social = draw_social(doc, svgs, drawing, run)
        return write_report(
            docs_dir, doc, specs, data, svgs, force=force, run=run, social_png=social
        )


def build_specs(
    data: Mapping[str, pd.DataFrame], *, sample: bool, run: RunContext | None = None
) -> dict[str, dict[str, Any]]:
    """The Vega-Lite spec of every chart, by name (``run``: its chart templates and data-file
    texts)."""
    from generator.charts import build_chart

    return {name: build_chart(name, frame, sample=sample, run=run) for name, frame in data.items()}


def draw_images(
    specs: Mapping[str, dict[str, Any]],
    data: Mapping[str, pd.DataFrame],
    *,
    images: bool,
    renderer: Renderer | None,
    run: RunContext,
) -> dict[str, str]:
    """The static SVGs of the key charts (none without ``images``), drawn by ``renderer`` or by
    one the run starts for them; a chart vl-convert cannot draw is a RenderError naming it."""
    from generator.charts import static_chart_spec
    from generator.charts.assets import draw_svg

    pictured = [name for name in SVG_CHARTS if name in specs] if images else []
    svgs = {}
    if pictured:
        with contextlib.nullcontext(renderer) if renderer else run.start_renderer() as drawing:
            for name in pictured:
                spec = static_chart_spec(name, specs[name], data[name], run.data_texts)
                svgs[name] = draw_svg(drawing, name, spec)
    return svgs


def _drawing(
    images: bool, renderer: Renderer | None, run: RunContext
) -> contextlib.AbstractContextManager[Renderer | None]:
    """The renderer that draws a report's images: ``renderer``, one the run starts, or None
    without ``images`` (nothing is started)."""
    if not images or renderer is not None:
        return contextlib.nullcontext(renderer)
    return run.start_renderer()


def draw_social(
    doc: Document, svgs: Mapping[str, str], renderer: Renderer | None, run: RunContext
) -> bytes | None:
    """The social and feed image (``charts.social``): the headline chart's drawn SVG under the
    report's title, as a PNG; None without a renderer or without that chart's SVG."""
    from generator.charts.social import SOCIAL_CHART, draw_social_image
    from generator.pages.render import report_title

    if renderer is None or SOCIAL_CHART not in svgs:
        return None
    return draw_social_image(renderer, svgs[SOCIAL_CHART], report_title(doc, run.pages))


@contextlib.contextmanager
def naming_the_week(week: pd.Timestamp, folder: Path) -> Iterator[None]:
    """Errors while writing the week's report name it: a project error or an operating-system
    one (naming its file, else the report folder) becomes one ``week YYYY-MM-DD: ...`` line; any
    other exception (a bug) keeps its traceback, with a note naming the week. A ReportError
    pickles, so a backfill's worker hands it to the parent whole."""
    label = f"week {pd.Timestamp(week):%Y-%m-%d}"
    try:
        yield
    except (UsageError, ReportError):
        raise
    except GeneratorError as exc:
        raise ReportError(f"{label}: {exc}") from exc
    except OSError as exc:
        line = os_error_line(exc, folder)
        raise ReportError(f"{label}: {line} (while writing the report)") from exc
    except Exception as exc:
        exc.add_note(f"while writing the report of {label}")
        raise


# --- Many weeks --------------------------------------------------------------------------------


def backfill(
    market: Market,
    config: Config,
    weeks: Iterable[pd.Timestamp],
    docs_dir: Path,
    *,
    progress: bool = True,
    images: int = IMAGE_WEEKS,
    jobs: int | None = None,
    run: RunContext | None = None,
) -> tuple[list[Path], list[str]]:
    """Write the report of every week not yet archived; returns (pages written, weeks skipped).

    Only the newest ``images`` reports written get static images (drawing them is most of a
    report's cost, and the feed shows the newest ``IMAGE_WEEKS``). The others are written by
    ``jobs`` worker processes (default: one per core, for long backfills), each with a context
    of its own made from ``run``'s cache folder and renderer.
    """
    run = RunContext() if run is None else run
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
            # The first report draws this year's chart templates (kept in the cache folder, and
            # in this process's memory, which the workers inherit by fork).
            written[plain[0]] = job.write(plain[0], run, images=False)
            bar.update()
            plain = plain[1:]
        with report_pool(workers) as pool:
            futures = {}
            for chunk in chunks(plain, workers) if pool else []:
                future = pool.submit(plain_reports, job, run.worker_context(), chunk)
                weeks_done = len(chunk)
                future.add_done_callback(lambda _, n=weeks_done: bar.update(n))
                futures[future] = chunk
            for week in plain if pool is None else []:
                written[week] = job.write(week, run, images=False)
                bar.update()
            if pictured:  # in this process, while the workers write the rest
                with run.start_renderer() as renderer:
                    for week in pictured:
                        written[week] = job.write(week, run, images=True, renderer=renderer)
                        bar.update()
            for future in as_completed(futures):
                written.update(zip(futures[future], future.result(), strict=True))
    return [written[w] for w in todo], skipped


@dataclass(frozen=True)
class _Job:
    """What every report of one backfill shares."""

    market: Market
    config: Config
    docs_dir: Path

    def write(
        self,
        week: pd.Timestamp,
        run: RunContext,
        *,
        images: bool,
        renderer: Renderer | None = None,
    ) -> Path:
        return generate_report(
            self.market,
            self.config,
            week,
            self.docs_dir,
            images=images,
            renderer=renderer,
            run=run,
        )
