"""Report pages: filters, golden Markdown from a computed sample document, escaping, the archive."""

from __future__ import annotations

import os
from dataclasses import replace
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pandas as pd
import pytest
from jinja2 import UndefinedError
from markupsafe import Markup

from generator.config import load_config
from generator.metrics import compute_metrics
from generator.metrics.codec import Missing
from generator.metrics.schema import Document
from generator.model import Market
from generator.pages import ChartView, categories, chart_view, render_home, render_report
from generator.pages import filters as f
from generator.sources.sample import sample_market
from tests.conftest import ROOT

GOLDEN = Path(__file__).parent / "golden" / "report.md"
XSS = "<script>alert(1)</script>"
NOTE = "see [click](javascript:alert(1)) <img src=x onerror=alert(2)> **bold** | pipe"
WEEK = "2026-11-20"


@lru_cache(maxsize=4)
def sample_doc(week: str = WEEK) -> Document:
    """The computed document of ``week`` on the sample market (what the pipeline publishes)."""
    config = load_config(ROOT / "smallcap.toml")
    series = sample_market(config, week)
    market = Market({s.symbol: s for s in series}, sample=True)
    return compute_metrics(market, config, pd.Timestamp(week))


def fixed_doc(week: str = WEEK) -> Document:
    """The computed sample document, dated ``week`` (archive tests need several weeks)."""
    return replace(sample_doc(), week_ending=week)


def pct(x: float, digits: int = 2) -> str:
    """Expected text of a signed percent, computed here without the filters."""
    text = f"{x * 100:+.{digits}f}%"
    return text.replace("-", "\u2212")


def pp(x: float, digits: int = 2, signed: bool = True) -> str:
    text = f"{x * 100:+.{digits}f} pp" if signed else f"{abs(x) * 100:.{digits}f} pp"
    return text.replace("-", "\u2212")


def fixed_charts() -> dict[str, ChartView]:
    return {
        "ytd_rebased": ChartView("ytd_rebased", "Year to date", "Both indices rebased to 100."),
        "month_spread": ChartView(
            "month_spread",
            "Month spread",
            "Mean spread by month.",
            ("month", "spread_mean", "hit_rate"),
            (("1", "+0.50 pp", "60%"), ("12", "n/a", "55%")),
            svg=False,
        ),
    }


def test_golden_report_is_byte_identical_on_rerun() -> None:
    first = render_report(fixed_doc(), fixed_charts(), sample=True)
    second = render_report(sample_doc.__wrapped__(WEEK), fixed_charts(), sample=True)
    assert first == second
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(first, encoding="utf-8")
    assert first == GOLDEN.read_text(encoding="utf-8")


def test_report_sections_in_the_fixed_order() -> None:
    page = render_report(fixed_doc(), fixed_charts(), sample=True)
    headings = [line[3:] for line in page.splitlines() if line.startswith("## ")]
    assert headings == [
        "Key takeaways",
        "Story scorecard",
        # This week first ...
        "Scoreboard",
        "Relative strength",
        "Highs and drawdowns",
        "Risk",
        "What changed since last week",
        # ... then each story's evidence, in the scorecard's order.
        "Great Rotation and the size ladder",
        "Rate cuts",
        "Rates",
        "Seasonality",
        "Presidential cycle",
        "Valuation and earnings",
        "Data and method notes",
        "Sources and freshness",
        "Downloads",
    ]


