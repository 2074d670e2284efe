"""The SQL repository every resource's repository builds on: reads as rows (no ORM objects),
keyset pages, version-checked updates, and child tables rewritten with their record."""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from enum import Enum, StrEnum
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Select,
    Table,
    any_,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from urbandiplo.db.listing import paginate
from urbandiplo.domain.errors import Conflict, DomainError
from urbandiplo.domain.listing import Page, PageRequest, Sort
from urbandiplo.domain.values import I18nText, Money, Visibility
from urbandiplo.domain.workflow import Transition

RecordT = TypeVar("RecordT")
QueryT = TypeVar("QueryT")
StatusT = TypeVar("StatusT", bound=StrEnum)
EnumT = TypeVar("EnumT", bound=Enum)


def by_value(enum: type[EnumT]) -> Mapping[Any, EnumT]:
    """Each member of `enum` by its stored value. A row's value becomes a member by one dict
    lookup: on a page's read path, where calling the enum (a dozen times slower) adds up to
    hundreds of calls."""
    return {member.value: member for member in enum}


VISIBILITIES = by_value(Visibility)


def one_of(column: ColumnElement[Any], values: Iterable[Any]) -> ColumnElement[bool]:
    """`column IN (...)`, each value bound on its own. An expanding list (`in_(values)`)
    is rendered into the statement again on every execution; on a list's path that costs
    more than the rest of the statement's preparation."""
    return column.in_([literal(value, column.type) for value in values])


def among(
    connection: Connection, column: ColumnElement[Any], values: Iterable[Any]
) -> ColumnElement[bool]:
    """`column IN values` for a page's ids, which are many (up to a page: 200) and differ
    on every execution. On PostgreSQL one array parameter (`= ANY (%s::UUID[])`): the
    expanding list a page's related rows were read with made SQLAlchemy render each id into
    the statement, and psycopg split the long statement for its placeholders, uncached,
    every time (a calendar of 400 events: 30 ms of its 60 to read them)."""
    if connection.dialect.name == "postgresql":
        return column == any_(literal(list(values), ARRAY(column.type)))
    return column.in_(list(values))


def text_or_none(value: dict[str, str] | None) -> I18nText | None:
    """A multilingual text column, None where empty."""
    return I18nText(value) if value else None


def money_or_none(amount: Any, currency: str | None) -> Money | None:
    """An amount and currency column pair, None where either is empty."""
    return Money(amount, currency) if amount is not None and currency else None


def history_document(history: Iterable[Transition[Any]]) -> list[dict[str, Any]]:
    """A workflow's history as the JSON document of its row."""
    return [
        {
            "from_status": t.from_status.value,
            "to_status": t.to_status.value,
            "at": t.at.isoformat(),
            "actor": t.actor,
            "note": t.note,
            "shared": t.shared,
        }
        for t in history
    ]


def history_of(
    document: Iterable[dict[str, Any]] | None, status: type[StatusT]
) -> tuple[Transition[StatusT], ...]:
    return tuple(
        Transition(
            from_status=status(t["from_status"]),
            to_status=status(t["to_status"]),
            at=datetime.fromisoformat(t["at"]),
            actor=t["actor"],
            note=t.get("note"),
            shared=t.get("shared", False),
        )
        for t in document or ()
    )


# Columns kept for queries only, never part of a record.
QUERY_ONLY = frozenset({"search_text"})


# A repository's statement for one record by id, by repository and dialect (SqlRepository.get).
_BY_ID: dict[tuple[type, str], Select[Any]] = {}


