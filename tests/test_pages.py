"""Report pages: filters, golden Markdown from a fixed metrics document, escaping, the archive."""

from __future__ import annotations

import copy
import os
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pandas as pd
import pytest
from jinja2 import UndefinedError

from generator.pages import ChartView, categories, chart_view, render_home, render_report
from generator.pages import filters as f

GOLDEN = Path(__file__).parent / "golden" / "report.md"
XSS = "<script>alert(1)</script>"
NOTE = "see [click](javascript:alert(1)) <img src=x onerror=alert(2)> **bold** | pipe"


def fixed_doc(week: str = "2026-11-20") -> dict:
    """A small metrics document with the issue-3 keys and hand-picked numbers."""
    return {
        "week_ending": week,
        "data_through": week,
        "small": "^RUT",
        "large": "^GSPC",
        "small_name": "Russell 2000",
        "large_name": "S&P 500",
        "small_total_return": "IWM",
        "large_total_return": "SPY",
        "sample": True,
        "returns": {
            p: {"small": s, "large": lg, "spread": s - lg}
            for p, s, lg in [
                ("1w", 0.03, 0.01),
                ("mtd", 0.05, 0.02),
                ("qtd", 0.06, 0.04),
                ("ytd", 0.10, 0.15),
                ("1y", 0.12, 0.18),
                ("3y_ann", 0.08, 0.10),
                ("5y_ann", 0.07, 0.11),
            ]
        }
        | {"10y_ann": None, "10y_ann_reason": "history shorter than 10 years"},
        "drawdown": {
            "small": {"current": -0.05, "max_1y": -0.2, "max_all": -0.6},
            "large": {"current": -0.01, "max_1y": -0.1, "max_all": -0.55},
        },
        "highs": {
            side: {
                "all_time": 1000.0,
                "all_time_date": "2026-11-19",
                "pct_from_all_time": -0.01,
                "sessions_since_all_time": 1,
                "high_52w": 1000.0,
                "pct_from_high_52w": -0.01,
                "low_52w": 800.0,
                "pct_from_low_52w": 0.2375,
                "new_high_52w": True,
                "new_all_time_high": False,
            }
            for side in ("small", "large")
        },
        "relative": {
            "ratio": 0.65,
            "ma_50": 0.64,
            "ma_200": 0.6,
            "pct_52w": 0.97,
            "pct_all": 0.4,
            "zscore_3y": 2.1,
            "drawdown": -0.3,
            "outperf_streak_weeks": 3,
            "outperf_streak_record_weeks": 10,
            "regimes": [
                {
                    "start": "2026-04-24",
                    "end": week,
                    "weeks": 30,
                    "leader": "small",
                    "cum_spread": 0.107,
                    "ongoing": True,
                },
            ],
        },
        "risk": {"vol_3m": {"small": 0.2, "large": 0.15}, "corr_1y": 0.83, "beta_1y": 1.03},
        "seasonality": {
            "first_year": 1986,
            "months": [
                {
                    "month": m,
                    "small_mean": 0.01,
                    "large_mean": 0.005,
                    "spread_mean": 0.005,
                    "spread_median": 0.004,
                    "hit_rate": 0.6,
                    "years": 40,
                    "spread_ci90_low": 0.001,
                    "spread_ci90_high": 0.009,
                }
                for m in (1, 12)
            ],
        },
        "cycle": {
            "year": 2026,
            "phase": 2,
            "phases": [
                {
                    "phase": p,
                    "name": n,
                    "small_mean": 0.1,
                    "large_mean": 0.08,
                    "spread_mean": 0.02,
                    "hit_rate": 0.5,
                    "years": 10,
                }
                for p, n in enumerate(("election", "post-election", "midterm", "pre-election"))
            ],
        },
        "rates": {
            "yields": {
                "13w": None,
                "13w_reason": "^IRX has no data up to 2026-11-20",
                "10y": {"symbol": "^TNX", "level": 4.25, "change_1w": -0.1, "change_3m": 0.254},
            },
            "slope_10y_13w": 0.31,
            "sensitivity": {
                "10y": {"symbol": "^TNX", "beta": -0.012, "corr": -0.31, "weeks": 52},
            },
        },
        "valuation": {
            "curated": {
                "date": "2026-10-31",
                "source": "Example research",
                "stale": False,
                "stale_after_days": 120,
                "small_forward_pe": 15.0,
                "large_forward_pe": 21.0,
                "discount": 15.0 / 21.0 - 1,
                "small_earnings_growth": 0.12,
                "large_earnings_growth": 0.1,
                "earnings_growth_gap": 0.02,
                "small": {"note": "consensus, bottom-up"},
                "large": {"note": ""},
            },
            "trailing_pe": None,
            "trailing_pe_reason": "no ETF trailing P/E series in the store",
            "book_to_market": {
                "small": {"value": 0.8},
                "big": {"value": 0.4},
                "ratio": 2.0,
            },
        },
        "ladder": {
            "rows": [{"symbol": "IWC", "label": NOTE, "1w": 0.02, "ytd": 0.07, "1y": 0.12}],
            "rotation": {
                "equal_vs_cap": {
                    "numerator": "RSP",
                    "denominator": "SPY",
                    "ratio": 0.273,
                    "change_1w": -0.008,
                    "pct_52w": 0.9,
                }
            },
        },
        "changes": {
            "previous_week_ending": "2026-11-13",
            "items": [
                {"key": "relative.zscore_3y", "previous": 1.0, "current": 2.1, "change": 1.1},
                {"key": "returns.ytd.spread", "previous": -0.04, "current": -0.05, "change": -0.01},
            ],
        },
        "claims": [
            {
                "id": "small_led_week",
                "statement": "Small caps beat large caps this week",
                "verdict": "supported",
                "evidence": {"returns.1w.spread": 0.02},
            },
            {
                "id": "valuation_discount",
                "statement": "Small caps trade at a discount",
                "verdict": "not enough data",
                "evidence": {"discount": None, "discount_reason": "missing"},
            },
        ],
    }


