"""The rate-cuts section: easing-cycle rule, event study, where we stand, the high-yield spread,
the rate_cuts claim; hand-made frames checked against independent computations, point-in-time,
missing inputs, and the real data in ../shared/marketdata."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from generator.config import load_config
from generator.metrics import compute_metrics
from generator.metrics.claims import (
    CONTRADICTS,
    NO_DATA,
    SUPPORTS,
    claim_by_id,
    rate_cuts_claim,
)
from generator.metrics.codec import Missing
from generator.metrics.common import truncate_market
from generator.metrics.ratecuts import compute_ratecuts, easing_cycles
from generator.model import Market, Series
from tests.conftest import ROOT

CONFIG = load_config(ROOT / "smallcap.toml")
SMALL, LARGE = CONFIG.small.index, CONFIG.large.index


# --- hand-made data -------------------------------------------------------------------------


def monthly(symbol: str, start: str, values: list[float], measure: str = "level") -> Series:
    index = pd.date_range(start, periods=len(values), freq="MS", name="date")
    frame = pd.DataFrame({"value": np.asarray(values, dtype=float)}, index=index)
    return Series(symbol, frame, "test", schema="value", measure=measure, frequency="monthly")


def daily_value(symbol: str, values: pd.Series) -> Series:
    frame = pd.DataFrame({"value": values.to_numpy(dtype=float)}, index=values.index.rename("date"))
    return Series(symbol, frame, "test", schema="value", measure="level", frequency="daily")


def prices(symbol: str, closes: pd.Series) -> Series:
    c = closes.to_numpy(dtype=float)
    frame = pd.DataFrame(
        {"open": c, "high": c, "low": c, "close": c, "adj_close": c, "volume": np.nan},
        index=closes.index.rename("date"),
    )
    return Series(symbol, frame, "test")


def pair_closes(start: str, end: str, drift: float = 0.0004) -> tuple[pd.Series, pd.Series]:
    days = pd.bdate_range(start, end)
    i = np.arange(len(days))
    small = pd.Series(100 * np.exp(drift * i + 0.02 * np.sin(i / 9)), index=days)
    large = pd.Series(50 * np.exp(0.0002 * i + 0.01 * np.cos(i / 13)), index=days)
    return small, large


# One tightening (2001-01 .. 2001-03 at >= 0.25 above the 1.0 low) then a first cut in 2002-01.
RATES = [1.0] * 12 + [1.5] + [2.0] * 11 + [1.5] * 24  # 2000-01 .. 2003-12


def one_cycle_market(with_pair: bool = True) -> Market:
    series = {"FEDFUNDS": monthly("FEDFUNDS", "2000-01-01", RATES)}
    if with_pair:
        small, large = pair_closes("1999-06-01", "2003-12-31")
        series[SMALL], series[LARGE] = prices(SMALL, small), prices(LARGE, large)
    return Market(series)


def section(market: Market, week: str) -> dict:
    week_end = pd.Timestamp(week)
    return compute_ratecuts(truncate_market(market, week_end), CONFIG, week_end)


def window_return(closes: pd.Series, start: str, end: str) -> float:
    """Independent: last close before ``start`` to last close on or before ``end``."""
    before = closes[closes.index < pd.Timestamp(start)].iloc[-1]
    return float(closes[closes.index <= pd.Timestamp(end)].iloc[-1] / before - 1)


# --- the cycle rule -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "cuts", "first_cuts", "easing"),
    [
        # hike for three months, then a cut: one cycle at position 7
        ([1.0, 1.0, 1.0, 1.5, 1.75, 2.0, 2.0, 1.75, 1.5], (7, 8), (7,), True),
        # a fall of less than a step is no cut
        ([2.0, 2.0, 2.0, 2.5, 2.5, 2.5, 2.3, 2.3], (), (), False),
        # the series' first cut opens no cycle: no tightening was seen before it
        ([3.0, 2.5, 2.5, 2.0, 2.0], (1, 3), (), True),
        # a one-month spike is not a tightening: the cut after it is not a first cut
        ([3.0, 2.5, 2.5, 3.2, 2.5, 2.5, 2.2], (1, 4, 6), (), True),
        # two months above the low are not enough either; three are
        ([3.0, 2.5, 2.8, 2.8, 2.5, 2.8, 2.8, 2.8, 2.5], (1, 4, 8), (8,), True),
        # two cycles, the second after a new tightening; easing ended by a last hike
        (
            [5.0, 5.5, 6.0, 6.0, 5.5, 5.0, 5.0, 5.5, 6.0, 6.5, 6.0, 6.5, 7.0, 7.0],
            (4, 5, 10),
            (4, 10),
            False,
        ),
        # a pause without a hike does not start a new cycle (as 2019 -> 2020)
        ([1.0, 1.5, 2.0, 2.5, 2.5, 2.2, 2.0, 2.0, 2.0, 2.0, 2.0, 1.0], (5, 11), (5,), True),
    ],
)
def test_easing_cycles_on_hand_made_paths(path, cuts, first_cuts, easing) -> None:  # type: ignore[no-untyped-def]
    found = easing_cycles(np.array(path))
    assert found.cuts == cuts
    assert found.first_cuts == first_cuts
    assert found.easing is easing


def test_the_peak_before_a_first_cut_is_the_tightenings_high() -> None:
    found = easing_cycles(np.array([1.0, 1.0, 1.5, 1.75, 2.0, 2.25, 2.0, 1.5]))
    assert found.first_cuts == (6,) and found.peaks == (2.25,)


# --- the event study on hand-made frames ----------------------------------------------------


def test_event_study_exact_numbers_on_the_pair() -> None:
    market = one_cycle_market()
    out = section(market, "2003-12-31")["easing"]
    assert [c["first_cut_month"] for c in out["cycles"]] == ["2002-01"]
    cycle = out["cycles"][0]
    assert cycle["first_cut"] == "2002-01-01" and cycle["dated_by"] == "FEDFUNDS"
    assert cycle["rate_before"] == 2.0 and cycle["source"] == f"{SMALL} / {LARGE}"
    small, large = (market.series[s].frame["close"] for s in (SMALL, LARGE))
    for key, end in (("3m", "2002-03-31"), ("6m", "2002-06-30"), ("12m", "2002-12-31")):
        s, lg = window_return(small, "2002-01-01", end), window_return(large, "2002-01-01", end)
        assert cycle[key]["end"] == end and cycle[key]["pending"] is False
        assert cycle[key]["small"] == pytest.approx(s, abs=1e-15)
        assert cycle[key]["large"] == pytest.approx(lg, abs=1e-15)
        assert cycle[key]["spread"] == pytest.approx(s - lg, abs=1e-15)
        stats = out["summary"][key]
        assert stats["n"] == 1 and stats["pending"] == 0
        assert stats["spread_mean"] == pytest.approx(s - lg, abs=1e-15)
        assert stats["hit_rate"] == (1.0 if s > lg else 0.0)
        assert stats["first_year"] == stats["last_year"] == 2002
        for bound in ("spread_ci90_low", "spread_ci99_high"):  # one window: no interval
            assert stats[bound] is None
            assert stats[bound + "_reason"] == "an interval needs at least two complete windows"


def test_event_study_falls_back_to_the_french_monthly_portfolios() -> None:
    market = one_cycle_market(with_pair=False)
    rng = np.random.default_rng(7)
    lo, hi = rng.normal(0.01, 0.05, 48), rng.normal(0.008, 0.04, 48)
    market.series["FF_ME_LO30_M"] = monthly("FF_ME_LO30_M", "2000-01-01", list(lo), "return")
    market.series["FF_ME_HI30_M"] = monthly("FF_ME_HI30_M", "2000-01-01", list(hi), "return")
    cycle = section(market, "2003-12-31")["easing"]["cycles"][0]
    assert cycle["source"] == "FF_ME_LO30_M / FF_ME_HI30_M"
    # 2002-01 is row 24: the 6-month window compounds rows 24..29.
    small, large = np.prod(1 + lo[24:30]) - 1, np.prod(1 + hi[24:30]) - 1
    assert cycle["6m"]["spread"] == pytest.approx(small - large, abs=1e-14)


def test_the_target_upper_limit_dates_the_first_cut() -> None:
    market = one_cycle_market()
    days = pd.date_range("2001-06-01", "2002-06-30", freq="D")
    upper = pd.Series(np.where(days < pd.Timestamp("2001-12-12"), 2.0, 1.5), index=days)
    market.series["DFEDTARU"] = daily_value("DFEDTARU", upper)
    cycle = section(market, "2003-12-31")["easing"]["cycles"][0]
    assert (cycle["first_cut"], cycle["dated_by"]) == ("2001-12-12", "DFEDTARU")
    small, large = (market.series[s].frame["close"] for s in (SMALL, LARGE))
    expected = window_return(small, "2001-12-12", "2002-03-11") - window_return(
        large, "2001-12-12", "2002-03-11"
    )
    assert cycle["3m"]["end"] == "2002-03-11"
    assert cycle["3m"]["spread"] == pytest.approx(expected, abs=1e-15)


def test_the_target_dates_a_cut_when_its_last_session_is_just_before_the_months_end() -> None:
    market = one_cycle_market()
    days = pd.bdate_range("2001-06-01", "2002-01-25")  # ends 6 days before January ends
    upper = pd.Series(np.where(days < pd.Timestamp("2001-12-12"), 2.0, 1.5), index=days)
    market.series["DFEDTARU"] = daily_value("DFEDTARU", upper)
    cycle = section(market, "2003-12-31")["easing"]["cycles"][0]
    assert (cycle["first_cut"], cycle["dated_by"]) == ("2001-12-12", "DFEDTARU")


# --- point-in-time --------------------------------------------------------------------------


def test_a_cut_after_the_weeks_end_is_not_seen() -> None:
    market = one_cycle_market()
    # The week ending 2002-01-25: January's average is not known yet.
    early = section(market, "2002-01-25")
    assert early["easing"]["cycles"] == []
    assert early["easing"]["rate_through"] == "2001-12"
    assert early["now"]["easing"] is False and early["now"]["cycle_start"] is None
    # Changing everything after the week's end changes nothing.
    changed = Market(dict(market.series))
    future = RATES[:24] + [3.0] * 24
    changed.series["FEDFUNDS"] = monthly("FEDFUNDS", "2000-01-01", future)
    assert section(changed, "2002-01-25") == early


def test_windows_not_complete_at_the_weeks_end_are_pending() -> None:
    out = section(one_cycle_market(), "2002-04-05")["easing"]
    cycle = out["cycles"][0]
    assert cycle["3m"]["pending"] is False and cycle["3m"]["spread"] is not None
    for key, end in (("6m", "2002-06-30"), ("12m", "2002-12-31")):
        assert cycle[key]["pending"] is True and cycle[key]["spread"] is None
        assert cycle[key]["spread_reason"] == (
            f"the {key[:-1]}-month window ends {end}, after the week's end"
        )
        assert out["summary"][key]["n"] == 0 and out["summary"][key]["pending"] == 1
    assert out["summary"]["3m"]["n"] == 1 and out["summary"]["3m"]["pending"] == 0


def test_where_we_stand_on_the_monthly_rate() -> None:
    now = section(one_cycle_market(), "2002-08-16")["now"]
    assert now["basis"] == "FEDFUNDS" and now["level"] == 1.5
    assert now["level_date"] == "2002-07-01"
    assert now["change_12m"] == pytest.approx(1.5 - 2.0)
    assert now["last_cut"] == "2002-01-01" and now["months_since_last_cut"] == 7
    assert now["cycle_start"] == "2002-01-01" and now["months_since_cycle_start"] == 7
    assert now["easing"] is True


def test_where_we_stand_on_a_current_target_rate() -> None:
    market = one_cycle_market()
    days = pd.bdate_range("2001-01-01", "2002-08-16")
    upper = pd.Series(2.0, index=days)
    upper[days >= pd.Timestamp("2001-12-12")] = 1.75
    upper[days >= pd.Timestamp("2002-05-07")] = 1.5
    market.series["DFEDTARU"] = daily_value("DFEDTARU", upper)
    now = section(market, "2002-08-16")["now"]
    assert (now["basis"], now["level"], now["level_date"]) == ("DFEDTARU", 1.5, "2002-08-16")
    assert now["change_12m"] == pytest.approx(-0.5)
    assert now["last_cut"] == "2002-05-07" and now["months_since_last_cut"] == 3


# --- missing inputs -------------------------------------------------------------------------


def test_without_fedfunds_the_study_says_how_to_get_it() -> None:
    small, large = pair_closes("1999-06-01", "2003-12-31")
    market = Market({SMALL: prices(SMALL, small), LARGE: prices(LARGE, large)})
    out = section(market, "2003-12-31")
    reason = "no federal funds rate data on record: run `generator fetch --source fred`"
    assert out["easing"] is None and out["easing_reason"] == reason
    assert out["now"] is None and out["now_reason"] == reason
    assert out["high_yield"] is None
    assert out["high_yield_reason"] == (
        "no high-yield credit spread data on record: run `generator fetch --source fred`"
    )


def test_the_claim_says_not_enough_data_and_why_without_fedfunds() -> None:
    small, large = pair_closes("1999-06-01", "2003-12-31")
    market = Market({SMALL: prices(SMALL, small), LARGE: prices(LARGE, large)})
    doc = compute_metrics(market, CONFIG, pd.Timestamp("2003-12-26"))
    found = claim_by_id(doc.claims, "rate_cuts")
    assert found is not None and found is doc.claims[-1]
    assert found.verdict == NO_DATA
    assert found.reason == (
        "no easing cycles: no federal funds rate data on record: "
        "run `generator fetch --source fred`"
    )


# --- the high-yield spread ------------------------------------------------------------------


def test_high_yield_spread_level_change_percentile_and_beta() -> None:
    market = one_cycle_market()
    small, large = (market.series[s].frame["close"] for s in (SMALL, LARGE))
    days = small.index
    i = np.arange(len(days))
    spread = pd.Series(4 + np.sin(i / 17) + 0.3 * np.cos(i / 5), index=days)
    market.series["BAMLH0A0HYM2"] = daily_value("BAMLH0A0HYM2", spread)
    week = pd.Timestamp("2003-06-13")
    hy = section(market, "2003-06-13")["high_yield"]
    seen = spread[:week]
    level = seen.iloc[-1]
    assert hy["level"] == level and hy["level_date"] == "2003-06-13"
    assert hy["change_13w"] == pytest.approx(level - seen[: week - pd.Timedelta(weeks=13)].iloc[-1])
    assert hy["pct_all"] == pytest.approx((seen <= level).sum() / len(seen))
    assert hy["first_date"] == "1999-06-01"
    # Independent: calendar weeks (Monday-Sunday) last values, the last 52 weekly changes.
    weekly = pd.DataFrame({"s": small, "l": large, "y": spread})[:week].resample("W-SUN").last()
    relative = (weekly["s"].pct_change() - weekly["l"].pct_change()).iloc[-52:]
    change = weekly["y"].diff().iloc[-52:]
    beta = np.cov(relative, change)[0, 1] / np.var(change, ddof=1)
    assert hy["beta"] == pytest.approx(beta, rel=1e-9)
    assert hy["corr"] == pytest.approx(np.corrcoef(relative, change)[0, 1], rel=1e-9)
    assert hy["weeks"] == 52


def test_a_stale_high_yield_spread_is_missing_with_its_last_date() -> None:
    market = one_cycle_market()
    days = pd.bdate_range("2000-01-03", "2002-12-31")
    market.series["BAMLH0A0HYM2"] = daily_value("BAMLH0A0HYM2", pd.Series(4.0, index=days))
    out = section(market, "2003-06-13")
    assert out["high_yield"] is None
    assert out["high_yield_reason"] == "BAMLH0A0HYM2 data ends 2002-12-31, before the week's end"


# --- the claim ------------------------------------------------------------------------------


def cycles_market(count: int, small_drift: float) -> Market:
    """``count`` identical 24-month cycles: a 3-month tightening, then a cut held 15 months."""
    block = [1.0] * 3 + [2.0] * 6 + [1.5] * 15
    rates = [1.0] * 3 + block * count
    end = pd.Timestamp("1990-01-01") + pd.DateOffset(months=len(rates) + 13)
    small, large = pair_closes("1989-06-01", str(end.date()), drift=small_drift)
    return Market(
        {
            "FEDFUNDS": monthly("FEDFUNDS", "1990-01-01", rates),
            SMALL: prices(SMALL, small),
            LARGE: prices(LARGE, large),
        }
    )


@pytest.mark.parametrize(
    ("count", "drift", "verdict"),
    [(9, 0.002, SUPPORTS), (9, -0.002, CONTRADICTS), (7, 0.002, NO_DATA)],
)
def test_the_rate_cuts_claim_judges_the_12_month_interval(count, drift, verdict) -> None:  # type: ignore[no-untyped-def]
    market = cycles_market(count, drift)
    week = pd.Timestamp(market.series[SMALL].frame.index[-1])
    doc = compute_metrics(market, CONFIG, week)
    stats = doc.ratecuts.easing.summary.m12
    assert stats.n == count and len(doc.ratecuts.easing.cycles) == count
    found = doc.claims[-1]
    assert found.id == "rate_cuts" and found.verdict == verdict
    assert found.n == count
    assert found.period == f"{stats.first_year}-{stats.last_year}"
    assert found.evidence["spread_ci99_low"] == stats.spread_ci99_low
    assert "over at least 8 complete cycles" in found.rule and "99% interval" in found.rule
    if verdict == NO_DATA:
        assert found.reason == (
            "only 7 easing cycles with a complete 12-month window; at least 8 are needed"
        )


def test_the_claim_on_an_archived_document_without_the_section() -> None:
    doc = compute_metrics(cycles_market(9, 0.002), CONFIG, pd.Timestamp("2010-01-08"))
    old = replace(doc, ratecuts=Missing(""))
    found = rate_cuts_claim(old)
    assert found.verdict == NO_DATA
    assert found.reason == "no easing cycles: not available in this week's document"


# --- real data ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def real_market(folder: Path) -> Market:
    from generator.sources.csvfiles import parse_file

    files = [
        folder / "fred" / "FEDFUNDS.csv",
        folder / "prices" / "^RUT.csv",
        folder / "prices" / "^GSPC.csv",
        folder / "french" / "Portfolios_Formed_on_ME_Daily.csv",
        folder / "french" / "Portfolios_Formed_on_ME.CSV",
    ]
    return Market({s.symbol: s for f in files for s in parse_file(f)})


@pytest.mark.realdata
def test_real_cycles_since_1980_and_one_spread(marketdata: Path) -> None:
    market = real_market(marketdata)
    out = section(market, "2026-08-21")
    easing = out["easing"]
    months = [c["first_cut_month"] for c in easing["cycles"]]
    assert [m for m in months if m >= "1980"] == [
        "1980-05", "1981-02", "1981-08", "1982-05", "1984-09", "1986-02", "1987-07",
        "1989-06", "1995-08", "1998-10", "2001-01", "2007-09", "2019-08", "2024-10",
    ]  # fmt: skip
    assert len(months) == 27 and months[0] == "1957-12"
    by_month = {c["first_cut_month"]: c for c in easing["cycles"]}
    # 1998-10 on the pair, from the raw CSV files read independently.
    raw = {
        s: pd.read_csv(marketdata / "prices" / f"{s}.csv", index_col="Date", parse_dates=True,
                       na_values=["null"])["Close"].dropna()
        for s in ("^RUT", "^GSPC")
    }  # fmt: skip
    cycle = by_month["1998-10"]
    assert cycle["source"] == "^RUT / ^GSPC" and cycle["rate_before"] == 5.56
    expected = window_return(raw["^RUT"], "1998-10-01", "1999-03-31") - window_return(
        raw["^GSPC"], "1998-10-01", "1999-03-31"
    )
    assert cycle["6m"]["spread"] == pytest.approx(expected, abs=1e-12)
    # 1984-09 on the Ken French daily size portfolios (percent returns), compounded here.
    french = pd.read_csv(marketdata / "french" / "Portfolios_Formed_on_ME_Daily.csv")
    french.index = pd.to_datetime(french["Date"].astype(str), format="%Y%m%d")
    window = french.loc["1984-09-01":"1985-02-28"]
    lo, hi = ((1 + window[c] / 100).prod() - 1 for c in ("Lo 30", "Hi 30"))
    cycle = by_month["1984-09"]
    assert cycle["source"] == "FF_ME_LO30 / FF_ME_HI30"
    assert cycle["6m"]["spread"] == pytest.approx(lo - hi, abs=1e-12)
    summary = easing["summary"]["12m"]
    assert summary["n"] == 27 and summary["pending"] == 0
    spreads = [c["12m"]["spread"] for c in easing["cycles"]]
    assert summary["spread_mean"] == pytest.approx(np.mean(spreads), abs=1e-15)
    assert summary["hit_rate"] == pytest.approx(np.mean(np.array(spreads) > 0), abs=1e-15)
    assert out["now"]["level"] == 3.63 and out["now"]["last_cut"] == "2025-12-01"
    assert out["now"]["cycle_start"] == "2024-10-01" and out["now"]["easing"] is True


# --- the page -------------------------------------------------------------------------------


def test_the_page_shows_the_documents_rate_cut_numbers() -> None:
    from tests.test_report_contract import contract_violations, render_recording

    market = cycles_market(9, 0.002)
    small = market.series[SMALL].frame["close"]
    i = np.arange(len(small))
    spread = pd.Series(4 + np.sin(i / 17), index=small.index)
    market.series["BAMLH0A0HYM2"] = daily_value("BAMLH0A0HYM2", spread)
    week = pd.Timestamp(small.index[-1])
    doc = compute_metrics(market, CONFIG, week)
    page, calls = render_recording(doc)
    assert contract_violations(doc, page, calls) == []
    shown = {path for path, _ in calls}
    assert {
        "ratecuts.easing.cycles.*.12m.spread",
        "ratecuts.easing.summary.12m.spread_ci99_low",
        "ratecuts.now.months_since_last_cut",
        "ratecuts.high_yield.beta",
    } <= shown
    section = page.split("## Rate cuts", 1)[1].split("\n## ", 1)[0]
    first = doc.ratecuts.easing.cycles[0]
    assert f"| {first.first_cut_month} | 2.00% | Russell 2000 vs S&#38;P 500 |" in section
    assert "FF_ME" not in section and "^RUT /" not in section  # data named in words
    assert section.count("| 199") + section.count("| 20") >= 9  # one row per cycle
    assert "High-yield spread (BAMLH0A0HYM2" in section
    # The summary fits a 720 px column: the verdict's 99% interval only (a reader had to scroll
    # past a 90% one to reach it).
    header = (
        "| Horizon | Cycles | Pending | Mean spread | Median spread | Hit rate | 99% interval |"
    )
    assert header in section and "90% interval |" not in section


def test_the_page_says_a_monthly_rate_dates_months_not_decisions() -> None:
    """A reader review of 2008-10-10 read "last cut 2008-09-01 (1 month ago)" as a decision the
    Fed never took: the monthly average fell in September and October's cut was not published."""
    from dataclasses import replace

    from generator.metrics.schema_ratecuts import PolicyNow
    from generator.pages import render_report

    doc = compute_metrics(cycles_market(9, 0.002), CONFIG, pd.Timestamp("2002-08-16"))
    monthly = PolicyNow("FEDFUNDS", 1.81, "2008-09-01", -3.2, "2008-09-01", 1, "2007-09-01", 13,
                        True)  # fmt: skip
    daily = replace(monthly, basis="DFEDTARU", level_date="2008-10-10", last_cut="2008-10-08")

    def policy_line(now: PolicyNow) -> str:
        page = render_report(replace(doc, ratecuts=replace(doc.ratecuts, now=now)), {},
                             sample=False)  # fmt: skip
        return next(line for line in page.splitlines() if line.startswith("Policy rate"))

    line = policy_line(monthly)
    assert "monthly average, FEDFUNDS; latest published month 2008-09)" in line, line
    assert "the monthly average last fell in 2008-09 (1 month ago)" in line
    assert "last cut" not in line and "2008-09-01" not in line
    assert line.endswith("A cut made since then shows once its month's average is published.")
    line = policy_line(daily)
    assert "(the target range's upper limit, DFEDTARU, 2008-10-10)" in line, line
    assert "last cut 2008-10-08" in line and "published" not in line
