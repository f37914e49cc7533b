"""The project's error hierarchy. Messages name the file, symbol, date or key at fault.

Only the CLI turns these into exit codes: UsageError -> 2, every other GeneratorError -> 1.
"""

from __future__ import annotations

import re
import shutil
import stat
from pathlib import Path

_ERRNO_PREFIX = re.compile(r"^\[Errno \d+\] ")


class GeneratorError(Exception):
    """Base class: a problem the user can fix, reported as one line."""


class UsageError(GeneratorError):
    """Bad command-line input (exit code 2)."""


class ConfigError(GeneratorError):
    """The configuration file is invalid."""


class DataError(GeneratorError):
    """Market data is missing, malformed or fails validation."""


class ValidationError(DataError):
    """A series breaks a validation rule; nothing was written."""

    def __init__(self, symbol: str, date: str | None, rule: str, detail: str):
        self.symbol, self.date, self.rule = symbol, date, rule
        where = f" on {date}" if date else ""
        super().__init__(f"{symbol}{where}: {detail} [rule: {rule}]")


class FetchError(DataError):
    """The live source failed (network down, empty answer, rate limited past the budget)."""


class ParseError(DataError):
    """An imported file cannot be read as any supported format."""


class RenderError(GeneratorError):
    """vl-convert could not draw a chart or build the chart JavaScript (names the chart and week
    when known)."""


class LockError(GeneratorError):
    """Another command is writing the project, or its lock file cannot be used."""


class ReportError(GeneratorError):
    """Writing one week's report failed; the message starts with the week (``week YYYY-MM-DD:``)."""


class SiteError(GeneratorError):
    """MkDocs failed or warned (strict build)."""


def os_error_line(exc: OSError, where: Path | None = None) -> str:
    """One line for an operating-system error: the file it names (else ``where``, when given)
    and the reason."""
    if isinstance(exc, shutil.Error) and exc.args and isinstance(exc.args[0], list):
        source, target, why = exc.args[0][0]  # copytree's list of (source, target, reason)
        return f"{target}: cannot copy {source} ({_ERRNO_PREFIX.sub('', str(why))})"
    reason = exc.strerror or _ERRNO_PREFIX.sub("", " ".join(str(exc).split()))
    reason = reason or type(exc).__name__
    named = [str(f) for f in (exc.filename, exc.filename2) if f is not None]
    if not named and where is not None:
        named = [str(where)]
    return f"{' -> '.join(named)}: {reason}" if named else reason


def file_kind(path: Path) -> str:
    """What an existing path that is not a regular file is, for messages ("a FIFO")."""
    mode = path.stat().st_mode
    kinds = [(stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket")]
    return next((text for test, text in kinds if test(mode)), "a device")