def test_narrative_follows_the_numbers() -> None:
    doc = fixed_doc()
    page = render_report(doc, fixed_charts(), sample=False)
    week, ytd, mtd = doc.returns.w1, doc.returns.ytd, doc.returns.mtd
    leader = "small" if week.spread > 0 else "large"
    other = "large" if leader == "small" else "small"
    # Both fell this week: the leader "fell less", it did not "lead".
    assert getattr(week, leader) < 0
    words = f"{leader} caps fell less than {other} caps, by {pp(week.spread, 1, signed=False)}"
    assert f"# Week ending November 20, 2026: {words}\n" in page
    assert (f"returned {pct(week.small, 1)} and large caps (S&#38;P 500) {pct(week.large, 1)}, so "
            f"{words}.") in page  # fmt: skip
    assert f"a gap of {pp(ytd.spread, 1)}" in page
    november = doc.seasonality.month(11)
    claim = next(c for c in doc.claims if c.id == "current_month")
    edge = {"supports": "the record is on their side",
            "contradicts": "the record is against them",
            "no reliable edge": "the record gives them no reliable edge"}[claim.verdict]  # fmt: skip
    assert (f"In November so far, small caps returned {pct(mtd.small, 1)} and large caps "
            f"{pct(mtd.large, 1)}; since {doc.seasonality.first_year}, small caps beat large caps "
            f"in November in {november.hit_rate * 100:.0f}% of {november.years} years "
            f"(mean spread {pp(november.spread_mean, 1)}); {edge}.") in page  # fmt: skip
    assert "December" not in page.split("<!-- more -->")[0]  # not the month's last report
    phase = doc.cycle.current_phase()
    assert (f"2026 is a midterm year, and in past midterm years small caps led in "
            f"{phase.hit_rate * 100:.0f}% of {phase.years} years") in page  # fmt: skip
    assert "Sample data" not in page


def test_the_months_last_report_looks_at_the_next_month() -> None:
    doc = fixed_doc("2026-11-27")  # the next report is dated December 4
    page = render_report(doc, {}, sample=False)
    december = doc.seasonality.month(12)
    claim = next(c for c in doc.claims if c.id == "next_month")
    edge = {"supports": "the record is on their side",
            "contradicts": "the record is against them",
            "no reliable edge": "the record gives them no reliable edge"}[claim.verdict]  # fmt: skip
    assert (f"Next month, small caps beat large caps in December in "
            f"{december.hit_rate * 100:.0f}% of {december.years} years since "
            f"{doc.seasonality.first_year} (mean spread {pp(december.spread_mean, 1)}); {edge}."
            ) in page.split("<!-- more -->")[0]  # fmt: skip


def test_narrative_verdict_is_the_claims_verdict() -> None:
    # The words follow the claim, which needs 20 years: a month with few years but a clear edge
    # reads "too few years", where the old template's own rule said "leans their way".
    doc = fixed_doc()
    months = tuple(replace(m, years=19, hit_rate=0.9, spread_ci99_low=0.01) if m.month == 12
                   else m for m in doc.seasonality.months)  # fmt: skip
    doc = replace(doc, seasonality=replace(doc.seasonality, months=months), claims=(),
                  week_ending="2026-11-27")  # the month's last report speaks of December  # fmt: skip
    from generator.metrics.claims import with_claims

    page = render_report(with_claims(doc), {}, sample=False)
    assert "in December in 90% of 19 years since" in page
    assert "; too few years to judge." in page


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
    # Cells are formatted as the registry declares the columns' metrics (not raw fractions).
    assert "    | 1 | +0.50 pp | 60% |\n    | 12 | n/a | 55% |" in page


def test_rates_and_valuation_sections() -> None:
    doc = fixed_doc()
    page = render_report(doc, {}, sample=False)
    ten = doc.rates.yields["10y"]
    change = f"{ten.change_1w * 100:+.0f} bp".replace("-", "\u2212")
    assert f"| 10-year | ^TNX | {ten.level:.2f}% | {change} |" in page
    assert (
        "Curated forward P/E and earnings growth: not available (no hand-entered valuation" in page
    )
    assert "ETF trailing P/E: not available (no trailing P/E of the index funds on record)." in page


def test_large_lead_and_missing_sections() -> None:
    doc = fixed_doc()
    week = replace(doc.returns.w1, small=-0.02, large=0.01, spread=-0.03)
    y10 = replace(doc.returns.y10_ann, small=Missing("too short"), large=Missing("too short"),
                  spread=Missing("too short"))  # fmt: skip
    doc = replace(doc, returns=replace(doc.returns, w1=week, y10_ann=y10),
                  cycle=Missing("not enough years"))  # fmt: skip
    page = render_report(doc, {}, sample=True)
    assert "large caps led by 3.0 pp" in page
    assert "## Presidential cycle\n\nNot available: not enough years.\n" in page
    # A period neither side can give is one line with its reason, not a row of n/a.
    assert "| 10 years, annualised |" not in page.split("Total returns of the ETFs")[0]
    assert "\n\nNot available: 10 years, annualised (too short).\n" in page
    assert "vl-chart" not in page
    assert categories(doc) == ["Large caps led", "Midterm year"]


