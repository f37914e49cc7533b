"""Typed records <-> the JSON-ready form of ``metrics.json``, strictly in both directions.

A record is a frozen dataclass whose field annotations say what the JSON holds: ``str``,
``int``, ``float``, ``bool``, another record, ``tuple[X, ...]`` (a JSON list), ``Mapping[str,
X]`` (a JSON object with keys chosen by the data, such as the configured yields), ``Scalar`` (any
JSON scalar: claim evidence), each optionally ``| Missing``. A ``Missing(reason)`` value is
written as ``null`` with a ``<key>_reason`` sibling (no sibling when the reason is empty, as for
the gaps of a chart series); a field declared with ``field(metadata=OMIT)`` is left out of the
JSON when it is missing without a reason. ``metadata={"key": "1w"}`` names a key that is not a Python identifier.

Reading is strict on purpose: a key the record does not declare, a declared key that is absent,
or a value of the wrong kind raises ``SchemaError`` naming the path. That is what makes renaming
a metric where it is produced fail loudly instead of printing "n/a" on the page.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

REASON_SUFFIX = "_reason"
OMIT = MappingProxyType({"omit": True})  # field metadata: no key in the JSON when missing


@dataclass(frozen=True)
class Missing:
    """A value the document does not have, and why (one sentence shown beside the "n/a")."""

    reason: str = ""

    def __bool__(self) -> bool:
        return False


class SchemaError(ValueError):
    """A document does not have the shape its records declare (the message names the path)."""


class Scalar:
    """Annotation marker: any JSON scalar (str, int, float, bool)."""


_SCALARS = (str, int, float, bool)


@dataclass(frozen=True)
class _Spec:
    kind: str  # "scalar", "record", "tuple", "mapping"
    missing_ok: bool
    types: tuple[type, ...] = ()
    record: type | None = None
    item: _Spec | None = None


@dataclass(frozen=True)
class _Field:
    name: str
    key: str
    spec: _Spec
    omit: bool


def record_from_plain(cls: type, data: Any, where: str = "") -> Any:
    """The record ``cls`` read from its JSON-ready form (see the module docstring)."""
    return _read(_spec_of(cls), data, where or cls.__name__, None)


def record_to_plain(record: Any) -> dict[str, Any]:
    """The JSON-ready form of a record: dicts, lists and scalars, nulls with reasons."""
    return _write_record(record)


@functools.cache  # pure: the fields of a class never change once it is defined
def _fields(cls: type) -> tuple[_Field, ...]:
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        key = f.metadata.get("key", f.name)
        out.append(_Field(f.name, key, _spec_of(hints[f.name]), bool(f.metadata.get("omit"))))
    return tuple(out)


@functools.cache  # pure: derived from an annotation only
def _spec_of(annotation: Any) -> _Spec:
    missing_ok = False
    args = typing.get_args(annotation)
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        kept = tuple(a for a in args if a is not Missing)
        missing_ok = len(kept) < len(args)
        if len(kept) == 1:
            annotation = kept[0]
        elif all(a in _SCALARS for a in kept):
            return _Spec("scalar", missing_ok, kept)
        else:
            raise TypeError(f"unsupported union {annotation!r}")
    origin = typing.get_origin(annotation)
    if annotation is Scalar:
        return _Spec("scalar", True, _SCALARS)
    if annotation in _SCALARS:
        return _Spec("scalar", missing_ok, (annotation,))
    if dataclasses.is_dataclass(annotation):
        return _Spec("record", missing_ok, record=annotation)
    if origin is tuple:
        return _Spec("tuple", missing_ok, item=_spec_of(typing.get_args(annotation)[0]))
    if origin in (Mapping, dict):
        return _Spec("mapping", missing_ok, item=_spec_of(typing.get_args(annotation)[1]))
    raise TypeError(f"unsupported annotation {annotation!r}")


def _read(spec: _Spec, value: Any, where: str, reason: str | None) -> Any:
    if value is None:
        if not spec.missing_ok:
            raise SchemaError(f"{where}: null, but the document always has this value")
        return Missing(reason or "")
    if reason is not None:
        raise SchemaError(f"{where}: has a value and a reason")
    if spec.kind == "scalar":
        return _scalar(spec, value, where)
    if spec.kind == "tuple":
        if not isinstance(value, list):
            raise SchemaError(f"{where}: expected a list, found {type(value).__name__}")
        item = spec.item
        return tuple(_read(item, v, f"{where}[{i}]", None) for i, v in enumerate(value))  # type: ignore[arg-type]
    if not isinstance(value, dict):
        raise SchemaError(f"{where}: expected an object, found {type(value).__name__}")
    if spec.kind == "mapping":
        return MappingProxyType(_read_mapping(spec.item, value, where))  # type: ignore[arg-type]
    return _read_record(spec.record, value, where)  # type: ignore[arg-type]


def _scalar(spec: _Spec, value: Any, where: str) -> Any:
    kind = type(value)
    if kind in spec.types or (kind is int and float in spec.types):
        return value
    raise SchemaError(f"{where}: expected {' or '.join(t.__name__ for t in spec.types)}, "
                      f"found {kind.__name__} {value!r}")  # fmt: skip


def _read_mapping(item: _Spec, value: dict[str, Any], where: str) -> dict[str, Any]:
    out = {}
    for key, v in value.items():
        if key.endswith(REASON_SUFFIX) and key[: -len(REASON_SUFFIX)] in value:
            continue
        out[key] = _read(item, v, f"{where}.{key}", value.get(key + REASON_SUFFIX))
    return out


@functools.cache  # pure: derived from the class
def _keys(cls: type) -> frozenset[str]:
    """The JSON keys a record may hold: its fields' keys and their reason siblings."""
    keys = {f.key for f in _fields(cls)}
    return frozenset(keys | {k + REASON_SUFFIX for k in keys})


