"""MkDocs hook: once a report's page is rendered, keep only its excerpt's Markdown.

Public interfaces only: the ``on_page_content`` event and the page's ``markdown`` attribute.

The blog plugin renders each post's whole Markdown again for every archive, category and index
view that lists it, then cuts the HTML at the separator. Views render after every post, so
cutting the Markdown here first makes each listing cheap (a 1,000-report site would otherwise
convert every report four more times); the excerpt shown is the same. The first block after
the separator stays: a listing links "Continue reading" only when the post has more than its
excerpt. tests/test_site_plain_build.py compares the site with a build without this hook, byte
for byte.
"""

from __future__ import annotations

from mkdocs.plugins import event_priority

POSTS = "blog/posts/"
SEPARATOR = "<!-- more -->"  # the blog plugin's post_excerpt_separator (its default)


@event_priority(-100)
def on_page_content(html, page, config, files):  # type: ignore[no-untyped-def]
    if page.file.src_uri.startswith(POSTS) and SEPARATOR in page.markdown:
        excerpt, more = page.markdown.split(SEPARATOR, 1)
        page.markdown = excerpt + SEPARATOR + first_block(more)
    return html


def first_block(markdown: str) -> str:
    """The text up to the end of its first block (paragraph, heading, list...)."""
    text = markdown.lstrip("\n")
    return markdown[: len(markdown) - len(text)] + text.split("\n\n", 1)[0]
