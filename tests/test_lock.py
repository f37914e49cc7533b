"""One writer at a time: commands that write the project hold `.smallcap.lock` while they run.

Real processes hold and contend for the lock; every project is a temp folder (the lock file lives
in the folder a command runs from).
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from generator import cli
from generator.errors import LockError
from generator.lock import LOCK_NAME, project_lock
from generator.store import read_manifest

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "smallcap.toml"
ROWS = "2024-01-02,{p},{p},{p},{p},{p},1000\n2024-01-03,{p},{p},{p},{p},{p},1000\n"

# A process that takes the lock as `generator weekly` and keeps it until its stdin closes.
HOLDER = """
import sys
from pathlib import Path
from generator.lock import project_lock
with project_lock(Path(".smallcap.lock"), "generator weekly", wait=0, on_wait=print):
    print("locked", flush=True)
    sys.stdin.read()
"""

# Like HOLDER, but first forks a child that leaves the locked block and exits, as a worker may.
FORKING_HOLDER = """
import os, sys
from pathlib import Path
from generator.lock import project_lock
with project_lock(Path(".smallcap.lock"), "generator backfill", wait=0, on_wait=print):
    child = os.fork()
    if child == 0:
        sys.exit(0)
    os.waitpid(child, 0)
    print("locked", flush=True)
    sys.stdin.read()
"""

# `generator ARGS...` whose import pauses before it replaces manifest.json, until a file `go`
# appears: the window in which another writer would read the old manifest.
PAUSED_IMPORT = """
import os, sys, time
from pathlib import Path
real_replace = os.replace
def replace(src, dst, *args, **kwargs):
    if Path(dst).name == "manifest.json":
        print("writing the manifest", flush=True)
        deadline = time.monotonic() + 60
        while not Path("go").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    return real_replace(src, dst, *args, **kwargs)
os.replace = replace
from generator import cli
sys.exit(cli.main(sys.argv[1:]))
"""

# `generator ARGS...` whose import command runs until interrupted.
ENDLESS_IMPORT = """
import sys, time
import generator.commands
def endless(ctx):
    print("importing", flush=True)
    time.sleep(120)