def _read_record(cls: type, value: dict[str, Any], where: str) -> Any:
    fields = _fields(cls)
    if not _keys(cls).issuperset(value):
        stray = next(k for k in value if k not in _keys(cls))
        raise SchemaError(f"{where}.{stray}: not a field of {cls.__name__}")
    kwargs = {}
    for f in fields:
        if f.key not in value:
            if not f.omit:
                raise SchemaError(f"{where}.{f.key}: missing from the document")
            if f.key + REASON_SUFFIX in value:  # a reason of a value that is not there
                raise SchemaError(f"{where}.{f.key}{REASON_SUFFIX}: a reason without its {f.key}")
            kwargs[f.name] = Missing("")
            continue
        item, spec = value[f.key], f.spec
        kind = type(item)
        # Fast path (most fields): a scalar of the declared type without a reason beside it.
        if spec.kind == "scalar" and (kind in spec.types or (kind is int and float in spec.types)):
            if f.key + REASON_SUFFIX not in value:
                kwargs[f.name] = item
                continue
        kwargs[f.name] = _read(spec, item, f"{where}.{f.key}", value.get(f.key + REASON_SUFFIX))
    return cls(**kwargs)


def _write_record(record: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in _fields(type(record)):
        value = getattr(record, f.name)
        if type(value) is Missing:
            if value.reason or not f.omit:  # an omitted key reads back as Missing("")
                _write_missing(out, f.key, value)
        else:
            out[f.key] = _write(value)
    return out


def _write_missing(out: dict[str, Any], key: str, value: Missing) -> None:
    out[key] = None
    if value.reason:
        out[key + REASON_SUFFIX] = value.reason


def _write(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is Missing:
        return None
    if kind is tuple:
        return [_write(v) for v in value]
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, v in value.items():
            if type(v) is Missing:
                _write_missing(out, key, v)
            else:
                out[key] = _write(v)
        return out
    return _write_record(value)


def value_at(record: Any, path: str) -> Any:
    """The value at a registry path of concrete JSON keys (``risk.beta_1y``); Missing when a
    section on the way is missing. KeyError names a key the records do not declare."""
    node = record
    for key in path.split("."):
        if type(node) is Missing:
            return node
        if isinstance(node, Mapping):
            node = node.get(key, Missing(""))
            continue
        names = {f.key: f.name for f in _fields(type(node))}
        if key not in names:
            raise KeyError(f"{type(node).__name__} has no field {key!r} (path {path!r})")
        node = getattr(node, names[key])
    return node
