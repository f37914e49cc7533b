"""What feed readers, e-mail services and social sites get from the built sample site."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from tests.sitebuild import XSS, SampleSite, sample_site

pytestmark = pytest.mark.sitebuild  # runs MkDocs: not in `make test-fast`


@pytest.fixture(scope="module")
def site() -> SampleSite:
    return sample_site()


class _Tags(HTMLParser):
    """Every start tag of an HTML text, with its attributes, and the text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _check_item(content: str, title: str, link: str) -> None:
    """A feed item's HTML: the headline, the week's summary lines, the key chart with alt text."""
    tags = _Tags(content)
    text = " ".join("".join(tags.text).split())
    assert text.startswith(title)
    items = [t for t, _ in tags.tags if t == "li"]
    assert len(items) >= 2  # a line per side
    assert re.search(r"S&P 500: [+−]\d+\.\d+% this week, [+−]\d+\.\d+% year to date", text)
    assert "The small/large ratio stands at the" in text  # the narrative
    assert "n/a" not in text and "None" not in text
    images = [a for t, a in tags.tags if t == "img"]
    # Absolute: an RSS-to-email service mails the HTML away from the item's link.
    assert [a["src"] for a in images] == [link + "social.png"]
    assert images[0]["alt"].startswith("Line chart of ")
    assert XSS not in content  # the config's hostile name stays text


def test_rss_items_carry_the_headline_summary_and_chart(site: SampleSite) -> None:
    root = ET.parse(site.build.site_dir / "feed_rss_created.xml").getroot()
    items = root.findall("./channel/item")
    assert len(items) == len(site.weeks)
    for item in items:
        _check_item(item.findtext("description"), item.findtext("title"), item.findtext("link"))


def test_json_feed_items_carry_the_headline_summary_and_chart(site: SampleSite) -> None:
    feed = json.loads((site.build.site_dir / "feed_json_created.json").read_text("utf-8"))
    assert len(feed["items"]) == len(site.weeks)
    for item in feed["items"]:
        _check_item(item["content_html"], item["title"], item["url"])
        assert item["image"].endswith("/social.png")


def test_each_report_has_its_summary_as_description_and_a_png_social_image(
    site: SampleSite,
) -> None:
    site_description = None
    for week in site.weeks:
        folder = site.build.site_dir / "blog" / week.replace("-", "/")
        page = folder.joinpath("index.html").read_text("utf-8")
        assert XSS not in page  # the config's hostile name is escaped in the meta tags too
        meta = {
            a.get("name") or a.get("property"): a.get("content")
            for t, a in _Tags(page).tags
            if t == "meta"
        }
        description = meta["description"]
        # The narrative's first sentence: the week's lead fact (tests/test_pages_lead.py).
        assert len(description) > 40 and "Week ending" not in description
        assert description.endswith(".") and description.count(". ") == 0  # one sentence
        assert meta["og:description"] == description
        image = site.url + f"blog/{week.replace('-', '/')}/social.png"
        assert meta["og:image"] == meta["twitter:image"] == image
        assert meta["twitter:card"] == "summary_large_image"
        assert (folder / "social.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert description != site_description
        site_description = description
