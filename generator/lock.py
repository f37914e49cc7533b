"""One writer at a time: the lock that every command writing the project holds while it runs.

Two writers at once lose work: an ``import`` during a ``weekly`` run reads the manifest, the
weekly job then moves its own copy into place, and the import's entry is gone. So ``fetch``,
``import``, ``report``, ``backfill``, ``site`` and ``weekly`` hold the project's lock file; a
second writer waits a bounded time, then gives up naming the holder.

The lock is ``fcntl.flock`` on the lock file; the file's content (pid, host, command, start)
only names the holder in messages. The kernel drops a flock when its holder dies, however it
dies, so a lock file left behind by a killed process is simply free: the next writer takes it
over atomically (the kernel decides who gets it) and rewrites the content. Forked workers
share the open file, so they keep their parent's lock without ever releasing it themselves.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.errors import LockError

# At the project root, not in data/ or docs/: it covers the store, the archive, the site and
# the cache at once (the sample project and the real one share the cache), it is outside every
# folder the weekly workflow commits (`git add data docs/blog/posts docs/index.md`) and outside
# the store copies the weekly job stages, and it is gone whenever no writer runs.
LOCK_NAME = ".smallcap.lock"
_POLL = 0.1  # seconds between two attempts while waiting


@dataclass(frozen=True)
class Holder:
    """Who holds a lock, as its lock file says."""

    pid: int | None
    host: str
    command: str
    since: str

    def describe(self) -> str:
        if self.pid is None:
            return "a process that has not yet written its name into the lock file"
        return f"pid {self.pid} on {self.host} (`{self.command}`) since {self.since}"


@contextlib.contextmanager
def project_lock(
    path: Path, command: str, *, wait: float, on_wait: Callable[[str], None]
) -> Iterator[None]:
    """Hold the lock file ``path`` for the block; wait up to ``wait`` seconds for another
    holder (calling ``on_wait`` once with a line saying so), then raise LockError naming it."""
    fd = _acquire(path, command, wait, on_wait)
    owner = os.getpid()
    try:
        yield
    finally:
        # A forked worker leaving the block must not release the lock its parent still needs.
        if os.getpid() == owner:
            _release(path, fd)


def read_holder(path: Path) -> Holder:
    """The holder named in the lock file (pid None when the file is empty or unreadable)."""
    try:
        fields = json.loads(path.read_text(encoding="utf-8"))
        return Holder(int(fields["pid"]), fields["host"], fields["command"], fields["since"])
    except (OSError, ValueError, KeyError, TypeError):
        return Holder(None, "", "", "")


def _acquire(path: Path, command: str, wait: float, on_wait: Callable[[str], None]) -> int:
    deadline = time.monotonic() + wait
    waiting = False
    while True:
        fd = _try_lock(path)
        if fd is not None:
            try:
                _write_holder(fd, command)
            except OSError as exc:
                _release(path, fd)
                raise LockError(f"{path}: cannot write the lock file ({exc.strerror})") from None
            return fd
        holder = read_holder(path).describe()
        if time.monotonic() >= deadline:
            raise LockError(
                f"{path}: another command is writing this project: {holder}; "
                f"gave up after {wait:g} s (wait longer with --wait SECONDS)"
            )
        if not waiting:
            on_wait(f"waiting up to {wait:g} s for {path}: held by {holder}")
            waiting = True
        time.sleep(min(_POLL, max(deadline - time.monotonic(), 0.0)))


def _try_lock(path: Path) -> int | None:
    """An open descriptor holding the lock on the file at ``path``, or None while another
    process holds it."""
    while True:
        try:
            # 0o666: the lock file gets the mode the umask gives, like every file we write.
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        except OSError as exc:
            raise LockError(f"{path}: cannot open the lock file ({exc.strerror})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        except OSError as exc:
            os.close(fd)
            raise LockError(f"{path}: cannot lock the lock file ({exc.strerror})") from None
        if _is_current(fd, path):
            return fd
        # The previous holder removed the file between our open and our lock: a lock on a
        # removed file excludes nobody, so open the path again.
        os.close(fd)


def _is_current(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (held.st_dev, held.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _write_holder(fd: int, command: str) -> None:
    since = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    fields = {"pid": os.getpid(), "host": socket.gethostname(), "command": command, "since": since}
    os.ftruncate(fd, 0)
    os.pwrite(fd, (json.dumps(fields) + "\n").encode("utf-8"), 0)


def _release(path: Path, fd: int) -> None:
    # Remove the file while still holding it, then unlock by closing: a waiter that opened the
    # old file sees it is no longer at ``path`` and opens the path again (see _try_lock).
    path.unlink(missing_ok=True)
    os.close(fd)
