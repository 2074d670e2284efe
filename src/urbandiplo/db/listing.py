"""Keyset pagination: the next page starts after the last row's sort value and id, so
every page costs the same however deep it is."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, Select, literal, tuple_
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
    ranges: Sequence[ColumnElement[bool]] = (),
) -> Page[T]:
    """Run `statement` ordered by `sort` then id, rows without a value last, from after
    `page.after`.

    `columns` maps each sortable field to its column and Python type; `build` turns the
    page's rows into domain objects. Each part is one range of the (column, id) index: the
    rows with a value, compared as the pair (column, id) with the cursor's; then, where the
    column may be empty and the page is not full, the rows without one, by id. So the last
    page costs what the first does.

    `ranges`, where given, split the rows with a value into consecutive ranges of the sort
    column, in ascending order, which together hold every row the statement selects. They
    are read one after the other until the page is full: so that each is one index range
    where the whole would not be (events overlapping a window: those already running at
    its start, then those starting in it).
    """
    column, kind = columns[sort.field]
    nullable = bool(getattr(column, "nullable", True))
    after_value: Any = None
    after_id: uuid.UUID | None = None
    if page.after is not None:
        if page.after.sort != str(sort):
            raise invalid_cursor()
        try:
            after_value = _parse(page.after.value, kind)
            after_id = uuid.UUID(page.after.id)
        except ValueError as error:
            raise invalid_cursor() from error
    wanted = page.limit + 1
    rows: list[Row[Any]] = []
    if after_id is None or after_value is not None:
        valued = statement.where(column.is_not(None)) if nullable else statement
        if after_id is not None:
            pair, cursor = (
                tuple_(column, id_column),
                # Typed as the columns, so that values are bound as they are stored (an
                # aware datetime is naive UTC text on SQLite, or ties would compare unequal).
                tuple_(literal(after_value, column.type), literal(after_id, id_column.type)),
            )
            valued = valued.where(pair < cursor if sort.descending else pair > cursor)
        order = (column.desc(), id_column.desc()) if sort.descending else (column, id_column)
        parts: list[ColumnElement[bool] | None] = [
            *(reversed(ranges) if sort.descending else ranges)
        ] or [None]
        for part in parts:
            chosen = valued if part is None else valued.where(part)
            rows += connection.execute(chosen.order_by(*order).limit(wanted - len(rows))).all()
            if len(rows) >= wanted:
                break
    if nullable and len(rows) < wanted:
        empty = statement.where(column.is_(None))
        if after_value is None and after_id is not None:
            empty = empty.where(id_column < after_id if sort.descending else id_column > after_id)
        by_id = id_column.desc() if sort.descending else id_column
        rows += connection.execute(empty.order_by(by_id).limit(wanted - len(rows))).all()
    items = build(rows[: page.limit])
    next_position = None
    if len(rows) > page.limit and items:
        value, last_id = position_of(items[-1])
        next_position = Position(str(sort), as_text(value), str(last_id))
    return Page(items, next_position)
