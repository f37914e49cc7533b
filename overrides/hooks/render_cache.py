"""MkDocs hook: reuse the HTML of reports whose Markdown has not changed since the last build.

Converting a report's Markdown to HTML (dense tables: some 1,100 elements walked by a dozen
Python-Markdown processors) costs about 50 ms, most of the build time of a 1,000-report site.
Archived reports are immutable, so a weekly build converts the new report only: the HTML, table
of contents, anchor ids and anchor links of every report page are kept (cachefolder.py), keyed by
a hash of everything the conversion depends on (the Markdown after the other plugins, the page's
source and URL, the Markdown settings, the library versions, these hooks) and reused while every
file the page links to resolves as it did (``RecordedFiles``). On a hit the page is not converted
at all: its ``render`` is replaced, for that page only, by restoring the entry. Every other
plugin and the theme run as usual on the restored page.

On a cold build (at least ``AHEAD_MIN`` reports to convert, two cores), a helper process forked
just before MkDocs converts the pages (``Ahead`` in cachefolder.py) converts the reports from the
last one backwards (``convert_page``: MkDocs' steps through its public page methods and plugin
events), and MkDocs finds their entries.

The blog converts each post's excerpt again for every listing that shows it (the index pages,
its year and its categories: four times a report), at some 3 ms each; those conversions are
kept the same way, keyed by the excerpt, the post and the listing's URL.
"""

from __future__ import annotations

import functools
import inspect
import logging
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from cachefolder import (
    Ahead,
    CacheFolder,
    RecordedFiles,
    WarningCount,
    cache_root,
    cores,
    digest,
    file_digest,
    lookups_hold,
    warning_count,
)
from mkdocs.plugins import event_priority
from mkdocs.structure.toc import AnchorLink, get_toc
from mkdocs.utils import get_relative_url

POSTS = "blog/posts/"
SEPARATOR = "<!-- more -->"  # the blog plugin's post_excerpt_separator
PACKAGES = ("mkdocs", "markdown", "mkdocs-material", "pymdown-extensions")
PAGES_LOG = logging.getLogger("mkdocs.structure.pages")  # Page.render keeps anchor links by it
AHEAD_MIN = 16  # reports to convert before a second process helps (a fork costs some 50 ms)


@dataclass
class _Miss:
    key: str
    files: RecordedFiles
    warnings: int  # the warning count when the conversion started


@dataclass
class _Cache:
    pages: CacheFolder
    excerpts: CacheFolder
    salt: str
    warnings: WarningCount
    misses: dict[str, _Miss] = field(default_factory=dict)  # src_uri -> the conversion to keep
    ahead: Ahead | None = None  # the helper converting reports from the end
    positions: dict[str, int] = field(default_factory=dict)  # src_uri -> position for it
    unlinked_excerpts: dict[str, dict[str, Any]] = field(default_factory=dict)  # see below


# MkDocs loads a hook as a module, so one build's state lives here; on_config resets it.
_cache: _Cache | None = None


def on_config(config):  # type: ignore[no-untyped-def]
    global _cache
    root = cache_root()
    _cache = None
    if root is not None:
        salt = _salt(config)
        _cache = _Cache(
            CacheFolder(root / "markdown"), CacheFolder(root / "excerpts"), salt, warning_count()
        )
    return config


def _extension_print(extension: Any) -> str:
    """An extension's name, or for an instance (a hook's), its class and its module's digest."""
    if isinstance(extension, str):
        return extension
    return f"{type(extension).__qualname__}:{file_digest(Path(inspect.getfile(type(extension))))}"


def _salt(config) -> str:  # type: ignore[no-untyped-def]
    """What every page's conversion depends on besides the page itself."""
    extensions = [_extension_print(e) for e in config.markdown_extensions]
    parts = [
        *(f"{name}=={version(name)}" for name in PACKAGES),
        repr(extensions),
        repr(sorted((k, repr(v)) for k, v in (config.mdx_configs or {}).items())),
        repr(config.use_directory_urls),
        file_digest(Path(__file__)),
        file_digest(Path(__file__).with_name("cachefolder.py")),
    ]
    return "\n".join(parts)