def fixed_charts() -> dict[str, ChartView]:
    return {
        "ytd_rebased": ChartView("ytd_rebased", "Year to date", "Both indices rebased to 100."),
        "month_spread": ChartView(
            "month_spread",
            "Month spread",
            "Mean spread by month.",
            ("month", "spread_mean", "hit_rate"),
            ((1, 0.005, 0.6), (12, None, 0.55)),
            svg=False,
        ),
    }


def test_golden_report_is_byte_identical_on_rerun() -> None:
    first = render_report(fixed_doc(), fixed_charts(), sample=True)
    second = render_report(fixed_doc(), fixed_charts(), sample=True)
    assert first == second
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(first, encoding="utf-8")
    assert first == GOLDEN.read_text(encoding="utf-8")


def test_report_sections_in_the_fixed_order() -> None:
    page = render_report(fixed_doc(), fixed_charts(), sample=True)
    headings = [line[3:] for line in page.splitlines() if line.startswith("## ")]
    assert headings == [
        "Key takeaways",
        "Claims checked",
        "Scoreboard",
        "Relative strength",
        "Highs and drawdowns",
        "Risk",
        "Seasonality",
        "Presidential cycle",
        "Rates",
        "Valuation and earnings",
        "Size ladder and rotation gauges",
        "What changed since last week",
        "Data and method notes",
        "Downloads",
    ]


def test_narrative_follows_the_numbers() -> None:
    page = render_report(fixed_doc(), fixed_charts(), sample=False)
    assert "# Week ending November 20, 2026: small caps led by 2.0 pp\n" in page
    assert "returned +3.0% and large caps (S&#38;P 500) +1.0%, so small caps led by 2.0 pp." in page
    assert (
        "97th percentile of the past 52 weeks (z-score +2.1 over three years), which is unusual"
        in page
    )
    assert "3 weeks in a row (record: 10)" in page
    assert (
        "in December in 60% of 40 years since 1986 (mean spread +0.5 pp); the record leans" in page
    )
    assert "2026 is a midterm year; in past midterm years small caps led in 50% of 10 years" in page
    assert "Sample data" not in page


