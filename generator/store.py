"""The market-data store: one CSV per symbol under a folder, plus a manifest.

Each CSV is sorted by date with one row per observation, fixed column order and fixed float
formatting, so a weekly update is a small reviewable diff. ``manifest.json`` records, per
symbol, its range, row count, source, fetch time and content hash, and whether the store holds
the synthetic sample market (sample and real data never share a store).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from generator.atomic import create_temp_file
from generator.errors import DataError, file_kind
from generator.model import SCHEMAS, Market, Series
from generator.symbols import SymbolError, check_symbol, symbol_key

MANIFEST = "manifest.json"
VALUATIONS = "valuation.csv"
FLOAT_FORMAT = "%.6f"
# From here on a float64 has no digit after the sixth decimal to round away, and multiplying by
# 1e6 (how numpy rounds) could overflow: 1e308 would be written as "inf".
_ROUNDING_LIMIT = 1e15
_META_KEYS = ("schema", "measure", "frequency")


def series_path(store: Path, symbol: str) -> Path:
    """The CSV of ``symbol``, directly inside ``store``; SymbolError for a symbol that could name
    anything else (``check_symbol``), DataError should a path still land outside the store."""
    path = Path(store) / f"{check_symbol(symbol)}.csv"
    _check_inside(store, path)
    return path


def _check_inside(store: Path, path: Path) -> None:
    """Refuse a path whose folder, once ``..`` and relative parts are resolved, is not the store."""
    if Path(os.path.abspath(path)).parent != Path(os.path.abspath(store)):
        raise DataError(f"{path}: outside the store {store}; refusing to write there")


def read_manifest(store: Path) -> dict:
    """The store's manifest; an empty one for a store that does not exist yet."""
    path = Path(store) / MANIFEST
    if not path.exists():
        return {"sample": None, "series": {}}
    check_regular_file(path)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(
            f"{path}: manifest is not valid JSON ({exc.msg}, line {exc.lineno})"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(f"{path}: cannot read the manifest ({exc})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("series"), dict):
        raise DataError(f"{path}: manifest must be an object with a 'series' object")
    for symbol, entry in manifest["series"].items():
        try:
            check_symbol(symbol)
        except SymbolError as exc:
            raise DataError(f"{path}: {exc}") from None
        if not isinstance(entry, dict) or entry.get("schema") not in SCHEMAS:
            raise DataError(
                f"{path}: series {symbol!r} has no valid schema (one of {sorted(SCHEMAS)})"
            )
    return manifest


def read_series(store: Path, symbol: str) -> Series | None:
    """One stored series, or None when the store does not hold the symbol."""
    entry = read_manifest(store)["series"].get(symbol)
    path = series_path(store, symbol)
    if entry is None or not path.exists():
        return None
    return _read_csv(path, symbol, entry)


def read_unlisted(store: Path, like: Series) -> Series | None:
    """The store's CSV of ``like.symbol`` when manifest.json does not list it (a lost manifest,
    or a write killed before its manifest), read as ``like``'s kind; None when there is none.

    Merging with it keeps the history on disk: without it, ten imported rows would replace it.
    """
    path = series_path(store, like.symbol)
    if like.symbol in read_manifest(store)["series"] or not path.exists():
        return None
    kind = {"schema": like.schema, "measure": like.measure, "frequency": like.frequency}
    try:
        return _read_csv(path, like.symbol, {**kind, "source": like.source})
    except DataError as exc:
        raise DataError(
            f"{exc}; {path.name} is not listed in {MANIFEST}: move it out of {store} "
            f"to import {like.symbol} afresh, or restore {MANIFEST}"
        ) from None


def load_market(store: Path, *, verify: bool = True) -> Market:
    """Every series of the store, plus the curated valuation table when present.

    With ``verify`` (the default) a file whose bytes are not those manifest.json records is
    refused, naming it: reports are never built from edited or half-updated data. Each file is
    hashed from the bytes read for parsing, so this costs one sha256 pass over the store.
    """
    manifest = read_manifest(store)
    sample = bool(manifest.get("sample"))
    series = {}
    for symbol, entry in sorted(manifest["series"].items()):
        path = series_path(store, symbol)
        data = _stored_bytes(store, path, sample)
        if verify and content_hash(data) != entry.get("sha256"):
            raise mismatch_error(store, path, sample)
        series[symbol] = _read_csv(path, symbol, entry, data)
    return Market(series=series, sample=sample, valuations=_valuations(store))


def _stored_bytes(store: Path, path: Path, sample: bool) -> bytes:
    check_regular_file(path)  # before reading: a FIFO would block forever
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise mismatch_error(store, path, sample) from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read stored series ({exc.strerror or exc})") from None


def manifest_mismatches(store: Path) -> list[Path]:
    """The stored CSV files whose bytes are not those the manifest records: a write killed
    between its renames (the manifest goes last), or an edit by hand."""
    stored = sorted(read_manifest(store)["series"].items())
    paths = [(series_path(store, symbol), entry.get("sha256")) for symbol, entry in stored]
    return [path for path, recorded in paths if file_hash(path) != recorded]


def check_store(store: Path) -> None:
    """Refuse a store whose files differ from its manifest, naming the first such file: what
    the weekly job checks before staging a copy (``load_market`` checks as it reads)."""
    mismatched = manifest_mismatches(store)
    if mismatched:
        raise mismatch_error(store, mismatched[0], bool(read_manifest(store).get("sample")))


def mismatch_error(store: Path, path: Path, sample: bool) -> DataError:
    """The refusal of a stored file that differs from the manifest, with the command that fixes
    it (README, "Restoring a series")."""
    exists = path.exists()
    what = "differs from it (edited, or a write was killed)" if exists else "is missing"
    advice = _restore_advice(store, path, sample, exists)
    return DataError(f"{path}: listed in {Path(store) / MANIFEST} but {what}; {advice}")


def _restore_advice(store: Path, path: Path, sample: bool, exists: bool) -> str:
    if sample:
        return (
            f"the sample market is regenerated: remove {store} and run "
            f"`generator --store {store} fetch --sample`"
        )
    command = f"`generator --store {store} import --replace"
    keep = f"keep the file as it is: {command} {path}`; or " if exists else ""
    return f'{keep}restore the series from a file: {command} FILE` (README: "Restoring a series")'


def _valuations(store: Path) -> pd.DataFrame:
    from generator.curated import load_valuations  # the curated file is an optional edge

    return load_valuations(Path(store) / VALUATIONS)


def check_regular_file(path: Path) -> None:
    """Refuse a store entry that exists but is not a plain file: reading a FIFO blocks forever,
    a device never ends, a folder fails later with a less clear message."""
    if path.exists() and not path.is_file():
        raise DataError(
            f"{path}: is {file_kind(path)}, not a regular file; the store holds only plain files"
        )


def _read_csv(path: Path, symbol: str, entry: dict, data: bytes | None = None) -> Series:
    """Parse a stored CSV (``data``, its bytes when already read, else the file at ``path``)."""
    columns = SCHEMAS[entry["schema"]]
    check_regular_file(path)
    try:
        frame = pd.read_csv(
            path if data is None else io.BytesIO(data),
            index_col="date",
            parse_dates=["date"],
            dtype={c: "float64" for c in columns},
            engine="c",
        )
    except (OSError, ValueError, KeyError) as exc:
        detail = " ".join(str(exc).split())  # pandas messages can span lines
        raise DataError(f"{path}: cannot read stored series {symbol} ({detail})") from None
    if tuple(frame.columns) != columns:
        raise DataError(f"{path}: columns {list(frame.columns)} differ from {list(columns)}")
    index = frame.index
    if not isinstance(index, pd.DatetimeIndex) or index.hasnans:
        raise DataError(f"{path}: the date column holds values that are not dates")
    if not index.is_monotonic_increasing or index.has_duplicates:
        raise DataError(f"{path}: dates must be sorted and unique (edit the file or re-import)")
    return Series(
        symbol=symbol,
        frame=frame,
        source=entry.get("source", ""),
        version=entry.get("version", ""),
        **{k: entry[k] for k in _META_KEYS if k in entry},
    )


def render_csv(series: Series) -> bytes:
    """The exact bytes a series is stored as (fixed columns and float format).

    These are the bytes of ``frame.to_csv(float_format=FLOAT_FORMAT)`` (volumes as integers,
    missing values empty), written column by column: pandas formats each float through Python
    calls of its own and took most of a weekly run's second (tests/test_store.py compares the
    two on random frames).
    """
    frame = series.frame.loc[:, list(SCHEMAS[series.schema])]
    columns = [_column_texts(name, _rounded(frame[name])) for name in frame.columns]
    days = pd.DatetimeIndex(frame.index).strftime("%Y-%m-%d")
    lines = [",".join(["date", *frame.columns]), *map(",".join, zip(days, *columns, strict=True))]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _rounded(column: pd.Series) -> np.ndarray:
    """Six decimals, like ``round(6)``, without its overflow: 1e308 stays 1e308, never inf.

    Adding 0.0 after rounding turns -0.0000001 into 0.000000, never -0.000000.
    """
    values = column.to_numpy(dtype=float)
    small = np.abs(values) < _ROUNDING_LIMIT  # False for NaN and inf, which stay as they are
    return np.where(small, np.round(np.where(small, values, 0.0), 6), values) + 0.0


def _column_texts(name: str, values: np.ndarray) -> list[str]:
    if name == "volume":  # whole numbers: written as integers, which keeps diffs readable
        return ["" if v != v else str(int(v)) for v in np.round(values).tolist()]
    return ["" if v != v else FLOAT_FORMAT % v for v in values.tolist()]


def content_hash(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def write_store(
    store: Path,
    series: Iterable[Series],
    *,
    fetched_at: str,
    sample: bool,
) -> list[Path]:
    """Write series and the manifest atomically; return the files whose bytes changed.

    Each file goes to a temp file then ``os.replace``; the manifest is replaced last, so an
    interrupted run leaves every file either old or new, never half-written.
    """
    store = Path(store)
    manifest = read_manifest(store)
    if manifest["series"] and manifest.get("sample") is not None and manifest["sample"] != sample:
        kind = "sample" if manifest["sample"] else "real"
        raise DataError(f"{store}: store holds {kind} data; sample and real data never mix")
    manifest["sample"] = sample
    series = list(series)
    check_distinct_files(store, [s.symbol for s in series])  # before anything is created
    store.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, bytes]] = []
    for s in series:
        data = render_csv(s)
        digest = content_hash(data)
        path = series_path(store, s.symbol)
        _check_inside(store, path)  # series_path's promise, asserted where the bytes are written
        if manifest["series"].get(s.symbol, {}).get("sha256") == digest == file_hash(path):
            continue  # unchanged, and the file is what the manifest says (not edited or torn)
        staged.append((path, data))
        manifest["series"][s.symbol] = _manifest_entry(s, digest, fetched_at)
    if staged or not (store / MANIFEST).exists():
        staged.append((store / MANIFEST, manifest_bytes(manifest)))
    atomic_write_many(staged)
    return [path for path, _ in staged]


def check_distinct_files(store: Path, symbols: list[str]) -> None:
    """Refuse symbols that would share one file on a case-insensitive file system (macOS,
    Windows), among themselves or with a symbol the store already holds."""
    seen: dict[str, str] = {}
    for symbol in [*read_manifest(store)["series"], *symbols]:
        other = seen.setdefault(symbol_key(check_symbol(symbol)), symbol)
        if other != symbol:
            raise DataError(
                f"{store}: symbols {other!r} and {symbol!r} differ only in case; on a "
                "case-insensitive file system (macOS, Windows) they would share one file"
            )


def file_hash(path: Path) -> str | None:
    """``content_hash`` of the file's bytes; None when there is no file."""
    check_regular_file(path)
    try:
        return content_hash(path.read_bytes())
    except FileNotFoundError:
        return None


def _manifest_entry(s: Series, digest: str, fetched_at: str) -> dict:
    index = s.frame.index
    return {
        "first": index[0].strftime("%Y-%m-%d"),
        "last": index[-1].strftime("%Y-%m-%d"),
        "rows": int(len(index)),
        "source": s.source,
        "fetched_at": fetched_at,
        "sha256": digest,
        **{k: getattr(s, k) for k in _META_KEYS},
        **({"version": s.version} if s.version else {}),
    }


def manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder and ``os.replace``."""
    atomic_write_many([(Path(path), data)])


def atomic_write_many(files: list[tuple[Path, bytes]]) -> None:
    """Write every temp file first, then rename them all in order (put the manifest last).

    A failure while writing leaves every target untouched. A rename that fails puts the files
    already renamed back as they were (their previous bytes, or no file), so the targets are
    exactly as before; only a kill between two renames can leave a mix of old and new files,
    and a rerun of the same update completes it.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = create_temp_file(path)  # the umask's mode, like a plain open()
            staged.append((tmp, path))
            _write_synced(fd, data)
        _rename_all_or_none(staged)
    except OSError as exc:
        targets = {str(tmp): path for tmp, path in staged}  # name the file, not its temp file
        where = targets.get(str(exc.filename), exc.filename or files[0][0])
        raise DataError(f"{where}: cannot write ({exc.strerror or exc})") from None
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)


