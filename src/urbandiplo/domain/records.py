"""What every stored record has (id, timestamps, version, visibility) and the service rules
they share: who sees a record, stale-copy checks, timestamps."""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import fields, replace
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, Protocol, TypeVar, cast

from urbandiplo.domain import audit
from urbandiplo.domain.access import EVERYTHING, Principal, Role
from urbandiplo.domain.audit import AuditOperation
from urbandiplo.domain.changes import ChangeOperation
from urbandiplo.domain.errors import (
    FieldProblem,
    InvalidData,
    NotFound,
    PermissionDenied,
    StaleVersion,
)
from urbandiplo.domain.ids import new_id
from urbandiplo.domain.listing import MAX_PAGE_SIZE, Page, PageRequest, Sort
from urbandiplo.domain.ports import Repository, UnitOfWork, UnitOfWorkFactory
from urbandiplo.domain.search import SearchEntry, joined
from urbandiplo.domain.values import I18nText, Visibility


class Stored(Protocol):
    @property
    def id(self) -> uuid.UUID: ...

    @property
    def visibility(self) -> Visibility: ...


R = TypeVar("R", bound=Stored)
RecordT = TypeVar("RecordT", bound=Stored)
FieldsT = TypeVar("FieldsT")
QueryT = TypeVar("QueryT")

# A check of the caller's copy of a record (from `If-Match`), run inside the transaction that
# changes it; False means the copy is stale.
Precondition = Callable[[R], bool]


CREATE, UPDATE, DELETE = AuditOperation.CREATE, AuditOperation.UPDATE, AuditOperation.DELETE


def utcnow() -> datetime:
    return datetime.now(UTC)


def visible_or_404(
    record: R | None, principal: Principal, record_type: str, record_id: object
) -> R:
    """The record if it exists and the caller may see it; otherwise NotFound, never a hint
    that a hidden record exists."""
    if record is None or not principal.may_see(record.visibility):
        raise NotFound(record_type, record_id)
    return record


def check_may_assign(principal: Principal, visibility: Visibility) -> None:
    """Nobody may give a record a visibility they could not see it under. A contributor
    gives none: where it may write (its own application), the visibility is the office's
    field, which the service keeps as it is."""
    if principal.is_contributor:
        return
    if not principal.may_see(visibility):
        raise PermissionDenied(f"{visibility.value} records need the confidential permission")


def check_precondition(record: R, precondition: Precondition[R] | None) -> None:
    if precondition is not None and not precondition(record):
        raise StaleVersion()


# List filters that name another record, and where that record is: a filter on a record the
# caller may not see matches nothing, exactly as an id that does not exist, so that a filter
# never reveals by its effect what a hidden record is linked to.
FILTER_TARGETS: Mapping[str, Callable[[UnitOfWork], Repository[Any, Any]]] = {
    "city_id": lambda uow: uow.cities,
    "partnership_id": lambda uow: uow.partnerships,
    "network_id": lambda uow: uow.networks,
    "project_id": lambda uow: uow.projects,
    "organisation_id": lambda uow: uow.organisations,
    "funder_id": lambda uow: uow.organisations,
    "applicant_id": lambda uow: uow.organisations,
    "programme_id": lambda uow: uow.funding_programmes,
    "call_id": lambda uow: uow.funding_calls,
    "event_id": lambda uow: uow.events,
    "author_id": lambda uow: uow.organisations,
}


def filters_visible(uow: UnitOfWork, principal: Principal, query: object) -> bool:
    """Whether every record a list's filters name exists and the caller may see it."""
    for name, target in FILTER_TARGETS.items():
        record_id = getattr(query, name, None)
        if record_id is None:
            continue
        found = target(uow).get(record_id)
        if found is None:
            return False
        shows = getattr(found, "visible_to", None)
        if not (shows(principal) if callable(shows) else principal.may_see(found.visibility)):
            return False
    return True


