"""The sample market's chart frames of one week, and a walk over a spec, for the chart tests."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from generator.charts import compute_chart_data
from generator.config import load_config
from generator.model import Market
from generator.sources.sample import sample_market
from tests.sitebuild import ROOT

WEEK = "2026-11-20"


def sample_chart_frames(week: str = WEEK) -> dict[str, pd.DataFrame]:
    """Every chart's frame for the week ending ``week`` of the sample market."""
    config = load_config(ROOT / "smallcap.toml")
    market = Market(series={s.symbol: s for s in sample_market(config, week)}, sample=True)
    return compute_chart_data(market, config, pd.Timestamp(week))


def spec_nodes(node: object) -> Iterator[dict]:
    """Every dict inside a spec, depth first."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from spec_nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from spec_nodes(value)
