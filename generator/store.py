"""The market-data store: one CSV per symbol under a folder, plus a manifest.

Each CSV is sorted by date with one row per observation, fixed column order and fixed float
formatting, so a weekly update is a small reviewable diff. ``manifest.json`` records, per
symbol, its range, row count, source, fetch time and content hash, and whether the store holds
the synthetic sample market (sample and real data never share a store).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from generator.atomic import create_temp_file
from generator.errors import DataError
from generator.model import SCHEMAS, Market, Series

MANIFEST = "manifest.json"
VALUATIONS = "valuation.csv"
FLOAT_FORMAT = "%.6f"
_META_KEYS = ("schema", "measure", "frequency")


def series_path(store: Path, symbol: str) -> Path:
    return Path(store) / f"{symbol}.csv"


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


def load_market(store: Path) -> Market:
    """Every series of the store, plus the curated valuation table when present."""
    manifest = read_manifest(store)
    series = {
        symbol: _read_csv(series_path(store, symbol), symbol, entry)
        for symbol, entry in sorted(manifest["series"].items())
    }
    return Market(series=series, sample=bool(manifest.get("sample")), valuations=_valuations(store))


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


def file_kind(path: Path) -> str:
    """What an existing path that is not a regular file is, for messages ("a FIFO")."""
    mode = path.stat().st_mode
    kinds = [(stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket")]
    return next((text for test, text in kinds if test(mode)), "a device")


def _read_csv(path: Path, symbol: str, entry: dict) -> Series:
    columns = SCHEMAS[entry["schema"]]
    check_regular_file(path)
    try:
        frame = pd.read_csv(
            path,
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
        **{k: entry[k] for k in _META_KEYS if k in entry},
    )


def render_csv(series: Series) -> bytes:
    """The exact bytes a series is stored as (fixed columns and float format).

    These are the bytes of ``frame.to_csv(float_format=FLOAT_FORMAT)`` (volumes as integers,
    missing values empty), written column by column: pandas formats each float through Python
    calls of its own and took most of a weekly run's second (tests/test_store.py compares the
    two on random frames).
    """
    # Rounding first and adding 0.0 turns -0.0000001 into 0.000000, never -0.000000.
    frame = series.frame.loc[:, list(SCHEMAS[series.schema])].round(6) + 0.0
    columns = [_column_texts(name, frame[name].to_numpy(dtype=float)) for name in frame.columns]
    days = pd.DatetimeIndex(frame.index).strftime("%Y-%m-%d")
    lines = [",".join(["date", *frame.columns]), *map(",".join, zip(days, *columns, strict=True))]
    return ("\n".join(lines) + "\n").encode("utf-8")


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
    store.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(store)
    if manifest["series"] and manifest.get("sample") is not None and manifest["sample"] != sample:
        kind = "sample" if manifest["sample"] else "real"
        raise DataError(f"{store}: store holds {kind} data; sample and real data never mix")
    manifest["sample"] = sample
    staged: list[tuple[Path, bytes]] = []
    for s in series:
        data = render_csv(s)
        digest = content_hash(data)
        path = series_path(store, s.symbol)
        if manifest["series"].get(s.symbol, {}).get("sha256") == digest == file_hash(path):
            continue  # unchanged, and the file is what the manifest says (not edited or torn)
        staged.append((path, data))
        manifest["series"][s.symbol] = _manifest_entry(s, digest, fetched_at)
    if staged or not (store / MANIFEST).exists():
        staged.append((store / MANIFEST, manifest_bytes(manifest)))
    atomic_write_many(staged)
    return [path for path, _ in staged]


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
    }


def manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder and ``os.replace``."""
    atomic_write_many([(Path(path), data)])


def atomic_write_many(files: list[tuple[Path, bytes]]) -> None:
    """Write every temp file first, then rename them all in order (put the manifest last).

    A failure while writing leaves every target untouched; only a kill between two renames
    can leave a mix of old and new files, and a rerun of the same update completes it.
    """
    staged: list[tuple[Path, Path]] = []
    target = files[0][0] if files else Path(".")
    try:
        for path, data in files:
            target = path  # noqa: F841 (read by the except clause)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = create_temp_file(path)  # the umask's mode, like a plain open()
            staged.append((tmp, path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        for tmp, path in staged:
            os.replace(tmp, path)
    except OSError as exc:
        raise DataError(
            f"{exc.filename or files[0][0]}: cannot write ({exc.strerror or exc})"
        ) from None
    finally:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
