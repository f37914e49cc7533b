"""The fundamentals section and the earnings-growth and valuation claims: hand-computed values on
small frames, point in time, every verdict branch, and the Ken French B/M record on real data."""

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
    NO_EDGE,
    SUPPORTS,
    claim_by_id,
    claims_section,
)
from generator.metrics.codec import Missing
from generator.metrics.fundamentals import (
    NOT_FETCHED,
    book_to_market_record,
    compute_fundamentals,
)
from generator.metrics.schema import Curated, Document
from generator.metrics.schema_fundamentals import (
    BookToMarketRecord,
    Fundamentals,
    FundFigure,
    FundPair,
    ImpliedGrowth,
)
from generator.model import FF_BEME_BIG, FF_BEME_SMALL, OHLCV_COLUMNS, Market, Series
from generator.pages import render_report
from generator.sources.csvfiles import parse_file
from generator.sources.sample import sample_market
from tests.conftest import ROOT

CONFIG = load_config(ROOT / "smallcap.toml")
WEEK = pd.Timestamp("2026-08-21")


def values(symbol: str, points: dict[str, float], frequency: str = "daily") -> Series:
    index = pd.DatetimeIndex(pd.to_datetime(list(points)), name="date")
    frame = pd.DataFrame({"value": list(points.values())}, index=index, dtype=float)
    return Series(symbol, frame, "test", schema="value", measure="ratio", frequency=frequency)


def closes(symbol: str, points: pd.Series) -> Series:
    frame = pd.DataFrame({c: points.to_numpy(dtype=float) for c in OHLCV_COLUMNS},
                         index=pd.DatetimeIndex(points.index, name="date"))  # fmt: skip
    return Series(symbol, frame, "test")


def market_of(*series: Series) -> Market:
    return Market({s.symbol: s for s in series})


# --- ETF snapshots -----------------------------------------------------------------------------


def test_pe_pb_and_growth_of_small_against_large() -> None:
    market = market_of(
        values("FUND_IWM_PE", {"2026-08-14": 18.0, "2026-08-21": 15.0}),
        values("FUND_SPY_PE", {"2026-08-21": 25.0}),
        values("FUND_IWM_PB", {"2026-08-21": 2.0}),
        values("FUND_SPY_PB", {"2026-08-21": 4.0}),
        values("FUND_IWM_EG3Y", {"2026-08-21": 0.05}),
        values("FUND_SPY_EG3Y", {"2026-08-21": 0.12}),
    )
    out = compute_fundamentals(market, CONFIG, WEEK)
    assert out["pe"]["small_vs_large"] == pytest.approx(15.0 / 25.0 - 1)
    assert out["pe"]["origin"] == "funds_data" and "negative earnings" in out["pe"]["method"]
    assert out["pe"]["small"] == {"symbol": "FUND_IWM_PE", "etf": "IWM", "date": "2026-08-21",
                                  "value": 15.0, "age_days": 0, "stale": False}  # fmt: skip
    assert out["pb"]["small_vs_large"] == pytest.approx(-0.5)
    assert out["earnings_growth_3y"]["small_vs_large"] == pytest.approx(0.05 - 0.12)


def test_a_snapshot_after_the_week_is_not_used() -> None:
    market = market_of(
        values("FUND_IWM_PE", {"2026-08-14": 18.0, "2026-08-21": 15.0}),
        values("FUND_SPY_PE", {"2026-08-14": 20.0, "2026-08-21": 25.0}),
    )
    out = compute_fundamentals(market, CONFIG, pd.Timestamp("2026-08-20"))
    assert out["pe"]["small"]["date"] == "2026-08-14"
    assert out["pe"]["small_vs_large"] == pytest.approx(18.0 / 20.0 - 1)
    before = compute_fundamentals(market, CONFIG, pd.Timestamp("2026-08-13"))
    assert before["pe"] is None and before["pe_reason"] == NOT_FETCHED


