"""Benchmark: backfill N weekly reports of the 40-year sample market, whole and piece by piece.

First ``pipeline.backfill`` itself, as ``generator backfill --last N`` runs it: worker processes
(one per core) write the reports, and the newest ``IMAGE_WEEKS`` get static SVGs. Its wall time
per week is the number to compare with the 60 ms target; the peak RSS is the largest process.

Then, in this process alone, a few weeks (``--breakdown K``) run the same steps as
``pipeline.generate_report`` (metrics, chart data, chart specs, SVGs, writing the report folder),
timed separately so the breakdown shows what dominates; a pass over three of them measures the
peak Python heap (tracemalloc slows everything it measures). Usage:

    .venv/bin/python benchmarks/bench_backfill.py --weeks 1000 [--breakdown 20] [--no-svg]
"""

from __future__ import annotations

import argparse
import contextlib
import resource
import tempfile
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

import pandas as pd

from generator import calendar, pipeline, pool, report_folder
from generator.charts import VegaRenderer, build_chart, compute_chart_data, static_chart_spec
from generator.config import load_config
from generator.metrics import compute_metrics
from generator.metrics.common import truncate_market
from generator.model import Market
from generator.pages.context import SVG_CHARTS
from generator.runcontext import RunContext
from generator.sources.sample import sample_market

ROOT = Path(__file__).resolve().parents[1]
END = "2026-11-20"
STEPS = ("metrics", "chart data", "specs", "svgs", "write")
MEMORY_WEEKS = 3


def sample(config) -> Market:  # type: ignore[no-untyped-def]
    return Market(series={s.symbol: s for s in sample_market(config, END)}, sample=True)


def one_week(
    market: Market, config, week: pd.Timestamp, docs: Path, renderer, run: RunContext
) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Write one report as generate_report does; seconds spent in each step."""
    spent: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        spent[step] = now - clock
        clock = now

    cut = truncate_market(market, week, run.calendar)
    doc = compute_metrics(cut, config, week)
    lap("metrics")
    data = compute_chart_data(cut, config, week)
    lap("chart data")
    specs = {n: build_chart(n, frame, sample=market.sample, run=run) for n, frame in data.items()}
    lap("specs")
    svgs = (
        {
            n: renderer.svg(static_chart_spec(n, specs[n], data[n], run.data_texts))
            for n in SVG_CHARTS
            if n in specs
        }
        if renderer is not None
        else {}
    )
    lap("svgs")
    report_folder.write_report(docs, doc, specs, data, svgs, run=run)
    lap("write")
    return spent


def timed_backfill(market: Market, config, weeks, svg: bool, run: RunContext) -> dict[str, float]:  # type: ignore[no-untyped-def]
    totals: dict[str, float] = defaultdict(float)
    with (
        tempfile.TemporaryDirectory(prefix="bench-backfill-") as tmp,
        VegaRenderer() if svg else contextlib.nullcontext() as renderer,
    ):
        for week in weeks:
            for step, seconds in one_week(market, config, week, Path(tmp), renderer, run).items():
                totals[step] += seconds
    return totals


def heap_peak(market: Market, config, weeks, run: RunContext) -> float:  # type: ignore[no-untyped-def]
    """Peak traced Python heap (MB) while backfilling ``weeks`` (images are drawn by another
    process, so they are left out)."""
    with tempfile.TemporaryDirectory(prefix="bench-backfill-mem-") as tmp:
        tracemalloc.start()
        try:
            for week in weeks:
                one_week(market, config, week, Path(tmp), None, run)
            return tracemalloc.get_traced_memory()[1] / 1e6
        finally:
            tracemalloc.stop()


def whole_backfill(market: Market, config, weeks, svg: bool, run: RunContext) -> None:  # type: ignore[no-untyped-def]
    """``pipeline.backfill`` of ``weeks`` into a temp folder, as the command runs it."""
    images = pipeline.IMAGE_WEEKS if svg else 0
    with tempfile.TemporaryDirectory(prefix="bench-backfill-whole-") as tmp:
        start = time.perf_counter()
        written, _ = pipeline.backfill(
            market, config, weeks, Path(tmp), progress=False, images=images, run=run
        )
        elapsed = time.perf_counter() - start
    n = len(written)
    jobs = pool.default_jobs(n - images)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"backfill of {n} weeks ({weeks[0]:%Y-%m-%d} .. {weeks[-1]:%Y-%m-%d}; {jobs} worker "
        f"processes; static images for the newest {min(images, n)}): {elapsed:.1f} s, "
        f"{1000 * elapsed / n:.0f} ms per week; largest worker {children:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=int, default=1000, help="weeks to backfill (default 1000)")
    parser.add_argument(
        "--breakdown", type=int, default=20, help="weeks timed step by step (default 20)"
    )
    parser.add_argument("--no-svg", action="store_true", help="skip the static SVG charts")
    args = parser.parse_args()
    config = load_config(ROOT / "smallcap.toml")
    start = time.perf_counter()
    market = sample(config)
    print(
        f"sample market (40 years, {len(market.series)} series): {time.perf_counter() - start:.2f} s"
    )
    svg = not args.no_svg
    with tempfile.TemporaryDirectory(prefix="bench-backfill-cache-") as cache:
        run = RunContext(Path(cache))  # as the command does (templates drawn by the first week)
        weeks = calendar.week_ends("1985-01-01", END)[-args.weeks :]
        whole_backfill(market, config, weeks, svg, run)
        weeks = calendar.week_ends("1985-01-01", END)[-args.breakdown :]
        breakdown(market, config, weeks, svg, run)


def breakdown(market: Market, config, weeks, svg: bool, run: RunContext) -> None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    totals = timed_backfill(market, config, weeks, svg, run)
    elapsed = time.perf_counter() - start
    n = len(weeks)
    print(
        f"step by step in one process, {n} weeks ({weeks[0]:%Y-%m-%d} .. {weeks[-1]:%Y-%m-%d}, "
        f"svg={svg}): "
        f"{elapsed:.1f} s total, {1000 * elapsed / n:.0f} ms per week"
    )
    for step in STEPS:
        share = totals[step] / elapsed if elapsed else 0.0
        print(f"  {step:<11} {1000 * totals[step] / n:8.1f} ms/week  {share:6.1%}")
    peak = heap_peak(market, config, weeks[-MEMORY_WEEKS:], run)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak Python heap over {MEMORY_WEEKS} weeks (tracemalloc): {peak:.0f} MB")
    print(f"peak RSS of this process: {rss:.0f} MB")


if __name__ == "__main__":
    main()
