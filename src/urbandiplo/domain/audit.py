"""The audit log: who changed what, when, with the record before and after, written in the
same unit of work as the change itself (a failed write leaves no entry)."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any, Protocol

from urbandiplo.domain.access import Principal, Role
from urbandiplo.domain.ids import new_id
from urbandiplo.domain.listing import Page, PageRequest, Sort
from urbandiplo.domain.ports import UnitOfWorkFactory
from urbandiplo.domain.refs import PersonRef
from urbandiplo.domain.values import Visibility, strictest

AUDIT_SORTS = ("at",)


class AuditOperation(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    TRANSITION = "transition"
    ERASE = "erase"


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEntry:
    id: uuid.UUID
    at: datetime
    actor: str
    operation: AuditOperation
    record_type: str
    record_id: uuid.UUID
    # Who may read the entry: the strictest visibility of the record before and after
    # (confidential for a protected person), so the log shows no more than the records do.
    visibility: Visibility
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None


@dataclass(frozen=True, slots=True)
class AuditQuery:
    record_type: str | None = None
    record_id: uuid.UUID | None = None
    actor: str | None = None
    operation: AuditOperation | None = None
    from_: datetime | None = None
    to: datetime | None = None


class AuditRepository(Protocol):
    def add(self, entry: AuditEntry) -> None: ...
    def list_page(
        self, query: AuditQuery, visible: frozenset[Visibility], sort: Sort, page: PageRequest
    ) -> Page[AuditEntry]: ...
    def scrub(self, record_type: str, record_id: uuid.UUID, left: Mapping[str, Any]) -> int:
        """Replace before and after of the record's entries with `left`; how many."""
        ...

    def tighten(self, record_type: str, record_id: uuid.UUID, visibility: Visibility) -> None:
        """Make the record's earlier entries at least as hidden as `visibility`: what a
        record held before it became confidential stays out of sight too."""
        ...


def _plain(value: Any) -> Any:
    """A JSON value for the log. Embedded people are left out (their id stays beside them),
    so erasing a person never has to look through other records' entries."""
    if isinstance(value, PersonRef):
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if not isinstance(getattr(value, f.name), PersonRef)
        }
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    return value


def snapshot(record: Any) -> dict[str, Any]:
    """The record as the log keeps it."""
    plain = _plain(record)
    assert isinstance(plain, dict)
    return plain


def own_visibility(record: Any) -> Visibility:
    """Who may see the record itself: its visibility; confidential for a protected person."""
    if getattr(record, "protected", False):
        return Visibility.CONFIDENTIAL
    found = getattr(record, "visibility", Visibility.PUBLIC)
    return found if isinstance(found, Visibility) else Visibility.PUBLIC


def effective_visibility(record: Any) -> Visibility:
    """Who may see everything a record carries: the strictest of its own visibility and that
    of every record it embeds (a city, a programme); confidential for a protected person.
    Embedded people are left out of what is kept, so they do not count."""
    if record is None:
        return Visibility.PUBLIC
    if getattr(record, "protected", False) and not isinstance(record, PersonRef):
        return Visibility.CONFIDENTIAL
    found = [v] if isinstance(v := getattr(record, "visibility", None), Visibility) else []
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        for f in dataclasses.fields(record):
            value = getattr(record, f.name)
            values = value if isinstance(value, tuple | list) else (value,)
            found += [
                effective_visibility(v)
                for v in values
                if dataclasses.is_dataclass(v) and not isinstance(v, PersonRef | type)
            ]
    return strictest(*found) if found else Visibility.PUBLIC


def entry(
    principal: Principal,
    operation: AuditOperation,
    record_type: str,
    record_id: uuid.UUID,
    before: Any,
    after: Any,
    *,
    at: datetime,
) -> AuditEntry:
    """The log entry for one write; `before`/`after` are records or None."""
    return AuditEntry(
        id=new_id(),
        at=at,
        actor=principal.actor,
        operation=operation,
        record_type=record_type,
        record_id=record_id,
        visibility=strictest(effective_visibility(before), effective_visibility(after)),
        before=snapshot(before) if before is not None else None,
        after=snapshot(after) if after is not None else None,
    )


class AuditService:
    """Reading the log; admins only, and only entries of records they may see."""

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow = uow_factory

    def list_page(
        self, principal: Principal, query: AuditQuery, sort: Sort, page: PageRequest
    ) -> Page[AuditEntry]:
        principal.require(Role.ADMIN)
        with self._uow() as uow:
            return uow.audit.list_page(query, principal.visible, sort, page)
