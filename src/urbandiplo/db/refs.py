"""Embedded references read with their record in one query: the columns to select from an
aliased table, and the reference built from them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, FromClause

from urbandiplo.domain.refs import CityRef
from urbandiplo.domain.values import Visibility

T = TypeVar("T")

CITY_REF_FIELDS = ("id", "name", "names", "country_code", "visibility")


def city_ref_columns(table: FromClause, prefix: str) -> list[ColumnElement[Any]]:
    """The columns of a city reference, labelled `prefix__name`."""
    return [table.c[name].label(f"{prefix}__{name}") for name in CITY_REF_FIELDS]


def city_ref_from(values: Any, prefix: str) -> CityRef:
    return CityRef(
        id=values[f"{prefix}__id"],
        name=values[f"{prefix}__name"],
        names=values[f"{prefix}__names"] or {},
        country_code=values[f"{prefix}__country_code"],
        visibility=Visibility(values[f"{prefix}__visibility"]),
    )


def grouped(rows: Iterable[Any], key: str, build: Callable[[Any], T]) -> dict[Any, list[T]]:
    """Related rows by the record they belong to, in the order the query gave them."""
    result: dict[Any, list[T]] = defaultdict(list)
    for row in rows:
        result[getattr(row, key)].append(build(row))
    return result
