"""What the build hooks share to keep work between builds, and to do it on two cores (not a hook).

The cache lives in the folder named by ``SMALLCAP_RENDER_CACHE`` (generator/site.py sets it for
its MkDocs subprocess), one subfolder per kind of entry, one JSON file per key. A build marks
every entry it reads or writes and removes the others afterwards, so the folder holds what the
last build used. Entries whose computation logged a warning are never written: a strict build
that failed on a page fails again on the next build instead of reusing that page.

A build with much to compute forks a helper (``Ahead``) that works through the pages from the
last one backwards while MkDocs goes forwards; the two stop where they meet (counters in shared
memory say how far MkDocs got and which page the helper is on). The helper converts reports
(render_cache.py), whose entries MkDocs then finds, or builds whole pages (parallel_pages.py).
It prints nothing, leaves nothing for a page that warned (MkDocs then does that page itself and
reports the warning), and ends without running the exit handlers that belong to MkDocs.

The hooks import this module by name: MkDocs puts a hook's folder on ``sys.path`` while it
loads the hook.
"""

from __future__ import annotations

import hashlib
import json
import logging
import mmap
import os
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

ENV = "SMALLCAP_RENDER_CACHE"
_folders: dict[str, CacheFolder] = {}  # this build's folders by path (see used_keys)


def cache_root() -> Path | None:
    """The cache folder, or None when the build runs without one."""
    folder = os.environ.get(ENV)
    return Path(folder) if folder else None


def digest(*parts: str) -> str:
    """A key for ``parts`` (separated, so that ("ab", "c") and ("a", "bc") differ)."""
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(part.encode("utf-8", "surrogatepass"))
        hashed.update(b"\0")
    return hashed.hexdigest()


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class CacheFolder:
    """One kind of entry: ``<key><suffix>`` files in ``folder``, JSON unless the suffix says."""

    def __init__(self, folder: Path, suffix: str = ".json") -> None:
        self.folder = folder
        self.suffix = suffix
        self.used: set[str] = set()
        self.uses: list[str] = []  # every use in order, for the ones since a point (used_since)
        folder.mkdir(parents=True, exist_ok=True)
        _folders[str(folder)] = self

    def read(self, key: str) -> Any | None:
        """The entry stored under ``key``, or None."""
        text = self.read_text(key)
        return None if text is None else json.loads(text)

    def write(self, key: str, entry: Any) -> None:
        self.write_text(key, json.dumps(entry, separators=(",", ":")))

    def holds(self, key: str) -> bool:
        return (self.folder / f"{key}{self.suffix}").is_file()

    def _use(self, key: str) -> None:
        self.used.add(key)
        self.uses.append(key)

    def read_text(self, key: str) -> str | None:
        self._use(key)
        try:
            return (self.folder / f"{key}{self.suffix}").read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def write_text(self, key: str, text: str) -> None:
        self._use(key)
        path = self.folder / f"{key}{self.suffix}"
        tmp = self.folder / f".{path.name}.{os.getpid()}.tmp"
        # Not mkstemp: its files are private (0600); these get the umask's mode like any file.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise

    def prune(self) -> None:
        """Remove the entries this build did not use (and temp files of interrupted writes)."""
        for path in self.folder.iterdir():
            if path.name.removesuffix(self.suffix) not in self.used:
                path.unlink(missing_ok=True)


def use_marks() -> dict[str, int]:
    """How many uses each folder has seen so far (see used_since)."""
    return {path: len(folder.uses) for path, folder in _folders.items()}


def used_since(marks: dict[str, int]) -> dict[str, list[str]]:
    """The entries each folder used after ``marks`` (a helper hands them back with its pages)."""
    return {path: folder.uses[marks.get(path, 0) :] for path, folder in _folders.items()}


def mark_used(keys: dict[str, list[str]]) -> None:
    """Count as used the entries a helper used (so that pruning keeps them)."""
    for path, used in keys.items():
        if path in _folders:
            _folders[path].used.update(used)


