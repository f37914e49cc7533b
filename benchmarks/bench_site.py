"""Benchmark: build sites of N sample reports; prints build time, site size, bytes per report, memory.

Generating a report runs the whole pipeline (metrics, Altair specs, SVGs through vl-convert) and
takes about 2 s, so 1,000 real reports would take over half an hour before the build is even
measured. Instead the benchmark generates a few real reports once (``--seeds``, default 20
consecutive weeks of the sample market, through ``archive.backfill``) and clones them round-robin
to N consecutive weeks: each clone is a seed's folder with its dates rewritten (front matter
``date``, title, social image path and every mention of the seed week in the page and in
``metrics.json``) so the blog sees N distinct posts spread over years, months and categories.
Pages, sidecar files and sizes are those of real reports; only the numbers repeat.

What is timed is ``generator.site.build_site`` as the weekly job runs it: assembling the docs
folder, writing the chart JavaScript and ``mkdocs build --strict`` in a subprocess. Each size is
built twice: cold (empty render cache, as on a fresh checkout) and then as the weekly job
rebuilds it, with one more report and the HTML of the others in the render cache
(overrides/hooks/render_cache.py). Peak memory is ``ru_maxrss`` of the largest child process
waited for so far (the MkDocs build).

    .venv/bin/python benchmarks/bench_site.py --reports 100 1000
    .venv/bin/python benchmarks/bench_site.py --reports 1000 --keep /tmp/bench   # keep the folders
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import tempfile
import time
from pathlib import Path

from generator import archive, calendar
from generator.config import load_config
from generator.model import Market
from generator.pages.filters import long_date
from generator.site import build_site
from generator.sources.sample import sample_market

ROOT = Path(__file__).resolve().parents[1]
END = "2026-11-20"
NEXT = "2026-11-27"  # the week after END: the weekly rebuild adds its report
REWRITTEN = ("index.md", "metrics.json")  # the files that name their week; the rest is linked


def generate_seeds(seed_dir: Path, count: int) -> list[str]:
    """Write ``count`` real reports (the latest weeks to END) unless present; their ISO weeks."""
    config = load_config(ROOT / "smallcap.toml")
    weeks = calendar.week_ends("2020-01-01", END)[-count:]
    if len(archive.archived_weeks(seed_dir)) < count:
        market = Market(series={s.symbol: s for s in sample_market(config, END)}, sample=True)
        start = time.perf_counter()
        archive.backfill(market, config, weeks, seed_dir, progress=True)
        print(f"{count} seed reports generated in {time.perf_counter() - start:.1f} s")
    return [w.strftime("%Y-%m-%d") for w in weeks]


def date_patterns(week: str) -> list[str]:
    """The ways a report spells its week: ISO date, long date and URL path."""
    return [week, str(long_date(week)), week.replace("-", "/")]


def clone_report(seed_dir: Path, seed: str, content: Path, week: str) -> None:
    """Copy the seed week's report folder to ``week``, rewriting the dates in its text files."""
    source, target = archive.report_dir(seed_dir, seed), archive.report_dir(content, week)
    target.mkdir(parents=True)
    swaps = dict(zip(date_patterns(seed), date_patterns(week), strict=True))
    pattern = re.compile("|".join(re.escape(k) for k in swaps))
    for path in source.iterdir():
        if path.name in REWRITTEN:
            text = pattern.sub(lambda m: swaps[m.group(0)], path.read_text(encoding="utf-8"))
            (target / path.name).write_text(text, encoding="utf-8")
        else:
            os.link(path, target / path.name)  # the build copies it; no need to duplicate here


def clone_archive(seed_dir: Path, seeds: list[str], content: Path, weeks: list[str]) -> None:
    """Clone the seeds round-robin to ``weeks`` (the newest week gets the newest seed)."""
    for i, week in enumerate(weeks):
        clone_report(seed_dir, seeds[(i - len(weeks)) % len(seeds)], content, week)
    archive.write_home(content)


def timed_build(content: Path, work: Path, label: str, reports: int) -> None:
    """Build the site of ``content`` with the build folder (and render cache) of ``work``."""
    start = time.perf_counter()
    built = build_site(ROOT, work / "site", content_dir=content, build_dir=work / "build")
    elapsed = time.perf_counter() - start
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"{reports:5d} reports, {label}: build {elapsed:6.1f} s, site {built.bytes / 1e6:7.1f} MB "
        f"({built.pages} pages), {built.bytes / reports / 1e3:4.0f} kB per report, "
        f"peak memory of the largest child so far {child_mb:.0f} MB"
    )


def bench(count: int, seed_dir: Path, seeds: list[str], work: Path) -> None:
    """A cold build of ``count`` reports, then the weekly rebuild after one more report."""
    work = work / f"site-{count}"
    shutil.rmtree(work, ignore_errors=True)
    weeks = [w.strftime("%Y-%m-%d") for w in calendar.week_ends("1980-01-01", NEXT)]
    clone_archive(seed_dir, seeds, work / "content", weeks[-count - 1 : -1])
    timed_build(work / "content", work, "cold (empty render cache)", count)
    clone_report(seed_dir, seeds[-1], work / "content", weeks[-1])
    archive.write_home(work / "content")
    timed_build(work / "content", work, f"weekly rebuild ({count} cached)", count + 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--seeds", type=int, default=20, help="real reports to clone from")
    parser.add_argument("--keep", type=Path, help="work folder to keep (seeds are reused)")
    args = parser.parse_args()
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
