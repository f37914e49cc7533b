"""Build the static site: assemble the docs folder, add the chart JavaScript, run MkDocs strictly.

The steps live in a module each: ``site_docs`` (assembling the docs folder), ``site_config``
(the mkdocs.yml the build runs with), ``site_js`` (the chart JavaScript, generated in a thread),
``mkdocs_run`` (running MkDocs and reading its log); this module runs them in order and puts the
built site in place.

The docs folder MkDocs reads is assembled in a build folder (default ``.cache/build``, ignored by
git): the project's ``docs/`` (static pages and the committed real reports), then an optional
content folder laid over it (the sample reports and home page under ``sample/docs``). The chart
JavaScript, generated from the installed package, is written into the built site. So building
never writes into ``docs/``, the JavaScript is never committed, and the sample site leaves the
git tree clean. The site is
built into a temp folder and renamed into place: a failed build leaves the old site as it was.

Files are hard-linked into the build folder rather than copied (a 1,000-report archive is some
16,000 files). Each report page is then written as the build reads it (``site_docs``,
``site_markdown``): its tables of plain cells already in HTML, so Python-Markdown passes them
through (the longest part of converting a report), and its other files (chart specs,
``metrics.json``, the chart data CSV, SVG charts, social image) set aside and linked beside the
report page after the build (``site_post``), rather than copied by MkDocs.
MkDocs itself runs with its public configuration only, no hooks: a plain ``mkdocs build`` of the
assembled folder gives the same pages (tests/test_site_build.py). MkDocs runs in the build folder
with paths relative to it, so the same project builds the same config wherever the build folder
is.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from generator import mkdocs_run
from generator.errors import SiteError
from generator.site_config import CONFIG_FILE, build_config
from generator.site_docs import assemble_docs
from generator.site_js import bundle_in_background, chart_scripts, write_bundle
from generator.site_post import (
    absolute_feed_images,
    measure_enclosures,
    publish_sidecars,
    restore_blocks,
)
from generator.week_links import add_week_links

__all__ = ["BUILD_DIR", "SiteBuild", "SiteError", "build_site", "replace_dir"]

if TYPE_CHECKING:
    from jinja2 import Environment

    from generator.runcontext import RunContext

log = logging.getLogger(__name__)
BUILD_DIR = Path(".cache") / "build"


@dataclass(frozen=True)
class SiteBuild:
    site_dir: Path
    pages: int
    bytes: int


def build_site(
    project_dir: Path,
    site_dir: Path,
    *,
    content_dir: Path | None = None,
    build_dir: Path | None = None,
    site_url: str | None = None,
    markdown_cache: Path | None = None,
    js_alongside: bool = True,
    run: RunContext | None = None,
) -> SiteBuild:
    """Build the site into ``site_dir`` with ``mkdocs build --strict``; SiteError on any warning.

    ``site_url`` overrides mkdocs.yml's: Material's instant navigation only follows links whose
    host and path match it, so a local preview is built for the address it is served from.
    ``markdown_cache`` keeps the reports' Markdown as the build reads it, by content (default:
    ``cache/markdown`` in the build folder); a caller whose build folder is temporary keeps it
    elsewhere.
    ``js_alongside`` generates the Vega bundle (when the cache folder does not keep it: some 4 s
    and 150 MB in vl-convert's process) while MkDocs runs, rather than before it: faster, but
    the two processes' memory adds up. ``run`` keeps the bundle in its cache folder and starts
    the renderer that builds it (None: built by a vl-convert process, kept nowhere).
    """
    project_dir = Path(project_dir).resolve()
    build_dir = Path(build_dir or project_dir / BUILD_DIR).resolve()
    site_dir = Path(site_dir).resolve()
    docs_out, site_tmp, sidecars, blocks = (
        build_dir / name for name in ("docs", "site", "sidecars", "blocks")
    )
    build_dir.mkdir(parents=True, exist_ok=True)
    markdown_cache = Path(markdown_cache or build_dir / "cache" / "markdown").resolve()
    # Generating the Vega bundle takes vl-convert some 4 s in its own process (unless kept in
    # the cache folder); MkDocs only links to it, so it is written into the site afterwards.
    with bundle_in_background(js_alongside, run) as bundle:
        assemble_docs(
            project_dir, content_dir and Path(content_dir), docs_out, sidecars, markdown_cache,
            blocks,
        )  # fmt: skip
        add_week_links(docs_out, _pages_env(run))
        relative = [Path(p.name) for p in (docs_out, site_tmp)]
        config = build_config(project_dir, *relative, chart_scripts(), Path("cache"), site_url)
        config_path = build_dir / CONFIG_FILE
        config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        shutil.rmtree(site_tmp, ignore_errors=True)
        mkdocs_run.run_mkdocs(config_path)
        restore_blocks(blocks, site_tmp)
        publish_sidecars(sidecars, site_tmp)
        measure_enclosures(site_tmp, config.get("site_url") or "")
        absolute_feed_images(site_tmp)
        write_bundle(site_tmp, bundle.result())
    replace_dir(site_tmp, site_dir)
    return _summary(site_dir)


def _pages_env(run: RunContext | None) -> Environment:
    """The run's compiled templates, or the package's own."""
    from generator.pages.render import environment

    return environment() if run is None else run.pages


def replace_dir(new: Path, target: Path) -> None:
    """Put the folder ``new`` in place of ``target``; the old one is removed only afterwards."""
    target.parent.mkdir(parents=True, exist_ok=True)
    new = _beside(new, target)
    old = target.with_name(f".{target.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        os.replace(target, old)
    try:
        os.replace(new, target)
    except OSError:
        if old.exists():
            os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _beside(folder: Path, target: Path) -> Path:
    """``folder`` itself when it can be renamed onto ``target``, else a copy next to it.

    A rename cannot cross filesystems (a cache folder on another disk): copy first.
    """
    if folder.stat().st_dev == target.parent.stat().st_dev:
        return folder
    copy = target.with_name(f".{target.name}.new")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(folder, copy)
    shutil.rmtree(folder, ignore_errors=True)
    return copy


def _summary(site_dir: Path) -> SiteBuild:
    files = [p for p in site_dir.rglob("*") if p.is_file()]
    pages = sum(1 for p in files if p.name == "index.html")
    return SiteBuild(site_dir, pages, sum(p.stat().st_size for p in files))
