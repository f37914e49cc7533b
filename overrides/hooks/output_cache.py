"""MkDocs hook: reuse what an unchanged report page publishes: its HTML file, search entries and
feed description.

Once its Markdown is converted (render_cache.py), a report still costs some 10 ms in Material's
``blog-post.html`` template (the header, the navigation, the footer) and 5 ms in the search
plugin's HTML parser. Both depend only on what this hook hashes into their keys, so a weekly
build of 1,000 reports renders the new report and its neighbour, and reuses the rest.

The template output of a post is keyed by everything the template can read: the page (its
HTML, table of contents, title, URLs, front matter, categories, authors, parent, ancestors and
neighbours), the whole navigation with its active flags, the context MkDocs passes (base URL,
scripts, styles), the build's mkdocs.yml, the theme's versions and the files of the custom theme
folder. A context key that MkDocs does not pass (one a plugin added) turns the cache off for
that page; so does a theme folder that mentions the build date or the page's update date, the
two context values left out of the key (they change every day, and Material shows neither).

On a cold build, or when a new archive year changes every page's navigation, the posts are
rendered on two cores like every other page (parallel_pages.py).

A post's search entries are keyed by what Material's indexer reads: the page's HTML, table of
contents, URL, title and the front matter it looks at, with the search settings and the files
of the custom theme folder (search_prose.py decides what is indexed).

The RSS plugin converts the abstract of every page it may list to HTML (2 ms a report, though a
feed keeps 20 items); the description is kept by what its function reads: the page's Markdown,
HTML and description front matter, and its arguments. Pages no feed can list (older than the
``length`` newest by their front matter date) get an empty description without converting.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from cachefolder import CacheFolder, WarningCount, cache_root, digest, file_digest, warning_count
from material.plugins.blog.structure import Post
from material.plugins.search import plugin as search
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page
from mkdocs_rss_plugin.plugin import GitRssPlugin

TEMPLATE = "blog-post.html"  # the blog plugin's template for posts
PACKAGES = ("mkdocs", "mkdocs-material", "mkdocs-rss-plugin", "jinja2", "markupsafe", "babel")
PACKAGES += ("markdown",)  # the RSS plugin converts abstracts with it
CONTEXT = {
    "nav",
    "pages",
    "base_url",
    "extra_css",
    "extra_javascript",
    "mkdocs_version",
    "build_date_utc",
    "config",
    "page",
}
UNKEYED = (b"build_date_utc", b"update_date")  # what the template key leaves out


@dataclass
class _Cache:
    output: CacheFolder | None  # None: the theme reads a value the key leaves out
    search: CacheFolder
    feed: CacheFolder
    salt: str
    warnings: WarningCount
    nav: _Navigation | None = None
    feed_plugin: GitRssPlugin | None = None
    feed_window: set[int] | None = None  # ids of the pages a feed can list (None: any page)


# MkDocs loads a hook as a module, so one build's state lives here; on_config resets it.
_cache: _Cache | None = None


def on_config(config):  # type: ignore[no-untyped-def]
    global _cache
    root = cache_root()
    _cache = None
    if root is not None:
        theme = _theme_files(config)
        folder = Path(config.theme.custom_dir or ".")
        salt = digest(
            *(f"{name}=={version(name)}" for name in PACKAGES),
            file_digest(Path(config.config_file_path)),
            *(f"{path.relative_to(folder)}:{file_digest(path)}" for path in theme),
        )
        templates = [path for path in theme if path.suffix != ".py"]
        unkeyed = any(word in path.read_bytes() for path in templates for word in UNKEYED)
        output = None if unkeyed else CacheFolder(root / "output", ".html")
        search_cache, feed = CacheFolder(root / "search"), CacheFolder(root / "feed")
        _cache = _Cache(output, search_cache, feed, salt, warning_count())
    return config


def _theme_files(config) -> list[Path]:  # type: ignore[no-untyped-def]
    """The files of the custom theme folder (overrides/: templates and these hooks)."""
    folder = config.theme.custom_dir
    if not folder:
        return []
    return sorted(p for p in Path(folder).rglob("*") if p.is_file() and p.suffix != ".pyc")


def on_pre_build(config):  # type: ignore[no-untyped-def]
    """Index posts and describe feed items through the cache (after every on_config, which
    makes the search index, replaced by search_prose.py, and the RSS plugin's helper)."""
    if _cache is None:
        return
    for plugin in config.plugins.values():
        if isinstance(plugin, search.SearchPlugin) and plugin.config.enabled:
            index = plugin.search_index
            salt = digest(_cache.salt, json.dumps(index.config, sort_keys=True, default=repr))
            add = index.add_entry_from_context
            index.add_entry_from_context = functools.partial(_index_post, index, add, salt)
        if isinstance(plugin, GitRssPlugin) and plugin.config.enabled:
            _cache.feed_plugin = plugin
            util = plugin.util
            describe = util.get_description_or_abstract
            util.get_description_or_abstract = functools.partial(_describe, describe)


def _describe(describe, in_page, chars_count: int = 160, abstract_delimiter=None) -> str:  # type: ignore[no-untyped-def]
    """The RSS plugin's ``get_description_or_abstract``, from the cache."""
    assert _cache is not None
    if _cache.feed_window is not None and id(in_page) not in _cache.feed_window:
        return ""  # never shown: the feeds list only the newest pages
    meta = [in_page.meta.get("rss"), in_page.meta.get("description")]
    key = digest(
        _cache.salt,
        _json([meta, chars_count, abstract_delimiter]),
        in_page.markdown or "",
        (in_page.content or "") if chars_count == -1 else "",
    )
    description = _cache.feed.read(key)
    if description is not None:
        return description
    warnings = _cache.warnings.count
    description = describe(
        in_page=in_page, chars_count=chars_count, abstract_delimiter=abstract_delimiter
    )
    if _cache.warnings.count == warnings:
        _cache.feed.write(key, description)
    return description


@event_priority(-100)
def on_nav(nav, config, files):  # type: ignore[no-untyped-def]
    if _cache is not None and _cache.feed_plugin is not None:
        _cache.feed_window = _feed_window(_cache.feed_plugin.config, files)
    return nav


def _feed_window(feed, files) -> set[int] | None:  # type: ignore[no-untyped-def]
    """The pages the feeds can list, when their dates are known before they are rendered.

    The RSS plugin describes every page it matches (converting its abstract), then keeps the
    ``length`` newest by creation and by update date. With both dates from the same front
    matter key, those are the pages dated on or after the ``length``-th newest date.
    """
    key = feed.date_from_meta.as_creation
    if not key or feed.date_from_meta.as_update != key or not feed.length:
        return None
    pattern = re.compile(feed.match_path)
    pages = [f.page for f in files.documentation_pages() if pattern.match(f.src_uri)]
    try:
        dates = sorted((page.meta[key] for page in pages), reverse=True)
        oldest = dates[feed.length - 1] if len(dates) > feed.length else None
        return {id(page) for page in pages if oldest is None or page.meta[key] >= oldest}
    except (AttributeError, KeyError, TypeError):  # a page without a date, or unlike dates
        return None


def _index_post(index, add, salt: str, page) -> None:  # type: ignore[no-untyped-def]
    """The search index's ``add_entry_from_context``, from the cache for posts."""
    assert _cache is not None
    if not isinstance(page, Post):
        return add(page)
    meta = {k: page.meta.get(k) for k in ("title", "tags", "search")}
    key = digest(
        salt,
        repr(search.jieba is not None),
        page.url,
        str(page.title),
        _json(meta),
        _json(_toc(page.toc)),
        page.content,
    )
    entries = _cache.search.read(key)
    if entries is not None:
        index.entries.extend(entries)
        return None
    start, warnings = len(index.entries), _cache.warnings.count
    add(page)
    if _cache.warnings.count == warnings:
        _cache.search.write(key, index.entries[start:])
    return None


@event_priority(-100)  # after the blog's on_env, which sets the template filters
def on_env(env, config, files):  # type: ignore[no-untyped-def]
    if _cache is not None and _cache.output is not None:
        template = env.get_template(TEMPLATE)
        # An attribute of this one template object: the build renders every post through it.
        template.render = functools.partial(_render_post, template.render)
    return env


def _render_post(render, *args: Any, **kwargs: Any) -> str:
    """The template's ``render``, from the cache for a post rendered with MkDocs' context."""
    assert _cache is not None and _cache.output is not None
    context = args[0] if len(args) == 1 and not kwargs and isinstance(args[0], dict) else None
    if context is None or set(context) - CONTEXT or not isinstance(context.get("page"), Post):
        return render(*args, **kwargs)
    key = _output_key(context)
    html = _cache.output.read_text(key)
    if html is not None:
        return html
    warnings = _cache.warnings.count
    html = render(context)
    if _cache.warnings.count == warnings:
        _cache.output.write_text(key, html)
    return html


def _output_key(context: dict[str, Any]) -> str:
    assert _cache is not None
    page, nav = context["page"], context["nav"]
    if _cache.nav is None or _cache.nav.nav is not nav:
        _cache.nav = _Navigation(nav)
    return digest(
        _cache.salt,
        _json(
            [context["base_url"], _strs(context["extra_css"]), _strs(context["extra_javascript"])]
        ),
        _json(_page_print(page)),
        _cache.nav.tree,
        _cache.nav.flags(page),
        page.content or "",
    )


def _page_print(page) -> list[Any]:  # type: ignore[no-untyped-def]
    """What the template reads of the page, besides its HTML."""
    return [
        [page.url, page.abs_url, page.canonical_url, page.edit_url, str(page.title)],
        [page.is_homepage, page.is_index, page.is_top_level],
        _toc(page.toc),
        page.meta,
        dict(getattr(page, "config", None) or {}),
        [_item(category) for category in getattr(page, "categories", [])],
        [_item(author) for author in getattr(page, "authors", [])],
        [_item(item) for item in page.ancestors],
        [_item(page.parent), _item(page.previous_page), _item(page.next_page)],
    ]


class _Navigation:
    """What the navigation partials read of the items: a fixed part, and flags for each page."""

    def __init__(self, nav) -> None:  # type: ignore[no-untyped-def]
        self.nav = nav
        self.tree = _json([_item(nav.homepage), _tree(nav.items)])
        self.items = _flatten(nav.items)
        self.by_class: dict[type, tuple[list[int], list[int]]] = {}

    def flags(self, page) -> str:  # type: ignore[no-untyped-def]
        """Which items are active, which are the page, which list it among their pages."""
        if type(page) not in self.by_class:
            self.by_class[type(page)] = self._candidates(type(page))
        equal, listing = self.by_class[type(page)]
        items = self.items
        return "|".join(
            [
                "".join("1" if item.active else "0" for item in items),
                ",".join(str(i) for i in equal if items[i] == page),
                ",".join(str(i) for i in listing if page in items[i].pages),
            ]
        )

    def _candidates(self, cls: type) -> tuple[list[int], list[int]]:
        """The items that may equal a page of class ``cls``, and those whose pages may hold one.

        Page.__eq__ is False for a page not of the item's class, so most items need no call.
        """
        equal = [i for i, item in enumerate(self.items) if _may_equal(item, cls)]
        listing = [
            i
            for i, item in enumerate(self.items)
            if any(_may_equal(p, cls) for p in getattr(item, "pages", None) or ())
        ]
        return equal, listing


def _may_equal(item, cls: type) -> bool:  # type: ignore[no-untyped-def]
    return type(item).__eq__ is not Page.__eq__ or issubclass(cls, type(item))


def _tree(items) -> list[Any]:  # type: ignore[no-untyped-def]
    """What the navigation partials read of the items, except what depends on the page."""
    return [
        [
            _item(item),
            [_item(getattr(item, "typeset", None)), repr(getattr(item, "encrypted", None))],
            getattr(item, "meta", None),
            _tree(getattr(item, "children", None) or []),
        ]
        for item in items
    ]


def _flatten(items) -> list[Any]:  # type: ignore[no-untyped-def]
    flat = []
    for item in items:
        flat.append(item)
        flat.extend(_flatten(getattr(item, "children", None) or []))
    return flat


def _item(item) -> list[Any] | None:  # type: ignore[no-untyped-def]
    if item is None:
        return None
    title = getattr(item, "title", None) or getattr(item, "name", None)
    return [
        type(item).__name__,
        str(title),
        getattr(item, "url", None),
        getattr(item, "is_index", None),
    ]


def _toc(toc) -> list[Any]:  # type: ignore[no-untyped-def]
    return [[i.level, i.id, i.title, i.url, _toc(i.children)] for i in toc]


def _strs(values) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(value) for value in values]


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=repr, ensure_ascii=False)


def on_post_build(config):  # type: ignore[no-untyped-def]
    """Drop the entries of pages this build no longer has (or had in another version)."""
    if _cache is None:
        return
    _cache.search.prune()
    _cache.feed.prune()
    if _cache.output is not None:
        _cache.output.prune()