def test_the_whole_document_is_point_in_time_for_fundamentals() -> None:
    sample = {s.symbol: s for s in sample_market(CONFIG, "2026-08-21")}
    extra = [values("FUND_IWM_PE", {"2026-08-07": 17.0, "2026-08-14": 16.0, "2026-08-21": 15.0}),
             values("FUND_SPY_PE", {"2026-08-07": 20.0, "2026-08-14": 21.0, "2026-08-21": 25.0})]  # fmt: skip
    market = Market({**sample, **{s.symbol: s for s in extra}}, sample=True)
    doc = compute_metrics(market, CONFIG, pd.Timestamp("2026-08-14"))
    assert doc.fundamentals.pe.small.value == 16.0
    assert doc.fundamentals.pe.small_vs_large == pytest.approx(16.0 / 21.0 - 1)


def test_stale_snapshots_are_shown_but_not_compared() -> None:
    market = market_of(values("FUND_IWM_PE", {"2026-08-03": 15.0}),
                       values("FUND_SPY_PE", {"2026-08-21": 25.0}))  # fmt: skip
    out = compute_fundamentals(market, CONFIG, WEEK)["pe"]
    assert out["small"]["age_days"] == 18 and out["small"]["stale"] is True
    assert out["small_vs_large"] is None and "older than 14 days" in out["small_vs_large_reason"]


def test_info_figures_are_compared_only_with_info_figures() -> None:
    both_info = market_of(values("FUND_IWM_PE_INFO", {"2026-08-21": 30.0}),
                          values("FUND_SPY_PE_INFO", {"2026-08-21": 24.0}))  # fmt: skip
    out = compute_fundamentals(both_info, CONFIG, WEEK)["pe"]
    assert out["origin"] == "info" and "trailingPE" in out["method"]
    assert out["small_vs_large"] == pytest.approx(30.0 / 24.0 - 1)
    mixed = market_of(values("FUND_IWM_PE", {"2026-08-21": 15.0}),
                      values("FUND_SPY_PE_INFO", {"2026-08-21": 24.0}))  # fmt: skip
    out = compute_fundamentals(mixed, CONFIG, WEEK)
    assert out["pe"] is None
    assert out["pe_reason"].startswith("IWM and SPY have no Price/Earnings from the same source")


# --- 52-week implied earnings growth -----------------------------------------------------------


def weekly_history(weeks: int) -> Market:
    """IWM: close 100 -> 120, P/E 20 -> 20 (earnings +20%); SPY: close 400 -> 420, P/E 25 -> 21
    (earnings 16 -> 20, +25%). Every other week the values sit in between."""
    days = pd.date_range(end="2026-08-21", periods=weeks, freq="7D")

    def path(first: float, last: float) -> pd.Series:
        return pd.Series(np.linspace(first, last, weeks), index=days)

    iwm_pe, spy_pe = path(20.0, 20.0), path(25.0, 21.0)
    return market_of(
        values("FUND_IWM_PE", {d.strftime("%Y-%m-%d"): v for d, v in iwm_pe.items()}),
        values("FUND_SPY_PE", {d.strftime("%Y-%m-%d"): v for d, v in spy_pe.items()}),
        closes("IWM", path(100.0, 120.0)),
        closes("SPY", path(400.0, 420.0)),
    )


def test_earnings_growth_over_52_weeks_from_price_over_pe() -> None:
    out = compute_fundamentals(weekly_history(53), CONFIG, WEEK)["earnings_growth_52w"]
    assert out["start"] == "2025-08-22" and out["end"] == "2026-08-21"
    assert out["snapshots"] == 53
    assert out["small"] == pytest.approx(120 / 20 / (100 / 20) - 1)  # +20%
    assert out["large"] == pytest.approx(420 / 21 / (400 / 25) - 1)  # +25%
    assert out["gap"] == pytest.approx(0.20 - 0.25)


def test_earnings_growth_over_52_weeks_needs_52_snapshots() -> None:
    out = compute_fundamentals(weekly_history(51), CONFIG, WEEK)
    assert out["earnings_growth_52w"] is None
    assert out["earnings_growth_52w_reason"] == (
        "needs 52 weekly P/E snapshots of IWM and SPY; the store has 51 (since 2025-09-05)"
    )
    none = compute_fundamentals(Market({}), CONFIG, WEEK)
    assert none["earnings_growth_52w_reason"] == NOT_FETCHED


# --- Ken French book-to-market record ----------------------------------------------------------


