"""Rendering: the Jinja environment (strict, escaping) and the report and home page Markdown."""

from __future__ import annotations

import html
import os
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import (
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
)
from jinja2.bccache import Bucket
from markupsafe import Markup

from generator.atomic import create_temp_file
from generator.errors import DataError
from generator.metrics.schema import Document
from generator.pages.context import (
    ChartView,
    PreviousReport,
    build_home_context,
    build_report_context,
)
from generator.pages.feed_filters import FEED_FILTERS
from generator.pages.filters import FILTERS, TESTS, md_text

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
METRICS_FILE = "metrics.json"
DATA_FILE = "chart-data.csv"
DEFAULT_DOWNLOADS = (METRICS_FILE, DATA_FILE)


def _finalize(value: Any) -> Any:
    """Every ``{{ }}`` output that no filter marked safe becomes inert Markdown text."""
    return value if isinstance(value, Markup) else md_text(value)


class _CompiledTemplates(FileSystemBytecodeCache):
    """Jinja's folder cache, but its files get the umask's mode like every file the generator
    writes (Jinja writes them through NamedTemporaryFile, which makes them private)."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        target = Path(self.directory) / (self.pattern % (bucket.key,))
        try:
            fd, tmp = create_temp_file(target)
        except OSError:
            return  # no cache entry only costs compiling again
        try:
            with os.fdopen(fd, "wb") as handle:
                bucket.write_bytecode(handle)
            os.replace(tmp, target)
        except OSError:
            tmp.unlink(missing_ok=True)


def pages_environment(
    templates_dir: Path = TEMPLATES_DIR, compiled_dir: Path | None = None
) -> Environment:
    """A new environment: missing values fail, text is escaped, output is deterministic.

    ``compiled_dir`` keeps compiled templates between processes (Jinja's bytecode cache; a run
    passes its cache folder's): compiling the report's templates takes a few tenths of a second,
    a good part of one report's time. None: in memory only.
    """
    cache = None
    if compiled_dir is not None:
        try:
            Path(compiled_dir).mkdir(parents=True, exist_ok=True)
            cache = _CompiledTemplates(str(compiled_dir))
        except OSError:
            cache = None  # no cache only costs the compiling
    env = Environment(
        loader=FileSystemLoader(str(templates_dir)),
        bytecode_cache=cache,
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    env.filters.update(FILTERS)
    env.filters.update(FEED_FILTERS)
    env.tests.update(TESTS)
    return env


# Pure memoisation: the package's own templates compiled in memory, for callers without a run
# (library use, tests); it depends on no path or setting given at run time.
@lru_cache(maxsize=1)
def environment() -> Environment:
    """The environment of the package's templates, without a folder cache (one per process)."""
    return pages_environment()


def _render(name: str, ctx: Mapping[str, Any], env: Environment | None) -> str:
    try:
        text = (env or environment()).get_template(name).render(ctx=ctx, **ctx)
    except TemplateNotFound as exc:
        raise DataError(f"{TEMPLATES_DIR / exc.name}: template not found") from None
    return _tidy(text)


def _tidy(text: str) -> str:
    """At most one blank line in a row and one final newline (templates stay readable)."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n") + "\n"


def render_report(
    doc: Document,
    charts: Mapping[str, ChartView],
    *,
    sample: bool,
    downloads: Sequence[str] = DEFAULT_DOWNLOADS,
    env: Environment | None = None,
    social_image: bool = False,
) -> str:
    """The report page (a blog post, front matter included) of one metrics document (``env``:
    the run's ``RunContext.pages``; None: ``environment()``; ``social_image``: whether the
    folder holds SOCIAL_FILE, the page's social and feed image)."""
    ctx = build_report_context(doc, charts, sample=sample, social_image=social_image)
    page = {**ctx, "downloads": list(downloads), "data_file": DATA_FILE}
    return _render("report.md.j2", page, env)


def report_title(doc: Document, env: Environment | None = None) -> str:
    """A report's title as plain text (entities decoded), as its page heads it."""
    ctx = build_report_context(doc, {}, sample=doc.sample)
    return html.unescape(_render("partials/title.txt.j2", ctx, env).strip())


def render_home(
    doc: Document,
    charts: Mapping[str, ChartView],
    *,
    sample: bool,
    report_url: str,
    asset_prefix: str,
    report_count: int,
    env: Environment | None = None,
    previous: Sequence[PreviousReport] = (),
) -> str:
    """The home page: the latest report's headline, narrative and key charts, with links.

    ``report_url`` is the report's Markdown path relative to the docs root (MkDocs resolves
    it); ``asset_prefix`` is the folder of its sidecar files relative to the site root;
    ``previous``: the earlier reports it links, newest first.
    """
    ctx = build_report_context(doc, charts, sample=sample)
    home = build_home_context(ctx, report_url, asset_prefix, previous)
    page = {**home, "report_count": report_count, "data_file": DATA_FILE}
    return _render("home.md.j2", page, env)
