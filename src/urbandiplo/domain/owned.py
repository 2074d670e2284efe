"""Records an organisation owns and the office reviews (contributions, call subscriptions):
never public; a contributor reaches its own organisation's only, and another's is a 404, as
a record that does not exist; staff reach every one."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, TypeVar

from urbandiplo.domain.access import STAFF, Principal, Role
from urbandiplo.domain.audit import AuditOperation
from urbandiplo.domain.errors import FieldProblem, InvalidData, StaleVersion
from urbandiplo.domain.ids import new_id
from urbandiplo.domain.listing import Page, PageRequest, Sort
from urbandiplo.domain.organisations import Organisation
from urbandiplo.domain.ports import UnitOfWork
from urbandiplo.domain.records import Precondition, RecordService, check_precondition, utcnow

FieldsT = TypeVar("FieldsT")
RecordT = TypeVar("RecordT", bound=Any)
QueryT = TypeVar("QueryT", bound=Any)


def owning_organisation(
    uow: UnitOfWork,
    principal: Principal,
    organisation_id: uuid.UUID | None,
    who: str,
    problems: list[FieldProblem],
) -> Organisation | None:
    """The owner: a contributor's own organisation (which it may leave out), or the one
    staff name (`who` says what it is); None with a problem otherwise."""
    if principal.is_contributor:
        if organisation_id not in (None, principal.organisation_id):
            problems.append(FieldProblem("organisation_id", "your own organisation only"))
        return uow.organisations.get(principal.organisation_id)  # type: ignore[arg-type]
    if organisation_id is None:
        problems.append(FieldProblem("organisation_id", who))
        return None
    found = uow.organisations.get(organisation_id)
    if found is None or not principal.may_see(found.visibility):
        problems.append(FieldProblem("organisation_id", "no such organisation"))
        return None
    return found


class OwnedRecordService(RecordService[FieldsT, RecordT, QueryT]):
    """Reading and writing records an organisation owns: contributors for their own
    organisation, staff (readers read, editors write) for any."""

    collection = None  # not in the change feed or the search index: never public

    def visible_to(self, record: RecordT, principal: Principal) -> bool:
        if principal.is_contributor:
            return principal.acts_for(record.organisation_id)
        return principal.role is not None and principal.may_see(record.visibility)

    def list_page(
        self, principal: Principal, query: QueryT, sort: Sort, page: PageRequest
    ) -> Page[RecordT]:
        principal.require_contributor_or(Role.READER)
        if principal.is_contributor:
            if query.organisation_id not in (None, principal.organisation_id):
                return Page([], None)  # another organisation's: as if it had none
            query = replace(query, organisation_id=principal.organisation_id)
        with self._uow() as uow:
            return self.repository(uow).list_page(query, STAFF, sort, page)

    def get(self, principal: Principal, record_id: uuid.UUID) -> RecordT:
        principal.require_contributor_or(Role.READER)
        return super().get(principal, record_id)

    def create(self, principal: Principal, data: FieldsT, *, before_commit: Any = None) -> RecordT:
        principal.require_contributor_or(Role.EDITOR)
        now = utcnow()
        with self._uow(write=True) as uow:
            values = self.prepare(uow, principal, data, None, self.field_names)
            record: RecordT = self.record_class(
                **values, id=new_id(), created_at=now, updated_at=now, version=1
            )
            self.repository(uow).add(record)
            self.written(uow, principal, AuditOperation.CREATE, record.id, None, record, now)
            if before_commit is not None:
                before_commit(uow, record)
            uow.commit()
        return record

    def update(
        self,
        principal: Principal,
        record_id: uuid.UUID,
        changes: Mapping[str, Any],
        precondition: Precondition[RecordT] | None = None,
    ) -> RecordT:
        principal.require_contributor_or(Role.EDITOR)
        unknown = set(changes) - self.field_names
        if unknown:
            raise InvalidData(
                "unknown fields",
                [FieldProblem(name, f"not a field of a {self.record_type}") for name in unknown],
            )
        with self._uow(write=True) as uow:
            current = self._visible(uow, principal, record_id)
            check_precondition(current, precondition)
            self.check_changeable(principal, current)
            if all(getattr(current, name) == value for name, value in changes.items()):
                return current
            draft = replace(current, **changes)
            values = self.prepare(uow, principal, draft, current, set(changes))
            changed = replace(current, **values, updated_at=utcnow(), version=current.version + 1)
            if not self.repository(uow).update(changed, expected_version=current.version):
                raise StaleVersion()
            self.written(
                uow,
                principal,
                AuditOperation.UPDATE,
                record_id,
                current,
                changed,
                changed.updated_at,
            )
            uow.commit()
        return changed