def test_book_to_market_record_on_a_small_frame() -> None:
    months = {"2024-09-01": 1.0, "2024-10-01": 2.0, "2024-11-01": 1.5, "2024-12-01": 9.0}
    market = market_of(values(FF_BEME_SMALL, months, "monthly"),
                       values(FF_BEME_BIG, dict.fromkeys(months, 0.5), "monthly"))  # fmt: skip
    # December is not over on December 20: ratios 2, 4, 3 -> the last is the 2nd of 3.
    out = book_to_market_record(market, pd.Timestamp("2024-12-20"))
    assert out == {"ratio": 3.0, "date": "2024-11-01", "first": "2024-09-01", "months": 3,
                   "percentile": pytest.approx(2 / 3), "median": 3.0}  # fmt: skip


@lru_cache(maxsize=1)
def french_market(folder: str) -> Market:
    series = parse_file(Path(folder) / "french" / "25_Portfolios_5x5.CSV")
    return Market({s.symbol: s for s in series if s.symbol in (FF_BEME_SMALL, FF_BEME_BIG)})


def test_book_to_market_percentile_since_1926_on_real_data(marketdata: Path) -> None:
    market = french_market(str(marketdata))
    out = book_to_market_record(market, WEEK)
    small = market.series[FF_BEME_SMALL].frame["value"]
    big = market.series[FF_BEME_BIG].frame["value"]
    ratio = (small / big).dropna()  # independent: pandas ranks, not the module's percentile
    assert (out["first"], out["date"]) == ("1926-07-01", "2024-12-01")
    assert out["months"] == len(ratio) == (2024 - 1926) * 12 + 6
    assert out["ratio"] == pytest.approx(ratio.iloc[-1])
    assert out["percentile"] == pytest.approx(ratio.rank(method="max", pct=True).iloc[-1])
    assert out["median"] == pytest.approx(ratio.quantile(0.5))
    earlier = book_to_market_record(market, pd.Timestamp("1999-12-31"))
    assert earlier["date"] == "1999-12-01"
    assert earlier["percentile"] == pytest.approx(
        ratio[:"1999-12-01"].rank(method="max", pct=True).iloc[-1]
    )


# --- claims ------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def base_doc() -> Document:
    market = Market({s.symbol: s for s in sample_market(CONFIG, "2026-08-21")}, sample=True)
    return compute_metrics(market, CONFIG, WEEK)


def figure(etf: str, value: float, date: str = "2026-08-21") -> FundFigure:
    return FundFigure(f"FUND_{etf}_X", etf, date, value, 0, False)


def pair(small: float, large: float, difference: float) -> FundPair:
    return FundPair("funds_data", "method", figure("IWM", small), figure("SPY", large), difference)


def record(percentile: float, date: str = "2026-06-01") -> BookToMarketRecord:
    return BookToMarketRecord(4.0, date, "1926-07-01", 1182, percentile, 3.5)


def claim_of(cid: str, *, bm: float | None = None, pe: float | None = None,
             growth_3y: float | None = None, growth_52w: float | None = None):  # type: ignore[no-untyped-def]  # fmt: skip
    no = Missing(NOT_FETCHED)
    fundamentals = Fundamentals(
        pe=no if pe is None else pair(15.0, 25.0, pe),
        pb=no,
        earnings_growth_3y=no if growth_3y is None else pair(0.05, 0.05 - growth_3y, growth_3y),
        earnings_growth_52w=no if growth_52w is None else ImpliedGrowth(
            "2025-08-22", "2026-08-21", 53, 0.1, 0.1 - growth_52w, growth_52w),
        book_to_market=Missing("not imported") if bm is None else record(bm),
    )  # fmt: skip
    doc = replace(base_doc(), fundamentals=fundamentals)
    found = claim_by_id(claims_section(doc), cid)
    assert found is not None
    return found


