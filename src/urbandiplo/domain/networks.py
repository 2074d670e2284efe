"""City networks (Eurocities, CEMR, UCLG, Klima-Bündnis, ...) and the city's membership in
them: status, dates, fee, the seats its people hold, working groups and commitments."""

from __future__ import annotations

import uuid
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from urbandiplo.domain.access import Principal
from urbandiplo.domain.errors import Conflict, FieldProblem, InvalidData
from urbandiplo.domain.ports import Repository, UnitOfWork, UnitOfWorkFactory
from urbandiplo.domain.records import RecordService
from urbandiplo.domain.refs import PersonRef, person_ref, shown_person
from urbandiplo.domain.search import SearchEntry
from urbandiplo.domain.values import DatePrecision, I18nText, Money, Visibility, check_precision

NETWORK_SORTS = ("name", "created_at", "updated_at")


class NetworkScope(StrEnum):
    GLOBAL = "global"
    EUROPEAN = "european"
    NATIONAL = "national"
    REGIONAL = "regional"


class MembershipStatus(StrEnum):
    MEMBER = "member"
    OBSERVER = "observer"
    APPLICANT = "applicant"
    FORMER = "former"


@dataclass(frozen=True, slots=True, kw_only=True)
class Representative:
    """A seat the city holds in one of the network's bodies: a person, or a name where the
    office keeps no person record."""

    person_id: uuid.UUID | None = None
    name: str | None = None
    role: str | None = None
    body: str | None = None  # e.g. "World Council", "Executive Committee"
    from_on: date | None = None
    to_on: date | None = None
    precision: DatePrecision = DatePrecision.DAY  # of from_on and to_on
    person: PersonRef | None = None  # filled in from person_id on reading


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkingGroup:
    name: str
    participating_unit: str | None = None  # the city's department taking part


@dataclass(frozen=True, slots=True, kw_only=True)
class Commitment:
    """What the city committed to as a member (ECCAR's ten-point plan, a CO2 target)."""

    title: I18nText
    description: I18nText | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Membership:
    status: MembershipStatus
    joined_on: date | None = None
    joined_precision: DatePrecision = DatePrecision.DAY
    left_on: date | None = None
    annual_fee: Money | None = None
    representatives: tuple[Representative, ...] = ()
    working_groups: tuple[WorkingGroup, ...] = ()
    commitments: tuple[Commitment, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class NetworkFields:
    """What staff enter about a network and the city's membership."""

    name: str
    scope: NetworkScope
    acronym: str | None = None
    themes: tuple[str, ...] = ()
    website: str | None = None
    description: I18nText | None = None
    membership: Membership | None = None  # None: the city is not a member
    notes: str | None = None
    visibility: Visibility = Visibility.PUBLIC


@dataclass(frozen=True, slots=True, kw_only=True)
class Network(NetworkFields):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True, slots=True)
class NetworkQuery:
    scope: NetworkScope | None = None
    membership_status: MembershipStatus | None = None
    q: str | None = None
    modified_since: datetime | None = None


class NetworkRepository(Repository[Network, NetworkQuery], Protocol):
    def find_by_name(self, name: str) -> Network | None: ...
    def reference_count(self, network_id: uuid.UUID) -> int: ...


def _check_membership(membership: Membership) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if membership.joined_on is not None:
        problems += check_precision(
            membership.joined_on, membership.joined_precision, "membership.joined_on"
        )
        if membership.left_on is not None and membership.left_on < membership.joined_on:
            problems.append(FieldProblem("membership.left_on", "must not be before joined_on"))
    for i, seat in enumerate(membership.representatives):
        where = f"membership.representatives.{i}"
        if (seat.person_id is None) == (seat.name is None):
            problems.append(FieldProblem(where, "give either person_id or name"))
        for day in (seat.from_on, seat.to_on):
            if day is not None:
                problems += check_precision(day, seat.precision, f"{where}.from_on")
        if seat.from_on and seat.to_on and seat.to_on < seat.from_on:
            problems.append(FieldProblem(f"{where}.to_on", "must not be before from_on"))
    return problems


class NetworkService(RecordService[NetworkFields, Network, NetworkQuery]):
    """Reading and changing networks and the city's memberships."""

    record_type = "network"
    fields_type = NetworkFields
    record_class = Network
    query_class = NetworkQuery
    collection = "networks"

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        super().__init__(uow_factory)

    def repository(self, uow: UnitOfWork) -> NetworkRepository:
        return uow.networks

    def search_entry(self, record: Network) -> SearchEntry:
        return self.indexed(
            record,
            I18nText({"de": record.name}),
            record.name,
            record.acronym,
            record.themes,
            record.description,
        )

    def prepare(
        self,
        uow: UnitOfWork,
        principal: Principal,
        draft: NetworkFields,
        current: Network | None,
        changed: AbstractSet[str],
    ) -> dict[str, Any]:
        problems = []
        if not draft.name.strip():
            problems.append(FieldProblem("name", "must not be empty"))
        membership = draft.membership
        if membership is not None:
            problems += _check_membership(membership)
            seats = []
            for i, seat in enumerate(membership.representatives):
                if seat.person_id is None:
                    seats.append(replace(seat, person=None))
                    continue
                person = uow.people.get(seat.person_id)
                if person is None or not principal.may_see(person.visibility):
                    problems.append(
                        FieldProblem(f"membership.representatives.{i}.person_id", "no such person")
                    )
                else:
                    seats.append(replace(seat, person=person_ref(person)))
            membership = replace(membership, representatives=tuple(seats))
        if problems:
            raise InvalidData("the network's data is not valid", problems)
        values = super().prepare(uow, principal, draft, current, changed)
        values["membership"] = membership
        values["themes"] = tuple(dict.fromkeys(draft.themes))
        return values

    def before_delete(self, uow: UnitOfWork, record: Network) -> None:
        if uow.networks.reference_count(record.id):
            raise Conflict("events still refer to the network; it cannot be deleted")

    def shown_to(self, record: Network, principal: Principal) -> Network:
        """Seats of people the caller may not see show as placeholders."""
        if record.membership is None:
            return record
        seats = tuple(
            replace(
                seat,
                person=shown_person(seat.person, principal),
                person_id=shown_person(seat.person, principal).id,
            )
            if seat.person is not None
            else seat
            for seat in record.membership.representatives
        )
        return replace(record, membership=replace(record.membership, representatives=seats))

    def find_by_name(self, principal: Principal, name: str) -> Network | None:
        with self._uow() as uow:
            found = uow.networks.find_by_name(name)
        return found if found is not None and self.visible_to(found, principal) else None
