"""Benchmark: the weekly job end to end on a 40-year sample store, each command a whole process.

In a throwaway copy of the project: `fetch --sample` through the week before (the store as it
stands on a Saturday), an archive of earlier reports (`backfill --sample --last K`, setup), then
`weekly --sample --week W` (fetch, validate, report, home page, feeds, strict site build) and
the same command again (nothing to do). Separately, `report --sample --week W --force`: one
week's report (compute, render, specs, SVGs) as a whole process. Each command's wall time and
memory are printed two ways: the peak RSS of the largest process of its tree (os.wait4), and the
peak of the whole tree's summed PSS, sampled from /proc every 50 ms (the weekly job's generator
process and its `mkdocs build` child are alive at the same time, so their sum is what a CI
runner must hold; PSS splits the pages a forked helper shares with its parent between them, where
summed RSS would count them twice). Usage:

    .venv/bin/python benchmarks/bench_weekly.py [--archive 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the throwaway project is the one the weekly tests use

from tests.weeklyproject import make_project  # noqa: E402

WEEK = "2026-11-20"
PREVIOUS_WEEK = "2026-11-13"


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process visible in /proc."""
    out = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue  # the process ended while we looked
            out[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return out


def _pss_kb(pid: int) -> int:
    """The process's proportional set size: its own pages, plus its share of shared ones."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_pss_kb(root: int) -> int:
    """Summed PSS of ``root`` and all its descendants."""
    parents = _parents()
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        children = [c for c, p in parents.items() if p == pid and c not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(_pss_kb(pid) for pid in tree)


def _sample_tree(pid: int, peak: list[int], done: threading.Event) -> None:
    while not done.wait(0.05):
        peak[0] = max(peak[0], tree_pss_kb(pid))


def run_generator(project: Path, *argv: str) -> tuple[float, float, float]:
    """(seconds, peak RSS of the largest process, peak summed RSS of the tree), in MB."""
    command = [sys.executable, "-m", "generator", "--quiet", *argv]
    peak, done = [0], threading.Event()
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, cwd=project, stdout=subprocess.DEVNULL, stderr=err)
        sampler = threading.Thread(target=_sample_tree, args=(child.pid, peak, done))
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        done.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        lines = err.read().decode("utf-8", "replace").strip().splitlines()
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({child.returncode}): {lines[-1:]}")
    return elapsed, usage.ru_maxrss / 1024, peak[0] / 1024


def show(label: str, result: tuple[float, float, float]) -> None:
    seconds, largest, summed = result
    print(
        f"{label:<50} {seconds:7.2f} s  peak RSS: largest process {largest:4.0f} MB, "
        f"whole tree {summed:4.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=int, default=10, help="reports archived beforehand")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the one-report command")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-weekly-") as tmp:
        project = make_project(Path(tmp) / "project")
        show(
            f"fetch --sample --end {PREVIOUS_WEEK} (setup)",
            run_generator(project, "fetch", "--sample", "--end", PREVIOUS_WEEK),
        )
        if args.archive:
            show(
                f"backfill --sample --last {args.archive} (setup)",
                run_generator(project, "backfill", "--sample", "--last", str(args.archive)),
            )
        show(
            f"weekly --sample --week {WEEK}",
            run_generator(project, "weekly", "--sample", "--week", WEEK),
        )
        show(
            f"weekly --sample --week {WEEK} again (no change)",
            run_generator(project, "weekly", "--sample", "--week", WEEK),
        )
        for _ in range(args.repeat):
            show(
                f"report --sample --week {WEEK} --force",
                run_generator(project, "report", "--sample", "--week", WEEK, "--force"),
            )
        reports = len(list((project / "sample" / "docs" / "blog" / "posts").glob("*/*/*/index.md")))
        print(
            f"archive: {reports} reports; store: 40 years of {len(list((project / 'sample' / 'data').glob('*.csv')))} series"
        )


if __name__ == "__main__":
    main()
