"""Responses built once and serialised once: domain objects are projected onto the fields of
their response schema (which also documents them) and written with orjson, without
validating every row again on the way out."""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any

import orjson
from pydantic import BaseModel

Projector = Callable[[Any], dict[str, Any]]


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, frozenset | set):
        return sorted(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dumps(value: Any) -> bytes:
    # Sorted keys make equal content equal bytes, whatever order a database returns a JSON
    # map's keys in (PostgreSQL's JSONB reorders them); ETags are hashes of these bytes.
    return orjson.dumps(value, default=_default, option=orjson.OPT_SORT_KEYS)


def _nested(annotation: Any) -> tuple[str, type[BaseModel]] | None:
    """('one', Model) for `Model | None`, ('many', Model) for `list[Model]`, else None."""
    origin = typing.get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "one", annotation
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found = _nested(arg)
            if found is not None:
                return found
        return None
    if origin in (list, tuple):
        args = [a for a in typing.get_args(annotation) if a is not Ellipsis]
        if args:
            inner = _nested(args[0])
            if inner is not None:
                return "many", inner[1]
    if origin is typing.Annotated:
        return _nested(typing.get_args(annotation)[0])
    return None


@cache
def projector(model: type[BaseModel]) -> Projector:
    """A function from a domain object to a dict with exactly `model`'s fields."""
    plan: list[tuple[str, str | None, Projector | None]] = []
    for name, info in model.model_fields.items():
        nested = _nested(info.annotation)
        if nested is None:
            plan.append((name, None, None))
        else:
            plan.append((name, nested[0], projector(nested[1])))

    def project(record: Any) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for name, kind, inner in plan:
            value = getattr(record, name)
            if value is not None and inner is not None:
                value = inner(value) if kind == "one" else [inner(v) for v in value]
            result[name] = value
        return result

    return project


def render(model: type[BaseModel], record: Any) -> bytes:
    return dumps(projector(model)(record))