def test_misspelt_field_fails_instead_of_printing_nothing(tmp_path: Path) -> None:
    from generator.pages.render import environment

    env = environment()
    template = env.from_string('{{ risk.beta_1yr | metric("risk.beta_1y") }}')
    with pytest.raises(UndefinedError, match="beta_1yr"):
        template.render(risk=fixed_doc().risk)


def test_metric_filter_formats_by_the_registry() -> None:
    assert str(f.metric(0.7317, "seasonality.months.*.hit_rate")) == "73%"
    assert str(f.metric(1986, "seasonality.first_year")) == "1986"
    assert str(f.metric(-0.0382, "returns.1w.spread")) == "\u22123.82 pp"
    assert str(f.metric(1.0697, "risk.beta_1y")) == "1.07"
    assert str(f.metric(0.25, "rates.yields.*.change_1w")) == "+25 bp"
    assert str(f.metric(Missing("why"), "risk.beta_1y")) == "n/a"
    with pytest.raises(KeyError, match="risk.beta"):
        f.metric(1.0, "risk.beta")
    assert str(f.evidence(True, "new_high", "new_high_52w")) == "yes"
    assert str(f.evidence("a_b", "valuation_discount", "pe_source")) == "a&#95;b"


@pytest.mark.parametrize(
    ("func", "value", "expected"),
    [
        (f.count, 41.0, "41"),
        (f.ordinal, 0.559, "56th"),
        (f.ordinal, 0.21, "21st"),
        (f.ordinal, 0.12, "12th"),
        (f.month_name, 12, "December"),
        (f.long_date, "2026-02-05", "February 5, 2026"),
        (f.long_date, Missing("no data"), "n/a"),
    ],
)
def test_filters(func, value, expected) -> None:  # type: ignore[no-untyped-def]
    assert str(func(value)) == expected


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
    claim = replace(doc.claims[0], statement=NOTE)
    rows = (replace(doc.ladder.rows[0], label=NOTE), *doc.ladder.rows[1:])
    doc = replace(doc, small_name=XSS, small=XSS, claims=(claim, *doc.claims[1:]),
                  ladder=replace(doc.ladder, rows=rows))  # fmt: skip
    charts = {"month_spread": ChartView("month_spread", XSS, NOTE, (XSS,), ((XSS,),))}
    page = render_report(doc, charts, sample=True)
    html = _html(page)
    tags = _tags(html)
    assert [t for t, _ in tags if t == "script"] == []
    assert "<strong>bold</strong>" not in html and "&#42;&#42;bold&#42;&#42;" in page
    images = [dict(a) for t, a in tags if t == "img"]
    assert [i["src"] for i in images] == ["month_spread.svg"]  # only the chart fallback
    assert [a for t, a in tags if t == "a" and "javascript" in str(a)] == []
    assert all(not k.startswith("on") for _, attrs in tags for k, _ in attrs)
    assert "&#60;script&#62;alert&#40;1&#41;&#60;/script&#62;" in page
    # Table structure survives a pipe in the data: the ladder row keeps its five cells.
    ladder = [line for line in page.splitlines() if "| IWC |" in line and "pipe" in line]
    assert len(ladder) == 1 and ladder[0].count("|") == 6
    # The front matter title holds no data-derived text at all.
    assert XSS not in page.split("---\n", 2)[1]


def test_chart_view_names_are_checked() -> None:
    with pytest.raises(ValueError, match="chart name"):
        ChartView("../x", "t", "d")


