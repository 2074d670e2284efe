"""Delegations: official visits the city makes and receives, with their people, programme,
gifts, costs and follow-ups. Internal unless made public."""

from __future__ import annotations

import uuid
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from urbandiplo.domain.access import Principal
from urbandiplo.domain.errors import FieldProblem, InvalidData
from urbandiplo.domain.ports import Repository, UnitOfWork, UnitOfWorkFactory
from urbandiplo.domain.records import RecordService
from urbandiplo.domain.refs import (
    CityRef,
    LinkRef,
    OrganisationRef,
    PersonRef,
    city_ref,
    organisation_ref,
    partnership_links,
    person_ref,
    resolve,
    seen_by,
    shown_person,
)
from urbandiplo.domain.search import SearchEntry, city_names, seen_with
from urbandiplo.domain.values import (
    DatePrecision,
    I18nText,
    Money,
    Visibility,
    last_day,
)

DELEGATION_SORTS = ("starts_on", "created_at", "updated_at")


class Direction(StrEnum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"


class DelegationStatus(StrEnum):
    PLANNED = "planned"
    CONFIRMED = "confirmed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class GiftDirection(StrEnum):
    GIVEN = "given"
    RECEIVED = "received"


class OutcomeStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


@dataclass(frozen=True, slots=True, kw_only=True)
class Delegate:
    """Someone on the delegation: a person record, or a name, or only a function
    ("Team des Ordnungsdienstes")."""

    person_id: uuid.UUID | None = None
    name: str | None = None
    function: str | None = None
    organisation_id: uuid.UUID | None = None
    person: PersonRef | None = None  # filled in on reading
    organisation: OrganisationRef | None = None  # filled in on reading


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgrammeItem:
    on: date
    title: I18nText
    starts_at: datetime | None = None
    place: str | None = None
    counterpart: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Gift:
    direction: GiftDirection
    item: str
    counterpart: str | None = None  # to or from whom


@dataclass(frozen=True, slots=True, kw_only=True)
class Costs:
    planned: Money | None = None
    actual: Money | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Outcome:
    """A follow-up agreed on the visit."""

    description: I18nText
    owner: str | None = None
    due_on: date | None = None
    status: OutcomeStatus = OutcomeStatus.OPEN


# A partnership's visibility here is the strictest of it and its cities.
PartnershipRef = LinkRef


@dataclass(frozen=True, slots=True, kw_only=True)
class DelegationFields:
    """What staff enter about a delegation."""

    direction: Direction
    title: I18nText
    starts_on: date
    city_ids: tuple[uuid.UUID, ...]
    purpose: I18nText | None = None
    ends_on: date | None = None
    precision: DatePrecision = DatePrecision.DAY  # of starts_on and ends_on
    head: Delegate | None = None
    members: tuple[Delegate, ...] = ()
    programme: tuple[ProgrammeItem, ...] = ()
    gifts: tuple[Gift, ...] = ()
    costs: Costs | None = None
    outcomes: tuple[Outcome, ...] = ()
    status: DelegationStatus = DelegationStatus.PLANNED
    partnership_ids: tuple[uuid.UUID, ...] = ()
    event_ids: tuple[uuid.UUID, ...] = ()
    project_ids: tuple[uuid.UUID, ...] = ()
    notes: str | None = None
    visibility: Visibility = Visibility.INTERNAL


@dataclass(frozen=True, slots=True, kw_only=True)
class Delegation(DelegationFields):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int
    cities: tuple[CityRef, ...]
    partnerships: tuple[PartnershipRef, ...]
    events: tuple[LinkRef, ...]
    projects: tuple[LinkRef, ...]


@dataclass(frozen=True, slots=True)
class DelegationQuery:
    direction: Direction | None = None
    status: DelegationStatus | None = None
    city_id: uuid.UUID | None = None
    partnership_id: uuid.UUID | None = None
    project_id: uuid.UUID | None = None
    from_on: date | None = None
    to_on: date | None = None
    q: str | None = None
    modified_since: datetime | None = None


class DelegationRepository(Repository[Delegation, DelegationQuery], Protocol):
    def find_by_title(self, title_de: str) -> Delegation | None: ...


def _last_day(delegation: DelegationFields) -> date:
    """The last day the delegation may cover: its end, or its start month's end."""
    if delegation.ends_on is not None:
        return delegation.ends_on
    return last_day(delegation.starts_on, delegation.precision)


def _check_dates(draft: DelegationFields) -> list[FieldProblem]:
    problems = []
    if draft.ends_on is not None and draft.ends_on < draft.starts_on:
        problems.append(FieldProblem("ends_on", "must not be before starts_on"))
        return problems
    first, last = draft.starts_on, _last_day(draft)
    problems += [
        FieldProblem(f"programme.{i}.on", f"outside the delegation's dates ({first} to {last})")
        for i, item in enumerate(draft.programme)
        if not first <= item.on <= last
    ]
    return problems


class DelegationService(RecordService[DelegationFields, Delegation, DelegationQuery]):
    """Reading and changing delegations."""

    record_type = "delegation"
    fields_type = DelegationFields
    record_class = Delegation
    query_class = DelegationQuery
    collection = "delegations"

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        super().__init__(uow_factory)

    def repository(self, uow: UnitOfWork) -> DelegationRepository:
        return uow.delegations

    def search_entry(self, record: Delegation) -> SearchEntry:
        cities = seen_with(record.visibility, record.cities)
        return self.indexed(record, record.title, record.purpose, city_names(cities))

    def prepare(
        self,
        uow: UnitOfWork,
        principal: Principal,
        draft: DelegationFields,
        current: Delegation | None,
        changed: AbstractSet[str],
    ) -> dict[str, Any]:
        problems = _check_dates(draft)
        if not draft.city_ids:
            problems.append(FieldProblem("city_ids", "at least one city"))
        cities = [
            city_ref(c)
            for c in resolve(
                draft.city_ids, "city_ids", "city", uow.cities.get, seen_by(principal), problems
            )
        ]
        partnerships = partnership_links(
            draft.partnership_ids, uow.partnerships.get, principal, problems
        )
        events = [
            LinkRef(id=e.id, visibility=e.visibility)
            for e in resolve(
                draft.event_ids, "event_ids", "event", uow.events.get, seen_by(principal), problems
            )
        ]
        projects = [
            LinkRef(id=p.id, visibility=p.visibility)
            for p in resolve(
                draft.project_ids,
                "project_ids",
                "project",
                uow.projects.get,
                seen_by(principal),
                problems,
            )
        ]
        head = None
        if draft.head is not None:
            head, found_problems = self._delegate(uow, principal, draft.head, "head")
            problems += found_problems
        members = []
        for i, member in enumerate(draft.members):
            resolved, found_problems = self._delegate(uow, principal, member, f"members.{i}")
            members.append(resolved)
            problems += found_problems
        if problems:
            raise InvalidData("the delegation's data is not valid", problems)
        values = super().prepare(uow, principal, draft, current, changed)
        values.update(
            city_ids=tuple(c.id for c in cities),
            cities=tuple(cities),
            partnership_ids=tuple(p.id for p in partnerships),
            partnerships=tuple(partnerships),
            event_ids=tuple(e.id for e in events),
            events=tuple(events),
            project_ids=tuple(p.id for p in projects),
            projects=tuple(projects),
            head=head,
            members=tuple(members),
            programme=tuple(sorted(draft.programme, key=lambda item: item.on)),
        )
        return values

    @staticmethod
    def _delegate(
        uow: UnitOfWork, principal: Principal, delegate: Delegate, where: str
    ) -> tuple[Delegate, list[FieldProblem]]:
        problems = []
        if not (
            delegate.person_id or delegate.name or delegate.function or delegate.organisation_id
        ):
            problems.append(
                FieldProblem(where, "give a person, a name, a function or an organisation")
            )
        person = organisation = None
        if delegate.person_id is not None:
            found = uow.people.get(delegate.person_id)
            if (
                found is None
                or found.erased_on is not None
                or not principal.may_see(found.visibility)
            ):
                problems.append(FieldProblem(f"{where}.person_id", "no such person"))
            else:
                person = person_ref(found)
        if delegate.organisation_id is not None:
            organisation_found = uow.organisations.get(delegate.organisation_id)
            if organisation_found is None or not principal.may_see(organisation_found.visibility):
                problems.append(FieldProblem(f"{where}.organisation_id", "no such organisation"))
            else:
                organisation = organisation_ref(organisation_found)
        return replace(delegate, person=person, organisation=organisation), problems

    def shown_to(self, record: Delegation, principal: Principal) -> Delegation:
        """People, cities, organisations and partnerships the caller may not see are left out
        (people as placeholders, so the delegation's size stays true)."""

        def delegate(d: Delegate) -> Delegate:
            person = shown_person(d.person, principal) if d.person is not None else None
            organisation = d.organisation
            if organisation is not None and not principal.may_see(organisation.visibility):
                organisation = None
            return replace(
                d,
                person=person,
                person_id=person.id if person is not None else None,
                organisation=organisation,
                organisation_id=organisation.id if organisation is not None else None,
            )

        cities = tuple(c for c in record.cities if principal.may_see(c.visibility))
        partnerships = tuple(p for p in record.partnerships if principal.may_see(p.visibility))
        events = tuple(e for e in record.events if principal.may_see(e.visibility))
        projects = tuple(p for p in record.projects if principal.may_see(p.visibility))
        return replace(
            record,
            head=delegate(record.head) if record.head is not None else None,
            members=tuple(delegate(m) for m in record.members),
            cities=cities,
            city_ids=tuple(c.id for c in cities),
            partnerships=partnerships,
            partnership_ids=tuple(p.id for p in partnerships),
            events=events,
            event_ids=tuple(e.id for e in events),
            projects=projects,
            project_ids=tuple(p.id for p in projects),
        )

    def find_by_title(self, principal: Principal, title_de: str) -> Delegation | None:
        with self._uow() as uow:
            found = uow.delegations.find_by_title(title_de)
        return found if found is not None and self.visible_to(found, principal) else None
