"""Chart specs from frames: each chart is drawn by Altair once per shape, then filled per week.

Drawing a chart with Altair and validating it against the Vega-Lite schema takes 0.1-0.3 s, and
only the data and the description change from week to week (a history chart's data is in
``chart-data.csv``, so its template only changes description). ``build_chart`` therefore draws a
*template* once per process for each (chart, data shape, display names, sample flag) with
placeholder data, validates it, and fills in the week's CSV text, dataset names and description
(about a millisecond). ``build_chart_direct`` is the plain Altair build of the same spec; the
tests check that both give byte-identical JSON.

A run's ``ChartTemplates`` (``RunContext.chart_templates``) with a cache folder (the CLI's) also
keeps templates there as JSON files named by a hash of their arguments, of the code of the whole
``generator/charts/`` package and of the Altair version, so a new process (one weekly report)
neither imports Altair nor draws anything. A cache file that cannot be read is drawn again and
replaced.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from generator.charts.assets import write_text_atomic
from generator.charts.builders import Table, dataset_name, finish, full_description, table_of
from generator.charts.catalogue import CHARTS, ChartDef
from generator.charts.datafile import DATA_FILE, TextCache, file_tables


@dataclass(frozen=True)
class Template:
    """A validated spec drawn from placeholder tables; ``slots`` maps its dataset names to the
    index of the table whose values belong there."""

    spec: dict[str, Any]
    slots: dict[str, int]


def _chart(name: str) -> ChartDef:
    if name not in CHARTS:
        raise ValueError(f"unknown chart {name!r}; allowed: {', '.join(CHARTS)}")
    return CHARTS[name]


def _placeholder(index: int) -> str:
    return f"@table {index}@"


# The package whose code draws the templates: every module of it (a change to any invalidates the
# disk cache; a hand-kept list of modules went stale when drawing code moved to another one).
CHARTS_PACKAGE = Path(__file__).resolve().parent


class ChartTemplates:
    """The templates drawn in one run (``RunContext.chart_templates``), also kept in ``folder``
    for later processes (None: this run only) as JSON files named by a hash of their arguments,
    of the chart package's code and of the Altair version."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = None if folder is None else Path(folder)
        self._kept: dict[tuple, Template] = {}

    def get(self, name: str, shapes: tuple, attrs: tuple, subtitle: str, sample: bool) -> Template:
        """The template of chart ``name`` for these arguments: kept, read, or drawn."""
        key = (name, shapes, attrs, subtitle, sample)
        if key not in self._kept:
            self._kept[key] = self._read_or_draw(*key)
        return self._kept[key]

    def _read_or_draw(
        self, name: str, shapes: tuple, attrs: tuple, subtitle: str, sample: bool
    ) -> Template:
        if self.folder is None:
            return _drawn_template(name, shapes, attrs, subtitle, sample)
        key = json.dumps([code_version(), name, shapes, attrs, subtitle, sample], default=str)
        path = self.folder / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:24]}.json"
        cached = _read_template(path)
        if cached is not None:
            return cached
        template = _drawn_template(name, shapes, attrs, subtitle, sample)
        _write_template(path, template)
        return template


class ChartRun(Protocol):
    """What drawing a chart takes from a run (``runcontext.RunContext``): its templates and the
    texts of its data files. A protocol, so this module need not import the run context (which
    imports the chart package)."""

    @property
    def chart_templates(self) -> ChartTemplates: ...

    @property
    def data_texts(self) -> TextCache: ...


def code_version() -> str:
    """A hash of the Altair version and of every module of the chart package (this process's)."""
    return _code_version(CHARTS_PACKAGE, version("altair"))


# Pure memoisation: the hash of the files of a package folder, read once per process (a
# process runs the code it imported, whatever later edits do to the files).
@lru_cache(maxsize=4)
def _code_version(package: Path, altair: str) -> str:
    return package_hash(package, altair)


