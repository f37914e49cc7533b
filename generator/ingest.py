"""Validate a batch of incoming series against the store, then write all of it or none."""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from generator.calendar import SessionTable
from generator.config import Config
from generator.errors import DataError, ValidationError
from generator.model import Series
from generator.store import (
    check_distinct_files,
    read_manifest,
    read_series,
    read_unlisted,
    write_store,
)
from generator.symbols import SymbolError, check_symbol
from generator.validate import Checked, validate_update

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestReport:
    changed: tuple[Path, ...]
    repairs: tuple[str, ...]
    new_rows: dict[str, int]


def ingest(
    store: Path,
    incoming: list[Series],
    config: Config,
    *,
    now: pd.Timestamp | None,
    sample: bool = False,
    fetched_at: str | None = None,
    allow_gaps: bool = False,
    replace: bool = False,
    calendar: SessionTable | None = None,
) -> IngestReport:
    """Validate every incoming series first; only when all pass, write them atomically.

    With ``replace`` each incoming series replaces its stored history wholesale (no merge, so no
    revision rule; every other rule still applies): how a tampered series is restored.
    """
    manifest = read_manifest(store)
    if (
        manifest["series"]
        and manifest.get("sample") is not None
        and bool(manifest["sample"]) != sample
    ):
        kind = "sample" if manifest["sample"] else "real"
        raise DataError(f"{store}: store holds {kind} data; sample and real data never mix")
    _check_symbols(store, incoming)
    checked: dict[str, Checked] = {}
    repairs: list[str] = []
    new_rows: dict[str, int] = {}
    for series in incoming:
        if series.symbol in checked:
            previous = checked[series.symbol].series
        elif replace:
            previous, series = None, _as_stored(series, manifest["series"].get(series.symbol))
        else:
            previous = _stored_history(store, series, repairs)
        result = validate_update(
            series, previous, config.validation, now, allow_gaps=allow_gaps, calendar=calendar
        )
        checked[series.symbol] = result
        repairs.extend(result.repairs)
        new_rows[series.symbol] = new_rows.get(series.symbol, 0) + result.new_rows
    stamp = fetched_at or _stamp(now)
    changed = write_store(
        store, [c.series for c in checked.values()], fetched_at=stamp, sample=sample
    )
    return IngestReport(tuple(changed), tuple(repairs), new_rows)


def _check_symbols(store: Path, incoming: list[Series]) -> None:
    """Every symbol, whatever its source, through the one rule (generator.symbols)."""
    for series in incoming:
        try:
            check_symbol(series.symbol)
        except SymbolError as exc:
            raise DataError(f"{series.source or store}: {exc}") from None
    check_distinct_files(store, [s.symbol for s in incoming])


def _stored_history(store: Path, series: Series, repairs: list[str]) -> Series | None:
    """The stored series to merge into; a CSV the manifest lost is merged too, and said."""
    stored = read_series(store, series.symbol)
    if stored is not None:
        return stored
    unlisted = read_unlisted(store, series)
    if unlisted is not None:
        repairs.append(
            f"{series.symbol}: {series.symbol}.csv was not listed in manifest.json; its "
            f"{len(unlisted.frame)} rows were kept and merged [unlisted-file]"
        )
    return unlisted


def _as_stored(series: Series, entry: dict | None) -> Series:
    """A replacement keeps what the stored series is: same schema and frequency (else refused),
    and its measure, which a file format can only guess (a FRED-style ``date,value`` file says
    nothing of returns or ratios)."""
    if entry is None:
        return series
    stored = (entry["schema"], entry.get("frequency", series.frequency))
    if (series.schema, series.frequency) != stored:
        raise ValidationError(
            series.symbol,
            None,
            "schema",
            f"stored as {'/'.join(stored)}, the replacement is {series.schema}/{series.frequency}",
        )
    return dataclasses.replace(series, measure=entry.get("measure", series.measure))


def _stamp(now: pd.Timestamp | None) -> str:
    moment = now if now is not None else pd.Timestamp.now(tz="UTC")
    return moment.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
