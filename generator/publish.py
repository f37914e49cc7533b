"""Crash-safe publishing: a run's changes all land, or the next run finishes or undoes them.

The weekly job stages the new store, archive and site under the cache folder. Putting them in
place takes many renames (a report folder, the home page, each series, the manifest, the
site), and a kill between two of them once left a torn report, a store newer than its manifest,
or a site older than the archive that reruns called "already published". So publishing is:

1. every new file or folder is put, complete, beside its target under a temp name
   (``generator.atomic``); a report or the site moves as one folder;
2. a journal listing the moves in order is written next to the archive (one atomic rename);
3. the moves are made in order, the site's stamp is written, and the journal is removed.

A kill before step 2 leaves only temp files, which ``recover`` removes: the project is as it
was. A kill after it leaves the journal, which ``recover`` rolls forward: the project ends as an
uninterrupted run leaves it. Every command that writes the project calls ``recover`` first.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.atomic import create_temp_file, is_temp, leftover_temps, temp_path
from generator.errors import DataError

log = logging.getLogger(__name__)
JOURNAL = ".publish-journal.json"
SET_ASIDE = ".old"


@dataclass(frozen=True)
class Layout:
    """Where one project's pieces live (the real project, or the sample one under sample/)."""

    project: Path
    store: Path
    docs: Path  # the archive: reports under blog/posts and the home page
    site: Path
    build: Path
    cache: Path
    sample: bool

    @property
    def real_docs(self) -> Path:
        return self.project / "docs"

    @property
    def journal(self) -> Path:
        """The publishing journal, beside the archive (``docs/..``: the project or sample/)."""
        return self.docs.parent / JOURNAL

    @property
    def site_stamp(self) -> Path:
        """What the site was built from (``content_fingerprint``), beside the site folder."""
        return self.site.with_name(f".{self.site.name}.stamp")

    @property
    def content(self) -> tuple[Path, ...]:
        """The folders a site build reads: the project's docs, then the archive laid over them."""
        if self.docs.resolve() == self.real_docs.resolve():
            return (self.real_docs,)
        return (self.real_docs, self.docs)


@dataclass(frozen=True)
class Move:
    """Rename ``source`` (complete, beside its target) onto ``target``."""

    source: Path
    target: Path


def stage_file(target: Path, data: bytes) -> Move:
    """``data`` written to a temp file beside ``target`` (flushed to disk)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = create_temp_file(target)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Move(tmp, target)


def stage_folder(folder: Path, target: Path) -> Move:
    """``folder`` moved (or copied, across file systems) to a temp name beside ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(target)
    if folder.stat().st_dev == target.parent.stat().st_dev:
        os.replace(folder, tmp)
    else:
        shutil.copytree(folder, tmp)  # a kill midway leaves a temp folder: recover removes it
    return Move(tmp, target)


def publish(layout: Layout, moves: list[Move], *, stamp_site: bool) -> None:
    """Make ``moves`` in order through the journal (module docstring); with ``stamp_site``, the
    last move put a freshly built site in place and its stamp is written."""
    entries = [[str(m.source.resolve()), str(m.target.resolve())] for m in moves]
    journal = {"moves": entries, "stamp_site": stamp_site}
    write_atomic(layout.journal, (json.dumps(journal, indent=1) + "\n").encode("utf-8"))
    _roll_forward(layout, journal)


def _roll_forward(layout: Layout, journal: dict) -> None:
    """The journal's moves, then the site's stamp; the journal is removed last. A failure
    leaves the journal for the next command to finish (a rerun skips the moves made)."""
    try:
        for source, target in journal["moves"]:
            _apply(Move(Path(source), Path(target)))
        if journal.get("stamp_site"):
            write_site_stamp(layout)
        layout.journal.unlink(missing_ok=True)
    except OSError as exc:
        raise DataError(
            f"{exc.filename or layout.journal}: publishing stopped ({exc.strerror or exc}); "
            f"the next generator command finishes it from {layout.journal}"
        ) from None


