"""Screenshots of a built report, for anyone to look at: light, dark and a 375 px phone.

    .venv/bin/python scripts/screenshots.py [--site sample/site] [--week YYYY-MM-DD]
                                            [--out build/screenshots]

(``make screenshots`` builds the sample site first when it is missing.) The site folder is
served on 127.0.0.1 and opened in Debian's Chromium through Playwright (the dev extra); every
request to another host is refused. Writes ``<week>-light.png``, ``<week>-dark.png`` and
``<week>-375px.png`` (whole pages) into ``--out``, which git ignores; exit code 2 when the site
or the week is not there, one line naming it.
"""

from __future__ import annotations

import argparse
import functools
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
# name -> viewport width, height and colour scheme (Material follows prefers-color-scheme).
SHOTS = {
    "light": (1280, 900, "light"),
    "dark": (1280, 900, "dark"),
    "375px": (375, 812, "light"),
}
TIMEOUT_MS = 30_000


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """``folder`` served on a free local port for the ``with``; yields its URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def newest_week(site: Path) -> str | None:
    """The newest report's week in a built site (``blog/YYYY/MM/DD/index.html``)."""
    pages = sorted(site.glob("blog/[0-9][0-9][0-9][0-9]/[0-9][0-9]/[0-9][0-9]/index.html"))
    return "-".join(pages[-1].parts[-4:-1]) if pages else None


def take_screenshots(site: Path, week: str, out: Path) -> list[Path]:
    """Whole-page PNGs of the week's report, one per SHOTS entry; returns their paths."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with served(site) as url, sync_playwright() as pw:
        launch = {"executable_path": str(CHROMIUM)} if CHROMIUM.exists() else {}
        browser = pw.chromium.launch(headless=True, args=ARGS, **launch)
        try:
            for name, (width, height, scheme) in SHOTS.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height}, color_scheme=scheme
                )
                context.route(
                    "**/*", lambda r: r.continue_() if r.request.url.startswith(url) else r.abort()
                )
                page = context.new_page()
                page.set_default_timeout(TIMEOUT_MS)
                page.goto(f"{url}blog/{week.replace('-', '/')}/")
                page.wait_for_load_state("networkidle")
                path = out / f"{week}-{name}.png"
                page.screenshot(path=str(path), full_page=True)
                written.append(path)
                context.close()
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=Path("sample/site"), help="a built site")
    parser.add_argument("--week", help="the report's week, YYYY-MM-DD (default: the newest)")
    parser.add_argument("--out", type=Path, default=Path("build/screenshots"))
    args = parser.parse_args(argv)
    week = args.week or newest_week(args.site)
    if week is None:
        print(f"error: {args.site}: no built report (build the site first)", file=sys.stderr)
        return 2
    if not (args.site / "blog" / week.replace("-", "/") / "index.html").is_file():
        print(f"error: {args.site}: no report of the week {week}", file=sys.stderr)
        return 2
    for path in take_screenshots(args.site, week, args.out):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
