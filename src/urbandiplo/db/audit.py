"""The audit log repository: entries are added with the write they record, and read
newest first by admins."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, insert, select, update
from sqlalchemy.engine import Row

from urbandiplo.db.listing import paginate
from urbandiplo.db.models import AuditRow, table_of
from urbandiplo.db.records import one_of
from urbandiplo.domain.audit import AuditEntry, AuditOperation, AuditQuery
from urbandiplo.domain.listing import Page, PageRequest, Sort
from urbandiplo.domain.values import Visibility

audit_log = table_of(AuditRow)
SORT_COLUMNS: dict[str, tuple[ColumnElement[Any], type]] = {"at": (audit_log.c.at, datetime)}


class SqlAuditRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, entry: AuditEntry) -> None:
        self._connection.execute(
            insert(audit_log),
            {
                "id": entry.id,
                "at": entry.at,
                "actor": entry.actor,
                "operation": entry.operation.value,
                "record_type": entry.record_type,
                "record_id": entry.record_id,
                "visibility": entry.visibility.value,
                "before": dict(entry.before) if entry.before is not None else None,
                "after": dict(entry.after) if entry.after is not None else None,
            },
        )

    def list_page(
        self, query: AuditQuery, visible: frozenset[Visibility], sort: Sort, page: PageRequest
    ) -> Page[AuditEntry]:
        statement = select(audit_log).where(
            one_of(audit_log.c.visibility, (v.value for v in visible))
        )
        c = audit_log.c
        for column, value in (
            (c.record_type, query.record_type),
            (c.record_id, query.record_id),
            (c.actor, query.actor),
            (c.operation, query.operation.value if query.operation else None),
        ):
            if value is not None:
                statement = statement.where(column == value)
        if query.from_ is not None:
            statement = statement.where(c.at >= query.from_)
        if query.to is not None:
            statement = statement.where(c.at < query.to)
        return paginate(
            self._connection,
            statement,
            sort=sort,
            columns=SORT_COLUMNS,
            id_column=c.id,
            page=page,
            build=_entries,
            position_of=lambda e: (e.at, e.id),
        )

    def scrub(self, record_type: str, record_id: uuid.UUID, left: Mapping[str, Any]) -> int:
        result = self._connection.execute(
            update(audit_log)
            .where(audit_log.c.record_type == record_type, audit_log.c.record_id == record_id)
            .values(before=dict(left), after=dict(left))
        )
        return int(result.rowcount)

    def tighten(self, record_type: str, record_id: uuid.UUID, visibility: Visibility) -> None:
        looser = [v.value for v in STRICTER[visibility]]
        if looser:
            self._connection.execute(
                update(audit_log)
                .where(
                    audit_log.c.record_type == record_type,
                    audit_log.c.record_id == record_id,
                    audit_log.c.visibility.in_(looser),
                )
                .values(visibility=visibility.value)
            )


STRICTER = {
    Visibility.PUBLIC: (),
    Visibility.INTERNAL: (Visibility.PUBLIC,),
    Visibility.CONFIDENTIAL: (Visibility.PUBLIC, Visibility.INTERNAL),
}


def _entries(rows: Sequence[Row[Any]]) -> list[AuditEntry]:
    return [
        AuditEntry(
            id=row.id,
            at=row.at,
            actor=row.actor,
            operation=AuditOperation(row.operation),
            record_type=row.record_type,
            record_id=row.record_id,
            visibility=Visibility(row.visibility),
            before=row.before,
            after=row.after,
        )
        for row in rows
    ]
