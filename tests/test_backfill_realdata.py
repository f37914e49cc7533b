"""Backfill of every 2019 week from the real data in ../shared/marketdata (skipped when absent).

The prices are imported (as `generator import` does) into a temp store, every week of 2019 is
backfilled without building the site, and three reports (early, middle and late 2019) are
compared byte for byte with the same week generated from a store truncated at that week's last
session: a backfilled report may only use what was known at the time. The backfill runs on two
worker processes, and only its newest ``IMAGE_WEEKS`` reports have static images.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from generator import archive, calendar, pipeline
from generator.config import load_config
from generator.ingest import ingest
from generator.model import Market
from generator.sources.csvfiles import parse_file
from generator.store import load_market, write_store

pytestmark = pytest.mark.realdata

ROOT = Path(__file__).resolve().parents[1]
CONFIG = load_config(ROOT / "smallcap.toml")
PRICE_FILES = ("^RUT", "^GSPC", "IWM", "SPY", "MDY", "^IRX", "^FVX", "^TNX", "^TYX")
# The yields end on 2019-09-17, the ETFs in 2022 and the indices in 2026: every week of 2019 has
# index data; the last one (2019-12-27) has no rates.
CHECKED_WEEKS = ("2019-01-11", "2019-06-28", "2019-12-27")


def import_prices(marketdata: Path, store: Path) -> Market:
    series = [s for name in PRICE_FILES for s in parse_file(marketdata / "prices" / f"{name}.csv")]
    ingest(store, series, CONFIG, now=None, sample=False, allow_gaps=True)
    return load_market(store)


def truncated_market(market: Market, week: pd.Timestamp, store: Path) -> Market:
    """The market as a store holding nothing after ``week`` would load it."""
    kept = [replace(s, frame=s.frame.loc[:week]) for s in market.series.values()]
    kept = [s for s in kept if len(s.frame)]
    write_store(store, kept, fetched_at="2019-12-31T00:00:00Z", sample=False)
    return load_market(store)


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_backfilled_2019_reports_match_reports_from_truncated_stores(
    marketdata: Path, tmp_path: Path
) -> None:
    market = import_prices(marketdata, tmp_path / "store")
    weeks = calendar.week_ends("2019-01-01", "2019-12-31")
    assert len(weeks) == 52
    docs = tmp_path / "docs"
    started = time.perf_counter()
    written, skipped = pipeline.backfill(market, CONFIG, weeks, docs, progress=False, jobs=2)
    elapsed = time.perf_counter() - started
    print(f"\nbackfill of {len(weeks)} weeks of 2019: {elapsed:.1f} s, {elapsed / 52:.3f} s/week")
    assert (len(written), skipped) == (52, [])
    assert archive.archived_weeks(docs) == [w.strftime("%Y-%m-%d") for w in weeks]

    for text in CHECKED_WEEKS:
        week = pd.Timestamp(text)
        past = truncated_market(market, week, tmp_path / f"store-{text}")
        assert max(s.frame.index[-1] for s in past.series.values()) == week
        alone = tmp_path / f"docs-{text}"
        pictured = week in weeks[-pipeline.IMAGE_WEEKS :]
        pipeline.generate_report(past, CONFIG, week, alone, images=pictured)
        backfilled = folder_bytes(archive.report_dir(docs, week))
        assert "index.md" in backfilled and "metrics.json" in backfilled
        assert ("ytd_rebased.svg" in backfilled) == pictured, text
        assert folder_bytes(archive.report_dir(alone, week)) == backfilled, text
