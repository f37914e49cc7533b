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


def _require_browser() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("SMALLCAP_REQUIRE_BROWSER"):
        pytest.fail(f"{CHROMIUM} is missing and SMALLCAP_REQUIRE_BROWSER is set")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def site() -> SampleSite:
    _require_browser()
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
        page.on("console", lambda m: m.type == "error" and seen["console"].append(m.text))
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


def test_every_chart_of_a_report_reads_right(browser_page, base_url: str, site: SampleSite) -> None:  # type: ignore[no-untyped-def]
    """Each chart of the newest report, as drawn: ordinal ticks in their natural order, no tick
    label twice, no text over another or cut short, no tooltip showing a missing value."""
    page, seen = browser_page
    page.set_viewport_size({"width": 1280, "height": 900})
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