@pytest.mark.parametrize(
    ("bm", "pe", "verdict"),
    [
        (0.90, None, SUPPORTS),  # B/M ratio in the top third of its history
        (0.10, None, CONTRADICTS),
        (0.50, None, NO_EDGE),
        (0.90, -0.30, SUPPORTS),  # both agree
        (0.90, 0.20, NO_EDGE),  # they disagree
        (None, -0.30, SUPPORTS),  # a P/E snapshot alone, beyond the 10% margin
        (None, 0.15, CONTRADICTS),
        (None, -0.05, NO_EDGE),
    ],
)
def test_valuation_discount_verdicts(bm: float | None, pe: float | None, verdict: str) -> None:
    found = claim_of("valuation_discount", bm=bm, pe=pe)
    assert found.verdict == verdict
    if bm is not None:
        assert (found.n, found.period) == (1182, "1926-07 to 2026-06")
        assert found.evidence["bm_percentile"] == bm
    else:
        assert (found.n, found.period) == (1, "2026-08-21")
        assert found.evidence["pe_source"] == "ETF P/E (funds_data)"


def test_book_to_market_over_a_year_old_is_not_judged_as_current() -> None:
    """A reader found "✔ supports" on book-to-market data ending 2024-12 in a report of
    2026-08: where valuations stood 20 months earlier, said as a current finding."""
    doc = base_doc()  # the week ends 2026-08-21
    for date, verdict in (("2025-08-01", SUPPORTS), ("2025-07-01", NO_DATA)):
        fundamentals = replace(doc.fundamentals, book_to_market=record(0.90, date))
        found = claim_by_id(claims_section(replace(doc, fundamentals=fundamentals)),
                            "valuation_discount")  # fmt: skip
        assert found is not None and found.verdict == verdict, date
    assert found.reason.startswith(
        "book-to-market: its latest month, 2025-07, is 13 months before the week, too old to say "
        "where valuations stand now; P/E: "
    )
    assert found.evidence["bm_date"] == "2025-07-01"  # its figures are still shown
    fundamentals = replace(doc.fundamentals, book_to_market=record(0.90, "2024-12-01"),
                           pe=pair(15.0, 25.0, -0.30))  # fmt: skip
    found = claim_by_id(
        claims_section(replace(doc, fundamentals=fundamentals)), "valuation_discount"
    )
    assert found is not None and found.verdict == SUPPORTS  # the current P/E alone decides
    assert (found.n, found.period) == (1, "2026-08-21")


def test_valuation_discount_falls_back_to_a_current_curated_entry() -> None:
    doc = base_doc()
    curated = {"date": "2026-08-01", "stale": False, "discount": -0.3}
    valuation = replace(doc.valuation, curated=replace_curated(curated))
    found = claim_by_id(claims_section(replace(doc, valuation=valuation)), "valuation_discount")
    assert found is not None
    assert found.verdict == SUPPORTS
    assert found.evidence["pe_source"] == "curated forward P/E"


def replace_curated(values_: dict) -> Curated:
    no = Missing("none")
    return Curated(120, no, no, values_["date"], "Editor", values_["stale"], 15.0, 22.0, no, no,
                   values_["discount"], no)  # fmt: skip


def test_valuation_discount_without_data_says_why() -> None:
    found = claim_of("valuation_discount")
    assert found.verdict == NO_DATA
    why = f"book-to-market: not imported; P/E: {NOT_FETCHED}"
    assert found.reason == why
    assert found.n == Missing(why)


@pytest.mark.parametrize(
    ("growth_3y", "growth_52w", "verdict", "n"),
    [
        (None, 0.05, SUPPORTS, 53),
        (0.05, -0.05, CONTRADICTS, 53),  # the 52-week history wins over the 3-year figure
        (-0.05, None, CONTRADICTS, 1),
        (0.01, None, NO_EDGE, 1),
        (None, None, NO_DATA, Missing(NOT_FETCHED)),
    ],
)
def test_earnings_growth_verdicts(
    growth_3y: float | None, growth_52w: float | None, verdict: str, n: object
) -> None:
    found = claim_of("earnings_growth", growth_3y=growth_3y, growth_52w=growth_52w)
    assert found.statement == "Small caps' earnings are growing faster than large caps'"
    assert (found.verdict, found.n) == (verdict, n)
    if verdict == NO_DATA:
        assert "run `generator fetch --source fundamentals`" in found.reason
    if growth_52w is not None:
        assert found.period == "2025-08-22 to 2026-08-21"
        assert found.evidence["gap_52w"] == growth_52w


# --- report ------------------------------------------------------------------------------------