def test_charts_embed_sidecar_specs_with_fallbacks() -> None:
    page = render_report(fixed_doc(), fixed_charts(), sample=True)
    assert (
        '<div class="vl-chart" data-spec="ytd_rebased.vl.json" role="figure" '
        'aria-label="Both indices rebased to 100.">\n'
        '<img class="vl-fallback" src="ytd_rebased.svg" alt="Both indices rebased to 100." '
        'loading="lazy">\n</div>'
    ) in page
    assert "<noscript>This chart needs JavaScript: Mean spread by month.</noscript>" in page
    assert '??? note "Data: Month spread"\n\n    | month | spread&#95;mean | hit&#95;rate |' in page
    assert "    | 12 | n/a | 55.0% |" in page


def test_rates_and_valuation_sections() -> None:
    page = render_report(fixed_doc(), {}, sample=False)
    assert "| 13w | | n/a | ^IRX has no data up to 2026-11-20 | |" in page
    assert "| 10y | ^TNX | 4.25% | −10 bp | +25 bp |" in page
    assert "Slope, 10-year minus 13-week: 31 bp." in page
    assert "| 10y | −1.20 pp | −0.31 | 52 |" in page
    assert "dated 2026-10-31, source: Example research." in page
    assert "| Forward P/E | 15.0 | 21.0 | −28.6% |" in page
    assert "| Expected earnings growth | 12.0% | 10.0% | +2.0 pp |" in page
    assert "ETF trailing P/E: not available (no ETF trailing P/E series in the store)." in page
    assert "0.80 vs 0.40, ratio 2.00." in page


def test_large_lead_and_missing_sections() -> None:
    doc = fixed_doc()
    doc["returns"]["1w"] = {"small": -0.02, "large": 0.01, "spread": -0.03}
    doc["cycle"], doc["cycle_reason"] = None, "not implemented"
    page = render_report(doc, {}, sample=True)
    assert "large caps led by 3.0 pp" in page
    assert "## Presidential cycle\n\nNot available: not implemented.\n" in page
    assert "| 10 years, annualised | n/a | n/a | n/a |" in page
    assert "vl-chart" not in page
    assert categories(doc) == ["Large caps led", "Midterm year"]


def test_missing_required_key_fails_instead_of_printing_nothing() -> None:
    doc = fixed_doc()
    del doc["seasonality"]["first_year"]
    with pytest.raises(UndefinedError, match="first_year"):
        render_report(doc, {}, sample=False)


@pytest.mark.parametrize(
    ("func", "value", "expected"),
    [
        (f.pct, 0.0812, "8.1%"),
        (f.pct, -0.0004, "0.0%"),
        (f.spct, 0.0812, "+8.1%"),
        (f.spct, -0.0812, "−8.1%"),
        (f.pp, -0.038, "−3.8 pp"),
        (f.pp, 0.0, "0.0 pp"),
        (f.bp, 0.25, "+25 bp"),
        (f.bp, -0.104, "−10 bp"),
        (f.num, 1.03199, "1.03"),
        (f.num, 1536.1671, "1,536.17"),
        (f.count, 41.0, "41"),
        (f.ordinal, 0.559, "56th"),
        (f.ordinal, 0.21, "21st"),
        (f.ordinal, 0.12, "12th"),
        (f.month_name, 12, "December"),
        (f.long_date, "2026-02-05", "February 5, 2026"),
        (f.pct, None, "n/a"),
        (f.pct, float("nan"), "n/a"),
        (f.num, True, "n/a"),
    ],
)
def test_filters(func, value, expected) -> None:  # type: ignore[no-untyped-def]
    assert str(func(value)) == expected


def test_value_filter_formats_by_key() -> None:
    assert str(f.value(0.7317, "hit_rate")) == "73.2%"
    assert str(f.value(1986, "first_year")) == "1986"
    assert str(f.value(-0.0382, "returns.1w.spread")) == "−3.82%"
    assert str(f.value(True, "new_high_52w")) == "yes"
    assert str(f.value("a_b", "x")) == "a&#95;b"


