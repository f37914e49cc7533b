"""A project of the tests' own: the repository's configuration, theme and static pages, nothing
the generator writes.

Tests never read the repository's store (``data/``), archive (``docs/blog/posts/``) or generated
home page (``docs/index.md``): in a fork those hold the real reports the weekly job commits, so a
site built from the repository's own ``docs/`` would list them beside the test's reports. Every
site a test builds is built from a copy made here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT_FILES = ("mkdocs.yml", "smallcap.toml")
# The theme and the hooks; the report templates load from the installed package instead.
PROJECT_FOLDERS = ("overrides",)
# What the generator writes under docs/ (the chart JavaScript is generated too, and ignored by git).
GENERATED_DOCS = ("blog/posts", "index.md", "assets/charts")
# The home page of a project that has published nothing (write_home replaces it).
EMPTY_HOME = """\
---
title: Small-Cap Weekly
---

# Small-Cap Weekly

No report has been published yet. The [reports archive](blog/index.md) lists every week.
"""


def make_project(root: Path, source: Path = ROOT) -> Path:
    """``root`` made a project with ``source``'s configuration, theme and static pages and an
    empty archive (``source``'s store, reports and home page are never copied)."""
    root.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        shutil.copy2(source / name, root / name)
    for name in PROJECT_FOLDERS:
        shutil.copytree(source / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    docs = source / "docs"
    shutil.copytree(docs, root / "docs", ignore=_generated_in(docs))
    (root / "docs" / "index.md").write_text(EMPTY_HOME, encoding="utf-8")
    return root


def _generated_in(docs: Path):  # type: ignore[no-untyped-def] - shutil's ignore signature
    """A copytree ``ignore`` that leaves out the generated paths under ``docs``."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        here = Path(folder).relative_to(docs)
        return {name for name in names if (here / name).as_posix() in GENERATED_DOCS}

    return ignore
