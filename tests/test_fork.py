"""A fork that publishes: its suite passes with real reports committed, and the weekly commit
step commits the new week only.

Built once per module, in a temp folder: a clone of this repository's HEAD (a throwaway fork),
three real reports backfilled from CSV files the test writes (``generator import`` then
``generator backfill``, committed), then the weekly job on CSV data for two weeks, each committed
with the shell lines of weekly.yml's commit step (``git push`` left out). A fresh clone of the
fork, its committed state as CI checks it out, builds the site and runs the site and browser
tests. Every generator process runs under ``umask 022``, as on GitHub's runners.

The data is a seeded random walk (not the sample market): the reports are real reports. Slow
(two weekly jobs, three site builds and an inner test run): ``-m "not forkcopy"`` deselects it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from generator import archive, calendar
from generator.config import Config, load_config
from tests.conftest import ROOT
from tests.test_browser import CHROMIUM

pytestmark = pytest.mark.forkcopy

WEEKLY_WORKFLOW = Path(".github") / "workflows" / "weekly.yml"
FIRST_SESSION = "2023-11-01"  # three years of data: enough for a report, quick to write
BACKFILLED = ("2026-10-23", "2026-10-30", "2026-11-06")  # committed before the weekly runs
WEEK_N, WEEK_NEXT = "2026-11-13", "2026-11-20"  # the weekly job's two runs
# Inside the fork: the site build and tests that must not depend on its archive.
BROWSER_TESTS = "tests/test_browser.py"
INNER_TESTS = ("tests/test_site_build.py", BROWSER_TESTS)
# What a write must never leave for `git add` to commit: temp files, set-aside files, locks.
LEFTOVER = re.compile(r"(\.tmp$|^\..*\.old$|lock)", re.IGNORECASE)
TIMEOUT = 900


@dataclass(frozen=True)
class Fork:
    repo: Path  # the fork the weekly job ran in
    fresh: Path  # a clone of it: the committed state, with its site built by `generator site`
    weekly_commits: tuple[str, ...]  # the commits of weekly.yml's commit step, oldest first


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "safe.directory=*", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def checkout_root() -> Path:
    """The repository the suite runs in; skips when it is not a git checkout."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    found = subprocess.run(
        ["git", "-c", "safe.directory=*", "rev-parse", "--show-toplevel"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if found.returncode != 0 or Path(found.stdout.strip()).resolve() != ROOT:
        pytest.skip(f"{ROOT} is not the top of a git checkout: nothing to clone")
    return ROOT


def in_umask_022(*argv: str) -> list[str]:
    """``argv`` run under umask 022 (GitHub's runners), whatever this process's umask is."""
    return ["sh", "-c", 'umask 022 && exec "$@"', "sh", *argv]


def run_in(repo: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    """``argv`` in ``repo`` with the repository's own code first on the path."""
    env = {**os.environ, "PYTHONPATH": str(repo)}
    return subprocess.run(
        in_umask_022(*argv), cwd=repo, env=env, capture_output=True, text=True, timeout=TIMEOUT
    )


def generator(repo: Path, *args: str) -> None:
    done = run_in(repo, sys.executable, "-m", "generator", "--quiet", *args)
    assert done.returncode == 0, f"generator {' '.join(args)}: {done.stderr}"


@lru_cache(maxsize=1)
def closes() -> dict[str, pd.Series]:
    """Every configured symbol's close, a seeded random walk over the NYSE sessions."""
    config = load_config(ROOT / "smallcap.toml")
    days = calendar.sessions(FIRST_SESSION, WEEK_NEXT)
    rng = np.random.default_rng(11)
    out = {}
    for symbol in config.symbols():
        if symbol in config.yield_symbols():
            values = np.clip(4.0 + np.cumsum(rng.normal(0.0, 0.03, len(days))), 0.5, None)
        else:
            values = 100.0 * np.exp(np.cumsum(rng.normal(0.0003, 0.01, len(days))))
        out[symbol] = pd.Series(values, index=days)
    return out


def write_csvs(folder: Path, config: Config, through: str) -> Path:
    """Yahoo download CSVs, one per configured symbol, with the sessions up to ``through``."""
    folder.mkdir(parents=True)
    for symbol in config.symbols():
        close = closes()[symbol].loc[:through]
        lines = ["Date,Open,High,Low,Close,Adj Close,Volume"]
        lines += [
            f"{day:%Y-%m-%d},{c:.4f},{c * 1.004:.4f},{c * 0.996:.4f},{c:.4f},{c:.4f},1000000"
            for day, c in close.items()
        ]
        (folder / f"{symbol}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def commit_step_script(repo: Path) -> tuple[str, dict[str, str]]:
    """weekly.yml's commit step: its shell lines without the push, and its environment without
    the values GitHub fills in (the token)."""
    doc = yaml.safe_load((repo / WEEKLY_WORKFLOW).read_text(encoding="utf-8"))
    steps = [s for job in doc["jobs"].values() for s in job.get("steps", [])]
    (step,) = [s for s in steps if "git commit" in s.get("run", "")]
    lines = [line for line in step["run"].splitlines() if not line.startswith("git push")]
    env = {k: str(v) for k, v in step.get("env", {}).items() if "${{" not in str(v)}
    return "\n".join(lines) + "\n", env


def commit_like_the_workflow(repo: Path) -> str:
    """Run the commit step's lines (GitHub's default shell: bash -eo pipefail); the new HEAD."""
    script, step_env = commit_step_script(repo)
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=repo,
        env={**os.environ, **step_env},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, f"weekly.yml's commit step: {done.stderr}"
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def fork(tmp_path_factory: pytest.TempPathFactory) -> Fork:
    source = checkout_root()
    work = tmp_path_factory.mktemp("fork")
    repo = work / "fork"
    git(work, "clone", "--quiet", str(source), str(repo))
    config = load_config(repo / "smallcap.toml")

    generator(repo, "import", str(write_csvs(work / "csv-backfill", config, BACKFILLED[-1])))
    generator(
        repo, "backfill", "--since", BACKFILLED[0], "--until", BACKFILLED[-1], "--images", "0"
    )
    commit_like_the_workflow(repo)

    commits = []
    for week in (WEEK_N, WEEK_NEXT):
        csv = write_csvs(work / f"csv-{week}", config, week)
        generator(repo, "weekly", "--from-csv", str(csv))
        commits.append(commit_like_the_workflow(repo))

    fresh = work / "fresh"
    git(work, "clone", "--quiet", str(repo), str(fresh))
    # The derived files the workflow restores from its cache: the fork's, so no cold build.
    generator(fresh, "--cache-dir", str(repo / ".cache"), "site")
    return Fork(repo, fresh, tuple(commits))


@pytest.fixture(scope="module")
def inner_run(fork: Fork) -> subprocess.CompletedProcess[str]:
    """The site and browser tests, run in the fork's fresh clone by this interpreter."""
    tests = list(INNER_TESTS)
    if not CHROMIUM.exists() and not os.environ.get("SMALLCAP_REQUIRE_BROWSER"):
        tests.remove(BROWSER_TESTS)  # as the suite does: skipped without chromium
    return run_in(fork.fresh, sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *tests)


def changes(repo: Path, commit: str) -> list[tuple[str, str]]:
    """(status letter, path) of every file a commit changed."""
    out = git(repo, "diff-tree", "-r", "--no-commit-id", "--name-status", f"{commit}~1", commit)
    return [tuple(line.split("\t", 1)) for line in out.splitlines()]  # type: ignore[misc]


def posts(week: str) -> str:
    return f"docs/blog/posts/{week.replace('-', '/')}/"


def test_the_fork_archive_holds_real_reports(fork: Fork) -> None:
    """The premise of the tests below: committed, real (not sample) reports and store."""
    docs = fork.fresh / "docs"
    assert archive.archived_weeks(docs) == [*BACKFILLED, WEEK_N, WEEK_NEXT]
    for week in archive.archived_weeks(docs):
        metrics = json.loads((archive.report_dir(docs, week) / "metrics.json").read_text("utf-8"))
        assert not metrics.get("sample"), week
    manifest = json.loads((fork.fresh / "data" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["series"] and not manifest.get("sample")
    assert "2026/11/20" in (docs / "index.md").read_text(encoding="utf-8")


def test_site_and_browser_tests_pass_in_a_fork_with_real_reports(
    inner_run: subprocess.CompletedProcess[str],
) -> None:
    summary = inner_run.stdout.strip().splitlines()[-1] if inner_run.stdout.strip() else ""
    assert inner_run.returncode == 0, inner_run.stdout[-4000:] + inner_run.stderr[-2000:]
    assert re.search(r"\d+ passed", summary) and "skipped" not in summary, summary


def test_each_weekly_commit_adds_its_week_the_store_and_the_home_page_only(fork: Fork) -> None:
    for week, commit in zip((WEEK_N, WEEK_NEXT), fork.weekly_commits, strict=True):
        changed = changes(fork.repo, commit)
        assert (("A", posts(week) + "index.md")) in changed
        assert ("M", "docs/index.md") in changed
        assert ("M", "data/manifest.json") in changed
        others = [
            (status, path)
            for status, path in changed
            if not (status == "A" and path.startswith(posts(week)))
            and not (status in "AM" and path.startswith("data/"))
            and (status, path) != ("M", "docs/index.md")
        ]
        assert others == [], week


def test_no_temp_lock_or_sample_file_is_committed(fork: Fork) -> None:
    tracked = git(fork.repo, "ls-tree", "-r", "--name-only", "HEAD", "--", "data", "docs")
    assert [p for p in tracked.splitlines() if LEFTOVER.search(Path(p).name)] == []
    assert git(fork.repo, "ls-tree", "-r", "--name-only", "HEAD", "--", "sample") == ""
    assert git(fork.repo, "status", "--porcelain", "--", "data", "docs") == ""


def test_the_site_built_from_the_fork_holds_every_report(fork: Fork) -> None:
    for site in (fork.repo / "site", fork.fresh / "site"):  # the weekly job's, `generator site`'s
        for week in (*BACKFILLED, WEEK_N, WEEK_NEXT):
            assert (site / "blog" / week.replace("-", "/") / "index.html").is_file(), (site, week)
        assert "blog/2026/11/20/" in (site / "index.html").read_text(encoding="utf-8")


def test_every_file_of_the_fork_site_is_readable_by_others(fork: Fork) -> None:
    """Pages' artifact and any web server running as another user read every file (umask 022)."""
    for site in (fork.repo / "site", fork.fresh / "site"):
        private = [
            f"{path.relative_to(site)} {stat.filemode(path.stat().st_mode)}"
            for path in sorted(site.rglob("*"))
            if path.stat().st_mode & (0o005 if path.is_dir() else 0o004)
            != (0o005 if path.is_dir() else 0o004)
        ]
        assert private == [], f"{site}: {len(private)} not readable by others: {private[:5]}"
