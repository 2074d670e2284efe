"""The change log behind the feed: numbered from one locked clock row, read in order."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Integer, Select, bindparam, insert, or_, select, update

from urbandiplo.db.models import ChangeClockRow, ChangeMarkRow, ChangeRow, table_of
from urbandiplo.db.records import one_of
from urbandiplo.domain.changes import Change, ChangeOperation, kinds_of
from urbandiplo.domain.values import Visibility

changes = table_of(ChangeRow)
clock = table_of(ChangeClockRow)
marks = table_of(ChangeMarkRow)
MOVE_MARK = (
    update(marks)
    .where(marks.c.key == bindparam("mark_key"))
    .values(seq=bindparam("seq"), at=bindparam("at"))
)


@cache
def _marks_of(keys: tuple[str, ...]) -> Select[Any]:
    """The marks of these kinds, built once for each set of kinds a kept read names (a
    handful): this runs on every request the cache answers."""
    return select(marks.c.key, marks.c.seq, marks.c.at).where(one_of(marks.c.key, keys))


LATEST = select(changes.c.seq, changes.c.at).order_by(changes.c.seq.desc()).limit(1)
# The next `count` numbers (the last returned): built once, compiled once.
NEXT_SEQS = (
    update(clock)
    .where(clock.c.id == 1)
    .values(value=clock.c.value + bindparam("count", type_=Integer))
    .returning(clock.c.value)
)


class SqlChangeLog:
    """Changes wait in `pending` until the unit of work commits; `flush` numbers them then."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.pending: list[dict[str, Any]] = []

    def record(
        self,
        record_type: str,
        record_id: uuid.UUID,
        operation: ChangeOperation,
        visibility_before: Visibility | None,
        visibility_after: Visibility | None,
        at: datetime,
    ) -> None:
        self.pending.append(
            {
                "at": at,
                "record_type": record_type,
                "record_id": record_id,
                "operation": operation.value,
                "visibility_before": visibility_before.value if visibility_before else None,
                "visibility_after": visibility_after.value if visibility_after else None,
            }
        )

    def flush(self) -> None:
        """Number the pending changes and write them: the last thing before the commit.

        The UPDATE takes the counter row's lock (PostgreSQL) until the commit; SQLite writes
        are one at a time anyway (BEGIN IMMEDIATE). Either way no later number commits
        first. Taking it last keeps the lock short and out of any wait for another lock
        (a unique key another transaction is writing), where two writers could deadlock."""
        if not self.pending:
            return
        count = len(self.pending)
        last = int(self._connection.execute(NEXT_SEQS, {"count": count}).scalar_one())
        first = last - count + 1
        rows = [{**change, "seq": first + i} for i, change in enumerate(self.pending)]
        self._connection.execute(insert(changes), rows)
        self._move_marks(rows)
        self.pending.clear()

    def _move_marks(self, rows: list[dict[str, Any]]) -> None:
        """Each kind's newest change, for the response cache. Still under the clock row's
        lock (PostgreSQL) or the one writer (SQLite): no other write moves a mark meanwhile,
        so an update, and an insert where there was none yet, cannot race."""
        newest: dict[str, dict[str, Any]] = {}
        for row in rows:  # in order: the last of a kind is its newest
            for kind in kinds_of(
                row["record_type"], row["visibility_before"], row["visibility_after"]
            ):
                newest[kind] = row
        known = set(
            self._connection.execute(
                select(marks.c.key).where(marks.c.key.in_(list(newest)))
            ).scalars()
        )
        moved = [(key, {"seq": row["seq"], "at": row["at"]}) for key, row in newest.items()]
        if known:
            self._connection.execute(
                MOVE_MARK, [{"mark_key": key, **mark} for key, mark in moved if key in known]
            )
        if len(known) < len(moved):
            self._connection.execute(
                insert(marks), [{"key": key, **mark} for key, mark in moved if key not in known]
            )

    def marks(self, keys: Collection[str]) -> dict[str, tuple[int, datetime]]:
        rows = self._connection.execute(_marks_of(tuple(sorted(keys))))
        return {row.key: (int(row.seq), row.at) for row in rows}

    def latest(self) -> tuple[int, datetime] | None:
        row = self._connection.execute(LATEST).first()
        return (int(row.seq), row.at) if row is not None else None

    def newest(self) -> int:
        return int(
            self._connection.execute(select(clock.c.value).where(clock.c.id == 1)).scalar_one()
        )

    def since(self, seq: int, visible: Collection[Visibility], limit: int) -> list[Change]:
        values = [v.value for v in visible]
        seen = or_(
            one_of(changes.c.visibility_before, values), one_of(changes.c.visibility_after, values)
        )
        rows = self._connection.execute(
            select(changes).where(changes.c.seq > seq, seen).order_by(changes.c.seq).limit(limit)
        )
        return [
            Change(
                seq=row.seq,
                at=row.at,
                record_type=row.record_type,
                record_id=row.record_id,
                operation=ChangeOperation(row.operation),
                visibility_before=Visibility(row.visibility_before)
                if row.visibility_before
                else None,
                visibility_after=Visibility(row.visibility_after) if row.visibility_after else None,
            )
            for row in rows
        ]
