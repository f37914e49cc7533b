"""No module-level mutable state: what a run needs (cache folder, calendar, compiled templates,
chart templates, vl-convert renderer) lives in a ``RunContext`` passed down explicitly.

A module may hold constants (UPPER_CASE names; frozensets, tuples, MappingProxyType) and
memoise pure functions of their arguments; it may not keep a ``global`` it rebinds, a mutable
container under a lowercase name, a ContextVar, or a functools cache that is not listed below
with the reason it is pure.
"""

from __future__ import annotations

import ast
import collections
import contextvars
import importlib
import pkgutil
from pathlib import Path

import generator

PACKAGE = Path(generator.__file__).resolve().parent
MUTABLE = (dict, list, set, collections.deque, bytearray, contextvars.ContextVar)

# Memoised functions of immutable arguments only (no configuration, paths or run-time state):
# the same arguments give the same value in any run, so a process-wide cache is safe.
PURE_CACHES = {
    "generator.calendar._built_table": "exchange_calendars' XNYS table of a given day",
    "generator.charts.specs._code_version": "hash of a package folder's code at import",
    "generator.charts.specs._drawn_template": "a chart template of its arguments",
    "generator.pages.render.environment": "the package's own templates, compiled in memory",
    "generator.metrics.common.week_monday": "Monday of a date",
    "generator.metrics.common._as_unit": "a date converted to a numpy unit",
    "generator.metrics.common._monday_day": "Monday of a date as datetime64",
    "generator.metrics.groupstats._resample_counts": "bootstrap draws from a fixed seed",
    "generator.metrics.groupstats._quantile_plan": "quantile positions of a sample size",
    "generator.metrics.codec._fields": "the fields of a record class, fixed once it is defined",
    "generator.metrics.codec._keys": "the JSON keys a record class may hold",
    "generator.metrics.codec._spec_of": "how a field of a type annotation is read and written",
    "generator.metrics.monthly._month_key_table": "month key of every representable day",
    "generator.metrics.rates._change_bases": "calendar arithmetic on a date",
    "generator.metrics.rates._window_start": "calendar arithmetic on a date",
    "generator.metrics.returns.period_boundary": "calendar arithmetic on a date",
    "generator.metrics.returns._earliest_start": "calendar arithmetic on a date",
    "generator.metrics.ratecuts.window_end": "calendar arithmetic on a date",
    "generator.metrics.ratecuts._day_before": "calendar arithmetic on a date",
}


def _modules() -> list[str]:
    names = ["generator"]
    for info in pkgutil.walk_packages([str(PACKAGE)], "generator."):
        if not info.name.endswith("__main__"):
            names.append(info.name)
    return sorted(names)


def _is_constant_name(name: str) -> bool:
    return name.lstrip("_").isupper()


def test_no_module_rebinds_a_global() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Global):
                where = path.relative_to(PACKAGE.parent)
                found.append(f"{where}:{node.lineno}: global {', '.join(node.names)}")
    assert found == []


def test_no_module_holds_mutable_state() -> None:
    found = []
    for name in _modules():
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if attr.startswith("__"):
                continue
            if isinstance(value, MUTABLE) and (
                isinstance(value, contextvars.ContextVar) or not _is_constant_name(attr)
            ):
                found.append(f"{name}.{attr}: {type(value).__name__}")
            owner = getattr(value, "__module__", None)
            if hasattr(value, "cache_info") and owner == name:
                if f"{name}.{attr}" not in PURE_CACHES:
                    found.append(f"{name}.{attr}: functools cache")
    assert found == []


# Module-level containers a function may fill, because it only runs at import time.
FILLED_AT_IMPORT = {
    "generator/cli.py:COMMANDS": "the command table, filled by command() as cli.py is imported",
}
MUTATORS = frozenset(
    {"append", "appendleft", "extend", "insert", "update", "setdefault", "clear", "pop",
     "popitem", "add", "discard", "remove", "sort", "reverse"}
)  # fmt: skip


def _module_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _local_names(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    arguments = function.args
    names = {a.arg for a in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]}
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def _mutated(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Names whose items a function sets or deletes, or on which it calls a mutating method."""
    found = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, (ast.Store, ast.Del)):
            if isinstance(node.value, ast.Name):
                found.add(node.value.id)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in MUTATORS and isinstance(node.func.value, ast.Name):
                found.add(node.func.value.id)
    return found


def test_no_function_fills_a_module_level_container() -> None:
    """Constants stay constant: no function adds to a container bound at module level."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module_names = _module_names(tree)
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for name in (_mutated(node) & module_names) - _local_names(node):
                    where = f"{path.relative_to(PACKAGE.parent)}:{name}"
                    if where not in FILLED_AT_IMPORT:
                        found.append(f"{where} (in {node.name})")
    assert found == []


def test_every_listed_pure_cache_exists() -> None:
    """The list above stays true: a cache removed from the code leaves it too."""
    for dotted in PURE_CACHES:
        module, attr = dotted.rsplit(".", 1)
        assert hasattr(getattr(importlib.import_module(module), attr), "cache_info"), dotted
