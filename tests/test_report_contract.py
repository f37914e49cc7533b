"""The report model's contract: what the document holds, the page shows; every number is declared.

Reports are rendered from real computed documents of the sample market (the first weeks of its
history, a recent week, and a week with every section missing). A value present in the document
must not be shown as missing, and every registered metric has a label, unit and format. The
mutation tests prove the contract catches the defect that motivated it: the report printing
"Beta of small on large, 1 year | n/a" after ``beta_1y`` was renamed where it is produced.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

import pandas as pd
import pytest

from generator.config import load_config
from generator.metrics import compute_metrics, registry
from generator.metrics import document as document_module
from generator.metrics.codec import Missing, _fields, _spec_of, value_at
from generator.metrics.document import DocumentShapeError
from generator.metrics.schema import Document
from generator.model import Market
from generator.pages import render_report
from generator.pages.render import TEMPLATES_DIR, environment
from generator.pages.render import _tidy as tidy
from generator.sources.sample import sample_market
from tests.conftest import ROOT

WEEKS = ("1985-01-04", "1985-01-11", "1986-02-07", "2026-11-20")
METRIC_CALL = re.compile(
    r"""(?:metric|prose)(?:_size|_label|_compared)?\(\s*"([^"]+)"\s*\)"""
    r"""|"([a-z_0-9.*]+)"\s*\|\s*metric_label"""
)


@lru_cache(maxsize=1)
def market_and_config() -> tuple[Market, object]:
    config = load_config(ROOT / "smallcap.toml")
    market = Market({s.symbol: s for s in sample_market(config, WEEKS[-1])}, sample=True)
    return market, config


@lru_cache(maxsize=8)
def computed(week: str) -> Document:
    market, config = market_and_config()
    return compute_metrics(market, config, pd.Timestamp(week))


def all_missing(doc: Document) -> Document:
    """The document of a week for which no section could be computed."""
    sections = {name: Missing("no data for this test") for name in (
        "returns", "returns_tr", "drawdown", "highs", "relative", "risk", "seasonality",
        "cycle", "rates", "valuation", "ladder", "changes")}  # fmt: skip
    return replace(doc, data_through=Missing("no data"), **sections)


def template_paths() -> set[str]:
    """Every registry path the report templates name literally."""
    text = "".join(p.read_text(encoding="utf-8") for p in TEMPLATES_DIR.rglob("*.j2"))
    return {a or b for a, b in METRIC_CALL.findall(text)}


def values_at(doc: Document, pattern: str) -> list[object]:
    """Every value at a registry path, ``*`` standing for each row or key."""
    nodes: list[object] = [doc]
    for key in pattern.split("."):
        nxt: list[object] = []
        for node in nodes:
            if isinstance(node, Missing):
                continue
            if key == "*":
                nxt += list(node.values()) if hasattr(node, "values") else list(node)  # type: ignore[attr-defined]
            else:
                nxt.append(value_at(node, key))
        nodes = nxt
    return nodes


def render_recording(doc: Document, source: str | None = None, **extra: object):  # type: ignore[no-untyped-def]
    """The page and every (path, value) the ``metric`` filters were given while rendering it."""
    from generator.pages import filters
    from generator.pages.context import build_report_context

    calls: list[tuple[str, object]] = []
    env = environment().overlay()
    env.filters = dict(env.filters)
    for name in ("metric", "prose", "prose_size", "metric_compared", "metric_change"):
        real = getattr(filters, name)

        def recording(value, path, real=real):  # type: ignore[no-untyped-def]
            calls.append((path, value))
            return real(value, path)

        env.filters[name] = recording
    template = env.from_string(source) if source else env.get_template("report.md.j2")
    ctx = build_report_context(doc, {}, sample=True)
    page = template.render(ctx=ctx, **ctx, downloads=[], data_file="chart-data.csv", **extra)
    return page, calls


def contract_violations(doc: Document, page: str, calls: list[tuple[str, object]]) -> list[str]:
    """Values the page shows that are not the document's value at the path they claim, and
    registered values present in the document whose text the page does not show."""
    out = []
    for path, value in calls:
        if path.startswith("chart."):
            continue
        candidates = values_at(doc, path) + changed_values(doc, path)
        if isinstance(value, Missing):
            ok = any(isinstance(c, Missing) for c in candidates)  # missing where the doc is
        else:
            ok = value in candidates or _abs_of(value, candidates)
        if not ok:
            shown = "missing" if isinstance(value, Missing) else repr(value)
            out.append(f"{path}: the page shows {shown}, the document has {candidates[:3]!r}")
    for path in shown_scalar_paths():
        value = value_at(doc, path)
        if isinstance(value, Missing):
            continue
        declared = registry.metric(path)
        shown = (declared.format(value), declared.format_prose(value),
                 declared.format_prose(abs(value)), declared.format(abs(value)))  # type: ignore[arg-type]  # fmt: skip
        text = shown[0]
        if not any(t in page for t in shown):
            out.append(f"{path} = {value!r} is in the document but {text!r} is not on the page")
    return out