class WarningCount(logging.Handler):
    """Counts MkDocs' warnings and errors (the messages that fail a strict build)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def warning_count() -> WarningCount:
    """The process's one counter on the ``mkdocs`` logger, attached on first use."""
    logger = logging.getLogger("mkdocs")
    for handler in logger.handlers:
        if isinstance(handler, WarningCount):
            return handler
    handler = WarningCount()
    logger.addHandler(handler)
    return handler


class RecordedFiles:
    """A view of MkDocs' ``Files`` that records which paths a page looked up, and what it found.

    A page's HTML depends on the files its links point to (their URLs, whether they exist and
    are published), so an entry is reused only while every looked-up path resolves as it did.
    """

    def __init__(self, files: Any) -> None:
        self._files = files
        self.lookups: dict[str, list[Any]] = {}

    def get_file_from_path(self, path: str) -> Any:
        found = self._files.get_file_from_path(path)
        self.lookups[path] = resolution(found)
        return found

    def __getattr__(self, name: str) -> Any:
        return getattr(self._files, name)


def resolution(file: Any) -> list[Any]:
    """What a link to ``file`` (None: no such file) turns into: its URL and whether it is left out."""
    if file is None:
        return [None, False]
    return [file.url, file.inclusion.is_excluded()]


def lookups_hold(lookups: dict[str, list[Any]], files: Any) -> bool:
    """Whether every recorded path still resolves as recorded."""
    return all(resolution(files.get_file_from_path(p)) == r for p, r in lookups.items())


class Ahead:
    """A forked process calling ``work`` on positions ``count - 1`` down to where MkDocs is."""

    def __init__(self, count: int, work: Callable[[int], None]) -> None:
        self.count = count
        self._shared = mmap.mmap(-1, 16)  # anonymous, so shared with the forked process
        self.reached(-1)
        self._set_helper_on(-1)
        self._exited = False
        try:
            self.pid: int | None = os.fork()
        except OSError:  # no process to spare: MkDocs does it all
            self.pid = None
        if self.pid == 0:  # the helper: never returns into MkDocs
            try:
                _quiet_logging()
                for position in range(count - 1, -1, -1):
                    self._set_helper_on(position)
                    if position <= self._position():
                        break
                    work(position)
            finally:
                self._set_helper_on(-1)
                os._exit(0)  # no exit handlers: they belong to MkDocs (the blog's temp folder)

    def reached(self, position: int) -> None:
        """MkDocs is at ``position``: the helper stops before it."""
        struct.pack_into("q", self._shared, 0, position)

    def helper_on(self, position: int) -> bool:
        """Whether the helper is (still) working on ``position``."""
        return struct.unpack_from("q", self._shared, 8)[0] == position and self._running()

    def _position(self) -> int:
        return struct.unpack_from("q", self._shared, 0)[0]

    def _set_helper_on(self, position: int) -> None:
        struct.pack_into("q", self._shared, 8, position)

    def _running(self) -> bool:
        if self.pid is None or self._exited:
            return False
        self._exited = os.waitpid(self.pid, os.WNOHANG)[0] != 0
        return not self._exited

    def stop(self) -> None:
        """Let the helper finish its page, and wait for it."""
        self.reached(self.count)
        if self.pid is not None and not self._exited:
            os.waitpid(self.pid, 0)
            self._exited = True


def cores() -> int:
    """The cores this process may run on (0 where it cannot fork a helper)."""
    if not hasattr(os, "fork"):
        return 0
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _quiet_logging() -> None:
    """Count warnings (to write no entry for a page that warned) but print nothing."""
    logger = logging.getLogger("mkdocs")
    logger.handlers = [h for h in logger.handlers if isinstance(h, WarningCount)]
    logger.propagate = False
    logging.getLogger().handlers = [logging.NullHandler()]
