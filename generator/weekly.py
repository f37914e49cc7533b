"""The weekly job: fetch, validate, report the latest complete week, refresh home and feeds, build.

All or nothing: the job works on staged copies of the store and the archive (under the cache
folder) and builds the site there. Only when every step has succeeded are the changes published
(``generator.publish``: through a journal, so a kill midway is finished by the next run of any
command); on any failure the store, the archive and the built site are exactly as before. A
second run in the same week finds nothing to change and says so, unless the site is older than
the archive (a report written by hand, a kill before the site was in place): then it rebuilds it.
"""

from __future__ import annotations

import filecmp
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from generator.atomic import create_temp_dir
from generator.calendar import SessionTable
from generator.config import Config
from generator.errors import DataError
from generator.ingest import ingest
from generator.model import Series
from generator.publish import (
    Layout,
    Move,
    publish,
    recover,
    site_is_current,
    stage_file,
    stage_folder,
)
from generator.runcontext import RunContext
from generator.sources.http import Http
from generator.store import MANIFEST, check_store, load_market, read_manifest
from generator.weeks import closed_report_week

__all__ = [
    "Layout",
    "Source",
    "WeeklyResult",
    "csv_source",
    "live_extras",
    "live_source",
    "run_weekly",
    "sample_source",
]

log = logging.getLogger(__name__)

# A source takes the staged store folder and returns the series to ingest.
Source = Callable[[Path], list[Series]]
# The optional sources (freshness policy): fetched into the staged store after the required
# data, each on its own; a failure is a warning line, never the job's failure. Returns the
# warning lines.
Extras = Callable[[Path], list[str]]


def sample_source(
    config: Config, end: pd.Timestamp, calendar: SessionTable | None = None
) -> Source:
    """The synthetic sample market through ``end`` (``calendar``: the run's session table)."""
    from generator.sources.sample import sample_market

    return lambda _store: sample_market(config, end, calendar=calendar)


def csv_source(folder: Path, say: Callable[[str], None]) -> Source:
    """The series in the CSV files under ``folder``; ``say`` is told which files are skipped."""
    from generator.sources.csvfiles import discover_files, parse_files

    return lambda _store: parse_files(discover_files(folder), say)


def live_source(
    config: Config, cache_dir: Path, *, progress: bool, calendar: SessionTable | None = None
) -> Source:
    """New rows from Yahoo Finance for the staged store (``calendar``: the run's session
    table)."""
    from generator.sources.yahoo import fetch_updates

    return lambda store: fetch_updates(
        store, config, cache_dir=cache_dir, progress=progress, calendar=calendar
    )


def live_extras(
    config: Config,
    http: Http,
    cache_dir: Path,
    *,
    now: pd.Timestamp,
    progress: bool,
    calendar: SessionTable | None = None,
) -> Extras:
    """Every source but Yahoo (Ken French, FRED, fundamentals) for the staged store, under the
    freshness policy (``generator.fetching``): one warning line per source that failed or is
    stale, its stored data kept."""
    from generator.fetching import FETCHERS, REQUIRED, FetchJob, fetch_sources
    from generator.freshness import source_freshness, warning_line

    def fetch(store: Path) -> list[str]:
        job = FetchJob(store, config, now, http, cache_dir, progress, calendar)
        names = [name for name in FETCHERS if name != REQUIRED]
        outcomes = [o for o in fetch_sources(job, names) if o.skipped is None]
        lines = [w for o in outcomes for w in o.warnings]
        market = load_market(store, verify=False)
        fresh = source_freshness(market, config, now, [o.name for o in outcomes])
        lines += [warning_line(f, o.error) for o, f in zip(outcomes, fresh, strict=True)]
        return [line for line in lines if line]

    return fetch


@dataclass(frozen=True)
class WeeklyResult:
    week: pd.Timestamp
    report_written: bool
    changed: tuple[str, ...]  # project-relative paths that changed
    site_built: bool
    warnings: tuple[str, ...] = ()  # optional sources that failed or are stale