def test_chart_view_from_spec_keeps_small_tables_only() -> None:
    spec = {"title": {"text": "Ladder"}, "description": "Bars."}
    small = pd.DataFrame({"symbol": ["IWM"], "value": [0.5]})
    view = chart_view("ladder", spec, small)
    assert (view.title, view.description, view.columns) == ("Ladder", "Bars.", ("Symbol", "Return"))
    assert view.rows == (("IWM", "+50.00%"),)
    big = pd.DataFrame({"value": range(61)})
    assert chart_view("ladder", spec, big).rows == ()


def test_chart_view_refuses_a_numeric_column_without_a_metric() -> None:
    spec = {"title": {"text": "Ladder"}, "description": "Bars."}
    with pytest.raises(KeyError, match="numeric column 'weight'"):
        chart_view("ladder", spec, pd.DataFrame({"weight": [0.5]}))


def test_chart_view_shows_a_missing_date_as_missing() -> None:
    # Early in the data a table's date can be NaT (the sample market's second week had one):
    # NaT is a datetime that cannot be formatted, and a table cell shows it as a dash.
    spec = {"title": {"text": "Drawdowns"}, "description": "Lines."}
    frame = pd.DataFrame({"date": [pd.Timestamp("2026-11-20"), pd.NaT], "small": [-0.5, -0.25]})
    rows = chart_view("drawdowns", spec, frame).rows
    assert rows == (("2026-11-20", "\u221250.0%"), ("\u2013", "\u221225.0%"))


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


def test_sample_banner_is_plain_text_in_the_feed_abstract() -> None:
    # The part before <!-- more --> becomes the RSS item: admonition syntax would show raw there.
    page = render_report(fixed_doc(), fixed_charts(), sample=True)
    abstract = page.split("<!-- more -->")[0]
    assert "Sample data: this report is built from the synthetic sample market" in abstract
    assert "!!!" not in abstract


def test_evidence_is_labelled_by_the_registry() -> None:
    assert str(f.evidence_label("spread_ci99_low", "january_effect")) == "99% interval, low"
    assert "year to date" in str(f.evidence_label("returns.ytd.spread", "small_led_ytd"))
    assert str(f.evidence_label("all_time_date", "new_high")) == "Date of the all-time high"


def test_a_phase_or_month_without_years_is_left_out_of_the_narrative() -> None:
    # A reviewer found "in past pre-election years small caps led in n/a of 0 years" on 1987.
    doc = fixed_doc()
    phases = tuple(replace(p, years=0, hit_rate=Missing("no year"), spread_mean=Missing("no year"))
                   for p in doc.cycle.phases)  # fmt: skip
    months = tuple(replace(m, years=0) for m in doc.seasonality.months)
    doc = replace(doc, cycle=replace(doc.cycle, phases=phases),
                  seasonality=replace(doc.seasonality, months=months))  # fmt: skip
    page = render_report(doc, {}, sample=False)
    narrative = page.split("<!-- more -->")[0]
    assert "midterm year" not in narrative and "Seasonally" not in narrative
    assert "n/a" not in narrative


def test_the_narrative_says_an_election_year_and_one_year() -> None:
    # Reviewers read "2000 is a election year" and "in 100% of 1 years".
    doc = replace(fixed_doc(), week_ending="2028-11-17")
    phases = tuple(replace(p, years=1) for p in doc.cycle.phases)
    doc = replace(doc, cycle=replace(doc.cycle, phase=0, phases=phases))
    narrative = render_report(doc, {}, sample=False).split("<!-- more -->")[0]
    assert "2028 is an election year, and in past election years" in narrative
    assert " of 1 year," in narrative


def test_a_quoted_command_in_a_reason_is_quoted_and_nothing_becomes_markup() -> None:
    from generator.pages.filters import md_text

    assert str(md_text("run `make lock` first; a_b")) == "run \u201cmake lock\u201d first; a&#95;b"
    # An operator's hint is for `generator status`, not for readers of the page.
    assert str(md_text("no FEDFUNDS in the store: run `generator fetch --source fred`")) == (
        "no FEDFUNDS in the store"
    )
    assert str(md_text("none yet: run `generator fetch --source x`; builds weekly")) == (
        "none yet; builds weekly"
    )
    # A lone backtick, tags and Markdown stay inert text.
    assert str(md_text("a ` b <i>*c*</i>")) == "a &#96; b &#60;i&#62;&#42;c&#42;&#60;/i&#62;"
    assert str(md_text("`<b>`")) == "\u201c&#60;b&#62;\u201d"


