"""MkDocs hook: publish every file of a report folder next to its blog post.

The blog plugin publishes a post stored under ``blog/posts/YYYY/MM/DD/`` at ``blog/YYYY/MM/DD/``
and moves the folder's media files (SVG, CSV) with it, but MkDocs counts ``.json`` files as
static pages, which the plugin leaves behind. The chart specs (``*.vl.json``) and
``metrics.json`` are fetched by relative URL from the post, so they move the same way here.
"""

from __future__ import annotations

import os

from mkdocs.plugins import event_priority

POSTS = "blog/posts/"
BLOG = "blog/"


@event_priority(-100)
def on_files(files, config):  # type: ignore[no-untyped-def]
    for file in files:
        if file.src_uri.startswith(POSTS) and file.src_uri.endswith(".json"):
            file.dest_uri = BLOG + file.dest_uri[len(POSTS) :]
            file.abs_dest_path = os.path.join(config.site_dir, file.dest_path)
            file.url = BLOG + file.url[len(POSTS) :]
    return files
