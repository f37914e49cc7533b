"""Assembling the docs folder MkDocs reads: the project's ``docs/``, then a content folder laid
over it (the sample reports and home page under ``sample/docs``), hard-linked, not copied; then
each report made ready for the build (generator/site_markdown.py): its tables written as HTML,
its files (all but its Markdown) set aside to be published beside the report page after the
build."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from generator.errors import SiteError
from generator.site_markdown import (
    blocks_aside,
    html_divs,
    html_tables,
    markdown_divs,
    sidecar_links,
)

POSTS = Path("blog") / "posts"  # the blog plugin's post_dir: a post there is published
BLOG = Path("blog")  # ... at blog/YYYY/MM/DD/ (post_url_format "{date}")
MARKDOWN_SUFFIX = ".md"  # a report folder's page; every other file in it is a sidecar
BLOCKS_FILE = "index.html.json"  # a report's heavy blocks, beside where its page is built  # chart specs and metrics.json, fetched by relative URL from the post


def assemble_docs(
    project_dir: Path,
    content_dir: Path | None,
    docs_out: Path,
    sidecars_out: Path,
    cache_dir: Path | None = None,
    blocks_out: Path | None = None,
) -> None:
    """Fill ``docs_out`` with the project's docs, then the content folder laid over them; move
    the reports' other files to ``sidecars_out`` (laid out as in the site) and write each
    report's Markdown as the build reads it (kept in ``cache_dir`` by content when given), its
    heavy blocks set aside in ``blocks_out`` when given (``site_post.restore_blocks``)."""
    shutil.rmtree(docs_out, ignore_errors=True)
    shutil.rmtree(sidecars_out, ignore_errors=True)
    if blocks_out is not None:
        shutil.rmtree(blocks_out, ignore_errors=True)
    shutil.copytree(project_dir / "docs", docs_out, copy_function=link_or_copy)
    if content_dir is not None and content_dir.resolve() != (project_dir / "docs").resolve():
        shutil.copytree(content_dir, docs_out, dirs_exist_ok=True, copy_function=link_or_copy)
    used: set[Path] = set()
    if cache_dir is not None:  # entries made by another version of the conversion never match
        cache_dir = cache_dir / _converter_version()
    for page in sorted((docs_out / POSTS).rglob("*.md")):
        names = set_sidecars_aside(page.parent, docs_out, sidecars_out)
        blocks_file = _blocks_file(page, docs_out, blocks_out)
        write_build_markdown(page, names, cache_dir, used, blocks_file, report_key(page, docs_out))
    if cache_dir is not None and cache_dir.is_dir():
        for entry in set(cache_dir.glob("*.md")) - used:
            entry.unlink()  # a report since changed or removed: the cache holds one per report


def set_sidecars_aside(folder: Path, docs_out: Path, sidecars_out: Path) -> set[str]:
    """Move a report folder's files but its Markdown (chart specs, ``metrics.json``, the chart
    data CSV, the SVG charts, the social image) to where the site has them; their names.

    MkDocs publishes a ``.json`` file as a static page at its source path (the blog plugin moves
    only media files with their post), and it copies every other file, byte by byte: some 6,000
    files and 600 MB for 1,000 reports, seconds of a cold build. The build's post-step links
    them beside the report page instead (generator/site_post.py), as it writes the chart
    JavaScript; the report's Markdown links to them in HTML (``sidecar_links``).
    """
    sidecars = sorted(p for p in folder.iterdir() if p.suffix != MARKDOWN_SUFFIX and p.is_file())
    if sidecars:
        target = sidecars_out / BLOG / folder.relative_to(docs_out / POSTS)
        target.mkdir(parents=True, exist_ok=True)
        for path in sidecars:
            os.replace(path, target / path.name)
    return {p.name for p in sidecars}


def report_key(page: Path, docs_out: Path) -> str:
    """A report's name in the placeholders of its blocks: where its page is built."""
    return (BLOG / page.parent.relative_to(docs_out / POSTS)).as_posix()


def _blocks_file(page: Path, docs_out: Path, blocks_out: Path | None) -> Path | None:
    """Where ``page``'s heavy blocks wait for the built page: laid out as the site has it."""
    if blocks_out is None:
        return None
    return blocks_out / BLOG / page.parent.relative_to(docs_out / POSTS) / BLOCKS_FILE


def write_build_markdown(
    page: Path,
    sidecars: set[str],
    cache_dir: Path | None,
    used: set[Path],
    blocks_file: Path | None = None,
    report: str = "",
) -> None:
    """Replace the (linked) report page by its Markdown as the build reads it; the cache entry
    read or written is added to ``used``; with ``blocks_file``, its heavy blocks go there (their
    placeholders name ``report``: ``report_key``)."""
    text = page.read_text(encoding="utf-8")
    built = _cached_build_markdown(text, sidecars, cache_dir, used)
    if blocks_file is not None:
        built, blocks = blocks_aside(built, report)
        if blocks:
            blocks_file.parent.mkdir(parents=True, exist_ok=True)
            blocks_file.write_text(json.dumps(blocks), encoding="utf-8")
    left = markdown_divs(built)
    if left:  # mkdocs.yml loads no md_in_html: MkDocs would publish the box's Markdown as text
        raise SiteError(
            f"{page}: {left[0]!r} holds Markdown the build cannot write as HTML "
            "(a table and a list of plain items only: mkdocs.yml loads no md_in_html)"
        )
    if built == text:
        return
    page.unlink()  # a hard link to the archive's file: never written through
    page.write_text(built, encoding="utf-8")


def _cached_build_markdown(
    text: str, sidecars: set[str], cache_dir: Path | None, used: set[Path]
) -> str:
    """``build_markdown``, read from ``cache_dir`` when this very input was converted before."""
    if cache_dir is None:
        return build_markdown(text, sidecars)
    key = hashlib.sha256("\0".join([text, *sorted(sidecars)]).encode()).hexdigest()
    entry = cache_dir / f"{key}.md"
    used.add(entry)
    if entry.is_file():
        return entry.read_text(encoding="utf-8")
    built = build_markdown(text, sidecars)
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = entry.with_name(f".{entry.name}.{os.getpid()}")
    partial.write_text(built, encoding="utf-8")
    os.replace(partial, entry)
    return built


def _converter_version() -> str:
    """A digest of the conversion's code: a cache entry is reused by the same code only."""
    from generator import site_markdown

    return hashlib.sha256(Path(site_markdown.__file__).read_bytes()).hexdigest()[:16]


def build_markdown(text: str, sidecars: set[str]) -> str:
    """A report's Markdown with its plain tables, its summary box and its links to its files
    (set aside: ``set_sidecars_aside``) in HTML (generator/site_markdown.py)."""
    return sidecar_links(html_divs(html_tables(text)), sidecars)


def link_or_copy(source: str, target: str) -> str:
    """Hard-link ``source`` to ``target`` (a copy across file systems); returns ``target``.

    A 1,000-report archive is some 16,000 files and 700 MB: linking takes a fraction of a second
    where copying takes seconds. The build only reads these files and writes new ones, and
    ``target`` is replaced rather than overwritten, so the archive is never modified through it.
    """
    if os.path.lexists(target):
        os.remove(target)  # a file laid over by the content folder
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
    return target
