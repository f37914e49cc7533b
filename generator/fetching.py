"""Fetch every source into a store under the freshness policy (``generator.freshness``).

Each source is fetched and ingested on its own (validated, then written all or nothing), in the
order of ``FETCHERS``. Yahoo's prices are required: when they fail, the error stops the run
before any other source is asked. Any other source that fails is reported (``SourceOutcome
.error``) and keeps its last stored data; the caller prints one warning line for it. The
dispatch is one table: a source is a function of the ``FetchJob`` returning its series and
warnings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from generator.calendar import SessionTable
from generator.config import Config
from generator.errors import GeneratorError, UsageError
from generator.ingest import IngestReport, ingest
from generator.model import Series
from generator.sources.http import Http

REQUIRED = "yahoo"


@dataclass(frozen=True)
class FetchJob:
    """What any source may need to fetch into ``store``."""

    store: Path
    config: Config
    now: pd.Timestamp
    http: Http = field(default_factory=Http)
    cache_dir: Path = Path(".cache")
    progress: bool = False
    calendar: SessionTable | None = None
    symbols: list[str] | None = None  # Yahoo: only these symbols


@dataclass(frozen=True)
class Fetched:
    """A source's new series and the warnings it raised while fetching them."""

    series: list[Series]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceOutcome:
    """One source's fetch: what was written, or why it failed (its stored data then kept)."""

    name: str
    report: IngestReport | None = None
    warnings: tuple[str, ...] = ()
    error: str | None = None
    skipped: str | None = None  # why it was not fetched (switched off in the config)


def _yahoo(job: FetchJob) -> Fetched:
    from generator.sources.yahoo import fetch_updates

    series = fetch_updates(
        job.store,
        job.config,
        symbols=job.symbols,
        cache_dir=job.cache_dir,
        progress=job.progress,
        calendar=job.calendar,
    )
    return Fetched(series)


def _french(job: FetchJob) -> Fetched:
    from generator.sources.french_live import fetch_french

    return Fetched(fetch_french(job.config.sources.french, job.http, progress=job.progress))


def _fred(job: FetchJob) -> Fetched:
    from generator.sources.fred_live import fetch_fred

    fetched = fetch_fred(job.config.sources.fred, job.http, now=job.now, progress=job.progress)
    return Fetched(list(fetched.series), fetched.warnings)


def _fundamentals(job: FetchJob) -> Fetched:
    from generator.sources.fundamentals import fetch_fundamentals

    series = fetch_fundamentals(
        job.store, job.config, now=job.now, progress=job.progress, calendar=job.calendar
    )
    return Fetched(series)


# Every source, in fetch order: name -> fetcher. The required one comes first.
FETCHERS: Mapping[str, Callable[[FetchJob], Fetched]] = MappingProxyType(
    {
        "yahoo": _yahoo,
        "french": _french,
        "fred": _fred,
        "fundamentals": _fundamentals,
    }
)


def source_names(requested: str | None) -> list[str]:
    """The sources a ``fetch`` runs: ``requested`` alone, or all; UsageError for an unknown
    name, listing the known ones."""
    if requested is None:
        return list(FETCHERS)
    if requested not in FETCHERS:
        raise UsageError(
            f"--source {requested}: unknown source (choose from {', '.join(FETCHERS)})"
        )
    return [requested]


Fetchers = Mapping[str, Callable[[FetchJob], Fetched]]


def fetch_sources(
    job: FetchJob, names: Iterable[str], fetchers: Fetchers | None = None
) -> list[SourceOutcome]:
    """Fetch and ingest each named source in turn (see the module docstring); ``fetchers``
    replaces the table (tests)."""
    return [fetch_source(job, name, fetchers) for name in names]


def fetch_source(job: FetchJob, name: str, fetchers: Fetchers | None = None) -> SourceOutcome:
    """One source fetched and ingested; a failure of any source but Yahoo is returned, not
    raised."""
    if name == "fundamentals" and not job.config.sources.fundamentals.enabled:
        return SourceOutcome(name, skipped="switched off ([sources.fundamentals] enabled = false)")
    try:
        fetched = (FETCHERS if fetchers is None else fetchers)[name](job)
        report = ingest(
            job.store,
            fetched.series,
            job.config,
            now=job.now,
            # Research files hold what exists: long gaps are kept (and shown by status).
            allow_gaps=name != REQUIRED,
            calendar=job.calendar,
        )
    except GeneratorError as exc:
        if name == REQUIRED:
            raise
        return SourceOutcome(name, error=_named(name, str(exc)))
    return SourceOutcome(name, report, fetched.warnings)


def _named(name: str, message: str) -> str:
    """The message, starting with the source's name."""
    return message if message.startswith(f"{name}:") else f"{name}: {message}"


def summary_line(outcome: SourceOutcome) -> str:
    """One line per source: what was written, or that it failed / was skipped."""
    if outcome.skipped is not None:
        return f"{outcome.name}: skipped, {outcome.skipped}"
    if outcome.report is None:
        return f"{outcome.name}: failed, stored data kept"
    report = outcome.report
    files = [p for p in report.changed if p.name != "manifest.json"]
    added = sum(report.new_rows.values())
    return (
        f"{outcome.name}: {len(files)} series written, {added} new rows, "
        f"{len(report.repairs)} repairs"
    )
