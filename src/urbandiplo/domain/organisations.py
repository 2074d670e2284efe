"""Organisations the office works with: its own departments, partnership associations,
NGOs, companies, universities, foundations, consulates, public bodies."""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from urbandiplo.domain.access import Principal
from urbandiplo.domain.errors import Conflict, FieldProblem, InvalidData
from urbandiplo.domain.ports import Repository, UnitOfWork, UnitOfWorkFactory
from urbandiplo.domain.records import RecordService
from urbandiplo.domain.refs import CityRef, city_ref
from urbandiplo.domain.search import SearchEntry
from urbandiplo.domain.values import I18nText, Visibility, strictest

ORGANISATION_SORTS = ("name", "created_at", "updated_at")
EMAIL = re.compile(r"\A[^@\s]+@[^@\s]+\.[^@\s]+\Z")


class OrganisationKind(StrEnum):
    CITY_DEPARTMENT = "city_department"
    ASSOCIATION = "association"
    NGO = "ngo"
    COMPANY = "company"
    ECONOMIC_DEVELOPMENT_AGENCY = "economic_development_agency"
    UNIVERSITY = "university"
    FOUNDATION = "foundation"
    EMBASSY_CONSULATE = "embassy_consulate"
    PUBLIC_BODY = "public_body"
    OTHER = "other"


@dataclass(frozen=True, slots=True, kw_only=True)
class OrganisationFields:
    """What staff enter about an organisation."""

    name: str
    kind: OrganisationKind
    city_id: uuid.UUID | None = None
    website: str | None = None
    email: str | None = None  # a role address (europa@...), not a person's
    description: I18nText | None = None
    notes: str | None = None
    visibility: Visibility = Visibility.PUBLIC


@dataclass(frozen=True, slots=True, kw_only=True)
class Organisation(OrganisationFields):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int
    city: CityRef | None

    def visible_to(self, principal: Principal) -> bool:
        """An organisation shows only with its city, where it has one."""
        return principal.may_see(self.visibility) and (
            self.city is None or principal.may_see(self.city.visibility)
        )


@dataclass(frozen=True, slots=True)
class OrganisationQuery:
    kind: OrganisationKind | None = None
    city_id: uuid.UUID | None = None
    q: str | None = None
    modified_since: datetime | None = None


class OrganisationRepository(Repository[Organisation, OrganisationQuery], Protocol):
    def find_by_name(
        self, name: str, visible: Collection[Visibility] | None = None
    ) -> Organisation | None:
        """The oldest organisation of that name (of those shown to callers who see
        `visible`, where given)."""

    def reference_count(self, organisation_id: uuid.UUID) -> int: ...


class OrganisationService(RecordService[OrganisationFields, Organisation, OrganisationQuery]):
    """Reading and changing organisations."""

    record_type = "organisation"
    fields_type = OrganisationFields
    record_class = Organisation
    query_class = OrganisationQuery
    collection = "organisations"

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        super().__init__(uow_factory)

    def repository(self, uow: UnitOfWork) -> OrganisationRepository:
        return uow.organisations

    def feed_visibility(self, record: Organisation) -> Visibility:
        city = record.city
        return strictest(record.visibility, city.visibility) if city else record.visibility

    def search_entry(self, record: Organisation) -> SearchEntry:
        city = record.city
        visibility = strictest(record.visibility, city.visibility) if city else record.visibility
        return self.indexed(
            record,
            I18nText({"de": record.name}),
            record.name,
            record.description,
            visibility=visibility,
        )

    def visible_to(self, record: Organisation, principal: Principal) -> bool:
        return record.visible_to(principal)

    def prepare(
        self,
        uow: UnitOfWork,
        principal: Principal,
        draft: OrganisationFields,
        current: Organisation | None,
        changed: AbstractSet[str],
    ) -> dict[str, Any]:
        problems = []
        if not draft.name.strip():
            problems.append(FieldProblem("name", "must not be empty"))
        if draft.email is not None and not EMAIL.match(draft.email):
            problems.append(FieldProblem("email", "an e-mail address"))
        city = None
        if draft.city_id is not None:
            found = uow.cities.get(draft.city_id)
            if found is None or not principal.may_see(found.visibility):
                problems.append(FieldProblem("city_id", "no such city"))
            else:
                city = city_ref(found)
        if problems:
            raise InvalidData("the organisation's data is not valid", problems)
        values = super().prepare(uow, principal, draft, current, changed)
        values["city"] = city
        return values

    def before_delete(self, uow: UnitOfWork, record: Organisation) -> None:
        if uow.organisations.reference_count(record.id):
            raise Conflict("other records still refer to the organisation; it cannot be deleted")

    def find_by_name(self, principal: Principal, name: str) -> Organisation | None:
        with self._uow() as uow:
            return uow.organisations.find_by_name(name, principal.visible)
