"""CSV import: find files under a path and parse each into Series, detecting the format by content.

Supported: Yahoo download CSVs, yfinance 1.x ``to_csv`` files, FRED downloads, Ken French
library files (clean daily and raw multi-block monthly) and Shiller's monthly ``data.csv``.
Anything unreadable raises ParseError (one line naming the file, and the line when known); a
file that is plainly not market data (JSON, notes, binary) raises UnsupportedFile so a folder
import can skip it with a warning.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from generator.model import Series
from generator.sources.csvtext import UnsupportedFile, parse_error, read_lines, split_cells
from generator.sources.fred import is_fred_header, parse_fred
from generator.sources.french import is_french, parse_french
from generator.sources.shiller import is_shiller_header, parse_shiller
from generator.sources.yahoo_csv import (
    is_download_header,
    is_yfinance_header,
    parse_download,
    parse_yfinance,
)
from generator.symbols import SymbolError, check_symbol

__all__ = [
    "DEFAULT_YIELD_SYMBOLS",
    "UnsupportedFile",
    "discover_files",
    "parse_file",
    "parse_files",
]

# Yahoo symbols quoted as percent yields rather than prices.
DEFAULT_YIELD_SYMBOLS = frozenset({"^IRX", "^FVX", "^TNX", "^TYX"})
CSV_SUFFIXES = (".csv",)


def discover_files(path: Path) -> list[Path]:
    """``[path]`` for a file; every non-hidden file below a folder, recursively and sorted."""
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise parse_error(path, "no such file or folder")
    found = []
    for candidate in path.rglob("*"):
        hidden = any(part.startswith(".") for part in candidate.relative_to(path).parts)
        if candidate.is_file() and not hidden:
            found.append(candidate)
    return sorted(found)


def parse_file(path: Path, yield_symbols: frozenset[str] | set[str] | None = None) -> list[Series]:
    """Every Series in one file (at least one); ParseError or UnsupportedFile otherwise.

    Symbols come from the file's content or name, so each passes ``check_symbol`` here, where
    the error can name the file.
    """
    series = _parse_by_format(Path(path), yield_symbols)
    for s in series:
        try:
            check_symbol(s.symbol)
        except SymbolError as exc:
            raise parse_error(path, f"{exc}; rename the column or file") from None
    return series


def parse_files(files: Iterable[Path], say: Callable[[str], None]) -> list[Series]:
    """Every Series in ``files``; a file that is not market data is skipped, and ``say`` is told
    which and why (``skipped: <file>: <reason>``), as ``import`` and ``weekly --from-csv`` show."""
    series: list[Series] = []
    for path in files:
        try:
            series.extend(parse_file(path))
        except UnsupportedFile as exc:
            say(f"skipped: {exc}")
    return series


def _parse_by_format(path: Path, yield_symbols: frozenset[str] | set[str] | None) -> list[Series]:
    yields = frozenset(DEFAULT_YIELD_SYMBOLS if yield_symbols is None else yield_symbols)
    lines = read_lines(path)
    start = _first_content_line(path, lines)
    header = split_cells(lines[start])
    if is_yfinance_header(lines, start):
        return parse_yfinance(path, lines, start, yields)
    if is_french(lines):
        return parse_french(path, lines)
    if is_shiller_header(header):
        return parse_shiller(path, lines, start)
    if is_download_header(header):
        return parse_download(path, lines, start, yields)
    if is_fred_header(header):
        return parse_fred(path, lines, start)
    if _is_csv_name(path):
        raise parse_error(path, f"unrecognised CSV header {lines[start][:60]!r}", start + 1)
    raise UnsupportedFile(f"{path}: not a supported CSV format")


def _first_content_line(path: Path, lines: list[str]) -> int:
    """Index of the first non-blank line; empty and JSON files are refused."""
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None:
        if _is_csv_name(path):
            raise parse_error(path, "empty file")
        raise UnsupportedFile(f"{path}: empty file, not a CSV")
    if lines[start].lstrip()[:1] in ("{", "["):
        raise UnsupportedFile(f"{path}: JSON file (metadata), not a CSV")
    return start


def _is_csv_name(path: Path) -> bool:
    return path.suffix.lower() in CSV_SUFFIXES
