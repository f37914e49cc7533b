"""Accessibility: axe-core (the ``axe-playwright-python`` package of the dev extra, never
committed) finds no serious or critical violation on the sample site's home page and a report,
and on a site of real weeks when ../shared/marketdata is present (the 2008 crash week, an
ordinary 2026 week and its home page), in the light and the dark palette."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.realsite import RealSite, real_site_or_skip
from tests.sitebuild import SampleSite, sample_site
from tests.test_browser import ARGS, CHROMIUM, TIMEOUT_MS, require_browser

pytestmark = pytest.mark.browser

BLOCKING = ("serious", "critical")
LOCAL = "http://127.0.0.1:"  # where the test sites are served
# Rules left out, each for Material for MkDocs' own markup (the theme is in maintenance mode; its
# templates and scripts are not ours to change):
IGNORED_RULES = {
    # Material's search overlay is a `<div class="md-search" role="dialog">` without a name.
    "aria-dialog-name": "Material's search dialog",
    # Material's script wraps every table in a scrolling `.md-typeset__scrollwrap` without
    # tabindex; Chromium (since 130) and Firefox make such a scroller keyboard-focusable.
    "scrollable-region-focusable": "Material's table wrapper",
}


@pytest.fixture(scope="module")
def site() -> SampleSite:
    require_browser()
    return sample_site()


@pytest.fixture(scope="module")
def real() -> RealSite:
    require_browser()
    return real_site_or_skip()


@pytest.fixture(scope="module", params=["light", "dark"])
def page(request: pytest.FixtureRequest) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, color_scheme=request.param
        )
        context.route(  # the sites make no request elsewhere; none may leave the machine
            "**/*",
            lambda r: r.continue_() if r.request.url.startswith(LOCAL) else r.abort(),
        )
        tab = context.new_page()
        tab.set_default_timeout(TIMEOUT_MS)
        try:
            yield tab
        finally:
            context.close()
            browser.close()


def _blocking_violations(page: Any, url: str) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(url)
    page.wait_for_load_state("networkidle")
    results = Axe().run(page).response
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in results["violations"]
        if v["impact"] in BLOCKING and v["id"] not in IGNORED_RULES
    ]


def test_home_page_has_no_serious_accessibility_violation(page: Any, site: SampleSite) -> None:
    assert _blocking_violations(page, site.url) == []


def test_report_has_no_serious_accessibility_violation(page: Any, site: SampleSite) -> None:
    url = f"{site.url}blog/{site.weeks[-1].replace('-', '/')}/"
    assert _blocking_violations(page, url) == []


@pytest.mark.realdata
@pytest.mark.parametrize("week", [None, "2008-10-10", "2026-08-21"])
def test_real_weeks_have_no_serious_accessibility_violation(
    page: Any, real: RealSite, week: str | None
) -> None:
    url = real.url if week is None else f"{real.url}blog/{week.replace('-', '/')}/"
    assert _blocking_violations(page, url) == []
