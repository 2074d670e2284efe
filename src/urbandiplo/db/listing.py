"""Keyset pagination: the next page starts after the last row's sort value and id, so
every page costs the same however deep it is."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, Select, and_, or_
from sqlalchemy.engine import Row

from urbandiplo.domain.errors import invalid_cursor
from urbandiplo.domain.listing import Page, PageRequest, Position, Sort

T = TypeVar("T")


def _parse(value: str | None, example: Any) -> Any:
    if value is None:
        return None
    if isinstance(example, datetime) or example is datetime:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError("naive")
        return parsed
    if isinstance(example, date) or example is date:
        return date.fromisoformat(value)
    return value


def as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def paginate(
    connection: Connection,
    statement: Select[Any],
    *,
    sort: Sort,
    columns: Mapping[str, tuple[ColumnElement[Any], type]],
    id_column: ColumnElement[Any],
    page: PageRequest,
    build: Callable[[Sequence[Row[Any]]], list[T]],
    position_of: Callable[[T], tuple[Any, uuid.UUID]],
) -> Page[T]:
    """Run `statement` ordered by `sort` (nulls last) then id, from after `page.after`.

    `columns` maps each sortable field to its column and Python type; `build` turns the
    page's rows into domain objects (all at once, so related rows load in one query each).
    """
    column, kind = columns[sort.field]
    null_rank = column.is_(None)
    if page.after is not None:
        if page.after.sort != str(sort):
            raise invalid_cursor()
        try:
            after_value = _parse(page.after.value, kind)
            after_id = uuid.UUID(page.after.id)
        except ValueError as error:
            raise invalid_cursor() from error
        statement = statement.where(
            _after(column, after_value, id_column, after_id, sort.descending)
        )
    if sort.descending:
        statement = statement.order_by(null_rank, column.desc(), id_column.desc())
    else:
        statement = statement.order_by(null_rank, column.asc(), id_column.asc())
    rows = connection.execute(statement.limit(page.limit + 1)).all()
    items = build(rows[: page.limit])
    next_position = None
    if len(rows) > page.limit and items:
        value, last_id = position_of(items[-1])
        next_position = Position(str(sort), as_text(value), str(last_id))
    return Page(items, next_position)


def _after(
    column: ColumnElement[Any],
    value: Any,
    id_column: ColumnElement[Any],
    last_id: uuid.UUID,
    descending: bool,
) -> ColumnElement[bool]:
    """Rows after (value, id) in the order nulls-last, column, id."""
    past_id = id_column < last_id if descending else id_column > last_id
    if value is None:
        # Among the trailing NULLs only the id orders rows.
        return and_(column.is_(None), past_id)
    past_value = column < value if descending else column > value
    return or_(past_value, and_(column == value, past_id), column.is_(None))
