"""One computation per statistic: the chart frames show the metrics document's numbers, exactly.

Each chart family is checked against the document of the same sample week, computed on its own
cut (so the equality does not come from a shared cache), and once more with the statistic's one
implementation changed: a chart that computed the statistic itself would not follow the change.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import pytest

from generator.charts import compute_charts
from generator.config import load_config
from generator.metrics import compute_metrics, cycle, groupstats, monthly, relative, risk
from generator.metrics import seasonality as seasonality_module
from generator.metrics.changes import nested_values
from generator.metrics.common import truncate_market
from generator.metrics.document import compute_core
from generator.metrics.headlines import headline_core
from generator.metrics.returns import rebased_table
from generator.model import Market
from generator.sources.sample import sample_market
from tests.conftest import ROOT

CONFIG = load_config(ROOT / "smallcap.toml")
END = "2026-08-21"
# A week of a long history (every chart), and one early in the sample (few years, few regimes).
WEEKS = ("2026-08-21", "1988-03-04")


@lru_cache(maxsize=1)
def market() -> Market:
    return Market(series={s.symbol: s for s in sample_market(CONFIG, end=END)}, sample=True)


def week_outputs(week: str) -> tuple[dict[str, Any], dict[str, pd.DataFrame]]:
    """(document, chart frames) of ``week``, each from its own cut of the sample market."""
    day = pd.Timestamp(week)
    doc = compute_metrics(truncate_market(market(), day), CONFIG, day).to_plain()
    frames = compute_charts(truncate_market(market(), day), CONFIG, day).frames
    return doc, frames


def column(records: list[dict[str, Any]], key: str) -> list[Any]:
    return [record[key] for record in records]


def assert_month_spread_is_the_documents(doc: dict[str, Any], frame: pd.DataFrame) -> None:
    months = [m for m in doc["seasonality"]["months"] if m["years"] > 0]
    assert frame["month"].tolist() == column(months, "month")
    for key in ("small_mean", "large_mean", "spread_mean", "hit_rate", "years"):
        assert frame[key].tolist() == column(months, key), key
    assert frame.attrs["first_year"] == doc["seasonality"]["first_year"]


def path_values(records: list[dict[str, Any]]) -> list[float]:
    """A document path (months with a value) as 12 values, NaN for the months it skips."""
    by_month = {r["month"]: r["spread"] for r in records}
    return [by_month.get(m, np.nan) for m in range(1, 13)]


def assert_seasonal_path_is_the_documents(doc: dict[str, Any], frame: pd.DataFrame) -> None:
    section = doc["seasonality"]
    np.testing.assert_array_equal(frame["current"], path_values(section["current_year_path"]))
    np.testing.assert_array_equal(frame["average"], path_values(section["average_path"]))
    assert frame.attrs["year"] == section["current_year"]


def assert_cycle_phases_are_the_documents(doc: dict[str, Any], frame: pd.DataFrame) -> None:
    phases = [p for p in doc["cycle"]["phases"] if p["years"] > 0]
    assert frame["phase"].tolist() == column(phases, "phase")
    for key in ("small_mean", "large_mean", "spread_mean", "hit_rate", "years"):
        assert frame[key].tolist() == column(phases, key), key
    assert frame["current"].tolist() == [int(p["phase"] == doc["cycle"]["phase"]) for p in phases]


def assert_regimes_are_the_documents(doc: dict[str, Any], frame: pd.DataFrame) -> None:
    regimes = frame[frame["kind"] == "regime"]
    records = doc["relative"]["regimes"]
    assert [d.date().isoformat() for d in regimes["date"]] == column(records, "start")
    assert [d.date().isoformat() for d in regimes["end"]] == column(records, "end")
    assert regimes["leader"].tolist() == column(records, "leader")
    assert regimes["cum_spread"].tolist() == column(records, "cum_spread")


def pair_arrays(week: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(dates, small closes, large closes) of the sample pair up to ``week`` (same dates)."""
    cut = truncate_market(market(), pd.Timestamp(week))
    small, large = (cut.close(symbol) for symbol in (CONFIG.small.index, CONFIG.large.index))
    assert small.index.equals(large.index)
    return small.index.to_numpy(), small.to_numpy(dtype=float), large.to_numpy(dtype=float)


