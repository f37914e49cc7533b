"""The metrics on real data (../shared/marketdata), checked against independent computations."""

from __future__ import annotations

import math
import statistics
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from generator.config import load_config
from generator.metrics import compute_metrics, metrics_json
from generator.model import Market, Series
from tests.conftest import ROOT

pytestmark = pytest.mark.realdata


def read_prices(folder: Path) -> dict[str, pd.DataFrame]:
    """Every prices/*.csv as a frame: date index, lowercase underscored columns, null rows dropped."""
    frames = {}
    for path in sorted((folder / "prices").glob("*.csv")):
        frame = pd.read_csv(path, index_col="Date", parse_dates=["Date"], na_values=["null"])
        frame.columns = [c.lower().replace(" ", "_") for c in frame.columns]
        frame.index.name = "date"
        frames[path.stem] = frame.dropna(subset=["close"]).astype(float)
    return frames


@pytest.fixture
def real(marketdata: Path) -> tuple[Market, object, dict[str, pd.DataFrame]]:
    return load_real(marketdata)


@lru_cache(maxsize=1)
def load_real(folder: Path) -> tuple[Market, object, dict[str, pd.DataFrame]]:
    frames = read_prices(folder)
    config = load_config(ROOT / "smallcap.toml")
    yields = config.yield_symbols()
    series = {
        sym: Series(sym, frame, "test", measure="yield" if sym in yields else "price")
        for sym, frame in frames.items()
    }
    return Market(series=series), config, frames


def close_on(frames: dict[str, pd.DataFrame], symbol: str, day: str, col: str = "close") -> float:
    return float(frames[symbol].loc[pd.Timestamp(day), col])


def test_week_2019_09_13_every_series(real) -> None:  # type: ignore[no-untyped-def]
    market, config, frames = real
    doc = compute_metrics(market, config, pd.Timestamp("2019-09-13")).to_plain()
    assert doc["week_ending"] == "2019-09-13" and doc["data_through"] == "2019-09-13"
    rut, spx = "^RUT", "^GSPC"
    end_rut, end_spx = close_on(frames, rut, "2019-09-13"), close_on(frames, spx, "2019-09-13")
    ret = doc["returns"]
    assert ret["ytd"]["small"] == pytest.approx(
        end_rut / close_on(frames, rut, "2018-12-31") - 1, abs=1e-14
    )
    assert ret["1w"]["large"] == pytest.approx(
        end_spx / close_on(frames, spx, "2019-09-06") - 1, abs=1e-14
    )
    assert ret["1y"]["small"] == pytest.approx(
        end_rut / close_on(frames, rut, "2018-09-13") - 1, abs=1e-14
    )
    assert ret["qtd"]["spread"] == pytest.approx(
        end_rut / close_on(frames, rut, "2019-06-28")
        - end_spx / close_on(frames, spx, "2019-06-28"),
        abs=1e-14,
    )
    # 2009-09-13 is a Sunday: the 10-year start is Friday 2009-09-11.
    growth = end_spx / close_on(frames, spx, "2009-09-11")
    assert ret["10y_ann"]["large"] == pytest.approx(growth**0.1 - 1, abs=1e-14)
    iwm = "IWM"
    tr = doc["returns_tr"]["ytd"]["small"]
    expected_tr = (
        close_on(frames, iwm, "2019-09-13", "adj_close")
        / close_on(frames, iwm, "2018-12-31", "adj_close")
        - 1
    )
    assert tr == pytest.approx(expected_tr, abs=1e-14)

    history = frames[rut]["close"].loc[:"2019-09-13"]
    assert doc["drawdown"]["small"]["current"] == pytest.approx(
        end_rut / history.max() - 1, abs=1e-14
    )
    assert doc["highs"]["small"]["all_time_date"] == history.idxmax().date().isoformat()
    daily = [b / a - 1 for a, b in zip(history.iloc[-64:-1], history.iloc[-63:], strict=True)]
    assert doc["risk"]["vol_3m"]["small"] == pytest.approx(
        statistics.stdev(daily) * math.sqrt(252), rel=1e-10
    )
    assert doc["relative"]["ratio"] == pytest.approx(end_rut / end_spx, rel=1e-15)
    tnx = doc["rates"]["yields"]["10y"]
    assert tnx["level"] == pytest.approx(close_on(frames, "^TNX", "2019-09-13"))
    claims = {c["id"]: c for c in doc["claims"]}
    assert claims["cycle_phase"]["evidence"]["phase"] == 3  # 2019: pre-election year
    mdy = next(row for row in doc["ladder"]["rows"] if row["symbol"] == "MDY")
    expected_mdy = (
        close_on(frames, "MDY", "2019-09-13", "adj_close")
        / close_on(frames, "MDY", "2019-09-06", "adj_close")
        - 1
    )
    assert mdy["1w"] == pytest.approx(expected_mdy, abs=1e-14)