class RecordService(ABC, Generic[FieldsT, RecordT, QueryT]):
    """Reading and changing one kind of record, one unit of work per call.

    A resource names its types and its repository and says, in `prepare`, how staff's input
    becomes a valid record; reading, visibility, roles, preconditions, versions and
    timestamps work the same for every resource."""

    record_type: ClassVar[str]  # "city", in messages
    fields_type: ClassVar[type[Any]]  # the fields staff enter, a dataclass
    record_class: ClassVar[type[Any]]  # the stored record: the fields and its bookkeeping
    query_class: ClassVar[type[Any]]  # a list's filters; all of them empty: every record

    # The collection (its path segment: "cities"): in the search index and the change feed.
    collection: ClassVar[str | None] = None

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow = uow_factory
        self.field_names = frozenset(f.name for f in fields(self.fields_type))

    def search_entry(self, record: RecordT) -> SearchEntry | None:
        """What the search index keeps of the record (public fields only)."""
        return None

    def indexed(
        self,
        record: RecordT,
        title: I18nText,
        *text: Any,
        visibility: Visibility | None = None,
    ) -> SearchEntry:
        assert self.collection is not None
        return SearchEntry(
            record_type=self.collection,
            record_id=record.id,
            visibility=visibility or record.visibility,
            title=title,
            text=joined(*text),
        )

    def reindex(self) -> int:
        """Write every record's search entry anew (after a change to what is indexed, or
        for records stored before the index existed); how many."""
        if self.collection is None:
            return 0
        count = 0
        page = PageRequest(MAX_PAGE_SIZE)
        while True:
            with self._uow(write=True) as uow:
                found = self.repository(uow).list_page(
                    self.query_class(), EVERYTHING, Sort("created_at"), page
                )
                for record in found.items:
                    self._index(uow, record)
                uow.commit()
            count += len(found.items)
            if found.next is None:
                return count
            page = PageRequest(MAX_PAGE_SIZE, found.next)

    def written(
        self,
        uow: UnitOfWork,
        principal: Principal,
        operation: AuditOperation,
        record_id: uuid.UUID,
        before: Any,
        after: Any,
        at: datetime,
    ) -> None:
        """What every write leaves in its own transaction: the audit entry, the change for
        the feed, and the search entry (`after` None: the record is gone)."""
        logged = audit.entry(
            principal, operation, self.record_type, record_id, before, after, at=at
        )
        uow.audit.add(logged)
        if before is not None:  # a new record has no older entries
            uow.audit.tighten(self.record_type, record_id, logged.visibility)
        if self.collection is None:
            return
        uow.changes.record(
            self.collection,
            record_id,
            ChangeOperation.UPSERT if after is not None else ChangeOperation.DELETE,
            self.feed_visibility(before) if before is not None else None,
            self.feed_visibility(after) if after is not None else None,
            at,
        )
        if after is not None:
            self._index(uow, after, new=before is None)
        else:
            uow.search.remove(self.collection, record_id)

    def read_many(
        self, principal: Principal, record_ids: list[uuid.UUID]
    ) -> dict[uuid.UUID, RecordT]:
        """The records of these ids the caller may read, as they may read them."""
        with self._uow() as uow:
            found = self.repository(uow).many(record_ids)
        return {
            r.id: self.shown_to(r, principal)
            for r in found
            if self.still_there(r) and self.visible_to(r, principal)
        }

    def feed_visibility(self, record: RecordT) -> Visibility:
        """Who may hear of a change to the record in the feed: those who may read it. By
        default its own visibility; records that show only with others (a partnership with
        its cities) say so."""
        return audit.own_visibility(record)

    def still_there(self, record: RecordT) -> bool:
        """False for a record that stays only as a tombstone (an erased person)."""
        return True

    def _index(self, uow: UnitOfWork, record: RecordT, *, new: bool = False) -> None:
        entry = self.search_entry(record)
        if entry is not None:
            uow.search.put(entry, new=new)

    @abstractmethod
    def repository(self, uow: UnitOfWork) -> Repository[RecordT, QueryT]:
        """This resource's repository in the unit of work."""

    def visible_to(self, record: RecordT, principal: Principal) -> bool:
        return principal.may_see(record.visibility)

    def require_writer(self, principal: Principal) -> None:
        """Raise (401, 403) unless the caller may create and change these records at all:
        editors by default."""
        principal.require(Role.EDITOR)

    def check_changeable(self, principal: Principal, current: RecordT) -> None:
        """Refuse (PermissionDenied) a change the caller may not make to this record now;
        none by default."""

    def prepare(
        self,
        uow: UnitOfWork,
        principal: Principal,
        draft: FieldsT,
        current: RecordT | None,
        changed: AbstractSet[str],
    ) -> dict[str, Any]:
        """The record's values, bookkeeping aside, from `draft` (new on create, the stored
        record with `changed` fields replaced on update); raises InvalidData for broken
        rules. By default the draft's fields as they are."""
        return {name: getattr(draft, name) for name in self.field_names}

    def before_delete(self, uow: UnitOfWork, record: RecordT) -> None:
        """Refuse (Conflict) to delete a record that others still need."""

    def shown_to(self, record: RecordT, principal: Principal) -> RecordT:
        """The record as the caller may see it: embedded records hidden from them left out."""
        return record

    def get(self, principal: Principal, record_id: uuid.UUID) -> RecordT:
        with self._uow() as uow:
            return self.shown_to(self._visible(uow, principal, record_id), principal)

    def list_page(
        self, principal: Principal, query: QueryT, sort: Sort, page: PageRequest
    ) -> Page[RecordT]:
        with self._uow() as uow:
            if not filters_visible(uow, principal, query):
                return Page([], None)
            found = self.repository(uow).list_page(query, principal.visible, sort, page)
        return Page([self.shown_to(record, principal) for record in found.items], found.next)

    def create(
        self,
        principal: Principal,
        data: FieldsT,
        *,
        before_commit: Callable[[UnitOfWork, RecordT], None] | None = None,
    ) -> RecordT:
        self.require_writer(principal)
        with self._uow(write=True) as uow:
            shown = self.shown_to(self.create_in(uow, principal, data, utcnow()), principal)
            if before_commit is not None:
                before_commit(uow, shown)
            uow.commit()
        return shown

    def create_in(
        self,
        uow: UnitOfWork,
        principal: Principal,
        data: FieldsT,
        now: datetime,
        *,
        bookkeeping: bool = True,
    ) -> RecordT:
        """Store a new record in the caller's unit of work (an import's batch); the caller
        has checked the role and commits. `bookkeeping=False` leaves out the audit entry,
        change and search entry, for work that will be rolled back (a dry run)."""
        check_may_assign(principal, getattr(data, "visibility"))  # noqa: B009
        values = self.prepare(uow, principal, data, None, self.field_names)
        record: RecordT = self.record_class(
            **values, id=new_id(), created_at=now, updated_at=now, version=1
        )
        self.repository(uow).add(record)
        if bookkeeping:
            self.written(uow, principal, CREATE, record.id, None, record, now)
        return record

    def update(
        self,
        principal: Principal,
        record_id: uuid.UUID,
        changes: Mapping[str, Any],
        precondition: Precondition[RecordT] | None = None,
    ) -> RecordT:
        self.require_writer(principal)
        with self._uow(write=True) as uow:
            changed = self.update_in(uow, principal, record_id, changes, precondition)
            uow.commit()
        return self.shown_to(changed, principal)

    def update_in(
        self,
        uow: UnitOfWork,
        principal: Principal,
        record_id: uuid.UUID,
        changes: Mapping[str, Any],
        precondition: Precondition[RecordT] | None,
    ) -> RecordT:
        """Change a record in the caller's unit of work (a contribution being published);
        the caller has checked the role and commits."""
        unknown = set(changes) - self.field_names
        if unknown:
            raise InvalidData(
                "unknown fields",
                [FieldProblem(name, f"not a field of a {self.record_type}") for name in unknown],
            )
        current = self._visible(uow, principal, record_id)
        # The caller's copy is the record as shown to them.
        check_precondition(self.shown_to(current, principal), precondition)
        self.check_changeable(principal, current)
        if all(getattr(current, name) == value for name, value in changes.items()):
            return current  # no change: no new version
        draft = replace(current, **changes)  # type: ignore[type-var]
        check_may_assign(principal, draft.visibility)
        values = self.prepare(uow, principal, cast(FieldsT, draft), current, set(changes))
        changed: RecordT = self.record_class(
            **values,
            id=current.id,
            created_at=getattr(current, "created_at"),  # noqa: B009
            updated_at=utcnow(),
            version=getattr(current, "version") + 1,  # noqa: B009
        )
        if not self.repository(uow).update(
            changed,
            expected_version=getattr(current, "version"),  # noqa: B009
        ):
            raise StaleVersion()
        self.written(
            uow,
            principal,
            UPDATE,
            record_id,
            current,
            changed,
            getattr(changed, "updated_at"),  # noqa: B009
        )
        return changed

    def delete(
        self,
        principal: Principal,
        record_id: uuid.UUID,
        precondition: Precondition[RecordT] | None = None,
    ) -> None:
        principal.require(Role.EDITOR)
        with self._uow(write=True) as uow:
            current = self._visible(uow, principal, record_id)
            check_precondition(self.shown_to(current, principal), precondition)
            self.before_delete(uow, current)
            self.repository(uow).delete(record_id)
            self.written(uow, principal, DELETE, record_id, current, None, utcnow())
            uow.commit()

    def _visible(self, uow: UnitOfWork, principal: Principal, record_id: uuid.UUID) -> RecordT:
        record = self.repository(uow).get(record_id)
        if record is None or not self.visible_to(record, principal):
            raise NotFound(self.record_type, record_id)
        return record
