"""Worker processes for a backfill: forked once, each writes runs of plain reports (no images).

A worker is handed what it writes as task arguments: the backfill's job (market, config,
archive; an object whose ``write(week, run, images=False)`` writes one week:
``generator.pipeline``'s ``_Job``), a fresh run context (cache folder and renderer, no cached
memory) and a run of weeks. Nothing is kept in a module global; the market is pickled once per
run of weeks.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pandas as pd

if TYPE_CHECKING:
    from generator.runcontext import RunContext

# A worker process costs about as much to start as writing this many reports.
MIN_WEEKS_PER_JOB = 8
# Runs of weeks handed out per worker (see ``chunks``).
CHUNKS_PER_WORKER = 4


class _Job(Protocol):
    """What every report of one backfill shares: writes one week's report, returns its page."""

    def write(self, week: pd.Timestamp, run: RunContext, *, images: bool) -> Path: ...


def default_jobs(weeks: int) -> int:
    """Worker processes for a backfill of ``weeks`` plain reports: one per core when there is
    enough work to pay for starting them (and ``fork`` exists to start them cheaply)."""
    if weeks < MIN_WEEKS_PER_JOB * 2 or "fork" not in mp.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, weeks // MIN_WEEKS_PER_JOB))


def chunks(weeks: list[pd.Timestamp], workers: int) -> list[list[pd.Timestamp]]:
    """Runs of consecutive weeks, about four per worker: each run's reports share their
    data-file texts, and a worker that finishes early takes the next run."""
    size = max(1, -(-len(weeks) // (workers * CHUNKS_PER_WORKER)))
    return [weeks[i : i + size] for i in range(0, len(weeks), size)]


@contextmanager
def report_pool(workers: int) -> Iterator[ProcessPoolExecutor | None]:
    """Worker processes started by ``fork`` (cheap, and they inherit the chart templates drawn
    so far), or None for ``workers`` == 1. A failure cancels the weeks not started."""
    if workers <= 1:
        yield None
        return
    pool = ProcessPoolExecutor(
        workers, mp_context=mp.get_context("fork"), initializer=_ignore_interrupts
    )
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _ignore_interrupts() -> None:
    """Leave Ctrl-C to the parent. The terminal sends SIGINT to every process of the group: a
    worker would print its traceback, while the parent cancels the weeks not started, lets
    running ones finish and prints one line."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def plain_reports(job: _Job, run: RunContext, weeks: list[pd.Timestamp]) -> list[Path]:
    """In a worker: the reports of ``weeks``, without images. The job and a fresh context
    (cache folder and renderer: no cached memory) come as arguments, so nothing is kept in a
    module global; the market is pickled once per run of weeks."""
    return [job.write(week, run, images=False) for week in weeks]
