"""/v1/cooperation-offers: the cooperation exchange ("Kooperationsbörse"), offers and
requests for cooperation with partner cities."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from urbandiplo.api import resource
from urbandiplo.api.common import (
    LIST_RESPONSES,
    WHOLE_NUMBER,
    Cursor,
    Day,
    I18nTextIn,
    I18nTextOut,
    Id,
    IsoDate,
    Limit,
    ModifiedSince,
    Omittable,
    Page,
    PatchModel,
    RequestModel,
    SearchText,
    Text,
    Timestamp,
    sort_query,
)
from urbandiplo.api.deps import PrincipalDep, ServicesDep
from urbandiplo.api.http import decode_cursor
from urbandiplo.api.organisations import Email
from urbandiplo.api.partnerships import Sdg
from urbandiplo.api.refs import CityRef, OrganisationRef
from urbandiplo.api.resource import IfNoneMatch, Views
from urbandiplo.api.routes import Resource, add_item_routes
from urbandiplo.domain.listing import DEFAULT_PAGE_SIZE, PageRequest, Sort
from urbandiplo.domain.offers import (
    OFFER_SORTS,
    CooperationOfferFields,
    CooperationOfferQuery,
    OfferDirection,
    Sector,
)
from urbandiplo.domain.taxonomies import FieldOfAction
from urbandiplo.domain.values import I18nText, Visibility

router = APIRouter(prefix="/v1/cooperation-offers", tags=["cooperation-offers"])

Sdgs = Annotated[list[Sdg], Field(max_length=17)]
Fields = Annotated[list[FieldOfAction], Field(max_length=11)]

EXAMPLE_IN: dict[str, Any] = {
    "direction": "request",
    "title": {
        "de": "Partnerschule in Dnipro für einen Schüleraustausch gesucht",
        "en": "Looking for a partner school in Dnipro for a pupil exchange",
    },
    "sector": "education",
    "description": {"de": "Ein Kölner Gymnasium sucht eine Partnerschule für 2027."},
    "city_id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e01",
    "partnership_id": None,
    "fields_of_action": ["city_and_project_partnerships"],
    "sdgs": [4],
    "contact_email": "austausch@schule.example.org",
    "valid_until": "2027-06-30",
    "organisation_id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e70",
}
EXAMPLE_OUT: dict[str, Any] = {
    **EXAMPLE_IN,
    "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4f20",
    "city": {
        "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e01",
        "name": "Dnipro",
        "names": {"uk": "Дніпро"},
        "country_code": "UA",
    },
    "organisation": {
        "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e70",
        "name": "Freundeskreis Köln-Dnipro e.V.",
        "kind": "association",
        "website": None,
    },
    "created_at": "2026-11-21T09:00:00+00:00",
    "updated_at": "2026-11-21T09:00:00+00:00",
}
CONTACT = "A role address to answer to (info@...), not a person's; public"
ORGANISATION = "Who offers or asks; none: the office"


def _domain_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in {"title", "description"}:
        return I18nText(value)
    if name in {"sdgs", "fields_of_action"}:
        return tuple(value)
    return value


class CooperationOfferCreate(RequestModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_IN]})

    direction: OfferDirection = Field(description="`offer`: we offer; `request`: we look for")
    title: I18nTextIn
    sector: Sector
    description: I18nTextIn | None = None
    city_id: Id | None = Field(default=None, description="The partner city it is for")
    partnership_id: Id | None = Field(default=None, description="The partnership it is for")
    fields_of_action: Fields = Field(default_factory=list)
    sdgs: Sdgs = Field(default_factory=list)
    contact_email: Email | None = Field(default=None, description=CONTACT)
    valid_until: IsoDate | None = Field(default=None, description="Last day it stands")
    organisation_id: Id | None = Field(default=None, description=ORGANISATION)
    notes: Text | None = Field(default=None, description="Internal note, for staff only")
    visibility: Visibility = Visibility.PUBLIC

    def to_fields(self) -> CooperationOfferFields:
        return CooperationOfferFields(
            **{name: _domain_value(name, getattr(self, name)) for name in type(self).model_fields}
        )


class CooperationOfferUpdate(PatchModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"valid_until": "2027-12-31"}]}
    )

    direction: Omittable[OfferDirection] = None
    title: Omittable[I18nTextIn] = None
    sector: Omittable[Sector] = None
    description: I18nTextIn | None = None
    city_id: Id | None = None
    partnership_id: Id | None = None
    fields_of_action: Omittable[Fields] = None
    sdgs: Omittable[Sdgs] = None
    contact_email: Email | None = None
    valid_until: IsoDate | None = None
    organisation_id: Id | None = None
    notes: Text | None = None
    visibility: Omittable[Visibility] = None

    def changes(self) -> dict[str, Any]:
        return {name: _domain_value(name, getattr(self, name)) for name in self.model_fields_set}


class CooperationOfferPublic(BaseModel):
    """An offer or request as the website sees it."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_OUT]})

    id: Id
    direction: OfferDirection
    title: I18nTextOut
    sector: Sector
    description: I18nTextOut | None
    city_id: Id | None
    city: CityRef | None
    partnership_id: Id | None
    fields_of_action: Fields
    sdgs: Sdgs
    contact_email: Email | None = Field(description=CONTACT)
    valid_until: Day | None
    organisation_id: Id | None
    organisation: OrganisationRef | None
    created_at: Timestamp
    updated_at: Timestamp


