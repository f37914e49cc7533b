"""The site builds through public interfaces only (issue 15): no code of the project imports a
private name from MkDocs, Material, Python-Markdown or the RSS plugin, assigns to their modules'
or classes' attributes, or forks inside MkDocs; mkdocs.yml lists only hooks that exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("mkdocs", "material", "markdown", "mkdocs_rss_plugin")
# The issue's own check, as written in its "Done when".
PRIVATE_IMPORT = re.compile(
    r"from (mkdocs|material|markdown|mkdocs_rss_plugin)[a-zA-Z_.]* import .*\b_[a-z]"
)
SOURCES = sorted([*ROOT.glob("overrides/**/*.py"), *ROOT.glob("generator/**/*.py")])


def _their_names(tree: ast.Module) -> set[str]:
    """Names bound in a module to those packages or to anything imported from them."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in PACKAGES:
                    names.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in PACKAGES:
            names.update(alias.asname or alias.name for alias in node.names)
    return names


def _assigned_attributes(tree: ast.Module, names: set[str]) -> list[str]:
    """``name.attr = ...`` (or setattr(name, ...)) for a name bound to those packages."""
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "setattr":
            targets = node.args[:1]
            if targets and isinstance(targets[0], ast.Name) and targets[0].id in names:
                found.append(f"line {node.lineno}: setattr({targets[0].id}, ...)")
            continue
        for target in targets:
            base = target
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(target, ast.Attribute) and isinstance(base, ast.Name):
                if base.id in names:
                    found.append(f"line {node.lineno}: {ast.unparse(target)}")
    return found


def test_no_private_name_is_imported_from_mkdocs_material_markdown_or_the_rss_plugin() -> None:
    hits = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in SOURCES
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if PRIVATE_IMPORT.search(line)
    ]
    assert hits == []


def test_no_private_name_of_theirs_is_read_through_a_module() -> None:
    """``import mkdocs.commands.build as b; b._build_page``: the grep above cannot see it."""
    problems = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = _their_names(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                private = node.attr.startswith("_") and not node.attr.startswith("__")
                if private and node.value.id in names:
                    problems.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    assert problems == []


def test_nothing_is_assigned_to_their_modules_or_classes() -> None:
    problems = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for problem in _assigned_attributes(tree, _their_names(tree)):
            problems.append(f"{path.relative_to(ROOT)} {problem}")
    assert problems == []


def test_no_hook_forks_or_leaves_without_cleaning_up() -> None:
    for path in ROOT.glob("overrides/**/*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\bos\.(fork|_exit)\b|multiprocessing|atexit", text), path


def test_the_listed_hooks_exist() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    hooks = config.get("hooks", [])
    assert hooks == ["overrides/hooks/post_excerpts.py"]
    assert all((ROOT / hook).is_file() for hook in hooks)
