"""MkDocs hook: keep the blog plugin's work per post constant as the archive grows.

mkdocs-material's blog plugin asks ``page in self.blog.posts`` twice for every page of the site
(``on_page_markdown`` and ``on_page_content``). That is a list scan comparing pages with
``Page.__eq__`` (title and file), so a 1,000-report site makes some three million comparisons,
about 5 s. The list is swapped here, after the plugin built it, for one that answers ``in`` from
a set of the posts' ids. It answers the same: the blog's pages are distinct objects with distinct
files, so a page equals a post only if it is that post; a post object that is not in the list
(a draft) still gets the list's own scan, so even an equal copy is found as before.

Reading a post's front matter goes through PyYAML's pure-Python ``SafeLoader`` (about 2 ms a
post); when PyYAML has its libyaml binding, the plugin's post loader uses ``CSafeLoader``
instead: the same constructor and resolver (so the same values), with libyaml's scanner.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import yaml
from material.plugins.blog import structure
from material.plugins.blog.plugin import BlogPlugin
from material.plugins.blog.structure import Post
from mkdocs.plugins import event_priority

if getattr(yaml, "__with_libyaml__", False):
    structure.SafeLoader = yaml.CSafeLoader  # the name Post.__init__ loads front matter with


class PostList(list):
    """The blog's posts, answering ``post in posts`` from a set of ids."""

    def __init__(self, posts: Iterable[Any] = ()) -> None:
        super().__init__(posts)
        self._refresh()

    def _refresh(self) -> None:
        self._ids = frozenset(map(id, self))

    def __contains__(self, item: object) -> bool:
        # Only a Post can equal a post (Page.__eq__ checks the class first).
        return id(item) in self._ids or (isinstance(item, Post) and super().__contains__(item))


def _refreshing(name: str):  # type: ignore[no-untyped-def]
    """``list.<name>``, then the id set made anew: the list stays right if a plugin edits it."""
    method = getattr(list, name)

    def mutate(self: PostList, *args: Any, **kwargs: Any) -> Any:
        result = method(self, *args, **kwargs)
        self._refresh()
        return result

    mutate.__name__ = name
    return mutate


for _name in (
    "append",
    "extend",
    "insert",
    "remove",
    "pop",
    "clear",
    "sort",
    "reverse",
    "__setitem__",
    "__delitem__",
    "__iadd__",
    "__imul__",
):
    setattr(PostList, _name, _refreshing(_name))


@event_priority(-100)  # after the blog's on_files (-50), which sorts the posts into a new list
def on_files(files, config):  # type: ignore[no-untyped-def]
    for plugin in config.plugins.values():
        if isinstance(plugin, BlogPlugin) and plugin.config.enabled:
            old, new = plugin.blog.posts, PostList(plugin.blog.posts)
            for page in plugin.blog.pages:  # the index's paginated views share its list
                if page.posts is old:
                    page.posts = new
            plugin.blog.posts = new
    return files
