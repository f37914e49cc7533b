"""Worker processes for a backfill: forked once, each writes plain reports (no images).

The workers share the backfill's market by ``fork``: nothing is pickled but weeks and paths.
What a report needs (market, config, archive) is the job the pool is started with, an object
whose ``write(week, images=False)`` writes one week (``generator.pipeline``'s ``_Job``).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import pandas as pd

# A worker process costs about as much to start as writing this many reports.
MIN_WEEKS_PER_JOB = 8


class _Job(Protocol):
    """What every report of one backfill shares: writes one week's report, returns its page."""

    def write(self, week: pd.Timestamp, *, images: bool) -> Path: ...


def default_jobs(weeks: int) -> int:
    """Worker processes for a backfill of ``weeks`` plain reports: one per core when there is
    enough work to pay for starting them (and ``fork`` exists to start them cheaply)."""
    if weeks < MIN_WEEKS_PER_JOB * 2 or "fork" not in mp.get_all_start_methods():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, weeks // MIN_WEEKS_PER_JOB))


@contextmanager
def report_pool(workers: int, job: _Job) -> Iterator[ProcessPoolExecutor | None]:
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


def plain_report(week: pd.Timestamp) -> Path:
    assert _worker_job is not None, "not in a backfill worker"
    return _worker_job.write(week, images=False)
