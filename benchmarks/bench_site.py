"""Benchmark: build sites of N sample reports; prints build time, site size and bytes per report.

One real report of the sample market is computed (metrics, charts, SVGs); its document, specs and
SVGs are then archived under N consecutive week dates, so the time measured is the archive
writing and the MkDocs build, not the metrics. Usage:

    .venv/bin/python benchmarks/bench_site.py 20 100 1000
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from generator import archive, calendar
from generator.charts import build_chart, compute_chart_data, render_svg
from generator.config import load_config
from generator.metrics import compute_metrics
from generator.model import Market
from generator.pages.context import SVG_CHARTS
from generator.site import build_site
from generator.sources.sample import sample_market

ROOT = Path(__file__).resolve().parents[1]
END = "2026-11-20"


def one_report(config):  # type: ignore[no-untyped-def]
    market = Market(series={s.symbol: s for s in sample_market(config, END)}, sample=True)
    week = pd.Timestamp(END)
    doc = compute_metrics(market, config, week)
    data = compute_chart_data(market, config, week)
    specs = {name: build_chart(name, frame, sample=True) for name, frame in data.items()}
    return doc, specs, data, {n: render_svg(specs[n]) for n in SVG_CHARTS if n in specs}


def bench(n: int, report, config) -> None:  # type: ignore[no-untyped-def]
    doc, specs, data, svgs = report
    weeks = calendar.week_ends("1990-01-01", END)[-n:]
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        content = Path(tmp) / "content"
        start = time.perf_counter()
        for week in weeks:
            archive.write_report(
                content, {**doc, "week_ending": week.strftime("%Y-%m-%d")}, specs, data, svgs
            )
        archive.write_home(content)
        written = time.perf_counter() - start
        start = time.perf_counter()
        built = build_site(
            ROOT, Path(tmp) / "site", content_dir=content, build_dir=Path(tmp) / "build"
        )
        elapsed = time.perf_counter() - start
        peak_child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"{n:5d} reports: write {written:6.1f} s, mkdocs build {elapsed:6.1f} s, "
            f"site {built.bytes / 1e6:7.1f} MB, {built.bytes / n / 1e3:6.0f} kB per report, "
            f"{built.pages} pages, peak memory (largest child) {peak_child:.0f} MB"
        )


def main(argv: list[str]) -> None:
    config = load_config(ROOT / "smallcap.toml")
    report = one_report(config)
    for n in [int(a) for a in argv] or [20]:
        bench(n, report, config)


if __name__ == "__main__":
    main(sys.argv[1:])
