"""The package's modules import each other without a cycle.

The graph is read from the source (each module's AST), not from a running interpreter, so it
sees every import: at the top of a module, inside a function (the lazy imports that keep
`generator --help` fast) and a module named by a string (the CLI's command table loads its
command modules with ``importlib``). A cycle hidden in a function import still ties the
modules' order of loading to whichever runs first, and makes the layers impossible to read
top to bottom: the command layer sits above the domain, never below it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "generator"


def module_names(package: Path) -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    names = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names[".".join(parts)] = path
    return names


def imported_modules(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules that ``name`` imports, wherever in it the import is."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, name, is_package)
            for alias in node.names:
                # `from generator import calendar`: the submodule, when it is one
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in modules else base)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add(node.value)  # a module named by a string, imported with importlib
    return {m for m in found if m in modules and m != name and m != "generator"}


def _absolute(node: ast.ImportFrom, name: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    parts = name.split(".")
    keep = len(parts) - node.level + (1 if is_package else 0)
    return ".".join(parts[:keep] + ([node.module] if node.module else []))


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    modules = module_names(package)
    return {name: imported_modules(name, path, modules) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as the list of its modules (first repeated at the end), or None."""
    state: dict[str, str] = {}  # "open" while on the path, "done" once fully explored
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_package_has_no_import_cycle():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_command_layer_sits_on_top():
    """No domain module imports a command module: they parse arguments and map errors."""
    commands = {"generator.cli", "generator.commands", "generator.site_commands"}
    graph = import_graph()
    below = {
        m: sorted(graph[m] & commands) for m in graph if m not in commands | {"generator.__main__"}
    }
    assert {m: c for m, c in below.items() if c} == {}


@pytest.mark.parametrize(
    "graph, cycle",
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
        ({"a": {"b", "c"}, "b": set(), "c": {"c2"}, "c2": {"c"}}, ["c", "c2", "c"]),
    ],
)
def test_find_cycle(graph, cycle):
    assert find_cycle(graph) == cycle


def test_the_graph_sees_function_and_string_imports(tmp_path):
    package = tmp_path / "generator"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "cli.py").write_text('COMMANDS = {"run": "generator.commands"}\n')
    (package / "commands.py").write_text("def run():\n    from generator.weekly import job\n")
    (package / "weekly.py").write_text("from generator import cli\n")
    graph = import_graph(package)
    assert graph == {
        "generator": set(),
        "generator.cli": {"generator.commands"},
        "generator.commands": {"generator.weekly"},
        "generator.weekly": {"generator.cli"},
    }
    assert find_cycle(graph) == [
        "generator.cli",
        "generator.commands",
        "generator.weekly",
        "generator.cli",
    ]
