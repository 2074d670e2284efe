"""The cooperation exchange ("Kooperationsbörse", seed 004): offers and requests for
cooperation with a partner city, from the organisations the office works with (published
from their contributions) or from the office itself."""

from __future__ import annotations

import uuid
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from urbandiplo.domain.access import Principal
from urbandiplo.domain.errors import FieldProblem, InvalidData
from urbandiplo.domain.organisations import EMAIL
from urbandiplo.domain.ports import Repository, UnitOfWork, UnitOfWorkFactory
from urbandiplo.domain.records import RecordService
from urbandiplo.domain.refs import CityRef, OrganisationRef, city_ref, organisation_ref
from urbandiplo.domain.search import SearchEntry
from urbandiplo.domain.taxonomies import FieldOfAction, check_fields_of_action, check_sdgs
from urbandiplo.domain.values import I18nText, Visibility

OFFER_SORTS = ("created_at", "updated_at")


class OfferDirection(StrEnum):
    OFFER = "offer"  # "we offer": know-how, a venue, a partner for a project
    REQUEST = "request"  # "we look for": a partner, a host, expertise


class Sector(StrEnum):
    ADMINISTRATION = "administration"
    BUSINESS = "business"
    CIVIL_SOCIETY = "civil_society"
    CULTURE = "culture"
    EDUCATION = "education"
    SCIENCE = "science"
    HEALTH = "health"
    ENVIRONMENT = "environment"
    SPORT = "sport"
    YOUTH = "youth"
    OTHER = "other"


@dataclass(frozen=True, slots=True, kw_only=True)
class CooperationOfferFields:
    """What an offer or request says."""

    direction: OfferDirection
    title: I18nText
    sector: Sector
    description: I18nText | None = None
    city_id: uuid.UUID | None = None  # the partner city it is for
    partnership_id: uuid.UUID | None = None
    fields_of_action: tuple[FieldOfAction, ...] = ()
    sdgs: tuple[int, ...] = ()
    contact_email: str | None = None  # a role address (info@verein.example), not a person's
    valid_until: date | None = None
    organisation_id: uuid.UUID | None = None  # who offers or asks; none: the office
    notes: str | None = None
    visibility: Visibility = Visibility.PUBLIC


@dataclass(frozen=True, slots=True, kw_only=True)
class CooperationOffer(CooperationOfferFields):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int
    organisation: OrganisationRef | None
    city: CityRef | None
    # Who may see the partnership: its own visibility and its cities'.
    partnership_visibilities: tuple[Visibility, ...] = ()


@dataclass(frozen=True, slots=True)
class CooperationOfferQuery:
    direction: OfferDirection | None = None
    sector: Sector | None = None
    city_id: uuid.UUID | None = None
    partnership_id: uuid.UUID | None = None
    organisation_id: uuid.UUID | None = None
    field_of_action: FieldOfAction | None = None
    sdg: int | None = None
    valid_on: date | None = None  # still valid that day (no end, or not before it)
    q: str | None = None
    modified_since: datetime | None = None


class CooperationOfferRepository(Repository[CooperationOffer, CooperationOfferQuery], Protocol):
    pass


class CooperationOfferService(
    RecordService[CooperationOfferFields, CooperationOffer, CooperationOfferQuery]
):
    """Reading and writing offers and requests."""

    record_type = "cooperation offer"
    fields_type = CooperationOfferFields
    record_class = CooperationOffer
    query_class = CooperationOfferQuery
    collection = "cooperation-offers"

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        super().__init__(uow_factory)

    def repository(self, uow: UnitOfWork) -> CooperationOfferRepository:
        return uow.cooperation_offers

    def search_entry(self, record: CooperationOffer) -> SearchEntry:
        return self.indexed(record, record.title, record.description)

    def prepare(
        self,
        uow: UnitOfWork,
        principal: Principal,
        draft: CooperationOfferFields,
        current: CooperationOffer | None,
        changed: AbstractSet[str],
    ) -> dict[str, Any]:
        problems: list[FieldProblem] = []
        if draft.contact_email is not None and not EMAIL.match(draft.contact_email):
            problems.append(FieldProblem("contact_email", "an e-mail address"))
        organisation = None
        if draft.organisation_id is not None:
            found = uow.organisations.get(draft.organisation_id)
            if found is None or not found.visible_to(principal):
                problems.append(FieldProblem("organisation_id", "no such organisation"))
            else:
                organisation = organisation_ref(found)
        city = None
        if draft.city_id is not None:
            found_city = uow.cities.get(draft.city_id)
            if found_city is None or not principal.may_see(found_city.visibility):
                problems.append(FieldProblem("city_id", "no such city"))
            else:
                city = city_ref(found_city)
        partnership: tuple[Visibility, ...] = ()
        if draft.partnership_id is not None:
            found_partnership = uow.partnerships.get(draft.partnership_id)
            if found_partnership is None or not found_partnership.visible_to(principal):
                problems.append(FieldProblem("partnership_id", "no such partnership"))
            else:
                partnership = (
                    found_partnership.visibility,
                    found_partnership.city.visibility,
                    found_partnership.partner_city.visibility,
                )
        sdgs: tuple[int, ...] = ()
        try:
            sdgs = check_sdgs(draft.sdgs)
        except InvalidData as error:
            problems += error.problems
        if problems:
            raise InvalidData("the offer's data is not valid", problems)
        values = super().prepare(uow, principal, draft, current, changed)
        values["sdgs"] = sdgs
        values["fields_of_action"] = check_fields_of_action(draft.fields_of_action)
        values["organisation"] = organisation
        values["city"] = city
        values["partnership_visibilities"] = partnership
        return values

    def shown_to(self, record: CooperationOffer, principal: Principal) -> CooperationOffer:
        """An organisation, a city or a partnership the caller may not see is left out."""
        hide_organisation = record.organisation is not None and not principal.may_see(
            record.organisation.visibility
        )
        hide_city = record.city is not None and not principal.may_see(record.city.visibility)
        hide_partnership = not all(principal.may_see(v) for v in record.partnership_visibilities)
        if not (hide_organisation or hide_city or hide_partnership):
            return record
        changes: dict[str, Any] = {}
        if hide_organisation:
            changes.update(organisation=None, organisation_id=None)
        if hide_city:
            changes.update(city=None, city_id=None)
        if hide_partnership:
            changes.update(partnership_id=None, partnership_visibilities=())
        return replace(record, **changes)
