"""Temp files and folders for atomic writes, with the modes a plain ``open()`` gives.

``tempfile.mkstemp`` and ``mkdtemp`` create private files (0600) and folders (0700) whatever the
umask says; renamed into the archive or the site, they are unreadable to a web server running as
another user and to GitHub Pages' artifact upload. Here a temp file is created with
``O_CREAT | O_EXCL`` and mode 0666, a folder with mode 0777, so the kernel applies the umask
exactly as it does for any other file the generator writes.

Every temp name is ``.<target name>.<pid>-<random>.tmp`` beside its target, so a run killed
before its rename leaves something ``leftover_temps`` recognises and removes.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from pathlib import Path

TEMP_SUFFIX = ".tmp"
_ATTEMPTS = 100


def temp_path(target: Path) -> Path:
    """A fresh hidden name beside ``target`` that ``is_temp`` recognises."""
    tag = f"{os.getpid()}-{secrets.token_hex(4)}"
    return Path(target).with_name(f".{Path(target).name}.{tag}{TEMP_SUFFIX}")


def create_temp_file(target: Path) -> tuple[int, Path]:
    """Open a new temp file beside ``target`` for writing; returns (descriptor, path)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(_ATTEMPTS):
        path = temp_path(target)
        try:
            return os.open(path, flags, 0o666), path
        except FileExistsError:
            continue
    raise FileExistsError(f"{target}: no free temp name after {_ATTEMPTS} attempts")


def create_temp_dir(target: Path) -> Path:
    """Create a new empty temp folder beside ``target``; returns its path."""
    for _ in range(_ATTEMPTS):
        path = temp_path(target)
        try:
            os.mkdir(path, 0o777)
            return path
        except FileExistsError:
            continue
    raise FileExistsError(f"{target}: no free temp name after {_ATTEMPTS} attempts")


def write_file(path: Path, data: bytes, *, sync: bool = False) -> None:
    """Write ``data`` to a new file ``path`` (it must not exist) with the umask's mode."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    with os.fdopen(os.open(path, flags, 0o666), "wb") as handle:
        handle.write(data)
        if sync:
            handle.flush()
            os.fsync(handle.fileno())


def is_temp(name: str) -> bool:
    """Whether ``name`` is a temp file or folder of this module (or of the older writers)."""
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def leftover_temps(folders: Iterable[Path]) -> list[Path]:
    """Temp files and folders directly inside ``folders``: what a killed writer left."""
    found: list[Path] = []
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        found.extend(Path(e.path) for e in entries if is_temp(e.name))
    return sorted(found)