def test_every_verdict_has_a_mark_that_does_not_rely_on_colour() -> None:
    from generator.metrics.claims import VERDICTS
    from generator.pages.filters import verdict

    marks = {str(verdict(v)).split(" ", 1)[0] for v in VERDICTS}
    assert len(marks) == len(VERDICTS) and "…" not in marks


def test_claim_evidence_reads_in_declared_order_low_before_high() -> None:
    page = render_report(fixed_doc(), fixed_charts(), sample=False)
    row = next(
        line
        for line in page.splitlines()
        if line.startswith("<li>Small caps tend to beat large caps in January: ")
    )
    evidence = row.removesuffix("</li>").split(" Evidence: ")[-1]
    labels = [part.split(":")[0].strip() for part in evidence.split(";")]
    assert labels[:2] == ["Month", "Since"]
    assert labels.index("99% interval, low") + 1 == labels.index("99% interval, high")


def section_of(page: str, title: str) -> str:
    return page.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_what_changed_shows_the_five_largest_moves_and_no_zero_rows() -> None:
    doc = fixed_doc()
    assert len(doc.changes.items) > 5  # the document keeps every measure
    rows = [line for line in section_of(render_report(doc, {}, sample=False),
                                        "What changed since last week").splitlines()
            if line.startswith("| ") and "---" not in line][1:]  # fmt: skip
    assert 1 <= len(rows) <= 5
    assert not [row for row in rows if row.rstrip(" |").endswith(("0.00", "+0.0 pp", "−0.0 pp"))]
    still = replace(doc, changes=replace(doc.changes, items=tuple(
        replace(item, change=0.0) for item in doc.changes.items)))  # fmt: skip
    text = section_of(render_report(still, {}, sample=False), "What changed since last week")
    assert "no headline number moved" in text and "|" not in text


def test_a_streak_under_two_weeks_is_not_a_takeaway_and_reasons_stay_out_of_table_cells() -> None:
    doc = fixed_doc()
    assert doc.relative.outperf_streak_weeks == 0
    page = render_report(doc, {}, sample=False)
    assert "outperformance streak" not in section_of(page, "Key takeaways")
    gone = Missing("^IRX data ends 2019-09-17, before the week ending 2026-11-20")
    rates = replace(doc.rates, sensitivity={**doc.rates.sensitivity, "13w": gone})
    text = section_of(render_report(replace(doc, rates=rates), {}, sample=False), "Rates")
    assert "Rate sensitivity not available: 13-week yield (^IRX data ends 2019-09-17" in text
    assert not [line for line in text.splitlines() if line.startswith("|") and "^IRX data" in line]


def test_funds_and_gauges_without_data_are_one_line_each_not_rows_of_na() -> None:
    doc = fixed_doc()
    gone = Missing("IWC has no data on record")
    rows = tuple(replace(r, w1=gone, ytd=gone, y1=gone) if r.symbol == "IWC" else r
                 for r in doc.ladder.rows)  # fmt: skip
    page = render_report(replace(doc, ladder=replace(doc.ladder, rows=rows)), {}, sample=False)
    text = section_of(page, "Great Rotation and the size ladder")
    # The fund by its name (the reason gives its symbol), as the ladder table names it.
    assert (
        "Funds without current data: Micro caps &#40;iShares Micro-Cap&#41; "
        "— IWC has no data on record." in text
    ), text
    assert not [line for line in text.splitlines() if line.startswith("| ") and "IWC" in line]
    html = markdown.markdown(text, extensions=["tables"])
    assert html.count("<table>") == 3  # the rotation gauges, the funds and the ladder gauges


