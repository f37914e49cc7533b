"""``indented_json`` writes exactly what ``json.dumps`` writes with the metrics options."""

from __future__ import annotations

import json
import math
from collections import OrderedDict
from enum import IntEnum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.jsontext import indented_json


def reference(value: Any) -> str:
    return json.dumps(value, sort_keys=True, indent=2, allow_nan=False, ensure_ascii=False)


scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()  # control characters, quotes, backslashes, astral code points
)
documents = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5)
        | st.lists(children, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=40,
)


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(documents)
def test_same_text_as_json_dumps(value: Any) -> None:
    assert indented_json(value) == reference(value)


class Level(IntEnum):
    HIGH = 3


class Text(str):
    pass


class Number(float):
    pass


def test_subclasses_and_empty_containers_as_json_dumps_writes_them() -> None:
    value = {
        "enum": Level.HIGH,
        "text": Text("a\u00e9\n"),
        "number": Number(0.1),
        "ordered": OrderedDict([("b", []), ("a", {})]),
        "nested": [[], {}, [[]], {"x": ()}],
        "big": 10**40,
        "tiny": 5e-324,
        "negative zero": -0.0,
    }
    assert indented_json(value) == reference(value)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        indented_json({"a": [1, bad]})


@pytest.mark.parametrize("bad", [{"a": {1, 2}}, [b"bytes"], {1: "int key"}])
def test_values_json_cannot_hold_are_refused(bad: Any) -> None:
    with pytest.raises(TypeError):
        indented_json(bad)