@event_priority(-100)  # after every other plugin changed the Markdown (the blog runs at -50)
def on_page_markdown(markdown, page, config, files):  # type: ignore[no-untyped-def]
    if _cache is None or not page.file.src_uri.startswith(POSTS) or SEPARATOR not in markdown:
        return markdown
    if _cache.ahead is not None and page.file.src_uri in _cache.positions:
        _cache.ahead.reached(_cache.positions[page.file.src_uri])
    key = _key(page, markdown)
    entry = _cache.pages.read(key)
    if entry is not None and lookups_hold(entry["lookups"], files):
        # An instance attribute: only this page's render is replaced (see on_page_content).
        page.render = functools.partial(_restore, page, entry)
    else:
        miss = _Miss(key, RecordedFiles(files), _cache.warnings.count)
        _cache.misses[page.file.src_uri] = miss
        page.render = functools.partial(_convert, page, miss.files)
    if getattr(page, "excerpt", None) is not None:
        page.excerpt.render = functools.partial(_render_excerpt, page.excerpt)
    return markdown


def _key(page, markdown: str) -> str:  # type: ignore[no-untyped-def]
    assert _cache is not None
    return digest(_cache.salt, page.file.src_uri, page.url, markdown)


def _convert(page, files: RecordedFiles, config, _files) -> None:  # type: ignore[no-untyped-def]
    """``Page.render``, recording the files the page's links resolve to."""
    type(page).render(page, config, files)


def _restore(page, entry: dict[str, Any], config, files) -> None:  # type: ignore[no-untyped-def]
    """What ``Page.render`` would have set, from the entry."""
    page.content = entry["html"]
    page.toc = get_toc(entry["toc"])
    page._title_from_render = entry["title"]
    page.present_anchor_ids = set(entry["anchors"])
    if PAGES_LOG.getEffectiveLevel() > logging.DEBUG:
        page.links_to_anchors = {
            files.get_file_from_path(uri): anchors for uri, anchors in entry["links"].items()
        }


@event_priority(100)  # first, so that the entry holds the page as converted
def on_page_content(html, page, config, files):  # type: ignore[no-untyped-def]
    if _cache is None:
        return html
    page.__dict__.pop("render", None)
    miss = _cache.misses.pop(page.file.src_uri, None)
    if miss is not None and _cache.warnings.count == miss.warnings:
        entry = {
            "html": html,
            "toc": [_token(item) for item in page.toc],
            "anchors": sorted(page.present_anchor_ids or ()),
            "title": page._title_from_render,
            "links": {f.src_uri: a for f, a in (page.links_to_anchors or {}).items()},
            "lookups": miss.files.lookups,
        }
        _cache.pages.write(miss.key, entry)
    return html


def _token(item: AnchorLink) -> dict[str, Any]:
    """The Python-Markdown toc token MkDocs built ``item`` from (see mkdocs.structure.toc)."""
    children = [_token(child) for child in item.children]
    return {"level": item.level, "id": item.id, "name": item.title, "children": children}


def _render_excerpt(excerpt, view, separator: str) -> None:  # type: ignore[no-untyped-def]
    """``Excerpt.render`` (material/plugins/blog/structure), from the cache when it can."""
    assert _cache is not None
    post = excerpt.post
    markdown = post.markdown
    if not post._title_from_render:
        markdown = "\n\n".join([f"# {post.title}", markdown])
    parts = (_cache.salt, post.file.src_uri, post.url, separator, markdown)
    key = digest(*parts, view.url)
    entry = _cache.excerpts.read(key)
    if entry is not None and lookups_hold(entry["lookups"], _excerpt_links(excerpt).files):
        _restore_excerpt(excerpt, markdown, entry)
        return
    # Without links to resolve, an excerpt depends on its view only through the relative URL
    # of its post (the blog links the headline to it): listings at the same depth share it.
    alike = digest(*parts, get_relative_url(post.url, view.url))
    entry = _cache.unlinked_excerpts.get(alike)
    if entry is not None:
        _restore_excerpt(excerpt, markdown, entry)
    else:
        entry = _convert_excerpt(excerpt, view, separator)
        if entry is None:
            return
        if not entry["lookups"]:
            _cache.unlinked_excerpts[alike] = entry
    _cache.excerpts.write(key, entry)