def test_the_weeks_result_then_a_week_among_the_ten_worst_lead_the_takeaways() -> None:
    from generator.metrics.lead import with_lead
    from generator.metrics.schema import SideWeekRank, WeekRank

    doc = fixed_doc()
    ranks = WeekRank(SideWeekRank(1100, 1098, 3, 1987), SideWeekRank(4213, 4212, 2, 1928))
    text = section_of(render_report(with_lead(replace(doc, week_rank=ranks)), {}, sample=False),
                      "Key takeaways")  # fmt: skip
    lines = text.strip().splitlines()
    week = doc.returns.w1
    assert lines[0] == (f"- The week: large caps fell less than small caps, by "
                        f"{pp(week.spread, 1, signed=False)} (Russell 2000 {pct(week.small)}, "
                        f"S&#38;P 500 {pct(week.large)}).")  # fmt: skip
    # The rarer rank first: the S&P 500's 2nd-worst, then the Russell 2000's 3rd-worst.
    assert lines[1] == (f"- The S&#38;P 500 fell {pct(week.large, 1)[1:]}, its 2nd-worst week "
                        "since 1928 (of 4,213 weeks).")  # fmt: skip
    assert lines[2] == (f"- The Russell 2000 fell {pct(week.small, 1)[1:]}, its 3rd-worst week "
                        "since 1987 (of 1,100 weeks).")  # fmt: skip
    ordinary = WeekRank(SideWeekRank(1100, 500, 601, 1987), Missing("no close"))
    text = section_of(render_report(with_lead(replace(doc, week_rank=ordinary)), {}, sample=False),
                      "Key takeaways")  # fmt: skip
    assert "worst week" not in text


def test_an_interval_end_just_above_zero_does_not_print_as_zero() -> None:
    from generator.metrics.registry import metric as declared

    for path in ("seasonality.months.*.spread_ci99_low", "cycle.phases.*.spread_ci99_low"):
        assert declared(path).format(0.0004) == "+0.04 pp"


def test_yields_without_data_are_one_line_and_the_slope_is_left_out() -> None:
    # On real data since 2019 every yield was a row of "n/a" and the slope read "n/a".
    doc = fixed_doc()
    gone = Missing("^IRX data ends 2019-09-17, before the week ending 2026-11-20")
    yields = {**doc.rates.yields, "13w": gone}
    rates = replace(doc.rates, yields=yields, slope_10y_13w=Missing("no 13-week yield"))
    text = section_of(render_report(replace(doc, rates=rates), {}, sample=False), "Rates")
    assert (
        "Yields not available: 13-week (^IRX data ends 2019-09-17, before the week ending " in text
    )
    assert "| 10-year | ^TNX |" in text
    assert not [line for line in text.splitlines() if line.startswith("| 13-week | ^IRX")]
    assert "Slope" not in text and "n/a" not in text
    every = {key: gone for key in doc.rates.yields}
    text = section_of(render_report(replace(doc, rates=replace(rates, yields=every)), {},
                                    sample=False), "Rates")  # fmt: skip
    assert "Treasury yields in percent" not in text and "| Yield | Symbol |" not in text
    html = markdown.markdown(text, extensions=["tables"])
    # Each missing list is its own paragraph, not run into the next one.
    assert "<p>Yields not available:" in html and "<p>Rate sensitivity" in html


def test_a_source_never_fetched_shows_dashes_not_na() -> None:
    doc = fixed_doc()
    assert doc.sources is not None and not isinstance(doc.sources, Missing)
    row = replace(doc.sources.rows[0], as_of=Missing("never fetched"),
                  age_days=Missing("never fetched"), state="never fetched")  # fmt: skip
    sources = replace(doc.sources, rows=(row, *doc.sources.rows[1:]))
    text = section_of(render_report(replace(doc, sources=sources), {}, sample=False),
                      "Sources and freshness")  # fmt: skip
    assert f"| {row.label} | " in text and "⚠ never fetched" in text
    assert "n/a" not in text


