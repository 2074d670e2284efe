"""/v1/partnerships: relations between two cities, their history and round anniversaries."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints
from starlette.responses import Response

from urbandiplo.api import examples, resource
from urbandiplo.api.common import (
    LIST_RESPONSES,
    WHOLE_NUMBER,
    CountryCode,
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
    ShortText,
    Text,
    Timestamp,
    Url,
    sort_query,
)
from urbandiplo.api.deps import PrincipalDep, ServicesDep
from urbandiplo.api.http import decode_cursor, json_response
from urbandiplo.api.refs import CityRef, OrganisationRef
from urbandiplo.api.rendering import dumps, projector
from urbandiplo.api.resource import IfNoneMatch, Views
from urbandiplo.api.routes import Resource, add_item_routes
from urbandiplo.domain.listing import DEFAULT_PAGE_SIZE, PageRequest, Sort
from urbandiplo.domain.partnerships import (
    MAX_ANNIVERSARIES,
    PARTNERSHIP_SORTS,
    CouncilDecision,
    EconomicProfile,
    PartnershipFields,
    PartnershipKind,
    PartnershipQuery,
    PartnershipStatus,
    StatusChange,
)
from urbandiplo.domain.taxonomies import FieldOfAction
from urbandiplo.domain.values import DatePrecision, I18nText, Visibility

router = APIRouter(prefix="/v1/partnerships", tags=["partnerships"])

Reference = Annotated[str, StringConstraints(min_length=1, max_length=100)]
Sdg = Annotated[
    StrictInt,
    Field(
        ge=1,
        le=17,
        description="UN Sustainable Development Goal",
        json_schema_extra={"format": "int32"},
    ),
]
Years = Annotated[int, Field(ge=5, le=100, json_schema_extra={"format": "int32"})]
Year = Annotated[int, Field(ge=1, le=9999, json_schema_extra={"format": "int32"})]

EXAMPLE_IN: dict[str, Any] = {
    "partner_city_id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e5f",
    "kind": "twinning",
    "status": "active",
    "established_on": "2024-08-28",
    "established_precision": "day",
    "status_history": [
        {
            "changed_on": "2022-10-01",
            "precision": "month",
            "kind": "project_partnership",
            "status": "active",
            "reason": {"de": "Projektpartnerschaft", "en": "Project partnership"},
        },
        {
            "changed_on": "2024-08-28",
            "precision": "day",
            "kind": "twinning",
            "reason": {"de": "Städtepartnerschaft besiegelt", "en": "Twinning agreement signed"},
        },
    ],
    "association_ids": ["019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e70"],
    "sdgs": [3, 16],
    "fields_of_action": ["city_and_project_partnerships"],
    "description": {"de": "Städtepartnerschaft mit Dnipro", "en": "Twinning with Dnipro"},
}


EXAMPLE_OUT: dict[str, Any] = {
    **EXAMPLE_IN,
    "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e60",
    "city_id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e00",
    "city": {
        "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e00",
        "name": "Köln",
        "names": {"de": "Köln", "en": "Cologne"},
        "country_code": "DE",
    },
    "partner_city": {
        "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e5f",
        "name": "Dnipro",
        "names": {"de": "Dnipro", "en": "Dnipro", "uk": "Дніпро"},
        "country_code": "UA",
    },
    "ended_on": None,
    "status_history": [
        {"status": None, **change, "council_decision": None}
        for change in EXAMPLE_IN["status_history"]
    ],
    "council_decisions": [],
    "responsible_unit": None,
    "associations": [
        {
            "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e70",
            "name": "Freundeskreis Köln-Dnipro e.V.",
            "kind": "association",
            "website": None,
        }
    ],
    "economic_profile": None,
    "created_at": "2026-11-21T09:00:00+00:00",
    "updated_at": "2026-11-21T09:00:00+00:00",
}


PRECISION = "How much of the date is known; a date known to the year is written YYYY-01-01"


class StatusChangeIn(RequestModel):
    changed_on: IsoDate
    precision: DatePrecision = Field(default=DatePrecision.DAY, description=PRECISION)
    status: PartnershipStatus | None = None
    kind: PartnershipKind | None = None
    reason: I18nTextIn | None = None
    council_decision: Reference | None = Field(
        default=None, description="Reference of the council decision, e.g. AT/0127/2022"
    )


class CouncilDecisionIn(RequestModel):
    reference: Reference
    decided_on: IsoDate | None = None
    url: Url | None = Field(default=None, description="The council system's document (OParl)")
    subject: I18nTextIn | None = None


class EconomicProfileIn(RequestModel):
    sectors: list[ShortText] = Field(default_factory=list, max_length=50)
    clusters: list[ShortText] = Field(default_factory=list, max_length=50)
    entry_point: I18nTextIn | None = None


def _text(value: dict[str, str] | None) -> I18nText | None:
    return I18nText(value) if value is not None else None


def _domain_value(name: str, value: Any) -> Any:
    """A request field's value as the domain holds it."""
    if value is None:
        return None
    if name == "status_history":
        return tuple(
            StatusChange(
                changed_on=c.changed_on,
                precision=c.precision,
                status=c.status,
                kind=c.kind,
                reason=_text(c.reason),
                council_decision=c.council_decision,
            )
            for c in value
        )
    if name == "council_decisions":
        return tuple(
            CouncilDecision(
                reference=d.reference, decided_on=d.decided_on, url=d.url, subject=_text(d.subject)
            )
            for d in value
        )
    if name == "economic_profile":
        return EconomicProfile(
            sectors=tuple(value.sectors),
            clusters=tuple(value.clusters),
            entry_point=_text(value.entry_point),
        )
    if name in {"description"}:
        return _text(value)
    if name in {"sdgs", "fields_of_action", "association_ids"}:
        return tuple(value)
    return value