def _write_synced(fd: int, data: bytes) -> None:
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _rename_all_or_none(staged: list[tuple[Path, Path]]) -> None:
    """``os.replace`` each (temp, target) in order; on a failure, restore the targets done."""
    previous = [(path, _current_bytes(path)) for _, path in staged]
    done = 0
    try:
        for tmp, path in staged:
            os.replace(tmp, path)
            done += 1
    except BaseException as exc:  # an OSError, or Ctrl-C between two renames
        _roll_back(previous[:done], exc)
        raise


def _current_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _roll_back(previous: list[tuple[Path, bytes | None]], cause: BaseException) -> None:
    """Put renamed targets back as they were, newest first; a failure here is said, not hidden."""
    for path, data in reversed(previous):
        try:
            if data is None:
                path.unlink(missing_ok=True)
            else:
                fd, tmp = create_temp_file(path)
                try:
                    _write_synced(fd, data)
                    os.replace(tmp, path)
                finally:
                    Path(tmp).unlink(missing_ok=True)
        except OSError as exc:
            failed = getattr(cause, "filename", None) or path
            reason = getattr(cause, "strerror", None) or cause or type(cause).__name__
            raise DataError(
                f"{failed}: cannot write ({reason}); putting {path} back failed too "
                f"({exc.strerror or exc}): rerun the command to complete the update"
            ) from None


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
