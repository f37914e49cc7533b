"""MkDocs hook: publish every file of a report folder next to its blog post.

The blog plugin publishes a post stored under ``blog/posts/YYYY/MM/DD/`` at ``blog/YYYY/MM/DD/``
and moves the folder's media files (SVG, CSV) with it, but MkDocs counts ``.json`` files as
static pages, which the plugin leaves behind. The chart specs (``*.vl.json``) and
``metrics.json`` are fetched by relative URL from the post, so they move the same way here.
The feeds' enclosure lengths are fixed for the same reason (see ``on_post_build``).

A report publishes some fifteen files next to its page (about 0.7 MB), so a 1,000-report site
would copy 16,000 files; they are hard-linked into the site instead (see ``on_env``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from mkdocs.plugins import event_priority

POSTS = "blog/posts/"
BLOG = "blog/"
SEPARATOR = "<!-- more -->"  # the blog plugin's post_excerpt_separator (its default)


@event_priority(-100)
def on_files(files, config):  # type: ignore[no-untyped-def]
    for file in files:
        if file.src_uri.startswith(POSTS) and file.src_uri.endswith(".json"):
            url = file.url  # before dest_uri changes: File computes its url from dest_uri
            file.dest_uri = BLOG + file.dest_uri[len(POSTS) :]
            file.abs_dest_path = os.path.join(config.site_dir, file.dest_path)
            file.url = BLOG + url[len(POSTS) :]
    return files


@event_priority(-100)
def on_env(env, config, files):  # type: ignore[no-untyped-def]
    """Hard-link the reports' files into the site before MkDocs copies the static files.

    MkDocs skips a file whose destination already is the same file ("Let plugins write directly
    into site_dir"), so linked files are not copied again. Nothing writes to a published report
    file in place, so sharing its inode with the build folder is safe. Across file systems the
    link fails and MkDocs copies the file as usual.
    """
    made: set[str] = set()  # folders made: a report's fifteen files share one
    for file in files:
        if file.src_uri.startswith(POSTS) and not file.is_documentation_page():
            if file.abs_src_path and file.inclusion.is_included():
                if _linked(file.abs_src_path, file.abs_dest_path, made):
                    # This file only: MkDocs would check the folder and the link again.
                    file.copy_file = _already_in_place
    return env


def _linked(source: str, target: str, made: set[str]) -> bool:
    folder = os.path.dirname(target)
    if folder not in made:
        os.makedirs(folder, exist_ok=True)
        made.add(folder)
    try:
        os.link(source, target)
    except OSError:
        return False  # another file system, or no hard links: MkDocs copies it
    return True


def _already_in_place(dirty: bool = False) -> None:
    """``File.copy_file`` for a file linked into the site."""


ENCLOSURE = re.compile(r'<enclosure url="([^"]+)" type="([^"]+)" length="None" />')


@event_priority(-100)
def on_post_build(config):  # type: ignore[no-untyped-def]
    """Give the feeds' chart enclosures their byte length.

    The RSS plugin measures a page's ``image`` next to the page's source file, but report files
    are published under ``blog/`` without ``posts/``, so it finds nothing and writes "None".
    """
    site_dir = Path(config.site_dir)
    site_url = config.site_url or ""
    for feed in site_dir.glob("feed_rss_*.xml"):
        text = feed.read_text(encoding="utf-8")

        def measured(match: re.Match[str]) -> str:
            path = site_dir / match.group(1).removeprefix(site_url)
            if not path.is_file():
                return match.group(0)
            return f'<enclosure url="{match.group(1)}" type="{match.group(2)}" length="{path.stat().st_size}" />'

        feed.write_text(ENCLOSURE.sub(measured, text), encoding="utf-8")


@event_priority(-100)
def on_page_content(html, page, config, files):  # type: ignore[no-untyped-def]
    """Keep only a post's excerpt Markdown once the post page itself is rendered.

    The blog plugin renders each post's whole Markdown again for every archive, category and
    index view that lists it, then cuts at the separator. Views render after every post, so
    cutting here first makes each listing cheap (a 1,000-report site would otherwise convert
    every report four more times); the excerpt shown is the same.
    """
    if page.file.src_uri.startswith(POSTS) and SEPARATOR in page.markdown:
        page.markdown = page.markdown.split(SEPARATOR, 1)[0] + SEPARATOR
    return html