class PartnershipCreate(RequestModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_IN]})

    city_id: Id | None = Field(
        default=None, description="One side of the pair; the home city when left out"
    )
    partner_city_id: Id
    kind: PartnershipKind
    status: PartnershipStatus = PartnershipStatus.ACTIVE
    established_on: IsoDate | None = None
    established_precision: DatePrecision = Field(default=DatePrecision.DAY, description=PRECISION)
    ended_on: IsoDate | None = None
    status_history: list[StatusChangeIn] = Field(
        default_factory=list,
        max_length=200,
        description="Changes of kind or status, oldest first; left out, the first entry is "
        "made from kind, status and established_on",
    )
    council_decisions: list[CouncilDecisionIn] = Field(default_factory=list, max_length=200)
    responsible_unit: ShortText | None = None
    association_ids: list[Id] = Field(
        default_factory=list, max_length=50, description="Partnership associations (organisations)"
    )
    economic_profile: EconomicProfileIn | None = None
    sdgs: list[Sdg] = Field(default_factory=list, max_length=17)
    fields_of_action: list[FieldOfAction] = Field(default_factory=list, max_length=11)
    description: I18nTextIn | None = None
    notes: Text | None = Field(default=None, description="Internal note, for staff only")
    visibility: Visibility = Visibility.PUBLIC

    def to_fields(self) -> PartnershipFields:
        return PartnershipFields(
            **{name: _domain_value(name, getattr(self, name)) for name in type(self).model_fields}
        )


class PartnershipUpdate(PatchModel):
    """Fields to change. Changing `kind` or `status` without sending `status_history` adds
    an entry for today to the history."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"status": "dormant"}]}
    )

    city_id: Omittable[Id] = None
    partner_city_id: Omittable[Id] = None
    kind: Omittable[PartnershipKind] = None
    status: Omittable[PartnershipStatus] = None
    established_on: IsoDate | None = None
    established_precision: Omittable[DatePrecision] = None
    ended_on: IsoDate | None = None
    status_history: Omittable[Annotated[list[StatusChangeIn], Field(max_length=200)]] = None
    council_decisions: Omittable[Annotated[list[CouncilDecisionIn], Field(max_length=200)]] = None
    responsible_unit: ShortText | None = None
    association_ids: Omittable[Annotated[list[Id], Field(max_length=50)]] = None
    economic_profile: EconomicProfileIn | None = None
    sdgs: Omittable[Annotated[list[Sdg], Field(max_length=17)]] = None
    fields_of_action: Omittable[Annotated[list[FieldOfAction], Field(max_length=11)]] = None
    description: I18nTextIn | None = None
    notes: Text | None = None
    visibility: Omittable[Visibility] = None

    def changes(self) -> dict[str, Any]:
        return {name: _domain_value(name, getattr(self, name)) for name in self.model_fields_set}


class StatusChangeOut(BaseModel):
    model_config = ConfigDict(title="StatusChange")

    changed_on: Day
    precision: DatePrecision
    status: PartnershipStatus | None
    kind: PartnershipKind | None
    reason: I18nTextOut | None
    council_decision: Reference | None


class CouncilDecisionOut(BaseModel):
    model_config = ConfigDict(title="CouncilDecision")

    reference: Reference
    decided_on: Day | None
    url: Url | None
    subject: I18nTextOut | None


class EconomicProfileOut(BaseModel):
    model_config = ConfigDict(title="EconomicProfile")

    sectors: list[ShortText] = Field(max_length=50)
    clusters: list[ShortText] = Field(max_length=50)
    entry_point: I18nTextOut | None


class PartnershipPublic(BaseModel):
    """A partnership as the website sees it."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_OUT]})

    id: Id
    city_id: Id
    partner_city_id: Id
    city: CityRef
    partner_city: CityRef
    kind: PartnershipKind
    status: PartnershipStatus
    established_on: Day | None
    established_precision: DatePrecision
    ended_on: Day | None
    status_history: list[StatusChangeOut] = Field(max_length=200)
    council_decisions: list[CouncilDecisionOut] = Field(max_length=200)
    responsible_unit: ShortText | None
    association_ids: list[Id] = Field(max_length=50)
    associations: list[OrganisationRef] = Field(max_length=50)
    economic_profile: EconomicProfileOut | None
    sdgs: list[Sdg] = Field(max_length=17)
    fields_of_action: list[FieldOfAction] = Field(max_length=11)
    description: I18nTextOut | None
    created_at: Timestamp
    updated_at: Timestamp