def test_week_2026_08_21_indices_only(real) -> None:  # type: ignore[no-untyped-def]
    market, config, frames = real
    doc = compute_metrics(market, config, pd.Timestamp("2026-08-21")).to_plain()
    rut, spx = frames["^RUT"]["close"], frames["^GSPC"]["close"]
    assert doc["returns"]["ytd"]["small"] == pytest.approx(
        rut.loc["2026-08-21"] / rut.loc["2025-12-31"] - 1, abs=1e-14
    )
    assert doc["returns_tr"] is None
    assert doc["returns_tr_reason"] == (
        "total-return basis unavailable: IWM data ends 2022-11-18, before the week ending 2026-08-21"
    )
    mdy = next(row for row in doc["ladder"]["rows"] if row["symbol"] == "MDY")
    assert mdy["ytd"] is None and "MDY data ends 2022-11-18" in mdy["ytd_reason"]
    iwc = next(row for row in doc["ladder"]["rows"] if row["symbol"] == "IWC")
    assert iwc["1w"] is None and iwc["1w_reason"] == "IWC has no data on record"
    ten = doc["rates"]["yields"]["10y"]
    assert ten["level"] is None and ten["level_reason"]
    both = pd.concat({"s": rut, "l": spx}, axis=1, join="inner").loc[:"2026-08-21"]
    r = both.pct_change().iloc[-252:].to_numpy()
    assert doc["risk"]["corr_1y"] == pytest.approx(np.corrcoef(r[:, 0], r[:, 1])[0, 1], rel=1e-10)
    claims = {c["id"]: c for c in doc["claims"]}
    assert "cycle_phase" not in claims  # 2026 is a midterm year: the midterm claim stands for it
    assert claims["midterm_year"]["evidence"]["phase_name"] == "midterm"
    assert "(2026 is one)" in claims["midterm_year"]["statement"]
    assert claims["valuation_discount"]["verdict"] == "not enough data"
    again = compute_metrics(market, config, pd.Timestamp("2026-08-21"))
    assert again.to_plain() == doc and metrics_json(again).endswith("}\n")


def french_daily_by_pandas(folder: Path) -> pd.DataFrame:
    """The size portfolios' daily returns read with pandas alone (decimals, -99.99 dropped)."""
    path = folder / "french" / "Portfolios_Formed_on_ME_Daily.csv"
    frame = pd.read_csv(path, usecols=["Date", "Lo 30", "Hi 30"], dtype={"Date": str})
    frame.index = pd.to_datetime(frame.pop("Date"), format="%Y%m%d")
    return (frame.where(frame > -99.99) / 100).dropna()


def test_the_ken_french_january_and_midterm_records_since_1927(marketdata: Path) -> None:
    """The long-record claims on the real size portfolios, against pandas: month and calendar
    returns compounded from the daily file, January spreads since 1927, midterm years."""
    from generator.sources.csvfiles import parse_file

    market, config, _ = load_real(marketdata)
    french = parse_file(marketdata / "french" / "Portfolios_Formed_on_ME_Daily.csv")
    market = Market({**market.series, **{s.symbol: s for s in french}})
    doc = compute_metrics(market, config, pd.Timestamp("2026-08-21"))
    claims = {c.id: c for c in doc.claims}

    daily = french_daily_by_pandas(marketdata)
    monthly = (1 + daily).groupby(daily.index.to_period("M")).prod() - 1
    monthly = monthly.loc["1927-01":]  # from the first January (the data start in July 1926)
    january = monthly[monthly.index.month == 1]
    spread = january["Lo 30"] - january["Hi 30"]
    january_claim = claims["january_effect_long"]
    assert january_claim.n == len(spread) == 99 and january_claim.period == "1927-2025"
    assert january_claim.evidence["spread_mean"] == pytest.approx(spread.mean(), rel=1e-9)
    assert january_claim.evidence["hit_rate"] == pytest.approx((spread > 0).mean(), rel=1e-12)
    assert january_claim.verdict == "supports"  # +3.6 pp a January, 74% of years

    complete = monthly.groupby(monthly.index.year).filter(lambda g: len(g) == 12)
    yearly = (1 + complete).groupby(complete.index.year).prod() - 1
    midterm = yearly[yearly.index % 4 == 2]
    midterm_spread = midterm["Lo 30"] - midterm["Hi 30"]
    long = claims["midterm_year_long"]
    assert long.n == len(midterm_spread) == 24 and long.period == "1927-2024"
    assert long.evidence["spread_mean"] == pytest.approx(midterm_spread.mean(), abs=1e-12)
    assert long.evidence["hit_rate"] == pytest.approx((midterm_spread > 0).mean(), rel=1e-12)
