"""People the office works with, their personal data under the GDPR, and erasure.

Protected people (at risk, e.g. human rights defenders the city invites) are never public:
only callers with the confidential permission see them, anywhere. Erasure removes a person's
personal data for good and leaves a tombstone, so records that refer to them keep working."""

from __future__ import annotations

import uuid
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from urbandiplo.domain import audit
from urbandiplo.domain.access import Permission, Principal, Role
from urbandiplo.domain.audit import AuditOperation
from urbandiplo.domain.changes import ChangeOperation
from urbandiplo.domain.errors import Conflict, DomainError, FieldProblem, InvalidData, NotFound
from urbandiplo.domain.organisations import EMAIL
from urbandiplo.domain.ports import Repository, UnitOfWork, UnitOfWorkFactory
from urbandiplo.domain.records import RecordService, check_may_assign, utcnow
from urbandiplo.domain.refs import OrganisationRef, organisation_ref
from urbandiplo.domain.search import SearchEntry
from urbandiplo.domain.values import LANGUAGE_CODE, I18nText, Visibility

PERSON_SORTS = ("name", "created_at", "updated_at")


class LegalBasis(StrEnum):
    """Why the office may keep a person's data: GDPR Art. 6(1) (a) to (f)."""

    CONSENT = "consent"
    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    VITAL_INTERESTS = "vital_interests"
    PUBLIC_TASK = "public_task"
    LEGITIMATE_INTERESTS = "legitimate_interests"


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonFields:
    """What staff enter about a person."""

    name: str
    function: str | None = None
    organisation_id: uuid.UUID | None = None
    email: str | None = None
    phone: str | None = None
    languages: tuple[str, ...] = ()
    protected: bool = False
    legal_basis: LegalBasis = LegalBasis.LEGITIMATE_INTERESTS
    consent_on: date | None = None
    retain_until: date | None = None
    notes: str | None = None
    visibility: Visibility = Visibility.INTERNAL


@dataclass(frozen=True, slots=True, kw_only=True)
class Person(PersonFields):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int
    organisation: OrganisationRef | None
    erased_on: date | None = None


@dataclass(frozen=True, slots=True)
class PersonQuery:
    organisation_id: uuid.UUID | None = None
    q: str | None = None
    modified_since: datetime | None = None


class PersonRepository(Repository[Person, PersonQuery], Protocol):
    def find_by_name(self, name: str) -> Person | None: ...
    def reference_count(self, person_id: uuid.UUID) -> int: ...
    def erase(self, person_id: uuid.UUID, erased_on: date, updated_at: datetime) -> None:
        """Overwrite the person's personal data for good, keeping the id and the date."""


class Erased(DomainError):
    """The person's data was erased; only the tombstone (id and date) is left."""

    def __init__(self, person_id: uuid.UUID, erased_on: date) -> None:
        super().__init__(f"the personal data of {person_id} was erased on {erased_on}")
        self.person_id = person_id
        self.erased_on = erased_on


def may_see_person(principal: Principal, person: Person) -> bool:
    """Protected people need the confidential permission, whatever their visibility says."""
    if person.protected and Permission.CONFIDENTIAL not in principal.permissions:
        return False
    return principal.may_see(person.visibility)


class PersonService(RecordService[PersonFields, Person, PersonQuery]):
    """Reading, changing and erasing people."""

    record_type = "person"
    fields_type = PersonFields
    record_class = Person
    query_class = PersonQuery
    collection = "people"

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        super().__init__(uow_factory)

    def repository(self, uow: UnitOfWork) -> PersonRepository:
        return uow.people

    def search_entry(self, record: Person) -> SearchEntry | None:
        if record.erased_on is not None:
            return None
        # Protected people are found only by those who may read them.
        visibility = Visibility.CONFIDENTIAL if record.protected else record.visibility
        return self.indexed(
            record,
            I18nText({"de": record.name}),
            record.name,
            record.function,
            visibility=visibility,
        )

    def visible_to(self, record: Person, principal: Principal) -> bool:
        if record.erased_on is not None and not principal.is_anonymous:
            raise Erased(record.id, record.erased_on)  # staff learn it is gone for good
        return record.erased_on is None and may_see_person(principal, record)

    def prepare(
        self,
        uow: UnitOfWork,
        principal: Principal,
        draft: PersonFields,
        current: Person | None,
        changed: AbstractSet[str],
    ) -> dict[str, Any]:
        if draft.protected:
            # Never public, whatever was asked: protected means confidential.
            draft = replace(draft, visibility=Visibility.CONFIDENTIAL)
            check_may_assign(principal, Visibility.CONFIDENTIAL)
        problems = []
        if not draft.name.strip():
            problems.append(FieldProblem("name", "must not be empty"))
        if draft.email is not None and not EMAIL.match(draft.email):
            problems.append(FieldProblem("email", "an e-mail address"))
        problems += [
            FieldProblem(f"languages.{i}", "an ISO 639-1 code such as 'de'")
            for i, code in enumerate(draft.languages)
            if not LANGUAGE_CODE.match(code)
        ]
        if draft.consent_on is not None and draft.legal_basis != LegalBasis.CONSENT:
            problems.append(FieldProblem("consent_on", "only with the legal basis consent"))
        organisation = None
        if draft.organisation_id is not None:
            found = uow.organisations.get(draft.organisation_id)
            if found is None or not principal.may_see(found.visibility):
                problems.append(FieldProblem("organisation_id", "no such organisation"))
            else:
                organisation = organisation_ref(found)
        if problems:
            raise InvalidData("the person's data is not valid", problems)
        values = super().prepare(uow, principal, draft, current, changed)
        values["languages"] = tuple(dict.fromkeys(draft.languages))
        values["organisation"] = organisation
        return values

    def before_delete(self, uow: UnitOfWork, record: Person) -> None:
        if uow.people.reference_count(record.id):
            raise Conflict(
                "other records still refer to the person; erase the person's data instead"
            )

    def still_there(self, record: Person) -> bool:
        return record.erased_on is None

    def find_by_name(self, principal: Principal, name: str) -> Person | None:
        with self._uow() as uow:
            found = uow.people.find_by_name(name)
        if found is None or found.erased_on is not None or not may_see_person(principal, found):
            return None
        return found

    def erase(self, principal: Principal, person_id: uuid.UUID) -> date:
        """Delete the person's personal data for good (GDPR Art. 17); admins only. The id
        and the date of erasure stay, so records that refer to the person keep working."""
        principal.require(Role.ADMIN)
        with self._uow(write=True) as uow:
            person = uow.people.get(person_id)
            if person is None or (
                person.erased_on is None and not may_see_person(principal, person)
            ):
                raise NotFound("person", person_id)
            if person.erased_on is not None:
                return person.erased_on
            now = utcnow()
            uow.people.erase(person_id, now.date(), now)
            uow.idempotency.forget(str(person_id))
            # The log keeps that the person was erased, and nothing of who they were.
            left = {"id": str(person_id), "erased_on": now.date().isoformat()}
            uow.audit.scrub(self.record_type, person_id, left)
            uow.audit.add(
                audit.entry(
                    principal, AuditOperation.ERASE, self.record_type, person_id, None, left, at=now
                )
            )
            # For the feed and the search index, the person is gone.
            uow.changes.record(
                "people",
                person_id,
                ChangeOperation.DELETE,
                audit.own_visibility(person),
                None,
                now,
            )
            uow.search.remove("people", person_id)
            uow.commit()
        return now.date()