class CooperationOffer(CooperationOfferPublic):
    """An offer or request as staff see it."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{**EXAMPLE_OUT, "notes": None, "visibility": "public"}]}
    )

    notes: Text | None
    visibility: Visibility


class CooperationOfferPage(Page[CooperationOffer]):
    pass


class CooperationOfferPublicPage(Page[CooperationOfferPublic]):
    pass


VIEWS = Views(CooperationOffer, CooperationOfferPublic)
SortParam = Annotated[str, sort_query(OFFER_SORTS)]


@router.get(
    "",
    operation_id="cooperation-offers-list",
    summary="List cooperation offers and requests",
    description="Newest first by default. `valid_on=DATE` leaves out what ended before it.",
    response_model=CooperationOfferPage | CooperationOfferPublicPage,
    responses=LIST_RESPONSES,
)
def list_offers(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    direction: OfferDirection | None = None,
    sector: Sector | None = None,
    city_id: Annotated[Id | None, Query(description="Offers for this partner city")] = None,
    partnership_id: Annotated[Id | None, Query(description="Offers for this partnership")] = None,
    organisation_id: Annotated[Id | None, Query(description="Offers of this organisation")] = None,
    field_of_action: FieldOfAction | None = None,
    sdg: Annotated[
        int | None, Query(ge=1, le=17, json_schema_extra={"format": "int32"}), WHOLE_NUMBER
    ] = None,
    valid_on: IsoDate | None = None,
    q: SearchText = None,
    modified_since: ModifiedSince = None,
    sort: SortParam = "-created_at",
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    found = services.cooperation_offers.list_page(
        principal,
        CooperationOfferQuery(
            direction=direction,
            sector=sector,
            city_id=city_id,
            partnership_id=partnership_id,
            organisation_id=organisation_id,
            field_of_action=field_of_action,
            sdg=sdg,
            valid_on=valid_on,
            q=q,
            modified_since=modified_since,
        ),
        Sort.parse(sort, OFFER_SORTS),
        PageRequest(limit, decode_cursor(cursor)),
    )
    return resource.page(request, principal, VIEWS, found)


add_item_routes(
    router,
    Resource(
        collection="cooperation-offers",
        noun="cooperation offer",
        views=VIEWS,
        create_model=CooperationOfferCreate,
        update_model=CooperationOfferUpdate,
        service=lambda services: services.cooperation_offers,
    ),
)