def _html(page: str) -> str:
    body = page.split("---\n", 2)[2]
    exts = ["admonition", "attr_list", "md_in_html", "tables", "pymdownx.details"]
    return markdown.markdown(body, extensions=exts)


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _tags(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    collector = _TagCollector()
    collector.feed(html)
    return collector.tags


def test_text_from_data_and_config_cannot_inject_markup() -> None:
    doc = fixed_doc()
    doc["small_name"] = XSS
    doc["small"] = XSS
    doc["claims"][0]["statement"] = NOTE
    doc["claims"][0]["evidence"] = {"source": NOTE}
    doc["valuation"]["curated"]["source"] = NOTE
    doc["valuation"]["curated"]["small"]["note"] = XSS
    charts = {"month_spread": ChartView("month_spread", XSS, NOTE, (XSS,), ((XSS,),))}
    page = render_report(doc, charts, sample=True)
    tags = _tags(_html(page))
    assert [t for t, _ in tags if t in ("script", "strong")] == []
    images = [dict(a) for t, a in tags if t == "img"]
    assert [i["src"] for i in images] == ["month_spread.svg"]  # only the chart fallback
    assert [a for t, a in tags if t == "a" and "javascript" in str(a)] == []
    assert all(not k.startswith("on") for _, attrs in tags for k, _ in attrs)
    assert "&#60;script&#62;alert&#40;1&#41;&#60;/script&#62;" in page
    # Table structure survives a pipe in the data: the ladder row keeps its five cells.
    ladder = [line for line in page.splitlines() if "| IWC |" in line]
    assert len(ladder) == 1 and ladder[0].endswith("| IWC | +2.00% | +7.00% | +12.00% |")
    assert ladder[0].count("|") == 6
    # The front matter title holds no data-derived text at all.
    assert XSS not in page.split("---\n", 2)[1]


def test_chart_view_names_are_checked() -> None:
    with pytest.raises(ValueError, match="chart name"):
        ChartView("../x", "t", "d")


def test_chart_view_from_spec_keeps_small_tables_only() -> None:
    spec = {"title": {"text": "Ladder"}, "description": "Bars."}
    small = pd.DataFrame({"date": [pd.Timestamp("2026-11-20")], "value": [0.5]})
    view = chart_view("ladder", spec, small)
    assert (view.title, view.description, view.columns) == ("Ladder", "Bars.", ("date", "value"))
    assert view.rows == (("2026-11-20", 0.5),)
    big = pd.DataFrame({"value": range(61)})
    assert chart_view("ladder", spec, big).rows == ()


def test_chart_view_shows_a_missing_date_as_missing() -> None:
    # Early in the data a table's date can be NaT (the sample market's second week had one):
    # NaT is a datetime that cannot be formatted, and a table cell shows it as n/a.
    spec = {"title": {"text": "Ladder"}, "description": "Bars."}
    frame = pd.DataFrame({"date": [pd.Timestamp("2026-11-20"), pd.NaT], "value": [0.5, 0.25]})
    assert chart_view("ladder", spec, frame).rows == (("2026-11-20", 0.5), (None, 0.25))


def test_home_page_points_at_the_latest_report() -> None:
    page = render_home(
        fixed_doc(),
        fixed_charts(),
        sample=True,
        report_url="blog/posts/2026/11/20/index.md",
        asset_prefix="blog/2026/11/20/",
        report_count=3,
    )
    assert '<div class="vl-chart" data-spec="blog/2026/11/20/ytd_rebased.vl.json"' in page
    assert "month_spread" not in page  # only the home charts
    assert "[Read the full report](blog/posts/2026/11/20/index.md)" in page
    assert "[Browse all 3 reports](blog/index.md)" in page
    assert '!!! warning "Sample data"' in page


def test_fixed_doc_is_not_mutated_by_rendering() -> None:
    doc = fixed_doc()
    snapshot = copy.deepcopy(doc)
    render_report(doc, fixed_charts(), sample=True)
    assert doc == snapshot


def test_sample_banner_is_plain_text_in_the_feed_abstract() -> None:
    # The part before <!-- more --> becomes the RSS item: admonition syntax would show raw there.
    page = render_report(fixed_doc(), fixed_charts(), sample=True)
    abstract = page.split("<!-- more -->")[0]
    assert "Sample data: this report is built from the synthetic sample market" in abstract
    assert "!!!" not in abstract


def test_evidence_keys_read_as_words() -> None:
    from generator.pages.filters import label

    assert str(label("spread_ci90_low")) == "90% interval, low"
    assert str(label("returns.ytd.spread")) == "YTD spread"
    assert str(label("weeks_in_row")) == "weeks in row"
