"""The summary box of the newest sample report at 375 px in a real browser (Playwright driving
Debian's Chromium): it needs no horizontal scrolling, neither of the page nor of the box."""

from __future__ import annotations

import pytest

from tests.sitebuild import sample_site
from tests.test_browser import ARGS, CHROMIUM, TIMEOUT_MS, require_browser

pytestmark = pytest.mark.browser


def test_the_summary_box_fits_a_375_px_screen() -> None:
    from playwright.sync_api import sync_playwright

    require_browser()
    site = sample_site()
    newest = site.weeks[-1].replace("-", "/")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        context = browser.new_context(viewport={"width": 375, "height": 800})
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(site.url)
                      else r.abort())  # fmt: skip
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        try:
            page.goto(f"{site.url}blog/{newest}/")
            sizes = page.evaluate(
                """() => {
                  const box = document.querySelector('.summary-box');
                  const table = box.querySelector('table');
                  // Every element that could scroll sideways (Material wraps tables in one).
                  const scrollers = [box, ...box.querySelectorAll('*')].filter(
                    e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX));
                  return {scrollers: scrollers.map(e => [e.scrollWidth, e.clientWidth]),
                          table: [table.scrollWidth, table.clientWidth],
                          right: table.getBoundingClientRect().right,
                          page: [document.documentElement.scrollWidth, window.innerWidth],
                          rows: table.querySelectorAll('tr').length};
                }"""
            )
        finally:
            context.close()
            browser.close()
    assert sizes["rows"] >= 6, sizes  # the two rank rows only in a week among the ten best or worst
    assert sizes["table"][0] <= sizes["table"][1], sizes
    assert sizes["scrollers"] and all(s <= c for s, c in sizes["scrollers"]), sizes
    assert sizes["right"] <= 375 and sizes["page"][0] <= sizes["page"][1], sizes
