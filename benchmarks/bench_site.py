"""Benchmark: build sites of N sample reports; prints build time, CPU time, site size, peak memory.

Generating a report runs the whole pipeline (metrics, Altair specs, SVGs through vl-convert) and
takes about 1 s, so 1,000 real reports would take a quarter of an hour before the build is even
measured. Instead the benchmark generates a few real reports once (``--seeds``, default 20
consecutive weeks of the sample market, through ``pipeline.backfill``) and clones them round-robin
to N consecutive weeks (tests/clonedreports.py): the blog sees N distinct posts spread over
years, months and categories, with the pages, sidecar files and sizes of real reports.

What is timed is ``generator.site.build_site`` as the weekly job runs it: assembling the docs
folder, writing the chart JavaScript and ``mkdocs build --strict`` in a subprocess. Each size is
built three times: cold (empty render cache, as on a fresh checkout), then as the weekly job
rebuilds it with one more report (same year: the other reports come from the cache), then
with the first report of the next year (a new archive year changes the navigation of every
page, so every page is rendered again; the Markdown still comes from the cache). Each build runs
in a fresh Python process; its peak memory is ``ru_maxrss`` of the largest process of that build
(the MkDocs process), its CPU time that of the whole build (with the helper process converting
reports on a cold build).

    .venv/bin/python benchmarks/bench_site.py --reports 100 1000
    .venv/bin/python benchmarks/bench_site.py --reports 1000 --keep /tmp/bench   # keep the folders
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the clones are made as the site tests make them

from generator import archive, calendar, home, pipeline  # noqa: E402
from generator.config import load_config  # noqa: E402
from generator.model import Market  # noqa: E402
from generator.runcontext import RunContext  # noqa: E402
from generator.site import build_site  # noqa: E402
from generator.sources.sample import sample_market  # noqa: E402
from tests.clonedreports import clone_archive, clone_report  # noqa: E402

END = "2026-11-20"
WEEKLY = ("2026-11-27", "2027-01-08")  # the weekly rebuilds add these: same year, next year


def generate_seeds(seed_dir: Path, count: int) -> list[str]:
    """Write ``count`` real reports (the latest weeks to END) unless present; their ISO weeks."""
    config = load_config(ROOT / "smallcap.toml")
    weeks = calendar.week_ends("2020-01-01", END)[-count:]
    if len(archive.archived_weeks(seed_dir)) < count:
        market = Market(series={s.symbol: s for s in sample_market(config, END)}, sample=True)
        start = time.perf_counter()
        pipeline.backfill(market, config, weeks, seed_dir, progress=True)
        print(f"{count} seed reports generated in {time.perf_counter() - start:.1f} s")
    return [w.strftime("%Y-%m-%d") for w in weeks]


def timed_build(content: Path, work: Path, label: str, reports: int) -> None:
    """Build the site of ``content`` with the build folder (and render cache) of ``work``."""
    command = [sys.executable, __file__, "--build-one", str(content), str(work)]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    result = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)  # the usage of this build's processes only
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"build failed ({label}, {reports} reports)")
    built = json.loads(result)
    print(
        f"{reports:5d} reports, {label}: build {built['seconds']:6.1f} s "
        f"(CPU {usage.ru_utime + usage.ru_stime:5.1f} s), site {built['bytes'] / 1e6:6.1f} MB "
        f"({built['pages']} pages), peak memory {built['peak_mb']:4.0f} MB",
        flush=True,
    )


def build_one(content: Path, work: Path) -> None:
    """Build and print the time and size as JSON (run in a fresh process by timed_build)."""
    run = RunContext(work / "cache")
    start = time.perf_counter()
    built = build_site(ROOT, work / "site", content_dir=content, build_dir=work / "build", run=run)
    elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the subprocesses
    print(
        json.dumps(
            {"seconds": elapsed, "bytes": built.bytes, "pages": built.pages, "peak_mb": peak_mb}
        )
    )


def bench(count: int, seed_dir: Path, seeds: list[str], work: Path) -> None:
    """A cold build of ``count`` reports, then the weekly rebuilds adding one report each."""
    work = work / f"site-{count}"
    shutil.rmtree(work, ignore_errors=True)
    weeks = [w.strftime("%Y-%m-%d") for w in calendar.week_ends("1980-01-01", END)]
    clone_archive(seed_dir, seeds, work / "content", weeks[-count:])
    timed_build(work / "content", work, "cold (empty render cache)", count)
    labels = ("weekly rebuild, same year", "weekly rebuild, new year ")
    for added, (week, label) in enumerate(zip(WEEKLY, labels, strict=True), start=1):
        clone_report(seed_dir, seeds[-1], work / "content", week)
        home.write_home(work / "content")
        timed_build(work / "content", work, label, count + added)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--seeds", type=int, default=20, help="real reports to clone from")
    parser.add_argument("--keep", type=Path, help="work folder to keep (seeds are reused)")
    parser.add_argument("--build-one", type=Path, nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_one:
        build_one(*args.build_one)
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-site-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        seeds = generate_seeds(work / "seeds", args.seeds)
        for count in args.reports:
            bench(count, work / "seeds", seeds, work)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