def _restore_excerpt(excerpt, markdown: str, entry: dict[str, Any]) -> None:  # type: ignore[no-untyped-def]
    excerpt.markdown = markdown
    excerpt.content = entry["html"]
    if entry["more"] is not None:
        excerpt.more = entry["more"]
    excerpt.toc = get_toc(entry["toc"])


def _convert_excerpt(excerpt, view, separator: str) -> dict[str, Any] | None:  # type: ignore[no-untyped-def]
    """Render the excerpt; its entry, or None when the conversion warned (never kept)."""
    assert _cache is not None
    links = _excerpt_links(excerpt)
    files, links.files = links.files, RecordedFiles(links.files)
    earlier, excerpt.more = excerpt.more, None
    warnings = _cache.warnings.count
    try:
        type(excerpt).render(excerpt, view, separator)
        entry = {
            "html": excerpt.content,
            "more": excerpt.more,  # None: no separator, and render keeps the earlier one
            "toc": getattr(excerpt.md, "toc_tokens", []),
            "lookups": links.files.lookups,
        }
    finally:
        links.files = files
        if excerpt.more is None:
            excerpt.more = earlier
    return entry if _cache.warnings.count == warnings else None


def _excerpt_links(excerpt):  # type: ignore[no-untyped-def]
    """The excerpt's link processor (MkDocs' relative-path tree processor)."""
    return excerpt.md.treeprocessors["relpath"]


@event_priority(-100)  # after every other plugin's on_nav: MkDocs converts the pages next
def on_nav(nav, config, files):  # type: ignore[no-untyped-def]
    if _cache is None:
        return nav
    posts = [
        f.page
        for f in files.documentation_pages()  # what MkDocs converts, in its order
        if f.src_uri.startswith(POSTS) and f.page is not None and f.page.markdown is not None
    ]
    # The Markdown before the other plugins': the same in this project, else a miss counted.
    missing = {
        id(post)
        for post in posts
        if SEPARATOR in post.markdown and not _cache.pages.holds(_key(post, post.markdown))
    }
    if len(missing) >= AHEAD_MIN and cores() >= 2:

        def convert(position: int) -> None:
            if id(posts[position]) in missing:
                convert_page(posts[position], config, files)

        _cache.positions = {post.file.src_uri: i for i, post in enumerate(posts)}
        _cache.ahead = Ahead(len(posts), convert)
    return nav


def convert_page(page, config, files) -> None:  # type: ignore[no-untyped-def]
    """What MkDocs does to a page before its template, through public interfaces only: the
    ``pre_page`` event, ``Page.read_source``, ``page_markdown``, ``Page.render``, ``page_content``
    (the steps and order of MkDocs' own page conversion)."""
    page = config.plugins.on_pre_page(page, config=config, files=files)
    page.read_source(config)
    page.markdown = config.plugins.on_page_markdown(
        page.markdown, page=page, config=config, files=files
    )
    page.render(config, files)
    page.content = config.plugins.on_page_content(
        page.content, page=page, config=config, files=files
    )


def _stop_ahead() -> None:
    if _cache is not None and _cache.ahead is not None:
        _cache.ahead.stop()
        _cache.ahead = None


@event_priority(100)  # every page is converted by now
def on_env(env, config, files):  # type: ignore[no-untyped-def]
    _stop_ahead()
    return env


def on_build_error(error):  # type: ignore[no-untyped-def]
    _stop_ahead()


def on_post_build(config):  # type: ignore[no-untyped-def]
    """Drop the entries of pages this build no longer has (or had in another version)."""
    if _cache is None:
        return
    _cache.pages.prune()
    _cache.excerpts.prune()