def test_report_shows_each_figure_with_its_date_method_and_caveat() -> None:
    fundamentals = Fundamentals(
        pe=FundPair("funds_data", "P/E method; negative earnings left out",
                    figure("IWM", 15.04), figure("SPY", 25.0), 15.04 / 25.0 - 1),
        pb=Missing("a snapshot is older than 14 days"),
        earnings_growth_3y=pair(0.071, 0.118, 0.071 - 0.118),
        earnings_growth_52w=Missing("needs 52 weekly P/E snapshots of IWM and SPY; the store has 3"),
        book_to_market=record(0.7056),
    )  # fmt: skip
    page = render_report(replace(base_doc(), fundamentals=fundamentals), {}, sample=True)
    lines = [line for line in page.splitlines() if line.startswith("- ")]
    assert (
        "- Book-to-market, smallest vs biggest size quintile (Ken French): 4.00 in 2026-06, the "
        "last month published; 71% of the 1,182 months since 1926-07 were at or below it "
        "(median 3.50)." in lines
    )
    assert (
        "- P/E: IWM 15.0 (2026-08-21), SPY 25.0 (2026-08-21); small vs large \u221239.8%. "
        "Method: P/E method; negative earnings left out." in lines
    )
    assert "- P/B of the ETFs: not available (a snapshot is older than 14 days)." in lines
    assert any(line.startswith("- 3-year earnings growth: IWM 7.1% (2026-08-21), SPY 11.8%")
               and "small vs large \u22124.7 pp" in line for line in lines)  # fmt: skip
    assert "- Earnings growth over 52 weeks: not available (needs 52 weekly P/E snapshots" in (page)


def test_a_stale_pe_is_no_evidence_and_the_claim_says_why() -> None:
    stale = Missing("a snapshot is older than 14 days")
    fundamentals = Fundamentals(pe=pair(15.0, 25.0, stale), pb=stale, earnings_growth_3y=stale,  # type: ignore[arg-type]
                                earnings_growth_52w=stale, book_to_market=Missing("not imported"))  # fmt: skip
    found = claim_by_id(claims_section(replace(base_doc(), fundamentals=fundamentals)),
                        "valuation_discount")  # fmt: skip
    assert found is not None and found.verdict == NO_DATA
    assert found.reason.endswith("P/E: a snapshot is older than 14 days")


def test_the_valuation_section_states_the_book_to_market_ratio_once() -> None:
    """The real 2026 page gave "1.22 in 2024-12 …" in the list and "0.62 vs 0.51, ratio 1.22"
    two lines below it: the second line now gives only the two sides."""
    from generator.metrics.schema import BookToMarket, Snapshot
    from generator.pages import render_report

    doc = base_doc()
    sides = BookToMarket(Snapshot(FF_BEME_SMALL, "2024-12-01", 0.62, Missing("no limit")),
                         Snapshot(FF_BEME_BIG, "2024-12-01", 0.51, Missing("no limit")), 1.2157)  # fmt: skip
    doc = replace(doc, valuation=replace(doc.valuation, book_to_market=sides),
                  fundamentals=replace(doc.fundamentals,
                                       book_to_market=BookToMarketRecord(
                                           1.2157, "2024-12-01", "1926-07-01", 1182, 0.71, 1.12)))  # fmt: skip
    page = render_report(doc, {}, sample=False)
    text = page.split("## Valuation and earnings", 1)[1].split("\n## ", 1)[0]
    assert text.count("1.22") == 1, text
    assert ("In 2024-12, book-to-market was 0.62 for the smallest size quintile and 0.51 for the "
            "biggest (a higher book-to-market means a cheaper price for the same book value).") in text  # fmt: skip
    # The list leaves out a month not over at the week's end: other months, both lines stand.
    older = replace(doc.fundamentals.book_to_market, date="2024-11-01")
    page = render_report(replace(doc, fundamentals=replace(doc.fundamentals, book_to_market=older)),
                         {}, sample=False)  # fmt: skip
    text = page.split("## Valuation and earnings", 1)[1].split("\n## ", 1)[0]
    assert "0.62 vs 0.51, ratio 1.22." in text and "In 2024-12, book-to-market" not in text
