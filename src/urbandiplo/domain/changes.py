"""The change feed: every write to a record, numbered in commit order, for systems that keep a
copy. Each write takes the next number in its own transaction, and the numbering is held
until it commits, so a reader never sees a later number before an earlier one."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from urbandiplo.domain.access import Principal
from urbandiplo.domain.errors import FieldProblem, InvalidData
from urbandiplo.domain.ports import UnitOfWorkFactory
from urbandiplo.domain.values import Visibility

MAX_CHANGES = 500
# A kind of change that is a collection's and VISIBILITY: a record of it changed visibility or
# went away (what a list that shows only the id and visibility of such records depends on).
VISIBILITY = "/visibility"


# A kind of change that is a collection's and EXISTING: a record of it that was there before
# changed or went away; its creation is not one. What a read that embeds such records by
# reference depends on (a partnership shows its cities): a new city is in no partnership.
EXISTING = "/existing"


def kinds_of(record_type: str, before: Visibility | None, after: Visibility | None) -> list[str]:
    """The kinds of change one change of a record is: its collection's, `EXISTING` unless it
    is the record's creation, and `VISIBILITY` where its visibility changed or it went away."""
    kinds = [record_type]
    if before is not None:
        kinds.append(record_type + EXISTING)
        if after != before:  # its visibility changed, or it went away (after None)
            kinds.append(record_type + VISIBILITY)
    return kinds


class ChangeOperation(StrEnum):
    UPSERT = "upsert"  # created or changed: here is the record
    DELETE = "delete"  # deleted, erased, or no longer visible to you: forget it


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    seq: int
    at: datetime
    record_type: str
    record_id: uuid.UUID
    operation: ChangeOperation
    # Who could see the record before and after the write (None: it did not exist).
    visibility_before: Visibility | None
    visibility_after: Visibility | None


class ChangeLog(Protocol):
    def record(
        self,
        record_type: str,
        record_id: uuid.UUID,
        operation: ChangeOperation,
        visibility_before: Visibility | None,
        visibility_after: Visibility | None,
        at: datetime,
    ) -> None:
        """Log a write. It is numbered when the unit of work commits, after everything else
        it wrote: the counter (its lock, on PostgreSQL) is held only from there to the
        commit, and numbers follow the order of commits."""
        ...

    def since(self, seq: int, visible: Collection[Visibility], limit: int) -> list[Change]:
        """Changes after `seq` to records the caller could see before or after them."""
        ...

    def newest(self) -> int:
        """The number of the newest change (0: none yet)."""
        ...

    def latest(self) -> tuple[int, datetime] | None:
        """The newest change's number and time; None before the first."""
        ...

    def marks(self, keys: Collection[str]) -> dict[str, tuple[int, datetime]]:
        """The newest change's number and time of each kind named (see `VISIBILITY`) that
        has had one."""
        ...


@dataclass(frozen=True, slots=True)
class FeedItem:
    change: Change
    record: Any | None  # the record as the caller reads it now; None: a tombstone

    @property
    def operation(self) -> ChangeOperation:
        return ChangeOperation.DELETE if self.record is None else ChangeOperation.UPSERT


# For a record type, the records of these ids the caller may read now, by id.
ReadMany = Callable[[Principal, list[uuid.UUID]], Mapping[uuid.UUID, Any]]


class ChangeFeedService:
    def __init__(self, uow_factory: UnitOfWorkFactory, readers: Mapping[str, ReadMany]) -> None:
        self._uow = uow_factory
        self._readers = dict(readers)

    def mark(self, kinds: Collection[str] | None = None) -> str:
        """What the records of these kinds are at now (None: of every kind), as a short text
        that changes with every write of one of them: the newest change's number and time
        (the time tells a database restored from a backup, whose numbers start again below,
        from the one it replaces). A kind is a collection ("cities": any write of a city),
        a collection and `EXISTING` (a city that was there changed or went away) or a
        collection and `VISIBILITY` (a city changed visibility or went away)."""
        with self._uow() as uow:
            if kinds is None:
                return _at(uow.changes.latest())
            found = uow.changes.marks(kinds)
        return ",".join(_at(found.get(kind)) for kind in sorted(kinds))

    def since(self, principal: Principal, seq: int, limit: int) -> tuple[list[FeedItem], int]:
        """The next changes after `seq` and the number to go on from. A record that changed
        several times comes with its present state each time; one the caller may no longer
        read comes as a tombstone."""
        if seq < 0:
            raise InvalidData("no such position", [FieldProblem("since", "0 or more")])
        if not 1 <= limit <= MAX_CHANGES:
            raise InvalidData("page size", [FieldProblem("limit", f"1 to {MAX_CHANGES}")])
        with self._uow() as uow:
            changes = uow.changes.since(seq, principal.visible, limit)
        by_type: dict[str, list[uuid.UUID]] = {}
        for change in changes:
            by_type.setdefault(change.record_type, []).append(change.record_id)
        present = {
            (record_type, record_id): record
            for record_type, ids in by_type.items()
            for record_id, record in self._readers[record_type](principal, ids).items()
        }
        items = [
            FeedItem(
                change,
                None
                if change.operation == ChangeOperation.DELETE
                else present.get((change.record_type, change.record_id)),
            )
            for change in changes
        ]
        return items, changes[-1].seq if changes else seq


def _at(newest: tuple[int, datetime] | None) -> str:
    return "0" if newest is None else f"{newest[0]}@{newest[1].isoformat()}"
