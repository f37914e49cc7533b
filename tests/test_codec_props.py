"""The metrics.json reader, fuzzed: a document that is not the schema's shape is refused with a
SchemaError naming the path, never accepted and never another exception."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.metrics.codec import SchemaError
from generator.metrics.schema import Document
from tests.test_report_contract import computed

WEEK = "2026-11-20"


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every (container path, key) of a JSON-ready document."""
    out = []
    if isinstance(node, dict):
        for key, value in node.items():
            out.append((*prefix, key))
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


PLAIN = computed(WEEK).to_plain()
# Keys chosen by the data (configured yields, gauges, claim evidence) are mapping keys: any key
# is valid there, so the fuzzing changes only the keys the records declare.
DATA_KEYED = ("yields", "sensitivity", "rotation", "gauges", "evidence")
KEYS = [p for p in _paths(PLAIN) if isinstance(p[-1], str) and not p[-1].endswith("_reason")
        and not (len(p) > 1 and p[-2] in DATA_KEYED)]  # fmt: skip


def _parent(doc: dict, path: tuple) -> Any:
    node: Any = doc
    for part in path[:-1]:
        node = node[part]
    return node


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(KEYS), st.sampled_from(["drop", "stray", "list", "text"]))
def test_a_document_of_the_wrong_shape_is_refused_naming_the_path(path: tuple, how: str) -> None:
    doc = copy.deepcopy(PLAIN)
    parent, key = _parent(doc, path), path[-1]
    if how == "drop":
        del parent[key]
    elif how == "stray":
        parent[key + "_typo"] = parent[key]
    elif how == "list":
        parent[key] = [parent[key]]
    else:
        if isinstance(parent[key], str) or parent[key] is None:
            parent[key] = {"x": 1}
        else:
            parent[key] = "text"
    try:
        read = Document.from_plain(doc)
    except SchemaError as exc:
        assert str(key) in str(exc)
        return
    # Only keys the schema leaves out when missing may be dropped, and nothing else is accepted.
    assert how == "drop" and read.to_plain() == doc


def test_the_computed_documents_read_back_unchanged() -> None:
    assert Document.from_plain(PLAIN).to_plain() == PLAIN


def test_a_reason_whose_value_was_dropped_is_refused() -> None:
    """Hypothesis found it: the earnings claim's ``n`` (null, with a reason) dropped, and its
    ``n_reason`` left alone, read back as a value missing for no reason."""
    import pytest

    doc = copy.deepcopy(PLAIN)
    [claim] = [c for c in doc["claims"] if c["id"] == "earnings_growth"]
    assert claim["n"] is None and claim["n_reason"]
    del claim["n"]
    with pytest.raises(SchemaError, match=r"\.n_reason: a reason without its n$"):
        Document.from_plain(doc)
