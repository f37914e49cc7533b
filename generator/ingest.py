"""Validate a batch of incoming series against the store, then write all of it or none."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from generator.config import Config
from generator.errors import DataError
from generator.model import Series
from generator.store import read_manifest, read_series, write_store
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
) -> IngestReport:
    """Validate every incoming series first; only when all pass, write them atomically."""
    manifest = read_manifest(store)
    if (
        manifest["series"]
        and manifest.get("sample") is not None
        and bool(manifest["sample"]) != sample
    ):
        kind = "sample" if manifest["sample"] else "real"
        raise DataError(f"{store}: store holds {kind} data; sample and real data never mix")
    checked: dict[str, Checked] = {}
    repairs: list[str] = []
    new_rows: dict[str, int] = {}
    for series in incoming:
        previous = (
            checked[series.symbol].series
            if series.symbol in checked
            else read_series(store, series.symbol)
        )
        result = validate_update(series, previous, config.validation, now, allow_gaps=allow_gaps)
        checked[series.symbol] = result
        repairs.extend(result.repairs)
        new_rows[series.symbol] = new_rows.get(series.symbol, 0) + result.new_rows
    stamp = fetched_at or _stamp(now)
    changed = write_store(
        store, [c.series for c in checked.values()], fetched_at=stamp, sample=sample
    )
    return IngestReport(tuple(changed), tuple(repairs), new_rows)


def _stamp(now: pd.Timestamp | None) -> str:
    moment = now if now is not None else pd.Timestamp.now(tz="UTC")
    return moment.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")
