"""The GitHub workflows, linted offline: the bundled JSON schema, zizmor, and the project's rules.

The external tools run as subprocesses (the socket block does not reach them), so each is called
in a mode that never touches the network: check-jsonschema with a schema bundled in the package,
zizmor with --offline. Every rule is also run on a deliberately unsafe workflow, to show it fails.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
WEEKLY = WORKFLOWS / "weekly.yml"
CI = WORKFLOWS / "ci.yml"
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
        pytest.skip(f"{name} is not installed in {BIN}: pip install -e '.[dev]'")
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
        "cache-dependency-path": "pyproject.toml",
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
    assert ".cache/site-pages" in folders and ".cache/js" in folders
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
