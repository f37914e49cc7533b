"""The freshness of each source: which stored series belong to it, its "as of" date and age,
stale past the configured age, "never fetched" when absent; in the document and on the page."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from generator.config import load_config
from generator.freshness import source_freshness, sources_section, warning_line
from generator.metrics.codec import Missing
from generator.metrics.common import truncate_market
from generator.metrics.document import typed_document
from generator.metrics.schema_sources import SourceRow, Sources
from generator.model import Market, Series
from generator.pages.render import environment

ROOT = Path(__file__).resolve().parents[1]
CONFIG = load_config(ROOT / "smallcap.toml")
WEEK = pd.Timestamp("2026-08-21")


def value_series(symbol: str, days: list[str], source: str, measure: str = "return") -> Series:
    index = pd.DatetimeIndex(pd.to_datetime(days), name="date")
    frame = pd.DataFrame({"value": np.linspace(1.0, 2.0, len(days))}, index=index)
    return Series(symbol, frame, source, "value", measure, "daily")


def price_series(symbol: str, days: list[str]) -> Series:
    index = pd.DatetimeIndex(pd.to_datetime(days), name="date")
    frame = pd.DataFrame(
        {c: 100.0 for c in ("open", "high", "low", "close", "adj_close", "volume")}, index=index
    )
    return Series(symbol, frame, "yahoo")


def market() -> Market:
    series = [
        price_series("^RUT", ["2026-08-20", "2026-08-21", "2026-08-24"]),  # a row after the week
        value_series("FF_ME_LO30", ["2025-05-29", "2025-05-30"], "french:x.zip"),
        value_series("DGS10", ["2026-08-20", "2026-08-24"], "fred:DGS10", "yield"),
        value_series("SHILLER_PE10", ["2023-09-01"], "shiller-csv:data.csv", "ratio"),
        value_series("FUND_IWM_PE", ["2026-08-14"], "yahoo:funds_data", "ratio"),
    ]
    return Market(series={s.symbol: s for s in series})


def without_fundamentals() -> Market:
    return Market(series={k: v for k, v in market().series.items() if not k.startswith("FUND_")})


def test_each_source_as_of_the_week_end_point_in_time() -> None:
    cut = truncate_market(market(), WEEK)
    rows = sources_section(cut, CONFIG, WEEK)["rows"]
    assert rows == [
        {"name": "yahoo", "label": "Yahoo Finance prices", "series": 1, "stale_after_days": 7, "state": "fresh", "stale_series": 0, "as_of": "2026-08-21", "age_days": 0},
        {"name": "french", "label": "Ken French Data Library", "series": 1, "stale_after_days": 120, "state": "stale", "stale_series": 1, "as_of": "2025-05-30", "age_days": 448},
        {"name": "fred", "label": "FRED, Federal Reserve Bank of St. Louis", "series": 1, "stale_after_days": 90, "state": "fresh", "stale_series": 0, "as_of": "2026-08-20", "age_days": 1},
        {"name": "fundamentals", "label": "ETF fundamentals from yfinance", "series": 1, "stale_after_days": 14, "state": "fresh", "stale_series": 0, "as_of": "2026-08-14", "age_days": 7},
    ]  # fmt: skip


def test_the_stale_limit_is_the_configured_one() -> None:
    sources = replace(CONFIG.sources, french=replace(CONFIG.sources.french, stale_after_days=500))
    config = replace(CONFIG, sources=sources)
    (french,) = source_freshness(truncate_market(market(), WEEK), config, WEEK, ["french"])
    assert (french.age_days, french.state) == (448, "fresh")


def test_the_section_reads_into_the_typed_document() -> None:
    section = sources_section(truncate_market(without_fundamentals(), WEEK), CONFIG, WEEK)
    row = section["rows"][3]
    typed = typed_document({**minimal_document(), "sources": section}).sources
    assert isinstance(typed, Sources)
    assert typed.rows[3] == SourceRow(
        row["name"],
        row["label"],
        0,
        Missing(row["as_of_reason"]),
        Missing(row["age_days_reason"]),
        14,
        "never fetched",
    )


def test_a_document_written_before_the_section_still_reads() -> None:
    assert isinstance(typed_document(minimal_document()).sources, Missing)


def test_the_page_marks_stale_and_never_fetched_sources() -> None:
    rows = (
        SourceRow("french", "Ken French Data Library", 14, "2025-05-30", 448, 120, "stale"),
        SourceRow("fred", "FRED", 5, "2026-08-20", 1, 90, "fresh"),
        SourceRow("yahoo", "Yahoo", 11, "2026-08-21", 0, 7, "fresh", stale_series=7),
        SourceRow("fundamentals", "ETF fundamentals", 0, Missing("never fetched"), Missing("never fetched"), 14, "never fetched"),
    )  # fmt: skip
    text = environment().get_template("partials/sources.md.j2").render(sources=Sources(rows))
    lines = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    assert lines[1:] == [
        "| Ken French Data Library | 14 | 2025-05-30 | 448 | ⚠ stale: older than 120 days |",
        "| FRED | 5 | 2026-08-20 | 1 | fresh |",
        "| Yahoo | 11 | 2026-08-21 | 0 | ⚠ partly stale: 7 of 11 series older than 7 days |",
        "| ETF fundamentals | 0 | – | – | ⚠ never fetched |",
    ]


def test_warning_lines() -> None:
    french, fred, fundamentals = source_freshness(
        truncate_market(without_fundamentals(), WEEK),
        CONFIG,
        WEEK,
        ["french", "fred", "fundamentals"],
    )
    assert warning_line(french) == (
        "french: its data is as of 2025-05-30, 448 days old: stale (the limit is 120 days)"
    )
    assert warning_line(fred) == ""
    assert warning_line(fundamentals) == "fundamentals: no stored data"
    assert warning_line(fred, "fred: x: HTTP 503") == (
        "fred: x: HTTP 503; keeping its stored data as of 2026-08-20, 1 day old: not stale yet (the limit is 90 days)"
    )


def minimal_document() -> dict:
    """The smallest JSON-ready document: every section missing with a reason."""
    doc = {
        "schema_version": 1, "week_ending": "2026-08-21", "data_through": "2026-08-21",
        "small": "^RUT", "large": "^GSPC", "small_name": "Russell 2000", "large_name": "S&P 500",
        "small_total_return": "IWM", "large_total_return": "SPY", "sample": False, "claims": [],
    }  # fmt: skip
    for key in ("returns", "returns_tr", "drawdown", "highs", "relative", "risk", "seasonality",
                "cycle", "rates", "valuation", "ladder", "changes"):  # fmt: skip
        doc[key] = None
        doc[f"{key}_reason"] = "not computed here"
    return doc


def test_a_fresh_source_counts_its_series_that_stopped() -> None:
    """A source is as fresh as its newest series; the series that stopped are counted."""
    series = {**market().series, "^TNX": price_series("^TNX", ["2019-09-16", "2019-09-17"])}
    rows = sources_section(truncate_market(Market(series=series), WEEK), CONFIG, WEEK)["rows"]
    yahoo = rows[0]
    assert (yahoo["state"], yahoo["series"], yahoo["stale_series"]) == ("fresh", 2, 1)
