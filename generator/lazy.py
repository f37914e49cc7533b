"""Modules imported on first use.

Altair (with jsonschema) takes about 0.4 s to import, and a report process needs it only to draw
a chart template that is not cached yet (``charts.specs``), so the chart modules import it
through ``lazy_module``: the module object exists at once and is executed on the first attribute
read.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """Module ``name``, executed when one of its attributes is first read (stdlib LazyLoader)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
