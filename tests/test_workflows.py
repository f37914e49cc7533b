"""The GitHub workflows, linted offline: the bundled JSON schema, zizmor, and the project's rules.

Also the lock files the workflows and the Makefile install from: every package of the tree
pinned with its hashes, every direct dependency at its pyproject.toml version.

The external tools run as subprocesses (the socket block does not reach them), so each is called
in a mode that never touches the network: check-jsonschema with a schema bundled in the package,
zizmor with --offline. Every rule is also run on a deliberately unsafe workflow, to show it fails.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from importlib import metadata
from itertools import takewhile
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
WEEKLY = WORKFLOWS / "weekly.yml"
CI = WORKFLOWS / "ci.yml"
LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"
MAKEFILE = ROOT / "Makefile"
PYPROJECT = ROOT / "pyproject.toml"
SHA256_HASH = re.compile(r"^--hash=sha256:[0-9a-f]{64}$")
BIN = Path(sys.executable).parent
EASTERN = ZoneInfo("America/New_York")

# `uses: owner/repo[/path]@<40 hex> # vX.Y.Z`: a tag can be moved to other code, a commit cannot,
# and the comment says which release the commit is.
PINNED_USES = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40} # v\d+\.\d+\.\d+$")
USES_LINE = re.compile(r"^\s*(?:-\s+)?uses:\s*(?P<ref>.+?)\s*$")

# Everything a zizmor audit or the rules below must catch; the schema accepts it.
UNSAFE_WORKFLOW = """\
name: unsafe
on:
  schedule:
    - cron: "0 12 * * 6"
  workflow_dispatch:
    inputs:
      week:
        type: string
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: generator weekly --week ${{ inputs.week }}
"""


def load_workflow(path: Path) -> dict[str, Any]:
    """The workflow as a mapping, with PyYAML's boolean `on` key restored to the string "on"."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in doc:  # YAML 1.1 reads the bare key `on` as the boolean true
        doc["on"] = doc.pop(True)
    return doc


def all_steps(doc: dict[str, Any]) -> list[tuple[str, int, dict[str, Any]]]:
    """Every step of every job as (job id, step index, step)."""
    return [
        (job_id, index, step)
        for job_id, job in doc["jobs"].items()
        for index, step in enumerate(job.get("steps", []))
    ]


def run_commands(doc: dict[str, Any]) -> list[str]:
    """The `run:` scripts of the workflow, in order."""
    return [step["run"] for _, _, step in all_steps(doc) if "run" in step]


def unpinned_uses(text: str) -> list[str]:
    """`uses:` references that are not a full commit SHA with a version comment."""
    refs = [m["ref"] for line in text.splitlines() if (m := USES_LINE.match(line))]
    return [ref for ref in refs if not ref.startswith("./") and not PINNED_USES.match(ref)]


def expressions_in_run(doc: dict[str, Any]) -> list[str]:
    """Steps whose shell script holds a `${{ }}` expression (zizmor's template injection).

    Inputs and event fields reach the shell through `env:` and are quoted there instead.
    """
    return [
        f"{job_id} step {index}"
        for job_id, index, step in all_steps(doc)
        if "${{" in step.get("run", "")
    ]


def jobs_without_permissions(doc: dict[str, Any]) -> list[str]:
    """Jobs that inherit the token's permissions instead of naming their own."""
    return [job_id for job_id, job in doc["jobs"].items() if "permissions" not in job]


def checkouts_keeping_credentials(doc: dict[str, Any]) -> list[str]:
    """actions/checkout steps that leave the token in .git/config (zizmor's artipacked)."""
    return [
        f"{job_id} step {index}"
        for job_id, index, step in all_steps(doc)
        if step.get("uses", "").startswith("actions/checkout@")
        and step.get("with", {}).get("persist-credentials") is not False
    ]


def on_the_hour(doc: dict[str, Any]) -> list[str]:
    """Cron schedules that start at minute 0, when GitHub's scheduler is busiest and drops runs."""
    crons = [entry["cron"] for entry in doc["on"].get("schedule", [])]
    return [cron for cron in crons if cron.split()[0] in ("0", "00", "*")]