def test_rotation_gauges_name_their_indices_for_readers() -> None:
    # The gauges table showed only "^RUT / ^IXIC" and "RSP / SPY".
    page = render_report(fixed_doc(), {}, sample=False)
    assert "| Russell 2000 / Nasdaq Composite &#40;^RUT / ^IXIC&#41; |" in page
    assert "| S&#38;P 500 Equal Weight / S&#38;P 500 &#40;RSP / SPY&#41; |" in page


def test_a_front_matter_title_keeps_its_ampersand_and_drops_markup() -> None:
    # The browser tab and the feeds showed "S#38;P 500": the entity lost its "&".
    assert f.yaml_str(Markup("the S&#38;P 500&#39;s 2nd-worst week")) == (
        '"the S&P 500\'s 2nd-worst week"'
    )
    assert (
        f.yaml_str(Markup('&#60;script&#62;x&#60;/script&#62; "q"')) == '"scriptx/script \\"q\\""'
    )


def test_the_summary_box_ranks_the_week_only_among_the_ten_best_or_worst() -> None:
    # "719th-best" and "2,497th-best" told a reader nothing.
    doc = fixed_doc()
    assert min(doc.week_rank.small.rank_best, doc.week_rank.small.rank_worst) > 10
    assert min(doc.week_rank.large.rank_best, doc.week_rank.large.rank_worst) > 10
    box = render_report(doc, {}, sample=False).split('<div class="summary-box"', 1)[1]
    box = box.split("</div>", 1)[0]
    assert "<td>Level</td>" in box and "rank" not in box


def test_drawdowns_over_histories_of_different_lengths_say_so() -> None:
    """On real data the S&P 500's full history (1928 on) includes 1929-32, the Russell 2000's
    (1987 on) does not: a reader compared −59.9% with −86.2% as like with like."""
    from generator.metrics.schema import SideWeekRank, WeekRank

    doc = fixed_doc()
    ranks = WeekRank(SideWeekRank(1100, 500, 601, 1987), SideWeekRank(4213, 9, 4205, 1928))
    text = section_of(render_report(replace(doc, week_rank=ranks), {}, sample=False),
                      "Highs and drawdowns")  # fmt: skip
    assert ("The full histories start in 1987 for the Russell 2000 and in 1928 for the S&#38;P "
            "500: their maximum drawdowns cover different periods.") in text, text  # fmt: skip
    same = WeekRank(ranks.small, replace(ranks.large, first_year=1987))
    text = section_of(render_report(replace(doc, week_rank=same), {}, sample=False),
                      "Highs and drawdowns")  # fmt: skip
    assert "full histories" not in text


def test_a_gauge_without_data_is_named_once_in_the_rotation_section() -> None:
    """The 2026 real-data page said "Without current data: RSP / SPY…" under the rotation table
    and "Gauges without current data: RSP / SPY…" under the ladder's, word for word."""
    from types import MappingProxyType

    doc = fixed_doc()
    gone = Missing("RSP has no data on record")
    rot = doc.great_rotation
    rsp = replace(rot.gauges["equal_vs_cap"], change_4w=gone, change_13w=gone, change_52w=gone,
                  pct_all=gone)  # fmt: skip
    ladder_rsp = replace(doc.ladder.rotation["equal_vs_cap"], ratio=gone, change_1w=gone,
                         pct_52w=gone)  # fmt: skip
    iwm = replace(doc.ladder.rotation["small_vs_nasdaq"], ratio=Missing("IWM data ends 2022-11-18"),
                  change_1w=gone, pct_52w=gone)  # fmt: skip
    doc = replace(
        doc,
        great_rotation=replace(rot, gauges=MappingProxyType({**rot.gauges, "equal_vs_cap": rsp})),
        ladder=replace(doc.ladder, rotation=MappingProxyType(
            {**doc.ladder.rotation, "equal_vs_cap": ladder_rsp, "small_vs_nasdaq": iwm})),
    )  # fmt: skip
    text = section_of(render_report(doc, {}, sample=False), "Great Rotation and the size ladder")
    assert text.count("RSP has no data on record") == 1, text
    assert "Gauges without current data: " in text and "IWM data ends 2022-11-18." in text
