"""MkDocs hook: build the site's pages on two cores.

MkDocs builds its pages one after the other: each page's context, the plugins' page context
(the blog renders a listing's excerpts there, the search plugin indexes the page), the template,
the file. On a 1,000-report site that is some 25 s, the archive and category listings alone 14 s.
When MkDocs starts on its first page, a helper process is forked (``Ahead`` in cachefolder.py)
that builds the pages from the last one backwards, each by MkDocs' own ``_build_page`` with the
arguments MkDocs passes, writing its file into the site; MkDocs goes forwards and skips the pages
the helper has built. The two stop where they meet; MkDocs waits for the page the helper is on.

A page's building changes nothing another page's building reads: it sets the page (and its
navigation) active and back, renders the excerpts its listing shows, and adds the page to the
search index. So the helper, a copy of MkDocs as it was at the first page, builds each page as
MkDocs would have. What the building leaves behind besides the file comes back with the page:
the search entries it added, which MkDocs adds in page order, and the cache entries it used
(cachefolder.py), which are then kept. A page whose building warned or failed comes back empty:
MkDocs builds it again and reports it. The site tests build with and without this hook and
compare every file byte for byte.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mkdocs.commands.build as mkdocs_build
from cachefolder import Ahead, cores, mark_used, use_marks, used_since, warning_count
from material.plugins.search.plugin import SearchPlugin
from mkdocs.plugins import event_priority

MIN_PAGES = 32  # pages to build before a second process pays for its fork
WAIT = 0.002  # seconds between looks while the helper finishes the page MkDocs reached


@dataclass
class _Split:
    search_plugin: SearchPlugin | None
    search: Any | None = None  # its index, as the first page finds it
    handed: Path | None = None  # the helper's files: <position>.json per page it built
    ahead: Ahead | None = None
    positions: dict[int, int] | None = None  # id(page) -> position in MkDocs' order
    marks: dict[str, int] | None = None  # in the helper: the cache uses already handed back


# MkDocs loads a hook as a module, so one build's state lives here; on_config resets it.
_split: _Split | None = None


def _build_page(page, config, doc_files, nav, env, dirty=False, excluded=False):  # type: ignore[no-untyped-def]
    """MkDocs' ``_build_page``, skipping the pages the helper built."""
    build = _build_page.__wrapped__  # type: ignore[attr-defined]
    split = _split
    if split is None:
        return build(page, config, doc_files, nav, env, dirty, excluded)
    if split.positions is None:
        _start(split, (config, doc_files, nav, env, dirty))
    position = (split.positions or {}).get(id(page))
    if split.ahead is not None and position is not None and _take(split, position):
        return None
    return build(page, config, doc_files, nav, env, dirty, excluded)


_build_page.__wrapped__ = getattr(mkdocs_build._build_page, "__wrapped__", mkdocs_build._build_page)  # type: ignore[attr-defined]


def _start(split: _Split, args: tuple[Any, ...]) -> None:
    """Fork the helper at MkDocs' first page, when there are enough pages and two cores."""
    doc_files = args[1]
    pages = [file.page for file in doc_files]
    split.positions = {id(page): i for i, page in enumerate(pages)}
    if len(pages) < MIN_PAGES or cores() < 2:
        return
    if split.search_plugin is not None:
        split.search = split.search_plugin.search_index  # search_prose.py's, by now
    split.marks = use_marks()
    split.handed = Path(tempfile.mkdtemp(prefix="mkdocs-pages-"))
    split.ahead = Ahead(len(pages), lambda i: _build_ahead(split, doc_files[i], args))


def _build_ahead(split: _Split, file, args: tuple[Any, ...]) -> None:  # type: ignore[no-untyped-def]
    """In the helper: build the page as MkDocs would, then hand back what it left behind."""
    assert split.handed is not None and split.positions is not None
    config, doc_files, nav, env, dirty = args
    warnings = warning_count()
    before, entries = warnings.count, _entry_count(split)
    _build_page.__wrapped__(  # type: ignore[attr-defined]
        file.page, config, doc_files, nav, env, dirty, excluded=file.inclusion.is_excluded()
    )
    if warnings.count != before:
        return  # MkDocs builds it again and reports the warning
    assert split.marks is not None
    back = {
        "search": split.search.entries[entries:] if split.search is not None else [],
        "used": used_since(split.marks),
    }
    split.marks = use_marks()
    position = split.positions[id(file.page)]
    path = split.handed / f"{position}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(back), encoding="utf-8")
    os.replace(tmp, path)  # complete, or absent


def _entry_count(split: _Split) -> int:
    return len(split.search.entries) if split.search is not None else 0


def _take(split: _Split, position: int) -> bool:
    """Whether the helper built the page at ``position``; if so, add what it left behind."""
    assert split.ahead is not None and split.handed is not None
    split.ahead.reached(position)
    path = split.handed / f"{position}.json"
    while not path.exists() and split.ahead.helper_on(position):
        time.sleep(WAIT)
    try:
        back = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    if split.search is not None:
        split.search.entries.extend(back["search"])
    mark_used(back["used"])
    return True


def on_config(config):  # type: ignore[no-untyped-def]
    global _split
    _stop()
    search = [
        p for p in config.plugins.values() if isinstance(p, SearchPlugin) and p.config.enabled
    ]
    _split = _Split(search[0] if search else None)
    mkdocs_build._build_page = _build_page
    return config


def _stop() -> None:
    if _split is not None and _split.ahead is not None:
        _split.ahead.stop()
        _split.ahead = None
    if _split is not None and _split.handed is not None:
        shutil.rmtree(_split.handed, ignore_errors=True)
        _split.handed = None


@event_priority(100)  # first: every page is back before the caches prune what was not used
def on_post_build(config):  # type: ignore[no-untyped-def]
    _stop()


def on_build_error(error):  # type: ignore[no-untyped-def]
    _stop()