def eastern_clock(cron: str, day: dt.date) -> str:
    """The US Eastern wall-clock time, as HH:MM, at which a fixed `M H` UTC cron fires on `day`."""
    minute, hour = (int(field) for field in cron.split()[:2])
    utc = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)
    return utc.astimezone(EASTERN).strftime("%H:%M")


def tool(name: str) -> Path:
    """The console script of a dev dependency next to the running interpreter, or skip."""
    path = BIN / name
    if not path.exists():
        pytest.skip(f"{name} is not installed in {BIN}: make install")
    return path


def run_tool(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run a linter without any GitHub token, so no mode of it could authenticate online."""
    env = {k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN")}
    env["ZIZMOR_OFFLINE"] = "true"
    return subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


@pytest.fixture
def unsafe(tmp_path: Path) -> Path:
    path = tmp_path / ".github" / "workflows" / "unsafe.yml"
    path.parent.mkdir(parents=True)
    path.write_text(UNSAFE_WORKFLOW, encoding="utf-8")
    return path


# --- external linters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "schema", ["vendor.github-workflows", "custom.github-workflows-require-timeout"]
)
def test_workflows_match_the_bundled_schemas(schema: str) -> None:
    result = run_tool(tool("check-jsonschema"), "--builtin-schema", schema, WEEKLY, CI)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_schema_check_rejects_a_job_without_runner(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  build:\n    steps:\n      - run: 'true'\n")
    result = run_tool(
        tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", broken
    )
    assert result.returncode == 1
    assert "Schema validation errors were encountered" in result.stdout + result.stderr


def zizmor_findings(target: Path) -> tuple[int, list[dict[str, Any]]]:
    """zizmor's exit code and its findings (JSON), audited offline."""
    result = run_tool(tool("zizmor"), "--offline", "--format", "json", "--no-progress", target)
    assert result.stdout.strip(), result.stderr
    return result.returncode, json.loads(result.stdout)


def test_zizmor_finds_nothing_in_the_workflows() -> None:
    returncode, findings = zizmor_findings(WORKFLOWS)
    assert [(f["ident"], f["locations"][0]["concrete"]["feature"]) for f in findings] == []
    assert returncode == 0


def test_zizmor_flags_the_unsafe_workflow(unsafe: Path) -> None:
    returncode, findings = zizmor_findings(unsafe)
    assert sorted({f["ident"] for f in findings}) == [
        "artipacked",
        "excessive-permissions",
        "template-injection",
        "unpinned-uses",
    ]
    assert returncode != 0


# --- the project's rules, on both workflows and on the unsafe one -------------------------------


@pytest.mark.parametrize("path", [WEEKLY, CI], ids=["weekly", "ci"])
def test_every_rule_holds(path: Path) -> None:
    doc = load_workflow(path)
    assert unpinned_uses(path.read_text(encoding="utf-8")) == []
    assert expressions_in_run(doc) == []
    assert jobs_without_permissions(doc) == []
    assert checkouts_keeping_credentials(doc) == []
    assert on_the_hour(doc) == []
    assert doc["permissions"] in ({}, {"contents": "read"})
    assert all(isinstance(job.get("timeout-minutes"), int) for job in doc["jobs"].values())


def test_every_rule_catches_the_unsafe_workflow(unsafe: Path) -> None:
    doc = load_workflow(unsafe)
    assert unpinned_uses(UNSAFE_WORKFLOW) == ["actions/checkout@v4"]
    assert expressions_in_run(doc) == ["build step 1"]
    assert jobs_without_permissions(doc) == ["build"]
    assert checkouts_keeping_credentials(doc) == ["build step 0"]
    assert on_the_hour(doc) == ["0 12 * * 6"]


@pytest.mark.parametrize(
    ("ref", "pinned"),
    [
        ("actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1", True),
        ("actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1", False),
        ("actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b # v7.0.1", False),
        ("actions/checkout@v7.0.1 # v7.0.1", False),
        ("actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7", False),
        ("github/codeql-action/init@3d3c42e5aac5ba805825da76410c181273ba90b1 # v3.28.0", True),
        ("./.github/actions/local", True),
    ],
)
def test_pinned_uses_rule(ref: str, pinned: bool) -> None:
    assert unpinned_uses(f"      - uses: {ref}\n") == ([] if pinned else [ref])


def test_both_workflows_pin_each_action_to_one_commit() -> None:
    refs: list[str] = []
    for path in (WEEKLY, CI):
        text = path.read_text(encoding="utf-8")
        refs += [m["ref"] for line in text.splitlines() if (m := USES_LINE.match(line))]
    commits: dict[str, set[str]] = {}
    for ref in refs:
        action, _, pin = ref.partition("@")
        commits.setdefault(action, set()).add(pin)
    assert {action: len(pins) for action, pins in commits.items()} == {
        "actions/checkout": 1,
        "actions/setup-python": 1,
        "actions/configure-pages": 1,
        "actions/upload-pages-artifact": 1,
        "actions/deploy-pages": 1,
        "actions/cache/restore": 1,
        "actions/cache/save": 1,
    }
    # restore and save are two folders of one repository: the same release
    assert commits["actions/cache/restore"] == commits["actions/cache/save"]


# --- weekly.yml ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def weekly() -> dict[str, Any]:
    return load_workflow(WEEKLY)


def test_weekly_runs_on_saturday_with_its_eastern_time_in_a_comment(weekly: dict[str, Any]) -> None:
    (entry,) = weekly["on"]["schedule"]
    cron = entry["cron"]
    assert cron.split()[2:] == ["*", "*", "6"]  # every Saturday
    text = WEEKLY.read_text(encoding="utf-8")
    comment = text[: text.index("- cron:")].rsplit("schedule:", 1)[1]
    summer = eastern_clock(cron, dt.date(2026, 7, 4))
    winter = eastern_clock(cron, dt.date(2026, 1, 3))
    assert (summer, winter) == ("07:17", "06:17")
    assert f"{summer} EDT" in comment and f"{winter} EST" in comment


def test_weekly_can_be_run_by_hand_for_a_chosen_week(weekly: dict[str, Any]) -> None:
    assert sorted(weekly["on"]) == ["schedule", "workflow_dispatch"]
    week = weekly["on"]["workflow_dispatch"]["inputs"]["week"]
    assert (week["type"], week["required"], week["default"]) == ("string", False, "")
    (step,) = [s for _, _, s in all_steps(weekly) if "generator weekly" in s.get("run", "")]
    assert step["env"]["WEEK"] == "${{ inputs.week }}"
    assert step["run"] == 'generator weekly ${WEEK:+--week "$WEEK"}'


def test_weekly_runs_one_at_a_time_without_cancelling(weekly: dict[str, Any]) -> None:
    assert weekly["concurrency"] == {"group": "weekly-publish", "cancel-in-progress": False}


def test_weekly_jobs_hold_the_least_permissions(weekly: dict[str, Any]) -> None:
    assert weekly["permissions"] == {}
    assert {job_id: job["permissions"] for job_id, job in weekly["jobs"].items()} == {
        "build": {"contents": "write", "pages": "read"},
        "deploy": {"pages": "write", "id-token": "write"},
    }


def test_weekly_build_caches_pip_and_ends_with_the_pages_artifact(weekly: dict[str, Any]) -> None:
    steps = weekly["jobs"]["build"]["steps"]
    (python,) = [s for s in steps if s.get("uses", "").startswith("actions/setup-python@")]
    assert python["with"] == {
        "python-version": "3.11",
        "cache": "pip",
        "cache-dependency-path": "requirements.lock",
    }
    assert steps[-2]["uses"].startswith("actions/upload-pages-artifact@")
    assert steps[-2]["with"] == {"path": "site/"}


def test_weekly_build_keeps_derived_files_from_its_last_successful_run(
    weekly: dict[str, Any],
) -> None:
    steps = weekly["jobs"]["build"]["steps"]
    names = [s.get("name") for s in steps]
    restore, save = steps[names.index("Restore derived files")], steps[-1]
    assert restore["uses"].startswith("actions/cache/restore@")
    assert save["uses"].startswith("actions/cache/save@") and "if" not in save  # success only
    assert names.index("Restore derived files") < names.index("Weekly job")
    folders = restore["with"]["path"].split()
    assert folders == save["with"]["path"].split()
    # Derived files only: never the store, the archive or fetched market data.
    assert all(f.startswith(".cache/") and "yfinance" not in f for f in folders)
    assert ".cache/site-markdown" in folders and ".cache/js" in folders
    assert restore["with"]["key"] == save["with"]["key"] == "weekly-derived-${{ github.run_id }}"
    assert restore["with"]["restore-keys"] == "weekly-derived-"


def test_weekly_commits_only_data_and_reports_when_they_changed(weekly: dict[str, Any]) -> None:
    steps = weekly["jobs"]["build"]["steps"]
    names = [s.get("name") for s in steps]
    commit = steps[names.index("Commit data and report")]
    assert names.index("Weekly job") < names.index("Commit data and report")
    lines = commit["run"].splitlines()
    assert lines[0] == "git add -- data docs/blog/posts docs/index.md"
    assert lines[1].startswith("if git diff --cached --quiet; then") and "exit 0" in lines[1]
    assert lines[2].startswith('git commit --quiet -m "Weekly update: market data and report"')
    assert lines[3].startswith("git push ") and len(lines) == 4
    # The token reaches this step only, through the environment.
    with_token = [s.get("name") for s in steps if "github.token" in json.dumps(s.get("env", {}))]
    assert with_token == ["Commit data and report"]


def test_weekly_deploys_only_after_a_successful_build(weekly: dict[str, Any]) -> None:
    deploy = weekly["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert "if" not in deploy  # the default success() condition: a failed build deploys nothing
    assert deploy["environment"]["name"] == "github-pages"
    (step,) = deploy["steps"]
    assert step["uses"].startswith("actions/deploy-pages@")


# --- ci.yml -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ci() -> dict[str, Any]:
    return load_workflow(CI)


def test_ci_runs_on_push_and_pull_request(ci: dict[str, Any]) -> None:
    assert sorted(ci["on"]) == ["pull_request", "push"]


def test_ci_lints_tests_and_builds_the_sample_site(ci: dict[str, Any]) -> None:
    assert run_commands(ci) == [
        "make lint PYTHON=python",
        "apt-get update && apt-get install -y --no-install-recommends chromium git make",
        ".ci/run",
        "make demo PYTHON=python",
    ]


def test_ci_tests_run_on_debian_with_its_chromium(ci: dict[str, Any]) -> None:
    test = ci["jobs"]["test"]
    assert test["container"]["image"] == "python:3.11-slim-bookworm"
    commands = [s.get("run", "") for s in test["steps"]]
    assert commands.index(".ci/run") > 0 and " chromium " in commands[0]


# --- the lock files and the installs from them ---------------------------------------------------


@dataclass(frozen=True)
class LockEntry:
    """One requirement of a lock file: its `==` version ("" when not pinned so) and its hashes."""

    name: str
    version: str
    hashes: tuple[str, ...]


def lock_lines(text: str) -> list[str]:
    """The lock's logical lines: `\\` continuations joined, comments and blank lines dropped."""
    lines = (
        re.sub(r"(^|\s)#.*$", "", line).strip() for line in text.replace("\\\n", " ").splitlines()
    )
    return [line for line in lines if line]


def lock_entry(line: str) -> LockEntry:
    """A requirement line `name==version [; marker] --hash=sha256:... ...` as a LockEntry."""
    tokens = line.split()
    hashes = tuple(t for t in tokens if t.startswith("--hash="))
    requirement = Requirement(" ".join(t for t in tokens if not t.startswith("--hash=")))
    specs = list(requirement.specifier)
    pinned = len(specs) == 1 and specs[0].operator == "==" and "*" not in specs[0].version
    return LockEntry(
        canonicalize_name(requirement.name), specs[0].version if pinned else "", hashes
    )


def lock_problems(text: str) -> list[str]:
    """What keeps a lock from installing one reproducible tree with `--require-hashes`.

    Option lines are refused too: an `--index-url` or `--find-links` would fetch from elsewhere
    than the registry whose hashes the lock holds.
    """
    problems: list[str] = []
    seen: set[str] = set()
    for line in lock_lines(text):
        if line.startswith("-"):
            problems.append(f"option line: {line}")
            continue
        entry = lock_entry(line)
        if not entry.version:
            problems.append(f"{entry.name}: not pinned with ==")
        if not entry.hashes:
            problems.append(f"{entry.name}: no hash")
        problems += [
            f"{entry.name}: not a sha256 hash: {h}"
            for h in entry.hashes
            if not SHA256_HASH.match(h)
        ]
        if entry.name in seen:
            problems.append(f"{entry.name}: locked twice")
        seen.add(entry.name)
    return problems


def locked(path: Path) -> dict[str, LockEntry]:
    """The lock file's requirements by normalized package name."""
    lines = lock_lines(path.read_text(encoding="utf-8"))
    entries = [lock_entry(line) for line in lines if not line.startswith("-")]
    return {entry.name: entry for entry in entries}


def direct_dependencies(extra: str | None = None) -> list[Requirement]:
    """pyproject.toml's dependencies, or those of one of its extras."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    specs = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return [Requirement(spec) for spec in specs]


def lock_mismatches(requirements: list[Requirement], lock: dict[str, LockEntry]) -> list[str]:
    """Direct dependencies the lock does not hold at a version pyproject.toml allows."""
    mismatches = []
    for requirement in requirements:
        entry = lock.get(canonicalize_name(requirement.name))
        if entry is None or not requirement.specifier.contains(entry.version, prereleases=True):
            mismatches.append(f"{requirement} (lock: {entry.version if entry else 'missing'})")
    return mismatches


def needing_a_newer_python(lock: dict[str, LockEntry], python: str) -> list[str]:
    """Locked packages (read from the installed ones) whose Requires-Python excludes `python`."""
    too_new = []
    for name, entry in sorted(lock.items()):
        try:
            installed = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        requires_python = installed.metadata["Requires-Python"] or ""
        if installed.version == entry.version and python not in SpecifierSet(requires_python):
            too_new.append(f"{name}=={entry.version} requires Python {requires_python}")
    return too_new


def unlocked_dependencies(lock: dict[str, LockEntry]) -> list[str]:
    """Requirements of the locked packages (read from the installed ones) missing from the lock.

    Only packages installed here at their locked version are read; requirements behind an extra
    or a marker false on this platform are skipped.
    """
    missing = []
    for name, entry in sorted(lock.items()):
        try:
            installed = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        if installed.version != entry.version:
            continue
        for requirement in map(Requirement, installed.requires or []):
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            if canonicalize_name(requirement.name) not in lock:
                missing.append(f"{name} needs {requirement.name}")
    return missing


def installs_outside_the_lock(script: str, locks: set[str]) -> list[str]:
    """`pip install` commands of a script other than a lock with hashes checked, or the project
    itself without its dependencies."""
    allowed = [["--require-hashes", "-r", lock] for lock in locks] + [["--no-deps", "-e", "."]]
    outside = []
    for line in script.splitlines():
        if "pip install" not in line:
            continue
        args = shlex.split(line)
        options = [a for a in args[args.index("install") + 1 :] if a not in ("--quiet", "-q")]
        if options not in allowed:
            outside.append(line.strip())
    return outside


def make_variables(text: str) -> dict[str, str]:
    """The Makefile's `NAME := value` (or `=`, `?=`) assignments, continuations joined."""
    pattern = re.compile(r"^(?P<name>[A-Z_]+)[ \t]*[:?]?=[ \t]*(?P<value>.*)$", re.MULTILINE)
    return {m["name"]: m["value"].strip() for m in pattern.finditer(text.replace("\\\n", " "))}


def make_rule(text: str, target: str) -> tuple[list[str], list[str]]:
    """A Makefile rule's prerequisites and recipe lines, variables as written."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    recipe = takewhile(lambda line: line.startswith("\t"), lines[start + 1 :])
    return lines[start].split(":", 1)[1].split(), [line.strip().lstrip("@") for line in recipe]


def expand(line: str, variables: dict[str, str]) -> str:
    """A Makefile line with its `$(NAME)` references to known variables replaced."""
    return re.sub(r"\$\((\w+)\)", lambda m: variables.get(m[1], m[0]), line)


@pytest.mark.parametrize("path", [LOCK, DEV_LOCK], ids=["runtime", "dev"])
def test_every_locked_package_is_pinned_with_its_hashes(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert lock_problems(text) == []
    assert len(locked(path)) > len(direct_dependencies())
    assert text.startswith("# This file was autogenerated by uv via the following command:\n")
    assert "#    make lock\n" in text


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        (f"markdown==3.11.3 \\\n    --hash=sha256:{'a' * 64}\n    # via mkdocs\n", []),
        (f"pycparser==3.12 ; implementation_name != 'PyPy' --hash=sha256:{'a' * 64}\n", []),
        ("markdown==3.11.3\n", ["markdown: no hash"]),
        (f"markdown>=3.11 --hash=sha256:{'a' * 64}\n", ["markdown: not pinned with =="]),
        (f"markdown==3.* --hash=sha256:{'a' * 64}\n", ["markdown: not pinned with =="]),
        ("markdown==3.11.3 --hash=md5:0f\n", ["markdown: not a sha256 hash: --hash=md5:0f"]),
        (
            f"Markdown==3.11.3 --hash=sha256:{'a' * 64}\nmarkdown==3.10 --hash=sha256:{'b' * 64}\n",
            ["markdown: locked twice"],
        ),
        (
            "--extra-index-url https://example.org/simple\n",
            ["option line: --extra-index-url https://example.org/simple"],
        ),
    ],
)
def test_lock_rule(text: str, problems: list[str]) -> None:
    assert lock_problems(text) == problems


def test_locks_hold_each_direct_dependency_at_its_pyproject_version() -> None:
    runtime, dev = direct_dependencies(), direct_dependencies("dev")
    assert all(str(r.specifier).startswith("==") for r in runtime + dev)  # pinned at the source
    assert lock_mismatches(runtime, locked(LOCK)) == []
    assert lock_mismatches(runtime + dev, locked(DEV_LOCK)) == []


def test_lock_mismatch_rule_catches_a_stale_lock() -> None:
    lock = {"markdown": LockEntry("markdown", "3.11.3", (f"--hash=sha256:{'a' * 64}",))}
    requirements = [
        Requirement("Markdown==3.11.3"),
        Requirement("markdown==3.12"),
        Requirement("Jinja2==3.1.6"),
    ]
    assert lock_mismatches(requirements, lock) == [
        "markdown==3.12 (lock: 3.11.3)",
        "Jinja2==3.1.6 (lock: missing)",
    ]


def test_the_dev_lock_holds_the_runtime_lock_unchanged() -> None:
    runtime, dev = locked(LOCK), locked(DEV_LOCK)
    assert {name: dev.get(name) for name, entry in runtime.items() if dev.get(name) != entry} == {}
    assert set(dev) - set(runtime) >= {
        canonicalize_name(r.name) for r in direct_dependencies("dev")
    }


def test_python_markdown_is_locked() -> None:
    # The site's rendering relies on Python-Markdown, which no direct dependency pins exactly.
    assert "markdown" not in {canonicalize_name(r.name) for r in direct_dependencies()}
    for path in (LOCK, DEV_LOCK):
        entry = locked(path)["markdown"]
        assert entry.version and entry.hashes


@pytest.mark.parametrize("path", [LOCK, DEV_LOCK], ids=["runtime", "dev"])
def test_each_lock_holds_the_whole_tree(path: Path) -> None:
    lock = locked(path)
    assert unlocked_dependencies(lock) == []
    assert "jinja2" in lock and "markupsafe" in lock  # a dependency of a dependency


@pytest.mark.parametrize("path", [LOCK, DEV_LOCK], ids=["runtime", "dev"])
def test_each_lock_installs_on_every_python_3_11(path: Path) -> None:
    # Debian 12, the README's platform, ships Python 3.11.2; releases such as
    # pymdown-extensions 13 need 3.11.5, and a lock resolved on a newer 3.11 would pin them.
    assert needing_a_newer_python(locked(path), "3.11.0") == []


def test_python_rule_catches_a_package_too_new_for_the_oldest_python() -> None:
    lock = {name: entry for name, entry in locked(DEV_LOCK).items() if name == "pytest"}
    assert needing_a_newer_python(lock, "3.11.0") == []
    (too_new,) = needing_a_newer_python(lock, "3.9.0")
    assert too_new.startswith(f"pytest=={lock['pytest'].version} requires Python >=")


def test_whole_tree_rule_catches_a_missing_dependency() -> None:
    lock = locked(LOCK)
    del lock["markupsafe"]
    assert "jinja2 needs MarkupSafe" in unlocked_dependencies(lock)


@pytest.mark.parametrize(
    ("line", "outside"),
    [
        ("python -m pip install --require-hashes -r requirements.lock", False),
        ("$(BIN)/pip install --quiet --no-deps -e .", False),
        ("python -m pip install -e .", True),
        ("python -m pip install -r requirements.lock", True),
        ("pip install --require-hashes -r other.txt", True),
        ("pip install --upgrade pip", True),
        ("pip install --no-deps -e '.[dev]'", True),
    ],
)
def test_lock_install_rule(line: str, outside: bool) -> None:
    assert installs_outside_the_lock(line, {"requirements.lock"}) == ([line] if outside else [])


def test_weekly_installs_the_runtime_lock_with_hashes_checked(weekly: dict[str, Any]) -> None:
    steps = weekly["jobs"]["build"]["steps"]
    (install,) = [s for s in steps if s.get("name") == "Install"]
    assert install["run"].splitlines() == [
        "python -m pip install --require-hashes -r requirements.lock",
        "python -m pip install --no-deps -e .",
    ]
    assert installs_outside_the_lock("\n".join(run_commands(weekly)), {LOCK.name}) == []


def test_ci_installs_through_make_and_caches_on_the_dev_lock(ci: dict[str, Any]) -> None:
    assert installs_outside_the_lock("\n".join(run_commands(ci)), set()) == []  # no pip of its own
    setups = [
        s for _, _, s in all_steps(ci) if s.get("uses", "").startswith("actions/setup-python@")
    ]
    assert len(setups) == 2
    assert all(s["with"]["cache-dependency-path"] == DEV_LOCK.name for s in setups)
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_make_installs_the_dev_lock_with_hashes_checked() -> None:
    text = MAKEFILE.read_text(encoding="utf-8")
    variables = make_variables(text)
    assert (variables["LOCK"], variables["DEV_LOCK"]) == (LOCK.name, DEV_LOCK.name)
    prerequisites, recipe = make_rule(text, "$(STAMP)")
    assert prerequisites == ["pyproject.toml", "$(DEV_LOCK)"]  # a new lock reinstalls
    installs = [expand(line, variables) for line in recipe if "pip install" in line]
    assert installs == [
        "$(VENV)/bin/pip install --quiet --require-hashes -r requirements-dev.lock",
        "$(VENV)/bin/pip install --quiet --no-deps -e .",
    ]
    assert installs_outside_the_lock("\n".join(installs), {DEV_LOCK.name}) == []
    for target in ("install", "demo", "test", "lint", "weekly"):
        assert "$(STAMP)" in make_rule(text, target)[0]


def test_make_lock_regenerates_both_locks_from_pyproject() -> None:
    text = MAKEFILE.read_text(encoding="utf-8")
    compile_command = make_variables(text)["UV_COMPILE"].split()
    assert "$(LOCK_VENV)/bin/uv pip compile" in " ".join(compile_command)
    for option in ("--universal", "--generate-hashes", "--no-config"):
        assert option in compile_command
    assert compile_command[compile_command.index("--python-version") + 1] == "3.11"
    assert (
        compile_command[compile_command.index("--default-index") + 1] == "https://pypi.org/simple"
    )
    _, recipe = make_rule(text, "lock")
    assert recipe == [
        "$(UV_COMPILE) --output-file $(LOCK) pyproject.toml",
        "$(UV_COMPILE) --extra dev --constraints $(LOCK) --output-file $(DEV_LOCK) pyproject.toml",
    ]