class SqlRepository(ABC, Generic[RecordT, QueryT]):
    """Implements domain.ports.Repository for one table and its child tables."""

    table: ClassVar[Table]
    sort_columns: ClassVar[Mapping[str, tuple[ColumnElement[Any], type]]]
    # Tables holding a record's lists (history, members, ...), keyed by `child_key`; they are
    # rewritten whenever the record is, and go with it (ON DELETE CASCADE).
    child_tables: ClassVar[tuple[Table, ...]] = ()
    child_key: ClassVar[str] = ""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    # -- what each resource says ---------------------------------------------------------

    @abstractmethod
    def build(self, rows: Sequence[Row[Any]]) -> list[RecordT]:
        """Records from their rows, loading related rows in one query per table."""

    @abstractmethod
    def values(self, record: RecordT) -> dict[str, Any]:
        """The table row of a record."""

    @abstractmethod
    def conditions(self, query: QueryT) -> list[ColumnElement[bool]]:
        """The WHERE conditions of a list's filters."""

    def child_rows(self, record: RecordT) -> list[tuple[Table, list[dict[str, Any]]]]:
        return []

    def ranges(self, query: QueryT, sort: Sort) -> list[ColumnElement[bool]]:
        """Where a list's rows are best read as consecutive ranges of the sort column (see
        `paginate`), their conditions in ascending order; none by default."""
        return []

    def select(self) -> Select[Any]:
        return select(*(c for c in self.table.c if c.name not in QUERY_ONLY))

    def visible_only(self, statement: Select[Any], visible: Collection[Visibility]) -> Select[Any]:
        return statement.where(one_of(self.table.c.visibility, (v.value for v in visible)))

    def conflict(self, error: IntegrityError) -> DomainError:
        """What a constraint violation on write means for this resource."""
        return Conflict("the change clashes with another record; read it again and retry")

    # -- the same for every resource -----------------------------------------------------

    def get(self, record_id: uuid.UUID) -> RecordT | None:
        key = (type(self), self._connection.dialect.name)
        statement = _BY_ID.get(key)
        if statement is None:
            # Built once: a statement built per call is walked again for its cache key.
            statement = self.select().where(self.table.c.id == bindparam("record_id"))
            _BY_ID[key] = statement
        row = self._connection.execute(statement, {"record_id": record_id}).first()
        return self.build([row])[0] if row is not None else None

    def many(self, record_ids: Collection[uuid.UUID]) -> list[RecordT]:
        """The records of these ids that exist, in one query (and one per child table)."""
        if not record_ids:
            return []
        rows = self._connection.execute(
            self.select().where(among(self._connection, self.table.c.id, record_ids))
        ).all()
        return self.build(rows)

    def list_page(
        self, query: QueryT, visible: Collection[Visibility], sort: Sort, page: PageRequest
    ) -> Page[RecordT]:
        statement = self.visible_only(self.select(), visible)
        for condition in self.conditions(query):
            statement = statement.where(condition)
        return paginate(
            self._connection,
            statement,
            sort=sort,
            columns=self.sort_columns,
            id_column=self.table.c.id,
            page=page,
            build=self.build,
            position_of=lambda record: (getattr(record, sort.field), getattr(record, "id")),  # noqa: B009
            ranges=self.ranges(query, sort),
        )

    def add(self, record: RecordT) -> None:
        try:
            # A statement without values compiles once; the values go as parameters.
            self._connection.execute(insert(self.table), self.values(record))
        except IntegrityError as error:
            raise self.conflict(error) from error
        self._insert_children(record)

    def update(self, record: RecordT, expected_version: int) -> bool:
        values = self.values(record)
        try:
            result = self._connection.execute(
                update(self.table)
                .where(self.table.c.id == values["id"], self.table.c.version == expected_version)
                .values(values)
            )
        except IntegrityError as error:
            raise self.conflict(error) from error
        if result.rowcount != 1:
            return False
        for table in self.child_tables:
            self._connection.execute(delete(table).where(table.c[self.child_key] == values["id"]))
        self._insert_children(record)
        return True

    def delete(self, record_id: uuid.UUID) -> None:
        try:
            self._connection.execute(delete(self.table).where(self.table.c.id == record_id))
        except IntegrityError as error:  # something came to refer to it meanwhile
            raise self.conflict(error) from error

    def _insert_children(self, record: RecordT) -> None:
        for table, rows in self.child_rows(record):
            if rows:
                self._connection.execute(insert(table), rows)


def count_references(
    connection: Connection, record_id: uuid.UUID, columns: Sequence[ColumnElement[Any]]
) -> int:
    """How many rows name `record_id` in any of `columns` (foreign keys to one record)."""
    counts = [
        select(func.count()).where(column == record_id).scalar_subquery() for column in columns
    ]
    total: ColumnElement[Any] = counts[0]
    for count in counts[1:]:
        total = total + count
    return int(connection.execute(select(total)).scalar_one())
