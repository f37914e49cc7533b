"""The project's error hierarchy. Messages name the file, symbol, date or key at fault.

Only the CLI turns these into exit codes: UsageError -> 2, every other GeneratorError -> 1.
"""


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


class LockError(GeneratorError):
    """Another command is writing the project, or its lock file cannot be used."""