def package_hash(package: Path, salt: str = "") -> str:
    """A hash of ``salt`` and of every ``.py`` file under ``package`` (paths and bytes, sorted
    by path)."""
    digest = hashlib.sha256(salt.encode())
    for path in sorted(Path(package).rglob("*.py")):
        relative = path.relative_to(package).as_posix()
        digest.update(f"\0{relative}\0{path.stat().st_size}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _read_template(path: Path) -> Template | None:
    """The template cached at ``path``; None when absent or not a template (drawn again)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        spec, slots = data["spec"], data["slots"]
    except (OSError, ValueError, TypeError, KeyError):
        return None
    if not isinstance(spec, dict) or not isinstance(slots, dict):
        return None
    if not all(isinstance(k, str) and isinstance(v, int) for k, v in slots.items()):
        return None
    return Template(spec, slots)


def _write_template(path: Path, template: Template) -> None:
    """Keep ``template`` at ``path`` (temp file and rename: concurrent workers may race)."""
    # Key order kept as drawn: the static renderings may depend on it.
    text = json.dumps({"slots": template.slots, "spec": template.spec})
    with contextlib.suppress(OSError):  # a cache that cannot be written costs the next process
        write_text_atomic(path, text)


# Pure memoisation: a template is a function of its arguments and of the imported chart code
# (no path or configuration); it is never modified (``_filled`` copies it).
@lru_cache(maxsize=256)
def _drawn_template(
    name: str, shapes: tuple, attrs: tuple, subtitle: str, sample: bool
) -> Template:
    chart = _chart(name)
    tables = tuple(Table(_placeholder(i), *shape) for i, shape in enumerate(shapes))
    spec = finish(
        chart.draw(tables, dict(attrs)),
        title=chart.title,
        subtitle=subtitle,
        description="",
        sample=sample,
    )
    # Every CSV dataset must come from a table (a table may go unused, e.g. an empty shade).
    placeholders = {_placeholder(i): i for i in range(len(tables))}
    csv = {k: v for k, v in spec.get("datasets", {}).items() if isinstance(v, str)}
    if not set(csv.values()) <= set(placeholders):
        raise ValueError(f"chart {name}: template has inline CSV that is not one of its tables")
    return Template(spec, {k: placeholders[v] for k, v in csv.items()})


def _renamed(node: Any, names: dict[str, str]) -> Any:
    """A deep copy of ``node`` with every string that is a key of ``names`` replaced."""
    if isinstance(node, dict):
        return {k: _renamed(v, names) for k, v in node.items()}
    if isinstance(node, list):
        return [_renamed(v, names) for v in node]
    if isinstance(node, str):
        return names.get(node, node)
    return node


def _filled(template: Template, tables: tuple[Table, ...], description: str) -> dict[str, Any]:
    names = {old: dataset_name(tables[i].values) for old, i in template.slots.items()}
    spec = _renamed({k: v for k, v in template.spec.items() if k != "datasets"}, names)
    if "datasets" in template.spec:
        spec["datasets"] = {
            names.get(k, k): tables[template.slots[k]].values if k in names else _renamed(v, {})
            for k, v in template.spec["datasets"].items()
        }
    spec["description"] = description
    return spec


def _frozen_attrs(frame: pd.DataFrame) -> tuple:
    return tuple(sorted((str(k), v) for k, v in frame.attrs.items()))


def _tables(name: str, data: pd.DataFrame, texts: TextCache | None) -> tuple[Table, ...]:
    """The chart's tables: rows of the data file for a history chart, inline CSV otherwise."""
    chart = _chart(name)
    url = DATA_FILE if chart.file_columns is not None else None
    return tuple(table_of(frame, url, chart.metrics) for frame in file_tables(name, data, texts))


def build_chart(
    name: str, data: pd.DataFrame, *, sample: bool, run: ChartRun | None = None
) -> dict[str, Any]:
    """The Vega-Lite spec (a dict) of the report chart ``name`` drawn from its frame, from the
    run's templates (None: templates drawn in this process only)."""
    chart = _chart(name)
    tables = _tables(name, data, None if run is None else run.data_texts)
    args = (name, tuple(t.shape for t in tables), _frozen_attrs(data), chart.subtitle(data), sample)
    template = _drawn_template(*args) if run is None else run.chart_templates.get(*args)
    return _filled(template, tables, full_description(chart.describe(data), sample))


def build_chart_direct(name: str, data: pd.DataFrame, *, sample: bool) -> dict[str, Any]:
    """The same spec as ``build_chart``, drawn and validated by Altair with the real data."""
    chart = _chart(name)
    tables = _tables(name, data, None)
    return finish(
        chart.draw(tables, data.attrs),
        title=chart.title,
        subtitle=chart.subtitle(data),
        description=chart.describe(data),
        sample=sample,
    )


def build_charts(
    frames: dict[str, pd.DataFrame], *, sample: bool, run: ChartRun | None = None
) -> dict[str, dict[str, Any]]:
    """Specs of every frame, in the frames' order."""
    return {
        name: build_chart(name, frame, sample=sample, run=run) for name, frame in frames.items()
    }
