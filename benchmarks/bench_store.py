"""Benchmark the store on a 40-year sample market: write, load every series, status.

Run: .venv/bin/python benchmarks/bench_store.py [--years 40] [--repeat 3]

Prints, per stage, the best wall time over the repeats, the tracemalloc peak of one extra
traced run (Python allocations, numpy/pandas buffers included) and the process's peak RSS
so far (resource.getrusage ru_maxrss, which only ever grows). The issue asks for loading every
series of 40 years in "well under a second".
"""

from __future__ import annotations

import argparse
import dataclasses
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.config import load_config  # noqa: E402
from generator.ingest import ingest  # noqa: E402
from generator.sources.sample import sample_market  # noqa: E402
from generator.status import store_status  # noqa: E402
from generator.store import load_market, write_store  # noqa: E402

END = "2026-08-21"
NOW = pd.Timestamp("2026-08-24 12:00", tz="UTC")


def max_rss_mib() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def best_time(func: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(first run, best run) wall time in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return times[0], min(times)


def traced_peak_mib(func: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def report(name: str, func: Callable[[], object], repeat: int) -> float:
    first, best = best_time(func, repeat)
    peak = traced_peak_mib(func)
    print(
        f"{name:<28}first {first:7.3f} s   best {best:7.3f} s   "
        f"tracemalloc peak {peak:7.1f} MiB   maxrss so far {max_rss_mib():7.1f} MiB"
    )
    return best


def fresh_dir(base: Path, counter: list[int]) -> Path:
    counter[0] += 1
    return base / f"store{counter[0]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    config = load_config(ROOT / "smallcap.toml")
    start = (pd.Timestamp(END) - pd.DateOffset(years=args.years)).date()
    config = dataclasses.replace(config, fetch=dataclasses.replace(config.fetch, start=start))
    series = sample_market(config, END)
    rows = sum(len(s.frame) for s in series)
    print(f"sample market {start} .. {END}: {len(series)} series, {rows} rows")
    print(f"python {sys.version.split()[0]}, pandas {pd.__version__}")

    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        base, counter = Path(tmp), [0]
        report(
            "sample_market",
            lambda: sample_market(config, END),
            args.repeat,
        )
        report(
            "write_store (new store)",
            lambda: write_store(
                fresh_dir(base, counter), series, fetched_at=f"{END}T00:00:00Z", sample=True
            ),
            args.repeat,
        )
        report(
            "ingest (validate + write)",
            lambda: ingest(
                fresh_dir(base, counter),
                series,
                config,
                now=None,
                sample=True,
                fetched_at=f"{END}T00:00:00Z",
            ),
            args.repeat,
        )
        store = base / "store1"
        size = sum(p.stat().st_size for p in store.iterdir()) / 2**20
        print(f"store size on disk: {size:.1f} MiB in {len(list(store.iterdir()))} files")
        report(
            "write_store (unchanged)",
            lambda: write_store(store, series, fetched_at=f"{END}T00:00:00Z", sample=True),
            args.repeat,
        )
        load = report("load_market (every series)", lambda: load_market(store), args.repeat)
        report("store_status", lambda: store_status(store, config, NOW), args.repeat)
    verdict = "well under a second" if load < 0.5 else "NOT well under a second"
    print(f"load_market best {load:.3f} s: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
