"""Build the static site: assemble the docs folder, add the chart JavaScript, run MkDocs strictly.

The docs folder MkDocs reads is assembled in a build folder (default ``.cache/build``, ignored by
git): the project's ``docs/`` (static pages and the committed real reports), then an optional
content folder laid over it (the sample reports and home page under ``sample/docs``). The chart
JavaScript, generated from the installed package, is written into the built site. So building
never writes into ``docs/``, the JavaScript is never committed, and the sample site leaves the
git tree clean. The site is
built into a temp folder and renamed into place: a failed build leaves the old site as it was.

Files are hard-linked into the build folder rather than copied (a 1,000-report archive is some
16,000 files), and the build folder keeps the hooks' cache (``cache/pages``) through which
unchanged reports reuse their HTML, page file and search entries from the previous build
(overrides/hooks/render_cache.py, output_cache.py). MkDocs runs in the build folder with paths
relative to it, so the same project builds the same config wherever the build folder is.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from generator.errors import GeneratorError

if TYPE_CHECKING:
    from generator.runcontext import RunContext

log = logging.getLogger(__name__)
CONFIG_FILE = "mkdocs.yml"
JS_DIR = Path("assets") / "javascripts" / "charts"
BUILD_DIR = Path(".cache") / "build"
RENDER_CACHE_ENV = "SMALLCAP_RENDER_CACHE"


class SiteError(GeneratorError):
    """MkDocs failed or warned (strict build)."""


@dataclass(frozen=True)
class SiteBuild:
    site_dir: Path
    pages: int
    bytes: int


def assemble_docs(project_dir: Path, content_dir: Path | None, docs_out: Path) -> None:
    """Fill ``docs_out`` with the project's docs, then the content folder laid over them."""
    shutil.rmtree(docs_out, ignore_errors=True)
    shutil.copytree(project_dir / "docs", docs_out, copy_function=link_or_copy)
    if content_dir is not None and content_dir.resolve() != (project_dir / "docs").resolve():
        shutil.copytree(content_dir, docs_out, dirs_exist_ok=True, copy_function=link_or_copy)


def chart_scripts() -> list[str]:
    """The chart JavaScript's paths in the site, in load order (written by ``build_site``)."""
    from generator.charts.assets import BUNDLE_FILE, SCRIPT_FILE

    return [(JS_DIR / name).as_posix() for name in (BUNDLE_FILE, SCRIPT_FILE)]


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


def build_config(
    project_dir: Path,
    docs_dir: Path,
    site_dir: Path,
    scripts: list[str],
    cache_dir: Path,
    site_url: str | None = None,
) -> dict[str, Any]:
    """The project's mkdocs.yml with the given folders and the generated scripts added.

    ``build_site`` gives the folders relative to the build folder, where MkDocs runs, so the
    config is the same wherever the build folder is: the cache entries' keys include it.
    """
    config = yaml.safe_load((project_dir / CONFIG_FILE).read_text(encoding="utf-8"))
    if site_url:
        config["site_url"] = site_url
    config["docs_dir"] = str(docs_dir)
    config["site_dir"] = str(site_dir)
    theme = config.setdefault("theme", {})
    if theme.get("custom_dir"):
        theme["custom_dir"] = str((project_dir / theme["custom_dir"]).resolve())
    config["hooks"] = [str((project_dir / hook).resolve()) for hook in config.get("hooks", [])]
    config["extra_javascript"] = [*config.get("extra_javascript", []), *scripts]
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and "rss" in plugin:
            plugin["rss"]["cache_dir"] = str(cache_dir / "rss")
    return config


def build_site(
    project_dir: Path,
    site_dir: Path,
    *,
    content_dir: Path | None = None,
    build_dir: Path | None = None,
    site_url: str | None = None,
    render_cache: Path | None = None,
    js_alongside: bool = True,
    run: RunContext | None = None,
) -> SiteBuild:
    """Build the site into ``site_dir`` with ``mkdocs build --strict``; SiteError on any warning.

    ``site_url`` overrides mkdocs.yml's: Material's instant navigation only follows links whose
    host and path match it, so a local preview is built for the address it is served from.
    ``render_cache`` is the folder of the hooks' cache (default: ``cache/pages`` in the build
    folder); a caller whose build folder is temporary keeps it elsewhere to build warm.
    ``js_alongside`` generates the Vega bundle (when the cache folder does not keep it: some 4 s
    and 150 MB in vl-convert's process) while MkDocs runs, rather than before it: faster, but
    the two processes' memory adds up. ``run`` keeps the bundle in its cache folder and starts
    the renderer that builds it (None: built by a vl-convert process, kept nowhere).
    """
    from generator.charts.assets import bundle_text, write_js_bundle

    project_dir = Path(project_dir).resolve()
    build_dir = Path(build_dir or project_dir / BUILD_DIR).resolve()
    site_dir = Path(site_dir).resolve()
    docs_out, site_tmp = build_dir / "docs", build_dir / "site"
    build_dir.mkdir(parents=True, exist_ok=True)
    # Generating the Vega bundle takes vl-convert some 4 s in its own process (unless kept in
    # the cache folder); MkDocs only links to it, so it is written into the site afterwards.
    with ThreadPoolExecutor(max_workers=1) as pool:
        bundle = pool.submit(bundle_text, run)
        if not js_alongside:
            bundle.result()
        assemble_docs(project_dir, content_dir and Path(content_dir), docs_out)
        relative = [Path(p.name) for p in (docs_out, site_tmp)]
        config = build_config(project_dir, *relative, chart_scripts(), Path("cache"), site_url)
        config_path = build_dir / CONFIG_FILE
        config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        shutil.rmtree(site_tmp, ignore_errors=True)
        _run_mkdocs(config_path, Path(render_cache or build_dir / "cache" / "pages").resolve())
        write_js_bundle(site_tmp / JS_DIR, bundle.result())
    replace_dir(site_tmp, site_dir)
    return _summary(site_dir)


def _run_mkdocs(config_path: Path, render_cache: Path) -> None:
    """Run MkDocs in the config's folder (its paths are relative to it); SiteError on a warning."""
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",  # mkdocs-material's banner is not a warning
        RENDER_CACHE_ENV: str(render_cache),  # overrides/hooks/render_cache.py
    }
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config_path)]
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=config_path.parent, check=False
    )
    problems = [
        line
        for line in done.stderr.splitlines()
        if line.startswith(("WARNING", "ERROR", "Error", "Aborted")) or "Traceback" in line
    ]
    if done.returncode != 0 or problems:
        detail = "; ".join(problems) or done.stderr.strip().splitlines()[-1:]
        raise SiteError(f"mkdocs build --strict failed ({config_path}): {detail}")


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