def changed_values(doc: Document, path: str) -> list[object]:
    """ "What changed" shows last week's value and the change under the metric's path."""
    if isinstance(doc.changes, Missing):
        return []
    return [v for i in doc.changes.items if i.key == path for v in (i.previous, i.change)]


def _abs_of(value: object, candidates: list[object]) -> bool:
    """``| abs | metric(...)`` shows a magnitude: it stands for the signed value."""
    return isinstance(value, float) and any(
        isinstance(c, float) and abs(c) == value for c in candidates
    )


def shown_scalar_paths() -> list[str]:
    """Template paths without rows (``*``): one value each in the document."""
    return sorted(p for p in template_paths() if "*" not in p)


@pytest.mark.parametrize("week", WEEKS)
def test_every_present_value_is_shown(week: str) -> None:
    doc = computed(week)
    page, calls = render_recording(doc)
    assert contract_violations(doc, page, calls) == []
    assert tidy(page) == render_report(doc, {}, sample=True, downloads=[])
    assert "undefined" not in page.lower()
    shown = {path for path, _ in calls}
    # Every section's numbers go through the registry (the risk table among them).
    assert {"risk.beta_1y", "risk.corr_1y", "relative.ratio", "highs.small.all_time"} <= shown


def test_a_week_with_every_section_missing_renders_its_reasons() -> None:
    doc = all_missing(computed(WEEKS[-1]))
    page, calls = render_recording(doc)
    assert contract_violations(doc, page, calls) == []
    for heading in ("Relative strength", "Risk", "Seasonality", "Presidential cycle", "Rates"):
        assert f"## {heading}\n\nNot available: no data for this test." in page


def test_the_contract_sees_the_beta_shown_as_missing() -> None:
    # Mutation 1, in the page: the template reads a value that is not the metric (as the old
    # `k.get("beta_1y")` did after the rename). The page then lacks the beta's text.
    doc = computed(WEEKS[-1])
    source = (TEMPLATES_DIR / "report.md.j2").read_text(encoding="utf-8")
    mutated = source.replace('{{ risk.beta_1y | metric("risk.beta_1y") }}',
                             '{{ missing_value | metric("risk.beta_1y") }}')  # fmt: skip
    assert mutated != source
    page, calls = render_recording(doc, mutated, missing_value=Missing("renamed"))
    violations = contract_violations(doc, page, calls)
    beta = [v for v in violations if v.startswith("risk.beta_1y")]
    assert len(beta) == 1
    assert beta[0].startswith(
        f"risk.beta_1y: the page shows missing, the document has [{doc.risk.beta_1y!r}"
    )
    # The unmutated template passes the same check.
    page, calls = render_recording(doc, source)
    assert contract_violations(doc, page, calls) == []


