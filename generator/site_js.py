"""The chart JavaScript in the site: generated from the installed vl-convert package (some 4 s
in its own process unless the cache folder keeps it), linked from every page, written into the
built site after MkDocs has run."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.runcontext import RunContext

JS_DIR = Path("assets") / "javascripts" / "charts"


def chart_scripts() -> list[str]:
    """The chart JavaScript's paths in the site, in load order (written by ``build_site``)."""
    from generator.charts.assets import BUNDLE_FILE, SCRIPT_FILE

    return [(JS_DIR / name).as_posix() for name in (BUNDLE_FILE, SCRIPT_FILE)]


@contextmanager
def bundle_in_background(alongside: bool, run: RunContext | None = None) -> Iterator[Future[str]]:
    """The Vega bundle's text, generated in a thread: while the caller runs MkDocs (which only
    links to it) when ``alongside``, else before the caller goes on (the two processes' memory
    would add up). ``run``: its cache folder keeps the bundle and it starts the renderer."""
    from generator.charts.assets import bundle_text

    with ThreadPoolExecutor(max_workers=1) as pool:
        bundle = pool.submit(bundle_text, run)
        if not alongside:
            bundle.result()
        yield bundle


def write_bundle(site_dir: Path, text: str) -> None:
    """Write the chart JavaScript into the built site (``JS_DIR``)."""
    from generator.charts.assets import write_js_bundle

    write_js_bundle(site_dir / JS_DIR, text)
