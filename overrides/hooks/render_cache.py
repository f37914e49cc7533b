"""MkDocs hook: reuse the HTML of reports whose Markdown has not changed since the last build.

Converting a report's Markdown to HTML (dense tables: some 1,100 elements walked by a dozen
Python-Markdown processors) costs about 50 ms, most of the build time of a 1,000-report site.
Archived reports are immutable, so a weekly build converts the new report only: the HTML, table
of contents and anchor ids of every report page are kept in a folder, keyed by a hash of
everything the conversion depends on (the Markdown after the other plugins, the page's source
and URL, the files of its folder, the Markdown settings, the library versions, this hook). On a
hit only the excerpt is converted (the blog's listings and the feeds use it) and the rest is
restored; every other plugin and the theme run as usual.

Enabled when the environment names the folder (``SMALLCAP_RENDER_CACHE``, set by
generator/site.py for its MkDocs subprocess); entries no page used are removed after a build.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority
from mkdocs.structure.toc import AnchorLink, get_toc

ENV = "SMALLCAP_RENDER_CACHE"
POSTS = "blog/posts/"
SEPARATOR = "<!-- more -->"  # the blog plugin's post_excerpt_separator
PACKAGES = ("mkdocs", "markdown", "mkdocs-material", "pymdown-extensions")


@dataclass
class _Cache:
    folder: Path
    salt: str
    hits: dict[str, dict[str, Any]] = field(default_factory=dict)  # src_uri -> entry
    misses: dict[str, str] = field(default_factory=dict)  # src_uri -> key
    used: set[str] = field(default_factory=set)


# MkDocs loads a hook as a module, so one build's state lives here; on_config resets it.
_cache: _Cache | None = None


def on_config(config):  # type: ignore[no-untyped-def]
    global _cache
    folder = os.environ.get(ENV)
    _cache = _Cache(Path(folder), _salt(config)) if folder else None
    if _cache is not None:
        _cache.folder.mkdir(parents=True, exist_ok=True)
    return config


def _salt(config) -> str:  # type: ignore[no-untyped-def]
    """What every page's conversion depends on besides the page itself."""
    extensions = [
        e if isinstance(e, str) else type(e).__qualname__ for e in config.markdown_extensions
    ]
    parts = [
        *(f"{name}=={version(name)}" for name in PACKAGES),
        repr(extensions),
        repr(sorted((k, repr(v)) for k, v in (config.mdx_configs or {}).items())),
        repr(config.use_directory_urls),
        hashlib.sha256(Path(__file__).read_bytes()).hexdigest(),
    ]
    return "\n".join(parts)


@event_priority(-100)  # after every other plugin changed the Markdown (the blog runs at -50)
def on_page_markdown(markdown, page, config, files):  # type: ignore[no-untyped-def]
    if _cache is None or not page.file.src_uri.startswith(POSTS) or SEPARATOR not in markdown:
        return markdown
    key = _key(_cache.salt, page, markdown)
    _cache.used.add(key)
    path = _cache.folder / f"{key}.json"
    if not path.is_file():
        _cache.misses[page.file.src_uri] = key
        return markdown
    _cache.hits[page.file.src_uri] = json.loads(path.read_text(encoding="utf-8"))
    return markdown.split(SEPARATOR, 1)[0] + SEPARATOR  # the excerpt, still converted


def _key(salt: str, page, markdown: str) -> str:  # type: ignore[no-untyped-def]
    folder = os.path.dirname(page.file.abs_src_path)
    digest = hashlib.sha256()
    for part in (salt, page.file.src_uri, page.url, *sorted(os.listdir(folder)), markdown):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


@event_priority(100)  # first, so every other plugin sees the whole page
def on_page_content(html, page, config, files):  # type: ignore[no-untyped-def]
    if _cache is None:
        return html
    entry = _cache.hits.pop(page.file.src_uri, None)
    if entry is not None:
        page.toc = get_toc(entry["toc"])
        page.present_anchor_ids = set(entry["anchors"])
        page._title_from_render = entry["title"]
        return entry["html"]
    key = _cache.misses.pop(page.file.src_uri, None)
    if key is not None:
        entry = {
            "html": html,
            "toc": [_token(item) for item in page.toc],
            "anchors": sorted(page.present_anchor_ids or ()),
            "title": page._title_from_render,
        }
        _write_atomic(_cache.folder / f"{key}.json", json.dumps(entry))
    return html


def _token(item: AnchorLink) -> dict[str, Any]:
    """The Python-Markdown toc token MkDocs built ``item`` from (see mkdocs.structure.toc)."""
    children = [_token(child) for child in item.children]
    return {"level": item.level, "id": item.id, "name": item.title, "children": children}


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def on_post_build(config):  # type: ignore[no-untyped-def]
    """Drop the entries of pages this build no longer has (or had in another version)."""
    if _cache is None:
        return
    for path in _cache.folder.glob("*.json"):
        if path.stem not in _cache.used:
            path.unlink(missing_ok=True)