def run_weekly(
    layout: Layout,
    config: Config,
    source: Source,
    *,
    now: pd.Timestamp,
    requested: str | None = None,
    site_url: str | None = None,
    allow_gaps: bool = False,
    run: RunContext | None = None,
    extras: Extras | None = None,
) -> WeeklyResult:
    """Run the weekly job once (see the module docstring); ``run``: the run's calendar, caches
    and renderer (None: a context keeping nothing)."""
    from generator.pipeline import update_archive

    run = RunContext() if run is None else run
    _check_store_kind(layout)
    recover(layout)
    check_store(layout.store)  # before staging: the message names the user's store
    layout.cache.mkdir(parents=True, exist_ok=True)
    work = create_temp_dir(layout.cache / "weekly")
    try:
        store, docs, site = _stage(layout, work)
        series = source(store)
        ingest(
            store,
            series,
            config,
            now=now,
            sample=layout.sample,
            allow_gaps=allow_gaps,
            calendar=run.calendar,
        )
        warnings = tuple(extras(store)) if extras is not None else ()
        market = load_market(store)
        _check_archive_kind(layout, market.sample)
        week = closed_report_week(market, config, requested, now, run.calendar)
        written = update_archive(market, config, week, docs, run)
        changes = _changed_files(store, layout.store) + _changed_files(docs, layout.docs)
        if not changes and site_is_current(layout):
            return WeeklyResult(week, False, (), False, warnings)
        _build(layout, docs, site, work, site_url, run)
        publish(layout, _moves(layout, docs, site, changes), stamp_site=True)
        moved = [_relative(dest, layout.project) for _, dest in _in_order(changes, layout)]
        return WeeklyResult(week, written, tuple(moved), True, warnings)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _stage(layout: Layout, work: Path) -> tuple[Path, Path, Path]:
    store, docs = work / "store", work / "docs"
    if layout.store.exists():
        shutil.copytree(layout.store, store)
    else:
        store.mkdir()
    if layout.docs.exists():
        shutil.copytree(layout.docs, docs)
    else:
        docs.mkdir()
    return store, docs, work / "site"


def _check_store_kind(layout: Layout) -> None:
    """Refuse before staging, so the message names the store the user gave."""
    manifest = read_manifest(layout.store)
    if manifest["series"] and manifest.get("sample") is not None:
        if bool(manifest["sample"]) != layout.sample:
            kind = "sample" if manifest["sample"] else "real"
            raise DataError(
                f"{layout.store}: store holds {kind} data; sample and real data never mix"
            )


def _check_archive_kind(layout: Layout, sample: bool) -> None:
    if sample and layout.docs.resolve() == layout.real_docs.resolve():
        raise DataError(f"{layout.docs}: refusing to write sample data into the real archive")
    if not sample and layout.sample:
        raise DataError(f"{layout.store}: the sample project only holds sample data")


def _build(
    layout: Layout, docs: Path, site: Path, work: Path, site_url: str | None, run: RunContext
) -> None:
    from generator.site import build_site

    # The staged build folder is thrown away; its Markdown cache is kept (content-keyed).
    build_site(
        layout.project,
        site,
        content_dir=docs,
        build_dir=work / "build",
        site_url=site_url,
        markdown_cache=layout.cache / "site-markdown",
        js_alongside=False,  # the job's peak memory: vl-convert ends before MkDocs starts
        run=run,
    )


def _changed_files(staged: Path, target: Path) -> list[tuple[Path, Path]]:
    """(staged file, target file) for every file that is new or different in the staged copy."""
    pairs = []
    for path in sorted(p for p in staged.rglob("*") if p.is_file()):
        dest = target / path.relative_to(staged)
        if not dest.exists() or not filecmp.cmp(path, dest, shallow=False):
            pairs.append((path, dest))
    return pairs


def _moves(layout: Layout, docs: Path, site: Path, changes: list[tuple[Path, Path]]) -> list[Move]:
    """The publishing moves, each source complete beside its target: every new or changed
    report as one folder, then the other pages, then the store with its manifest last (a store
    that lists a series is never older than the series), then the site."""
    posts = docs / "blog" / "posts"
    reports = sorted({_report_folder(src, posts) for src, _ in changes} - {None})
    moves = [stage_folder(folder, layout.docs / folder.relative_to(docs)) for folder in reports]
    singles = [(src, dest) for src, dest in changes if _report_folder(src, posts) is None]
    moves += [stage_file(dest, src.read_bytes()) for src, dest in _in_order(singles, layout)]
    moves.append(stage_folder(site, layout.site))
    return moves


def _in_order(changes: list[tuple[Path, Path]], layout: Layout) -> list[tuple[Path, Path]]:
    """Archive first, then the store, its manifest last."""

    def key(pair: tuple[Path, Path]) -> tuple[bool, bool, str]:
        dest = pair[1]
        return (_in_store(dest, layout), dest.name == MANIFEST, str(dest))

    return sorted(changes, key=key)


def _report_folder(path: Path, posts: Path) -> Path | None:
    """The report folder (``posts/YYYY/MM/DD``) holding ``path``, or None."""
    if not path.is_relative_to(posts):
        return None
    parts = path.relative_to(posts).parts
    return posts.joinpath(*parts[:3]) if len(parts) > 3 else None


def _in_store(path: Path, layout: Layout) -> bool:
    return path.resolve().is_relative_to(layout.store.resolve())


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
