"""Each chart's data table as a reader sees it: human headers and formatted values."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from generator.charts import build_chart, compute_chart_data
from generator.config import load_config
from generator.model import Market
from generator.pages import chart_view
from generator.pages.context import CHART_TABLES, MAX_TABLE_ROWS
from generator.sources.sample import sample_market
from tests.sitebuild import ROOT

WEEK = "2026-11-20"
# A raw decimal ("0.0123", "-0.5"), a code ("1w", "small") or a column name ("spread_mean").
RAW_NUMBER = re.compile(r"^[-−]?\d*\.\d+$")
CODES = {"1w", "ytd", "1y", "small", "large"}


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    config = load_config(ROOT / "smallcap.toml")
    market = Market(series={s.symbol: s for s in sample_market(config, WEEK)}, sample=True)
    return compute_chart_data(market, config, pd.Timestamp(WEEK))


def test_every_chart_table_has_human_headers_and_formatted_values(frames) -> None:  # type: ignore[no-untyped-def]
    tabled = []
    for name, frame in frames.items():
        if len(frame) > MAX_TABLE_ROWS:
            continue
        view = chart_view(name, build_chart(name, frame, sample=True), frame)
        tabled.append(name)
        headers = CHART_TABLES[name]
        raw = [c for c, f in zip(view.columns, frame.columns, strict=False)
               if "_" in c or (c == f and not headers[f].header)]  # fmt: skip
        assert raw == [], f"{name}: raw column names {raw}"
        cells = [str(cell) for row in view.rows for cell in row]
        assert not [c for c in cells if RAW_NUMBER.match(c)], f"{name}: unformatted numbers"
        assert not [c for c in cells if c in CODES], f"{name}: codes instead of words"
    assert {"month_spread", "seasonal_path", "cycle_phases", "ladder", "leadership_strip"} <= set(
        tabled
    )


def test_the_ladder_names_each_rows_return_basis(frames) -> None:  # type: ignore[no-untyped-def]
    ladder = frames["ladder"]
    basis = dict(zip(ladder["symbol"], ladder["basis"], strict=False))
    config = load_config(ROOT / "smallcap.toml")
    # Price indices have no dividends in their adjusted closes; the sample funds do.
    assert basis[config.small.index] == basis[config.large.index] == "price return"
    assert set(basis[s] for s in config.ladder) == {"total return"}
    spec = build_chart("ladder", ladder, sample=True)
    text = str(spec)
    assert "Total return (%)" not in text
    assert (
        f"{config.ladder['IWO']} (total return)" in spec["datasets"][next(iter(spec["datasets"]))]
    )
