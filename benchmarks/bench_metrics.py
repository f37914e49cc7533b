"""Benchmark the metrics engine and the chart data on a synthetic 40-year market: one week, and
every week since 2000.

Usage: .venv/bin/python benchmarks/bench_metrics.py [--since 2000-01-01] [--end 2026-08-21]
Prints wall time (time.perf_counter, no tracing; median and best of --repeat runs, the machine is
shared) and peak Python memory (tracemalloc, a separate traced pass) for one week's document,
per section (each on a fresh cut, so no section profits from another's cached data), for the
chart frames, and for the whole run of weeks: once passing each week the previous week's
document, once as the archive computes a report (one cut per week, no previous document), with
CPU time (time.process_time) beside wall time.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from generator.calendar import week_ends
from generator.charts import compute_chart_data
from generator.config import load_config
from generator.metrics import compute_core, compute_metrics
from generator.metrics.common import truncate_market
from generator.metrics.document import MARKET_SECTIONS, metrics_json
from generator.metrics.ladder import ladder_section
from generator.metrics.schema import Document
from generator.model import Market

ROOT = Path(__file__).resolve().parents[1]


def build_market(config: Any, end: str) -> Market:
    """The project's sample market (seeded, 1985 to ``end``)."""
    from generator.sources.sample import sample_market

    return Market(series={s.symbol: s for s in sample_market(config, end=end)}, sample=True)


def timed(func: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """(median, best) wall seconds over ``repeat`` calls, after one warm-up call."""
    func()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def peak_bytes(func: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def section_times(market: Market, config: Any, week: pd.Timestamp, repeat: int) -> None:
    """Each section on a fresh cut (its time includes the cut, printed first)."""
    parts: dict[str, Callable[[Market], Any]] = {
        "truncate_market": lambda cut: cut,
        "core (returns..risk)": lambda cut: compute_core(cut, config, week),
        "ladder": lambda cut: ladder_section(cut, config, week),
    }
    for key, compute in MARKET_SECTIONS:
        parts[key] = lambda cut, compute=compute: compute(cut, config, week)
    # The typed document's own cost: reading its JSON-ready form, and writing metrics.json.
    doc = compute_metrics(market, config, week)
    parts["typed doc read+write"] = lambda cut: metrics_json(Document.from_plain(doc.to_plain()))
    for name, func in parts.items():
        median, best = timed(lambda func=func: func(truncate_market(market, week)), repeat)
        print(f"  {name:<22} median {median * 1e3:7.2f} ms   best {best * 1e3:7.2f} ms")


def metrics_and_charts(market: Market, config: Any, week: pd.Timestamp) -> None:
    """What a report needs: the document and the chart frames, from one point-in-time cut."""
    cut = truncate_market(market, week)
    compute_metrics(cut, config, week)
    compute_chart_data(cut, config, week)


def all_weeks(market: Market, config: Any, weeks: pd.DatetimeIndex) -> float:
    """Seconds to compute every week in order, each passing the previous week's document."""
    start = time.perf_counter()
    previous = None
    for week in weeks:
        previous = compute_metrics(market, config, week, previous)
    return time.perf_counter() - start


def archive_weeks(market: Market, config: Any, weeks: pd.DatetimeIndex) -> tuple[float, float]:
    """(wall, CPU) seconds to compute every week as ``archive`` does: cut the market once, then
    the document without the previous week's (its headline numbers are computed again)."""
    wall, cpu = time.perf_counter(), time.process_time()
    for week in weeks:
        compute_metrics(truncate_market(market, week), config, week)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--since", default="2000-01-01")
    parser.add_argument("--end", default="2026-08-21")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    config = load_config(ROOT / "smallcap.toml")
    start = time.perf_counter()
    market = build_market(config, args.end)
    rows = sum(len(s.frame) for s in market.series.values())
    print(
        f"market: {len(market.series)} series, {rows} rows, built in {time.perf_counter() - start:.2f} s"
    )
    weeks = week_ends(args.since, args.end)
    week = weeks[-1]

    print(f"one week ({week.date()}), whole document:")
    median, best = timed(lambda: compute_metrics(market, config, week), args.repeat)
    print(f"  compute_metrics        median {median * 1e3:7.2f} ms   best {best * 1e3:7.2f} ms")
    peak = peak_bytes(lambda: compute_metrics(market, config, week))
    print(f"  peak traced memory     {peak / 2**20:7.2f} MiB")
    previous = compute_metrics(market, config, weeks[-2])
    median, best = timed(lambda: compute_metrics(market, config, week, previous), args.repeat)
    print(f"  with previous passed   median {median * 1e3:7.2f} ms   best {best * 1e3:7.2f} ms")
    print("by section:")
    section_times(market, config, week, args.repeat)
    print("chart data:")
    median, best = timed(lambda: compute_chart_data(market, config, week), args.repeat)
    print(f"  compute_chart_data     median {median * 1e3:7.2f} ms   best {best * 1e3:7.2f} ms")
    median, best = timed(lambda: metrics_and_charts(market, config, week), args.repeat)
    print(
        f"  metrics + charts, one shared cut  median {median * 1e3:7.2f} ms   best {best * 1e3:7.2f} ms"
    )

    print(f"every week from {weeks[0].date()} to {week.date()} ({len(weeks)} weeks):")
    seconds = all_weeks(market, config, weeks)
    print(f"  previous passed: total {seconds:.2f} s, {seconds / len(weeks) * 1e3:.2f} ms per week")
    wall, cpu = archive_weeks(market, config, weeks)
    print(
        f"  as archived (cut, no previous): {wall / len(weeks) * 1e3:.2f} ms per week wall, "
        f"{cpu / len(weeks) * 1e3:.2f} ms CPU"
    )
    sampled = weeks[::52]
    peak = peak_bytes(lambda: all_weeks(market, config, sampled))
    print(f"  peak traced memory over {len(sampled)} sampled weeks: {peak / 2**20:.2f} MiB")


if __name__ == "__main__":
    main()
