"""Point-in-time, determinism and "never raises" properties of the whole metrics document."""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.config import load_config, parse_config
from generator.metrics import compute_metrics, metrics_json
from generator.metrics.common import REASON_SUFFIX
from generator.metrics.document import previous_week_end
from generator.model import Market, Series
from tests.conftest import ROOT

sample = pytest.importorskip("generator.sources.sample")


@lru_cache(maxsize=1)
def sample_setup() -> tuple[Market, object]:
    config = load_config(ROOT / "smallcap.toml")
    series = sample.sample_market(config, end="2026-08-21")
    return Market(series={s.symbol: s for s in series}, sample=True), config


def store_ending_at(market: Market, week_end: pd.Timestamp) -> Market:
    """The store as fetched on week_end: every frame simply stops at that date."""
    cut = {
        sym: Series(s.symbol, s.frame.loc[:week_end], s.source, s.schema, s.measure, s.frequency)
        for sym, s in market.series.items()
    }
    return Market(series=cut, sample=market.sample, valuations=market.valuations)


def random_week_ends(count: int, seed: int) -> list[pd.Timestamp]:
    market, config = sample_setup()
    index = market.series[config.small.index].frame.index
    ids = (index.to_numpy(dtype="datetime64[D]").astype(np.int64) - 4) // 7
    ends = index[np.append(ids[1:] != ids[:-1], True)][:-1]
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(ends), size=count, replace=False)
    return sorted(ends[picks])


@pytest.mark.parametrize(
    "week_end", random_week_ends(8, seed=3), ids=lambda d: d.date().isoformat()
)
def test_metrics_of_a_week_ignore_later_data(week_end: pd.Timestamp) -> None:
    market, config = sample_setup()
    full = metrics_json(compute_metrics(market, config, week_end))
    cut = metrics_json(compute_metrics(store_ending_at(market, week_end), config, week_end))
    assert full == cut
    assert json.loads(full)["week_ending"] == week_end.date().isoformat()


def test_output_is_byte_identical_across_runs() -> None:
    market, config = sample_setup()
    week = pd.Timestamp("2026-08-21")
    first = metrics_json(compute_metrics(market, config, week))
    assert first == metrics_json(compute_metrics(market, config, week))
    assert "NaN" not in first and "Infinity" not in first


def test_every_null_has_a_reason() -> None:
    market, config = sample_setup()
    doc = json.loads(metrics_json(compute_metrics(market, config, pd.Timestamp("1985-06-14"))))
    assert nulls_without_reason(doc) == []
    assert doc["returns"]["1y"]["small"] is None  # the sample starts in 1985


def test_absent_yield_has_null_data_through_with_reason() -> None:
    close = pd.Series([100.0, 101.0], index=pd.DatetimeIndex(["2024-01-04", "2024-01-05"]))
    series = {"SM": as_series("SM", close), "LG": as_series("LG", close)}
    doc = compute_metrics(Market(series=series), TINY_CONFIG, pd.Timestamp("2024-01-05")).to_plain()
    entry = doc["rates"]["yields"]["13w"]
    assert entry["data_through"] is None
    assert entry["data_through_reason"] == "R13 has no data on record"


@pytest.mark.parametrize(
    "week_end", random_week_ends(4, seed=11), ids=lambda d: d.date().isoformat()
)
def test_changes_from_headlines_equal_changes_from_the_full_previous_document(
    week_end: pd.Timestamp,
) -> None:
    # compute_metrics without `previous` computes only the previous week's headline numbers;
    # `changes` must be exactly what the previous week's whole document gives.
    market, config = sample_setup()
    previous_end = previous_week_end(market, config, week_end)
    previous = compute_metrics(market, config, previous_end)
    alone = compute_metrics(market, config, week_end)
    given = compute_metrics(market, config, week_end, previous)
    assert metrics_json(alone) == metrics_json(given)
    assert alone.changes.previous_week_ending == previous_end.date().isoformat()


def nulls_without_reason(doc: dict) -> list[str]:
    """Paths of every null in the document (any section) that has no ``<key>_reason`` sibling."""
    return list(_nulls_without_reason(doc, ""))


def _nulls_without_reason(node: object, path: str):  # type: ignore[no-untyped-def]
    if isinstance(node, dict):
        for key, value in node.items():
            if (
                value is None
                and key + REASON_SUFFIX not in node
                and not key.endswith(REASON_SUFFIX)
            ):
                yield f"{path}.{key}"
            yield from _nulls_without_reason(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _nulls_without_reason(value, f"{path}[{i}]")


# --- property: no metric raises on any valid series ----------------------------------------

TINY_CONFIG = parse_config(
    {
        "pair": {
            "small": {"index": "SM", "total_return": "SMTR"},
            "large": {"index": "LG", "total_return": "LGTR"},
        },
        "ladder": {"LAD": "a ladder ETF"},
        "rates": {"13w": "R13", "5y": "R5", "10y": "R10", "30y": "R30"},
        "rotation": {"pair_tr": ["SMTR", "LGTR"]},
    }
)


@st.composite
def price_series(draw: st.DrawFn) -> pd.Series:
    n = draw(st.integers(min_value=1, max_value=900))
    start = draw(
        st.dates(
            min_value=pd.Timestamp("1990-01-01").date(), max_value=pd.Timestamp("2020-01-01").date()
        )
    )
    dates = pd.bdate_range(start, periods=n)
    kind = draw(st.sampled_from(["flat", "random", "trend"]))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    if kind == "flat":
        values = np.full(n, draw(st.floats(0.01, 1e6)))
    elif kind == "trend":
        values = np.linspace(1.0, draw(st.floats(0.1, 10.0)), n)
    else:
        values = 100 * np.cumprod(1 + rng.normal(0, 0.02, n))
    keep = rng.random(n) > draw(st.sampled_from([0.0, 0.3, 0.9]))  # gappy
    keep[-1] = True
    return pd.Series(values[keep], index=pd.DatetimeIndex(dates[keep], name="date"))


def as_series(symbol: str, close: pd.Series) -> Series:
    frame = pd.DataFrame({c: close for c in ("open", "high", "low", "close", "adj_close")})
    frame["volume"] = np.nan
    return Series(symbol=symbol, frame=frame, source="test")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small=price_series(), large=price_series(), with_etfs=st.booleans())
def test_no_metric_raises_on_any_valid_series(
    small: pd.Series, large: pd.Series, with_etfs: bool
) -> None:
    series = {"SM": as_series("SM", small), "LG": as_series("LG", large)}
    if with_etfs:
        series["SMTR"] = as_series("SMTR", small * 1.01)
        series["LGTR"] = as_series("LGTR", large)
        series["LAD"] = as_series("LAD", small.iloc[::2])
    week_end = max(small.index[-1], large.index[-1])
    text = metrics_json(compute_metrics(Market(series=series), TINY_CONFIG, week_end))
    doc = json.loads(text)
    assert doc["week_ending"] == week_end.date().isoformat()
    assert nulls_without_reason(doc) == []