generator.commands.run_import = endless
from generator import cli
sys.exit(cli.main(sys.argv[1:]))
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder (the current one) with two Yahoo CSV files to import."""
    header = "Date,Open,High,Low,Close,Adj Close,Volume\n"
    (tmp_path / "^RUT.csv").write_text(header + ROWS.format(p=100))
    (tmp_path / "^GSPC.csv").write_text(header + ROWS.format(p=4000))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def start(script: str, project: Path, *argv: str) -> subprocess.Popen:
    """A Python process running ``script`` in ``project``; it has started once its first line
    is read (see started)."""
    return subprocess.Popen(
        [sys.executable, "-c", script, *argv],
        cwd=project,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def started(proc: subprocess.Popen, line: str) -> subprocess.Popen:
    got = proc.stdout.readline().strip()
    if got != line:
        proc.kill()
        raise AssertionError(f"expected {line!r}, got {got!r}: {proc.communicate()[1]}")
    return proc


def stop(proc: subprocess.Popen) -> None:
    proc.stdin.close()
    proc.wait(timeout=30)


def generator(project: Path, *argv: str, wait: str = "0.5") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", "--wait", wait, "--config", str(CONFIG), *argv],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )


def in_process(*argv: str) -> int:
    try:
        return cli.main(["--config", str(CONFIG), *argv])
    except SystemExit as exc:
        return int(exc.code or 0)


@pytest.mark.slow
def test_a_second_writer_waits_then_fails_with_one_line_naming_the_holder(project: Path) -> None:
    holder = started(start(HOLDER, project), "locked")
    try:
        fields = json.loads((project / LOCK_NAME).read_text())
        result = generator(project, "import", "^RUT.csv")
    finally:
        stop(holder)
    assert fields["pid"] == holder.pid and fields["command"] == "generator weekly"
    assert result.returncode == 1
    lock = project / LOCK_NAME
    who = f"pid {holder.pid} on {fields['host']} (`generator weekly`) since {fields['since']}"
    assert result.stderr.splitlines() == [
        f"waiting up to 0.5 s for {lock}: held by {who}",
        f"error: {lock}: another command is writing this project: {who}; "
        "gave up after 0.5 s (wait longer with --wait SECONDS)",
    ]
    assert not (project / "data").exists()  # nothing was written
    assert not lock.exists()  # the holder removed it when it ended


@pytest.mark.slow
def test_concurrent_imports_both_end_in_the_manifest(project: Path) -> None:
    first = start(PAUSED_IMPORT, project, "--config", str(CONFIG), "import", "^RUT.csv")
    started(first, "writing the manifest")
    second = subprocess.Popen(
        [sys.executable, "-m", "generator", "--wait", "60", "--config", str(CONFIG)]
        + ["import", "^GSPC.csv"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Let the first import finish once the second is waiting for it (or, without a lock, done).
    for line in second.stderr:
        if line.startswith("waiting up to 60 s"):
            break
    (project / "go").touch()
    assert first.wait(timeout=60) == 0, first.stderr.read()
    assert second.wait(timeout=60) == 0, second.stderr.read()
    assert sorted(read_manifest(project / "data")["series"]) == ["^GSPC", "^RUT"]


def test_a_lock_left_by_a_killed_process_is_taken_over(project: Path) -> None:
    holder = started(start(HOLDER, project), "locked")
    holder.kill()
    holder.wait(timeout=30)
    assert json.loads((project / LOCK_NAME).read_text())["pid"] == holder.pid  # left behind
    assert in_process("--quiet", "--wait", "0", "import", "^RUT.csv") == 0
    assert sorted(read_manifest(project / "data")["series"]) == ["^RUT"]
    assert not (project / LOCK_NAME).exists()


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["import", "missing.csv"], 2),  # a usage error
        (["import", "^RUT.csv", "^GSPC.csv", "missing.csv"], 2),
        (["report"], 1),  # a data error: no store
    ],
)
def test_the_lock_is_released_after_an_error(project: Path, argv: list[str], code: int) -> None:
    assert in_process("--quiet", *argv) == code
    assert not (project / LOCK_NAME).exists()
    with project_lock(project / LOCK_NAME, "test", wait=0, on_wait=print):
        pass


@pytest.mark.slow
def test_the_lock_is_released_after_ctrl_c(project: Path) -> None:
    proc = start(ENDLESS_IMPORT, project, "--config", str(CONFIG), "import", "^RUT.csv")
    started(proc, "importing")
    assert (project / LOCK_NAME).exists()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert err.splitlines()[-1] == "interrupted: nothing was left half-written"
    assert not (project / LOCK_NAME).exists()
    with project_lock(project / LOCK_NAME, "test", wait=0, on_wait=print):
        pass


def test_a_forked_worker_leaves_the_lock_to_its_parent(project: Path) -> None:
    holder = started(start(FORKING_HOLDER, project), "locked")
    try:
        with pytest.raises(LockError, match=rf"pid {holder.pid} on .* \(`generator backfill`\)"):
            with project_lock(project / LOCK_NAME, "test", wait=0, on_wait=print):
                pass
    finally:
        stop(holder)


def test_a_lock_file_removed_while_being_locked_is_opened_again(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A holder may end between a waiter's open and its lock: a lock on the removed file would
    exclude nobody, so the waiter opens the path again."""
    path = project / LOCK_NAME
    real_flock = fcntl.flock
    calls = []

    def flock_as_the_holder_leaves(fd: int, operation: int) -> None:
        if not calls:
            path.unlink()  # what the previous holder's release does
        calls.append(operation)
        real_flock(fd, operation)

    monkeypatch.setattr(fcntl, "flock", flock_as_the_holder_leaves)
    with project_lock(path, "generator site", wait=0, on_wait=print):
        assert len(calls) == 2
        with pytest.raises(LockError, match="generator site"):
            with project_lock(path, "test", wait=0, on_wait=print):
                pass


@pytest.mark.parametrize(
    "argv",
    [
        ["fetch", "--sample", "--end", "2024-01-05"],
        ["import", "^RUT.csv"],
        ["report"],
        ["backfill", "--last", "1"],
        ["site"],
        ["weekly", "--sample"],
    ],
)
def test_every_command_that_writes_takes_the_lock(project: Path, argv: list[str], capsys) -> None:
    with project_lock(project / LOCK_NAME, "generator weekly", wait=0, on_wait=print):
        assert in_process("--wait", "0", *argv) == 1
    err = capsys.readouterr().err
    assert "another command is writing this project" in err and len(err.splitlines()) == 1
    assert not (project / "data").exists() and not (project / "sample").exists()


@pytest.mark.parametrize("argv", [["status"], ["metrics"]])
def test_commands_that_only_read_do_not_wait(project: Path, argv: list[str], capsys) -> None:
    assert in_process("--quiet", "import", "^RUT.csv") == 0
    with project_lock(project / LOCK_NAME, "generator weekly", wait=0, on_wait=print):
        in_process("--wait", "0", *argv)
    assert "writing this project" not in capsys.readouterr().err


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664)])
def test_the_lock_file_gets_the_mode_the_umask_gives(project: Path, umask: int, mode: int) -> None:
    previous = os.umask(umask)
    try:
        with project_lock(project / LOCK_NAME, "test", wait=0, on_wait=print):
            assert (project / LOCK_NAME).stat().st_mode & 0o777 == mode
    finally:
        os.umask(previous)


@pytest.mark.parametrize("wait", ["-1", "nan", "inf", "90000", "soon"])
def test_wait_is_a_bounded_number_of_seconds(project: Path, wait: str, capsys) -> None:
    assert in_process("--wait", wait, "import", "^RUT.csv") == 2
    assert "argument --wait:" in capsys.readouterr().err


def test_git_ignores_the_lock_file() -> None:
    assert f"/{LOCK_NAME}" in (ROOT / ".gitignore").read_text().splitlines()
