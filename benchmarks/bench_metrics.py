"""Benchmark the metrics engine on a synthetic 40-year market: one week, and every week since 2000.

Usage: .venv/bin/python benchmarks/bench_metrics.py [--since 2000-01-01] [--end 2026-08-21]
Prints wall time (time.perf_counter, no tracing) and peak Python memory (tracemalloc, a separate
traced pass) for one week's document, per section, and for the whole run of weeks.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from generator.calendar import week_ends
from generator.config import load_config
from generator.metrics import compute_core, compute_metrics
from generator.metrics.common import truncate_market
from generator.metrics.document import EXTERNAL_SECTIONS
from generator.metrics.ladder import ladder_section
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
    cut = truncate_market(market, week)
    parts: dict[str, Callable[[], Any]] = {
        "truncate_market": lambda: truncate_market(market, week),
        "core (returns..risk)": lambda: compute_core(cut, config, week),
        "ladder": lambda: ladder_section(cut, config, week),
    }
    for key, module, function in EXTERNAL_SECTIONS:
        try:
            compute = getattr(importlib.import_module(module), function)
        except (ModuleNotFoundError, AttributeError):
            continue
        parts[key] = lambda compute=compute: compute(cut, config, week)
    for name, func in parts.items():
        median, best = timed(func, repeat)
        print(f"  {name:<22} median {median * 1e3:7.2f} ms   best {best * 1e3:7.2f} ms")


def all_weeks(market: Market, config: Any, weeks: pd.DatetimeIndex) -> float:
    """Seconds to compute every week in order, each passing the previous week's document."""
    start = time.perf_counter()
    previous = None
    for week in weeks:
        previous = compute_metrics(market, config, week, previous)
    return time.perf_counter() - start


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
    print("by section:")
    section_times(market, config, week, args.repeat)

    print(f"every week from {weeks[0].date()} to {week.date()} ({len(weeks)} weeks):")
    seconds = all_weeks(market, config, weeks)
    print(f"  total {seconds:.2f} s, {seconds / len(weeks) * 1e3:.2f} ms per week")
    sampled = weeks[::52]
    peak = peak_bytes(lambda: all_weeks(market, config, sampled))
    print(f"  peak traced memory over {len(sampled)} sampled weeks: {peak / 2**20:.2f} MiB")


if __name__ == "__main__":
    main()
