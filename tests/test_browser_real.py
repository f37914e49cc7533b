"""What a reader sees on a site of real weeks (tests/realsite.py, built from ../shared/marketdata
when present): every chart of the home page and of each real report reads right at 1280 and
375 px (the checks of ``test_every_chart_of_a_report_reads_right``), the page's text shows no
missing value, nothing scrolls sideways and the console stays silent. Real data has what the
sample market lacks: series ending years before the week, missing funds, a crash week."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.chartchecks import PROBE, reader_problems
from tests.realsite import RealSite, real_site_or_skip
from tests.test_browser import (
    ARGS,
    CHROMIUM,
    TIMEOUT_MS,
    VIEWPORTS,
    WIDE_TABLES,
    _charts_rendered,
    require_browser,
)

pytestmark = pytest.mark.browser

LOCAL = "http://127.0.0.1:"
# Words a reader must never see in a page's text: a value that did not resolve.
MISSING_WORDS = re.compile(r"\b(undefined|null|NaN|None)\b|n/a")


@pytest.fixture(scope="module")
def real() -> RealSite:
    require_browser()
    return real_site_or_skip()


@pytest.fixture(scope="module")
def tab() -> Iterator[tuple[Any, list[str]]]:
    from playwright.sync_api import sync_playwright

    console: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        context = browser.new_context()
        context.route(  # the site makes no request elsewhere; none may leave the machine
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort(),
        )
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.on("console", lambda m: m.type in ("error", "warning") and console.append(m.text))
        page.on("pageerror", lambda e: console.append(str(e)))
        try:
            yield page, console
        finally:
            context.close()
            browser.close()


def _paths(real: RealSite) -> list[str]:
    return ["", *(f"blog/{week.replace('-', '/')}/" for week in real.weeks)]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_real_weeks_read_right(real: RealSite, tab, viewport: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    page, console = tab
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    problems: list[str] = []
    for path in _paths(real):
        console.clear()
        page.goto(real.url + path)
        _charts_rendered(page)
        page.wait_for_function(
            "() => [...document.querySelectorAll('div.vl-chart')].every(el => el._vlResult)"
        )
        where = f"/{path} at {viewport[0]} px"
        for chart in page.query_selector_all("div.vl-chart"):
            problems += [f"{where}: {p}" for p in reader_problems(page.evaluate(PROBE, chart))]
        text = page.evaluate("document.body.innerText")
        problems += [f"{where}: text shows {m.group(0)!r}" for m in MISSING_WORDS.finditer(text)]
        if page.evaluate("document.documentElement.scrollWidth") > viewport[0]:
            problems.append(f"{where}: the page scrolls sideways")
        problems += [f"{where}: console: {message}" for message in console]
    assert problems == [], "\n".join(problems)


def test_the_scoreboard_fits_a_phone(real: RealSite, tab) -> None:  # type: ignore[no-untyped-def]
    """At 375 px the scoreboard's spread column was off screen (Material's 5rem per header)."""
    page, _ = tab
    page.set_viewport_size({"width": 375, "height": 812})
    for week in real.weeks:
        page.goto(real.url + f"blog/{week.replace('-', '/')}/")
        wide = [row for row in page.evaluate(WIDE_TABLES) if row[0].startswith("Period |")]
        assert wide == [], week