def recover(layout: Layout) -> list[str]:
    """Finish or undo what a killed run left; returns what was done, one line each.

    In order: a pending journal is rolled forward; a report set aside by a killed replacement is
    put back or removed; a set-aside site is put back or removed; temp files and folders are
    removed from the store, the archive, the site's folder and the cache.
    """
    done: list[str] = []
    if layout.journal.exists():
        _roll_forward(layout, _read_journal(layout.journal))
        done.append(f"{layout.journal}: finished the publishing a killed run had started")
    done.extend(_recover_set_aside(layout))
    for path in leftover_temps(_temp_folders(layout)):
        _remove(path)
        done.append(f"{path}: removed a temp file a killed run left")
    for line in done:
        log.warning("%s", line)
    return done


def site_is_current(layout: Layout) -> bool:
    """Whether the built site was made from the archive as it is now (see ``write_site_stamp``)."""
    if not layout.site.is_dir():
        return False
    try:
        stamp = layout.site_stamp.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return False
    return stamp == content_fingerprint(layout.content)


def write_site_stamp(layout: Layout) -> None:
    """Record that the site in place was built from the archive as it is now."""
    write_atomic(layout.site_stamp, (content_fingerprint(layout.content) + "\n").encode("utf-8"))


def content_fingerprint(folders: Iterable[Path]) -> str:
    """A digest of every file's path, size and modification time under ``folders``.

    Cheap on a 1,000-report archive (no file is read). A checkout or a copy changes the times,
    which only costs a rebuild; any report added, replaced or removed changes it.
    """
    digest = hashlib.sha256()
    for number, folder in enumerate(folders):
        for path, size, mtime in sorted(_files(Path(folder))):
            digest.update(f"{number}\0{path}\0{size}\0{mtime}\n".encode())
    return "sha256:" + digest.hexdigest()


def _files(folder: Path) -> Iterable[tuple[str, int, int]]:
    for base, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not is_temp(d)]
        for name in names:
            if is_temp(name):
                continue
            path = os.path.join(base, name)
            info = os.stat(path)
            yield os.path.relpath(path, folder), info.st_size, info.st_mtime_ns


def write_atomic(path: Path, data: bytes) -> None:
    """``path`` holds ``data`` afterwards, or what it held before: never a part."""
    move = stage_file(path, data)
    os.replace(move.source, move.target)


def _read_journal(path: Path) -> dict:
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
        moves = [[str(source), str(target)] for source, target in journal["moves"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataError(
            f"{path}: unreadable publishing journal ({exc}); it is written whole, so it was "
            "edited: restore it or remove it and check the store with `generator status`"
        ) from None
    return {"moves": moves, "stamp_site": bool(journal.get("stamp_site"))}


def _apply(move: Move) -> None:
    """One move; a move already made (its source gone) is skipped, so a rerun resumes."""
    old = _set_aside(move.target)
    if os.path.lexists(move.source):
        if move.source.is_dir() and move.target.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(move.target, old)
        os.replace(move.source, move.target)
    if old.is_dir():
        shutil.rmtree(old)


def _set_aside(target: Path) -> Path:
    return target.with_name(f".{target.name}{SET_ASIDE}")


def _recover_set_aside(layout: Layout) -> list[str]:
    """Set-aside report folders and sites (``restore_set_aside``)."""
    posts = layout.docs / "blog" / "posts"
    targets = [
        old.with_name(old.name[1 : -len(SET_ASIDE)]) for old in posts.glob(f"*/*/.*{SET_ASIDE}")
    ]
    return [
        f"{target}: put back what a killed run had set aside"
        for target in sorted([*targets, layout.site])
        if restore_set_aside(target)
    ]


def restore_set_aside(target: Path) -> bool:
    """A folder set aside by a killed replacement of ``target`` is put back when nothing replaced
    it, else removed; returns True when it was put back."""
    old = _set_aside(target)
    if not old.is_dir():
        return False
    if target.exists():
        shutil.rmtree(old)
        return False
    os.replace(old, target)
    return True


def _temp_folders(layout: Layout) -> list[Path]:
    """Where writers put temp files: beside each store file, report folder, page and site."""
    posts = layout.docs / "blog" / "posts"
    return sorted(
        {
            layout.store,
            layout.docs,
            layout.journal.parent,
            layout.site.parent,
            layout.cache,
            *posts.glob("*/*"),
        }
    )


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