@pytest.mark.parametrize("week", WEEKS)
def test_month_spread_chart_shows_the_seasonality_table(week: str) -> None:
    doc, frames = week_outputs(week)
    assert_month_spread_is_the_documents(doc, frames["month_spread"])


@pytest.mark.parametrize("week", WEEKS)
def test_seasonal_path_chart_shows_the_documents_paths(week: str) -> None:
    doc, frames = week_outputs(week)
    assert_seasonal_path_is_the_documents(doc, frames["seasonal_path"])


@pytest.mark.parametrize("week", WEEKS)
def test_cycle_phase_chart_shows_the_cycle_table(week: str) -> None:
    doc, frames = week_outputs(week)
    assert_cycle_phases_are_the_documents(doc, frames["cycle_phases"])


@pytest.mark.parametrize("week", WEEKS)
def test_relative_ratio_chart_shows_the_documents_regimes(week: str) -> None:
    doc, frames = week_outputs(week)
    assert_regimes_are_the_documents(doc, frames["relative_ratio"])


@pytest.mark.parametrize("week", WEEKS)
def test_ytd_chart_is_the_year_to_date_path_of_the_scoreboard(week: str) -> None:
    doc, frames = week_outputs(week)
    frame = frames["ytd_rebased"]
    dates, small, large = pair_arrays(week)
    path = rebased_table(dates, {"small": small, "large": large}, pd.Timestamp(week))
    for side in ("small", "large"):
        # The chart is the metrics' path as an index level; its last point is the YTD return.
        np.testing.assert_array_equal(frame[side], (1 + path[side].to_numpy()) * 100)
        assert path[side].iloc[-1] == doc["returns"]["ytd"][side]
    np.testing.assert_array_equal(frame["date"], path["date"])


@pytest.mark.parametrize("week", WEEKS)
def test_drawdown_chart_ends_at_the_documents_current_drawdown(week: str) -> None:
    doc, frames = week_outputs(week)
    frame = frames["drawdowns"]
    assert frame["date"].iloc[-1] == pd.Timestamp(week)
    for side in ("small", "large"):
        assert frame[side].iloc[-1] == doc["drawdown"][side]["current"]


def test_rolling_risk_chart_samples_the_metrics_rolling_table() -> None:
    week = WEEKS[0]
    doc, frames = week_outputs(week)
    frame = frames["rolling_risk"]
    table = rolling_table(week)
    rows = table.set_index("date").loc[frame["date"]]
    np.testing.assert_array_equal(frame["corr"], rows["corr"])
    np.testing.assert_array_equal(frame["beta"], rows["beta"])
    # The document's 1-year beta is the same window's beta, summed in another order (np.cov
    # against pandas' rolling moments): equal to rounding, not to the bit.
    assert frame["beta"].iloc[-1] == pytest.approx(doc["risk"]["beta_1y"], rel=1e-9)
    assert frame["corr"].iloc[-1] == pytest.approx(doc["risk"]["corr_1y"], rel=1e-9)


def rolling_table(week: str) -> pd.DataFrame:
    return risk.rolling_risk_table(*pair_arrays(week))


@pytest.mark.parametrize("week", ["2026-08-14", "1985-03-01", "1986-01-10"])
def test_headlines_risk_numbers_are_the_risk_sections(week: str) -> None:
    """``changes`` reads the previous week's beta from ``headline_core``: the same entries (values
    or nulls with reasons) as the full document's risk section."""
    day = pd.Timestamp(week)
    cut = truncate_market(market(), day)
    full = compute_core(cut, CONFIG, day)["risk"]
    light = headline_core(cut, CONFIG, day)["risk"]
    for key in ("corr_1y", "beta_1y", "corr_1y_reason", "beta_1y_reason"):
        assert light.get(key) == full.get(key), key
    assert light["vol_3m"] == full["vol_3m"]


