"""A record's related rows as one column of its own row: a JSON array of arrays, so that a
page of records with all their related rows is one statement, not one per related table.

PostgreSQL builds it with json_agg, SQLite with json_group_array; the first element of each
inner array is the row's position, by which `unpacked` orders them (SQLite before 3.44 has
no ORDER BY inside an aggregate)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, ColumnElement, FromClause, func, literal_column, select, type_coerce


def related_rows(
    dialect: str,
    source: FromClause,
    where: ColumnElement[bool],
    columns: Sequence[ColumnElement[Any]],
    json_columns: Sequence[ColumnElement[Any]] = (),
) -> ColumnElement[Any]:
    """A scalar subquery: `columns` of the rows of `source` that `where` picks, as a JSON
    array of arrays (empty where there are none). `json_columns` hold JSON documents of
    their own, kept as documents rather than as text."""
    nested = {id(c) for c in json_columns}
    aggregate: ColumnElement[Any]
    if dialect == "postgresql":
        aggregate = func.coalesce(
            func.json_agg(func.json_build_array(*columns)), literal_column("'[]'::json")
        )
    else:
        cells = [func.json(c) if id(c) in nested else c for c in columns]
        aggregate = func.json_group_array(func.json_array(*cells))
    return type_coerce(select(aggregate).select_from(source).where(where).scalar_subquery(), JSON)


def unpacked(value: Any) -> list[list[Any]]:
    """The inner arrays, in the order of their first element (the position)."""
    rows: list[list[Any]] = list(value or ())
    rows.sort(key=lambda row: row[0])
    return rows