class Partnership(PartnershipPublic):
    """A partnership as staff see it."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{**EXAMPLE_OUT, "notes": None, "visibility": "public"}]}
    )

    notes: Text | None
    visibility: Visibility


class Anniversary(BaseModel):
    years: Years
    on: Day | None = Field(
        description="The day of the anniversary in the year asked for; null where only the "
        "year or month of the founding is known"
    )
    partnership: Partnership


class AnniversaryPublic(BaseModel):
    years: Years
    on: Day | None
    partnership: PartnershipPublic


class Anniversaries(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.ANNIVERSARIES]})

    year: Year
    items: list[Anniversary] = Field(max_length=MAX_ANNIVERSARIES)


class AnniversariesPublic(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.ANNIVERSARIES_PUBLIC]})

    year: Year
    items: list[AnniversaryPublic] = Field(max_length=MAX_ANNIVERSARIES)


class PartnershipPage(Page[Partnership]):
    pass


class PartnershipPublicPage(Page[PartnershipPublic]):
    pass


VIEWS = Views(Partnership, PartnershipPublic)
ANNIVERSARY_VIEWS = Views(Anniversary, AnniversaryPublic)
SortParam = Annotated[str, sort_query(PARTNERSHIP_SORTS, nulls_last=True)]


@router.get(
    "",
    operation_id="partnerships-list",
    summary="List partnerships",
    response_model=PartnershipPage | PartnershipPublicPage,
    responses=LIST_RESPONSES,
)
def list_partnerships(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    kind: PartnershipKind | None = None,
    status: PartnershipStatus | None = None,
    country_code: Annotated[
        CountryCode | None,
        Query(description="The partner city's country (with city_id: the other side's)"),
    ] = None,
    city_id: Annotated[
        Id | None, Query(description="Partnerships of this city, on either side")
    ] = None,
    established_from: IsoDate | None = None,
    established_to: IsoDate | None = None,
    sdg: Annotated[
        int | None, Query(ge=1, le=17, json_schema_extra={"format": "int32"}), WHOLE_NUMBER
    ] = None,
    field_of_action: FieldOfAction | None = None,
    q: SearchText = None,
    modified_since: ModifiedSince = None,
    sort: SortParam = "established_on",
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    found = services.partnerships.list_page(
        principal,
        PartnershipQuery(
            kind=kind,
            status=status,
            country_code=country_code,
            city_id=city_id,
            established_from=established_from,
            established_to=established_to,
            sdg=sdg,
            field_of_action=field_of_action,
            q=q,
            modified_since=modified_since,
        ),
        Sort.parse(sort, PARTNERSHIP_SORTS),
        PageRequest(limit, decode_cursor(cursor)),
    )
    return resource.page(request, principal, VIEWS, found)


@router.get(
    "/anniversaries",
    operation_id="partnerships-anniversaries",
    summary="Round anniversaries in a year",
    description="Partnerships that turn 5, 10, 15, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90 or "
    "100 years old in `year`, by date.",
    response_model=Anniversaries | AnniversariesPublic,
    responses=LIST_RESPONSES,
)
def anniversaries(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    year: Annotated[Year, Query(), WHOLE_NUMBER],
    city_id: Annotated[Id | None, Query(description="Only this city's partnerships")] = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    found = services.partnerships.anniversaries(principal, year, city_id)
    project = projector(ANNIVERSARY_VIEWS.for_caller(principal))
    body = dumps({"year": year, "items": [project(a) for a in found]})
    return json_response(body, request, principal)


add_item_routes(
    router,
    Resource(
        collection="partnerships",
        noun="partnership",
        views=VIEWS,
        create_model=PartnershipCreate,
        update_model=PartnershipUpdate,
        problem_types={
            "create": ("duplicate-partnership",),
            "update": ("duplicate-partnership",),
        },
        service=lambda services: services.partnerships,
    ),
)
