"""The one rule for symbols: a symbol names exactly one file, ``<symbol>.csv``, in the store.

Symbols come from the config, from file content (a FRED column, a yfinance ``Ticker`` row) and
from file names, so every one of them passes ``check_symbol`` before it names a file. Besides
path tricks (separators, ``..``, absolute paths, control characters), the names of the store's
own files are reserved: ``valuation`` (the curated ``valuation.csv``) and ``manifest``. They are
compared case-insensitively, as are two symbols of one store, because macOS and Windows file
systems ignore case: ``Valuation.csv`` there IS ``valuation.csv``.
"""

from __future__ import annotations

import unicodedata

from generator.errors import DataError

# The stems of the files a store keeps beside its series (store.VALUATIONS, store.MANIFEST).
RESERVED = {"valuation": "the curated valuation.csv", "manifest": "the store's manifest.json"}
# Path separators and the characters Windows refuses in a file name (':' also names a drive).
FORBIDDEN = frozenset('/\\:<>"|?*')
# Room for ".csv" and the temp names beside it within a 255-byte file name, and more than any
# ticker or FRED id needs.
MAX_LENGTH = 64
# Controls, invisible format characters (bidi overrides, zero widths), line and paragraph
# separators, lone surrogates.
_CONTROL = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


class SymbolError(DataError):
    """A symbol that cannot name a stored series (the message names the symbol and why)."""

    def __init__(self, symbol: object, reason: str):
        self.symbol, self.reason = symbol, reason
        super().__init__(f"symbol {symbol!r} {reason}")


def check_symbol(symbol: object) -> str:
    """``symbol`` unchanged when it can name a stored series; SymbolError otherwise."""
    problem = _problem(symbol)
    if problem is not None:
        raise SymbolError(symbol, problem)
    return symbol  # type: ignore[return-value]  # _problem refuses anything but a str


def symbol_key(symbol: str) -> str:
    """What a case-insensitive file system compares: two symbols with one key share a file."""
    return unicodedata.normalize("NFC", symbol).casefold()


def _problem(symbol: object) -> str | None:
    if not isinstance(symbol, str):
        return "is not text"
    if not symbol:
        return "is empty"
    if symbol != symbol.strip():
        return "starts or ends with a space"
    bad = next((c for c in symbol if c in FORBIDDEN), None)
    if bad is not None:
        return f"contains {bad!r}, which cannot be in a file name (a path separator, or refused by Windows)"
    control = next((c for c in symbol if unicodedata.category(c) in _CONTROL), None)
    if control is not None:
        return f"contains the control character {control!r}"
    if len(symbol) > MAX_LENGTH:
        return f"is longer than {MAX_LENGTH} characters"
    if symbol.startswith("."):
        return "starts with '.' (a hidden file, or the folder itself)"
    if ".." in symbol:
        return "contains '..'"
    reserved = RESERVED.get(symbol_key(symbol))
    if reserved is not None:
        return f"is reserved: {reserved} lives beside the series (upper or lower case alike)"
    return None
