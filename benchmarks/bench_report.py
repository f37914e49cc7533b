"""Benchmark: one week's report with its images, as a whole process, against quantstats.

The standing budget: `generator report` for one week, with its four SVGs and `social.png`, in at
most 2.5 s as a whole process, about a fifth of quantstats' HTML tearsheet on the same data. This
machine's speed varies by up to 1.7 times from one hour to the next, so the figure that holds is
the ratio to a baseline run in the same hour: quantstats' `reports.html` on the same store (the
sample market's Russell 2000 against its S&P 500, daily closes since 1985, as the report reads
them), run in turn with the report commands.

In a throwaway project: `fetch --sample` (setup), a first report that fills the cache folder
(compiled templates, calendar, chart templates: what a project keeps between weekly runs), then
`--repeat` rounds of `report --force` with images, without images, and the quantstats tearsheet.
Each line prints wall time and the peak RSS of the largest process; the summary prints the median
of each and the ratio of the report with images to quantstats.

quantstats is not a dependency of the project: give an interpreter that has it
(`--quantstats-python`; e.g. `python3 -m venv /tmp/qs && /tmp/qs/bin/pip install quantstats`),
else the baseline is skipped with that reason. Usage:

    .venv/bin/python benchmarks/bench_report.py [--repeat 5] [--quantstats-python /tmp/qs/bin/python]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the throwaway project is the one the weekly tests use

from tests.weeklyproject import make_project  # noqa: E402

WEEK = "2026-11-20"
BUDGET_SECONDS = 2.5
BUDGET_RATIO = 0.2  # "about a fifth of quantstats' HTML tearsheet"

# The tearsheet quantstats writes for the same two series the report compares; its benchmark is
# given as a series, so quantstats downloads nothing.
QUANTSTATS_SCRIPT = """
import sys, warnings
warnings.filterwarnings("ignore")
import pandas as pd
import quantstats as qs
store, out = sys.argv[1], sys.argv[2]
def returns(symbol, name):
    close = pd.read_csv(f"{store}/{symbol}.csv", index_col="date", parse_dates=True)["close"]
    return close.pct_change().dropna().rename(name)
qs.reports.html(returns("^RUT", "Russell 2000"), benchmark=returns("^GSPC", "S&P 500"),
                output=out, title="Russell 2000 against the S&P 500")
"""


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """(seconds, peak RSS of the largest process in MB) of ``command`` run to its end."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        elapsed = time.perf_counter() - start
        err.seek(0)
        lines = err.read().decode("utf-8", "replace").strip().splitlines()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed: {lines[-1:]}")
    return elapsed, usage.ru_maxrss / 1024


def generator(*argv: str) -> list[str]:
    return [sys.executable, "-m", "generator", "--quiet", *argv]


def quantstats_command(python: str, store: Path, out: Path) -> list[str]:
    return [python, "-c", QUANTSTATS_SCRIPT, str(store), str(out)]


def has_quantstats(python: str | None) -> str | None:
    """None when ``python`` can import quantstats, else why the baseline is skipped."""
    if python is None:
        return "no --quantstats-python given"
    try:
        subprocess.run([python, "-c", "import quantstats"], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        return f"{python} cannot import quantstats"
    return None


def show(label: str, result: tuple[float, float]) -> None:
    print(f"{label:<52} {result[0]:6.2f} s  peak RSS {result[1]:4.0f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="rounds of each command")
    parser.add_argument("--quantstats-python", help="an interpreter with quantstats installed")
    args = parser.parse_args()
    skipped = has_quantstats(args.quantstats_python)
    print(f"load average: {os.getloadavg()[0]:.2f}")
    times: dict[str, list[float]] = {"images": [], "no images": [], "quantstats": []}
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        project = make_project(Path(tmp) / "project")
        show("fetch --sample (setup)", timed(generator("fetch", "--sample"), project))
        report = generator("report", "--sample", "--week", WEEK, "--force")
        show("report, empty cache folder (setup)", timed(report, project))
        for _ in range(args.repeat):
            for label, command in (("images", report), ("no images", [*report, "--no-images"])):
                result = timed(command, project)
                show(f"report --week {WEEK} --force ({label})", result)
                times[label].append(result[0])
            if skipped is None:
                out = Path(tmp) / "tearsheet.html"
                command = quantstats_command(args.quantstats_python, project / "sample/data", out)
                result = timed(command, project)
                show("quantstats reports.html, same store", result)
                times["quantstats"].append(result[0])
    print(f"load average: {os.getloadavg()[0]:.2f}")
    for label, values in times.items():
        if values:
            print(f"median {label:<11} {statistics.median(values):6.2f} s "
                  f"(min {min(values):.2f}, max {max(values):.2f})")  # fmt: skip
    if skipped is not None:
        print(f"quantstats baseline skipped: {skipped}")
        return
    ratio = statistics.median(times["images"]) / statistics.median(times["quantstats"])
    print(f"report with images / quantstats tearsheet: {ratio:.2f} (budget about {BUDGET_RATIO}; "
          f"{BUDGET_SECONDS} s on this machine)")  # fmt: skip


if __name__ == "__main__":
    main()
