"""Benchmark: build sites of N sample reports; prints build time, CPU time, site size, peak memory.

Generating a report runs the whole pipeline (metrics, Altair specs, SVGs through vl-convert) and
takes about 1 s, so 1,000 real reports would take a quarter of an hour before the build is even
measured. Instead the benchmark generates a few real reports once (``--seeds``, default 20
consecutive weeks of the sample market, through ``pipeline.backfill``) and clones them round-robin
to N consecutive weeks (tests/clonedreports.py): the blog sees N distinct posts spread over
years, months and categories, with the pages, sidecar files and sizes of real reports.

What is timed is ``generator.site.build_site`` as the weekly job runs it: assembling the docs
folder (the reports' tables written as HTML), writing the chart JavaScript and
``mkdocs build --strict`` in a subprocess. Each size is built cold (empty build folder, as on a
fresh checkout), then, in the same run, as a bare Material blog: the same docs and report
Markdown as the generator wrote them, built by ``mkdocs build`` with the Material theme and its
blog plugin only (no search, no feeds, no hooks, no custom theme folder); the ratio of the two
times is the cost of everything the project adds. Then as the weekly job rebuilds it with one
more report (same year), then with the first report of the next year (a new archive year changes
the navigation of every page). Each build runs in a fresh Python process; its peak memory is
``ru_maxrss`` of the largest process of that build (the MkDocs process), its CPU time that of
the whole build.

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

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the clones are made as the site tests make them

from generator import archive, calendar, home, pipeline  # noqa: E402
from generator.config import load_config  # noqa: E402
from generator.model import Market  # noqa: E402
from generator.runcontext import RunContext  # noqa: E402
from generator.site import build_site  # noqa: E402
from generator.site_docs import link_or_copy  # noqa: E402
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


def bare_blog_config() -> dict[str, object]:
    """The project's mkdocs.yml reduced to a bare Material blog: theme, blog plugin and the
    Markdown extensions the reports are written for; nothing else."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    blog = next(p["blog"] for p in config["plugins"] if isinstance(p, dict) and "blog" in p)
    return {
        "site_name": config["site_name"],
        "docs_dir": "docs",
        "site_dir": "site",
        "use_directory_urls": True,
        "theme": {"name": "material"},
        "plugins": [{"blog": blog}],
        "markdown_extensions": config["markdown_extensions"],
        "nav": config["nav"],
    }


def bare_build(content: Path, work: Path, reports: int, ours: tuple[float, float]) -> None:
    """Build ``content`` (over the project's docs) as a bare Material blog; print time, peak
    memory and the ratios of ``ours`` (the project's build: wall and CPU seconds) to it. On a
    shared machine the CPU ratio is the steadier one."""
    bare = work / "bare"
    shutil.rmtree(bare, ignore_errors=True)
    shutil.copytree(ROOT / "docs", bare / "docs", copy_function=link_or_copy)
    shutil.copytree(content, bare / "docs", dirs_exist_ok=True, copy_function=link_or_copy)
    config = bare / "mkdocs.yml"
    config.write_text(yaml.safe_dump(bare_blog_config(), sort_keys=False), encoding="utf-8")
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=bare, env=env, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    cpu = usage.ru_utime + usage.ru_stime
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bare build failed ({reports} reports)")
    print(
        f"{reports:5d} reports, bare Material blog: build {seconds:6.1f} s "
        f"(CPU {cpu:5.1f} s), peak memory {usage.ru_maxrss / 1024:4.0f} MB; "
        f"project build / bare: {ours[0] / seconds:.2f} (wall), {ours[1] / cpu:.2f} (CPU)",
        flush=True,
    )
    shutil.rmtree(bare, ignore_errors=True)


def timed_build(content: Path, work: Path, label: str, reports: int) -> tuple[float, float]:
    """Build the site of ``content`` with the build folder of ``work``; print its figures and
    return its wall and CPU seconds."""
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
    return built["seconds"], usage.ru_utime + usage.ru_stime


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
    ours = timed_build(work / "content", work, "cold (empty build folder)", count)
    bare_build(work / "content", work, count, ours)
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