@pytest.mark.parametrize("week", ["2026-08-14", "1986-01-10"])
def test_every_headline_number_is_the_full_documents(week: str) -> None:
    day = pd.Timestamp(week)
    cut = truncate_market(market(), day)
    full, light = compute_core(cut, CONFIG, day), headline_core(cut, CONFIG, day)
    assert nested_values(light) == nested_values(full)
    assert len(nested_values(full)) == 16


def shifted_group_arrays(original: Callable[..., dict[str, np.ndarray]]) -> Callable[..., Any]:
    def changed(*args: Any, **kwargs: Any) -> dict[str, np.ndarray]:
        out = dict(original(*args, **kwargs))
        out["spread_mean"] = out["spread_mean"] + 0.125
        return out

    return changed


def test_a_change_to_the_group_statistics_reaches_both_document_and_charts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    changed = shifted_group_arrays(groupstats.group_arrays)
    for module in (monthly, cycle):
        monkeypatch.setattr(module, "group_arrays", changed)
    doc, frames = week_outputs(WEEKS[0])
    assert_month_spread_is_the_documents(doc, frames["month_spread"])
    assert_cycle_phases_are_the_documents(doc, frames["cycle_phases"])
    assert frames["month_spread"]["spread_mean"].min() > 0.1  # the change is there


def test_a_change_to_the_seasonal_paths_reaches_both(monkeypatch: pytest.MonkeyPatch) -> None:
    original = seasonality_module.mean_path

    def changed(path: np.ndarray, chosen: np.ndarray | None) -> tuple[np.ndarray, int]:
        mean, count = original(path, chosen)
        return mean + 0.25, count

    monkeypatch.setattr(seasonality_module, "mean_path", changed)
    doc, frames = week_outputs(WEEKS[0])
    assert_seasonal_path_is_the_documents(doc, frames["seasonal_path"])
    assert frames["seasonal_path"]["average"].min() > 0.1


def test_a_change_to_the_regime_rule_reaches_both(monkeypatch: pytest.MonkeyPatch) -> None:
    original = relative.turning_points
    monkeypatch.setattr(relative, "turning_points", lambda v, t=0.05: original(v, t / 2))
    doc, frames = week_outputs(WEEKS[0])
    assert_regimes_are_the_documents(doc, frames["relative_ratio"])


def test_a_change_to_the_rolling_beta_reaches_the_chart(monkeypatch: pytest.MonkeyPatch) -> None:
    original = risk.rolling_beta_of
    monkeypatch.setattr(risk, "rolling_beta_of", lambda r, s=252: original(r, s) + 1.0)
    _, frames = week_outputs(WEEKS[0])
    assert frames["rolling_risk"]["beta"].min() > 1.0


def test_a_shared_cut_computes_each_group_statistic_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """As the archive does (one cut for the document and the charts), the charts reuse the
    month and phase statistics the document computed instead of computing them again."""
    calls: list[int] = []
    original = groupstats.group_arrays

    def counted(*args: Any, **kwargs: Any) -> dict[str, np.ndarray]:
        calls.append(len(args[2]))
        return original(*args, **kwargs)

    for module in (monthly, cycle):
        monkeypatch.setattr(module, "group_arrays", counted)
    day = pd.Timestamp(WEEKS[0])
    cut = truncate_market(market(), day)
    compute_metrics(cut, CONFIG, day)
    after_document = len(calls)
    frames = compute_charts(cut, CONFIG, day).frames
    assert {"month_spread", "cycle_phases"} <= set(frames)
    assert len(calls) == after_document
