"""What the build adds to the site MkDocs wrote: the reports' files beside their pages, their
heavy blocks back into them, the byte length of the feeds' chart enclosures, and the feed items'
image at its absolute address."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from generator.site_docs import BLOCKS_FILE, link_or_copy
from generator.site_markdown import PLACEHOLDER_START, with_reports_blocks

ENCLOSURE = re.compile(r'<enclosure url="([^"]+)" type="([^"]+)" length="None" />')
# A feed item's inline image and, later in the same item, its absolute address: the RSS item's
# enclosure, the JSON Feed item's "image".
RSS_ITEM_IMAGE = re.compile(
    r"(src=&#34;)social\.png(&#34;(?:(?!</item>).)*?<enclosure url=\"([^\"]+/social\.png)\")", re.S
)
JSON_ITEM_IMAGE = re.compile(
    r'(src=\\")social\.png(\\"(?:(?!"content_html").)*?"image": "([^"]+/social\.png)")', re.S
)


def publish_sidecars(sidecars: Path, site_dir: Path) -> None:
    """Link the reports' files (set aside by ``assemble_docs``, laid out as in the site)
    into the built site, beside their report pages."""
    if sidecars.is_dir():
        shutil.copytree(sidecars, site_dir, dirs_exist_ok=True, copy_function=link_or_copy)


def restore_blocks(blocks_dir: Path, site_dir: Path) -> None:
    """Put the reports' blocks (set aside by ``assemble_docs``) back into every built page that
    holds their placeholders, where Python-Markdown left them as it leaves any raw HTML: a
    report's page, and the blog's listings that show its excerpt."""
    if not blocks_dir.is_dir():
        return
    blocks = {
        stored.parent.relative_to(blocks_dir).as_posix(): json.loads(stored.read_text("utf-8"))
        for stored in sorted(blocks_dir.rglob(BLOCKS_FILE))
    }
    for page in sorted(site_dir.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        if PLACEHOLDER_START in text:
            page.write_text(with_reports_blocks(text, blocks), encoding="utf-8")


def measure_enclosures(site_dir: Path, site_url: str) -> None:
    """Give the feeds' chart enclosures their byte length.

    The RSS plugin measures a page's ``image`` (a path from the site root) next to the page's
    source file, finds nothing there and writes "None"; the image is in the built site.
    """
    for feed in sorted(site_dir.glob("feed_rss_*.xml")):
        text = feed.read_text(encoding="utf-8")

        def measured(match: re.Match[str]) -> str:
            path = site_dir / match.group(1).removeprefix(site_url)
            if not path.is_file():
                return match.group(0)
            return f'<enclosure url="{match.group(1)}" type="{match.group(2)}" length="{path.stat().st_size}" />'

        fixed = ENCLOSURE.sub(measured, text)
        if fixed != text:
            feed.write_text(fixed, encoding="utf-8")


def absolute_feed_images(site_dir: Path) -> None:
    """Give each feed item's inline image its absolute address, the item's own enclosure.

    The item's HTML names the image beside its report (``social.png``), which a feed reader
    resolves against the item's link but an RSS-to-email service, mailing the HTML elsewhere,
    does not: the mail would show a broken image.
    """
    for feed, pattern in [*((f, RSS_ITEM_IMAGE) for f in sorted(site_dir.glob("feed_rss_*.xml"))),
                          *((f, JSON_ITEM_IMAGE) for f in sorted(site_dir.glob("feed_json_*.json")))]:  # fmt: skip
        text = feed.read_text(encoding="utf-8")
        fixed = pattern.sub(lambda m: f"{m.group(1)}{m.group(3)}{m.group(2)}", text)
        if fixed != text:
            feed.write_text(fixed, encoding="utf-8")
