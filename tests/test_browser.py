"""The built sample site in a real browser (Playwright driving Debian's Chromium, headless).

One browser, one page, few loads: the home page, then the archive, then an instant navigation to
the newest report, which is also checked at 375 px and after a palette toggle. Every request is
routed: anything not for the local server is aborted and recorded as a failure.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.chartchecks import PROBE, reader_problems
from tests.sitebuild import SampleSite, sample_site

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 30_000

pytestmark = pytest.mark.browser


def require_browser() -> None:
    """Skip without Chromium, or fail when CI requires the browser tests."""
    if CHROMIUM.exists():
        return
    if os.environ.get("SMALLCAP_REQUIRE_BROWSER"):
        pytest.fail(f"{CHROMIUM} is missing and SMALLCAP_REQUIRE_BROWSER is set")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def site() -> SampleSite:
    require_browser()
    return sample_site()


@pytest.fixture(scope="module")
def base_url(site: SampleSite) -> str:
    return site.url


@pytest.fixture(scope="module")
def browser_page(base_url: str) -> Iterator[tuple[object, dict[str, list[str]]]]:
    from playwright.sync_api import sync_playwright

    seen: dict[str, list[str]] = {"foreign": [], "console": [], "failed": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})

        def route(route) -> None:  # type: ignore[no-untyped-def]
            if route.request.url.startswith(base_url):
                route.continue_()
            else:
                seen["foreign"].append(route.request.url)
                route.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        # Vega logs a spec it must correct (e.g. a dropped autosize) as a warning.
        console_kinds = ("error", "warning")
        page.on("console", lambda m: m.type in console_kinds and seen["console"].append(m.text))
        page.on("pageerror", lambda e: seen["console"].append(str(e)))
        page.on("requestfailed", lambda r: seen["failed"].append(r.url))
        try:
            yield page, seen
        finally:
            context.close()
            browser.close()


def _charts_rendered(page) -> list[dict]:  # type: ignore[no-untyped-def]
    """Wait until every chart holds an SVG; return each chart's SVG size and how many data marks
    (lines, areas, bars: paths of ``role-mark`` groups) it drew from its data."""
    page.wait_for_selector("div.vl-chart", state="attached")
    count = page.locator("div.vl-chart").count()
    page.wait_for_function(
        "n => document.querySelectorAll('div.vl-chart svg').length >= n", arg=count
    )
    return page.evaluate(
        """() => [...document.querySelectorAll('div.vl-chart')].map(el => {
            const svg = el.querySelector('svg');
            const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
            const drawn = svg ? svg.querySelectorAll('g.role-mark path[d]').length : 0;
            return {spec: el.dataset.spec, width: box.width, height: box.height, drawn};
        })"""
    )


def test_home_and_report_render_every_chart_with_instant_navigation(
    browser_page, base_url: str, site: SampleSite
) -> None:  # type: ignore[no-untyped-def]
    page, seen = browser_page
    page.goto(base_url)
    home = _charts_rendered(page)
    assert [c["spec"].rsplit("/", 1)[1] for c in home] == [
        "relative_ratio.vl.json",
        "ytd_rebased.vl.json",
    ]
    assert all(c["width"] > 0 and c["height"] > 0 and c["drawn"] > 0 for c in home), home

    page.goto(base_url + "blog/")
    page.evaluate("window.__sameDocument = true")
    newest = site.weeks[-1].replace("-", "/")
    page.locator(f'a[href$="{newest}/"]').first.click()
    page.wait_for_url(f"**/blog/{newest}/")
    assert page.evaluate("window.__sameDocument === true"), "navigation was not instant"
    report = _charts_rendered(page)
    assert len(report) >= 8
    assert all(c["width"] > 0 and c["height"] > 0 and c["drawn"] > 0 for c in report), report

    page.locator("label.md-header__button[for^='__palette']").first.click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('div.vl-chart')].every("
        "el => el.getAttribute('data-rendered') === 'dark' && el.querySelector('svg'))"
    )

    page.set_viewport_size({"width": 375, "height": 800})
    page.wait_for_timeout(300)  # let the resize settle; not a timing assertion
    overflow = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]"
    )
    assert overflow[0] <= overflow[2] and overflow[1] <= overflow[2], overflow

    assert seen["foreign"] == []
    assert seen["console"] == []
    assert seen["failed"] == []


def test_feed_parses_as_rss_with_the_reports_newest_first(
    browser_page, base_url: str, site: SampleSite
) -> None:  # type: ignore[no-untyped-def]
    page, seen = browser_page
    response = page.request.get(base_url + "feed_rss_created.xml")
    assert response.ok
    channel = ET.fromstring(response.body()).find("channel")
    assert channel is not None
    links = [item.findtext("link") or "" for item in channel.findall("item")]
    assert [link.rsplit("/blog/", 1)[1] for link in links] == [
        w.replace("-", "/") + "/" for w in reversed(site.weeks)
    ]
    assert seen["foreign"] == []


# Every block of the story scorecard (its stories, the chart, the collapsed lists opened): the
# right edge inside the viewport and no content wider than its box.
SCORECARD_OVERFLOW = """() => {
    const start = document.getElementById('story-scorecard');
    if (!start) return null;
    const width = document.documentElement.clientWidth;
    const blocks = [];
    // The scorecard ends with its collapsed list of every claim.
    for (let el = start.nextElementSibling; el && el.tagName !== 'H2'; el = el.nextElementSibling) {
        if (el.tagName === 'DETAILS') el.open = true;
        blocks.push(el);
        if (el.tagName === 'DETAILS' && el.textContent.trim().startsWith('All claims checked')) break;
    }
    const wide = [];
    for (const el of blocks.flatMap(b => [b, ...b.querySelectorAll('*')])) {
        const box = el.getBoundingClientRect();
        // scrollWidth means nothing on SVG elements: those are held to the viewport only.
        const html = el instanceof HTMLElement;
        const overflows = html && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1;
        if (box.right > width + 1 || overflows) {
            const name = html ? el.className : el.getAttribute('class');
            wide.push(`${el.tagName}.${name}: right ${box.right}, ` +
                      `scroll ${el.scrollWidth} > ${el.clientWidth}`);
        }
    }
    const stories = blocks.filter(b => b.classList.contains('scorecard-story')).length;
    const charts = blocks.filter(b => b.querySelector('div.vl-chart svg')).length;
    return {width, stories, charts, wide};
}"""


def test_the_scorecard_needs_no_horizontal_scroll_at_375_px(
    browser_page, base_url: str, site: SampleSite
) -> None:  # type: ignore[no-untyped-def]
    page, seen = browser_page
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(base_url + f"blog/{site.weeks[-1].replace('-', '/')}/")
    _charts_rendered(page)
    found = page.evaluate(SCORECARD_OVERFLOW)
    assert found is not None, "no story scorecard on the report"
    assert found["stories"] >= 5 and found["charts"] == 1, found
    assert found["wide"] == [], found
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert seen["console"] == [] and seen["failed"] == []


# A desktop window and a phone: the charts fit their width (Vega's ``fit-x``), so a long title or
# legend that reads at 1280 px may be cut off, or squeeze the plot, at 375 px.
VIEWPORTS = [pytest.param((1280, 900), id="1280px"), pytest.param((375, 812), id="375px")]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_chart_of_a_report_reads_right(
    browser_page, base_url: str, site: SampleSite, viewport: tuple[int, int]
) -> None:  # type: ignore[no-untyped-def]
    """Each chart of the newest report, as drawn at this width: ordinal ticks in their natural
    order, no tick label twice, no text over another, cut short or cut off at the window's edge,
    no tooltip showing a missing value."""
    page, seen = browser_page
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    page.goto(base_url + "blog/" + site.weeks[-1].replace("-", "/") + "/")
    charts = _charts_rendered(page)
    page.wait_for_function(
        "() => [...document.querySelectorAll('div.vl-chart')].every(el => el._vlResult)"
    )
    probes = [
        p for p in (page.evaluate(PROBE, el) for el in page.query_selector_all("div.vl-chart"))
    ]
    assert len(probes) == len(charts)
    problems = [p for probe in probes for p in reader_problems(probe)]
    assert problems == [], "\n".join(problems)
    assert seen["console"] == []


# Each table of the report body outside a collapsed block whose width exceeds its scroll box:
# [header row, table width, box width].
WIDE_TABLES = """() => [...document.querySelectorAll('article table')]
    .filter(t => !t.closest('details'))
    .map(t => [[...t.querySelectorAll('th')].map(th => th.innerText).join(' | '),
               Math.round(t.getBoundingClientRect().width),
               (t.closest('.md-typeset__scrollwrap') || t.parentElement).clientWidth])
    .filter(([, width, box]) => width > box)"""


def test_report_tables_fit_the_page(browser_page, base_url: str, site: SampleSite) -> None:  # type: ignore[no-untyped-def]
    """A reader had to scroll sideways to reach the seasonality and rate-cut tables' 99% interval
    at 1280 px: Material's 5rem header minimum made every column 100 px wide. (The scoreboard on
    a phone: tests/test_browser_real.py, as this site's small side has a long hostile name.)"""
    page, seen = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(base_url + f"blog/{site.weeks[-1].replace('-', '/')}/")
    assert page.evaluate(WIDE_TABLES) == []
    assert seen["console"] == []