def test_renaming_beta_where_it_is_produced_fails_the_document(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Mutation 2, at the producer: the risk section writes `beta_1yr`. The typed document
    # refuses it, naming the path, instead of publishing "n/a".
    real = document_module.risk_section

    def renamed(*args, **kwargs):  # type: ignore[no-untyped-def]
        out = dict(real(*args, **kwargs))
        out["beta_1yr"] = out.pop("beta_1y")
        return out

    monkeypatch.setattr(document_module, "risk_section", renamed)
    market, config = market_and_config()
    with pytest.raises(DocumentShapeError, match=r"risk\.beta_1yr: not a field of Risk"):
        compute_metrics(market, config, pd.Timestamp(WEEKS[-1]))


def numeric_leaves(spec=None, path: str = "") -> list[str]:  # type: ignore[no-untyped-def]
    """Every path of the schema whose value is a number (int or float, not bool)."""
    spec = spec or _spec_of(Document)
    if spec.kind == "record":
        return [leaf for f in _fields(spec.record)
                for leaf in numeric_leaves(f.spec, f"{path}.{f.key}" if path else f.key)]  # fmt: skip
    if spec.kind in ("tuple", "mapping"):
        return numeric_leaves(spec.item, path + ".*")
    numeric = {int, float} & set(spec.types)
    return [path] if numeric and bool not in spec.types or spec.types == (int,) else []


# Numbers that are not published metrics: the format version, the changes' own fields (shown
# with the metric each item names) and claim evidence (declared in claims.EVIDENCE).
NOT_METRICS = {"schema_version", "changes.items.*.current", "changes.items.*.previous",
               "changes.items.*.change", "changes.items.*.scale", "claims.*.evidence.*"}  # fmt: skip


def test_every_number_of_the_schema_is_registered_and_every_metric_exists() -> None:
    leaves = set(numeric_leaves()) - NOT_METRICS
    declared = {m.path for m in registry.METRICS}
    assert sorted(leaves - declared) == []
    assert sorted(declared - leaves) == []


def test_every_metric_has_a_label_a_unit_and_a_format() -> None:
    for m in (*registry.METRICS, *registry.CHART_SERIES):
        assert m.label.strip() and m.unit in registry.UNITS, m.path
        assert m.format(1) != registry.NOT_AVAILABLE, m.path
        assert m.format(Missing("x")) == registry.NOT_AVAILABLE


def test_template_paths_are_registered() -> None:
    paths = template_paths()
    assert "risk.beta_1y" in paths and len(paths) > 30
    assert sorted(p for p in paths if p not in registry.BY_PATH) == []


def test_templates_fill_no_defaults() -> None:
    for path in TEMPLATES_DIR.rglob("*.j2"):
        text = path.read_text(encoding="utf-8")
        assert ".get(" not in text and "| default" not in text, path


def test_documents_round_trip_byte_for_byte() -> None:
    for week in WEEKS:
        doc = computed(week)
        assert Document.from_plain(doc.to_plain()) == doc


def test_units_format_as_documented() -> None:
    f = registry.format_number
    assert f(0.0812, registry.PERCENT, 1) == "8.1%"
    assert f(-0.0004, registry.PERCENT, 1) == "0.0%"
    assert f(0.0812, registry.PERCENT, 1, True) == "+8.1%"
    assert f(-0.038, registry.PP, 1, True) == "\u22123.8 pp"
    assert f(0.25, registry.BP, 0, True) == "+25 bp"
    assert f(-0.104, registry.BP, 0, True) == "\u221210 bp"
    assert f(1536.1671, registry.INDEX, 2) == "1,536.17"
    assert f(4.25, registry.YIELD, 2) == "4.25%"
    assert f(41.0, registry.YEARS) == "41"
    assert f(12, registry.MONTH) == "December"
    assert f(2, registry.PHASE) == "midterm"
    assert f(float("nan"), registry.RATIO) == "n/a" and f(True, registry.RATIO) == "n/a"


def test_value_at_names_an_unknown_key() -> None:
    with pytest.raises(KeyError, match="beta_1yr"):
        value_at(computed(WEEKS[-1]), "risk.beta_1yr")


def test_methodology_defines_exactly_the_registered_metrics() -> None:
    text = (ROOT / "docs" / "methodology.md").read_text(encoding="utf-8")
    section = text.split("## Published numbers", 1)[1].split("\n## ", 1)[0]
    documented = set()
    for pattern in re.findall(r"^\| `([^`]+)` \|", section, flags=re.M):
        documented |= expand(pattern)
    declared = {m.path for m in (*registry.METRICS, *registry.CHART_SERIES)}
    assert sorted(declared - documented) == [], "registered but not on the methodology page"
    assert sorted(documented - declared) == [], "on the methodology page but not registered"


def expand(pattern: str) -> set[str]:
    """``a.{b,c}.d`` -> {"a.b.d", "a.c.d"} (nested groups expand left to right)."""
    match = re.search(r"\{([^{}]*)\}", pattern)
    if not match:
        return {pattern}
    out: set[str] = set()
    for option in match.group(1).split(","):
        out |= expand(pattern[: match.start()] + option.strip() + pattern[match.end() :])
    return out


def test_expand() -> None:
    assert expand("a.{b,c}.{d,e}") == {"a.b.d", "a.b.e", "a.c.d", "a.c.e"}


def test_the_headline_and_narrative_quote_only_headline_metrics() -> None:
    text = (TEMPLATES_DIR / "partials" / "words.j2").read_text(encoding="utf-8")
    quoted = {a or b for a, b in METRIC_CALL.findall(text)}
    assert "returns.1w.spread" in quoted
    assert sorted(p for p in quoted if not registry.metric(p).headline) == []


def test_an_archived_metrics_file_reads_back_and_a_wrong_one_is_named(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from generator.errors import DataError
    from generator.metrics.schema import read_metrics

    doc = computed(WEEKS[-1])
    older = doc.to_plain()
    del older["schema_version"]  # written before version 1: the same keys
    path = tmp_path / "metrics.json"
    path.write_text(json.dumps(older), encoding="utf-8")
    assert replace(read_metrics(path), schema_version=1) == doc
    older["risk"]["beta_1yr"] = older["risk"].pop("beta_1y")
    path.write_text(json.dumps(older), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_metrics(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: cannot read the report's metrics (")
    assert "risk.beta_1yr: not a field of Risk" in message and "\n" not in message
