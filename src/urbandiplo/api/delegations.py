"""/v1/delegations: official visits the city makes and receives."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.responses import Response

from urbandiplo.api import examples, resource
from urbandiplo.api.common import (
    LIST_RESPONSES,
    Cursor,
    Day,
    I18nTextIn,
    I18nTextOut,
    Id,
    IsoDate,
    IsoDateTime,
    Limit,
    ModifiedSince,
    MoneyIn,
    MoneyOut,
    Omittable,
    Page,
    PatchModel,
    RequestModel,
    SearchText,
    ShortText,
    Text,
    Timestamp,
    sort_query,
)
from urbandiplo.api.deps import PrincipalDep, ServicesDep
from urbandiplo.api.http import decode_cursor
from urbandiplo.api.refs import CityRef, OrganisationRef, PersonRef
from urbandiplo.api.resource import IfNoneMatch, Views
from urbandiplo.api.routes import Resource, add_item_routes
from urbandiplo.domain.delegations import (
    DELEGATION_SORTS,
    Costs,
    Delegate,
    DelegationFields,
    DelegationQuery,
    DelegationStatus,
    Direction,
    Gift,
    GiftDirection,
    Outcome,
    OutcomeStatus,
    ProgrammeItem,
)
from urbandiplo.domain.listing import DEFAULT_PAGE_SIZE, PageRequest, Sort
from urbandiplo.domain.values import DatePrecision, I18nText, Visibility

router = APIRouter(prefix="/v1/delegations", tags=["delegations"])

Function = Annotated[str, StringConstraints(min_length=1, max_length=300)]

EXAMPLE_IN: dict[str, Any] = {
    "direction": "outgoing",
    "title": {"de": "Reise nach Peking und Baoding", "en": "Visit to Beijing and Baoding"},
    "starts_on": "2025-10-10",
    "ends_on": "2025-10-12",
    "city_ids": ["019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e90", "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e91"],
    "members": [{"name": "Andrea Beispiel", "function": "Wirtschaftsförderung"}],
    "programme": [
        {"on": "2025-10-11", "title": {"de": "Gespräch im Rathaus", "en": "Talks at city hall"}}
    ],
    "costs": {"planned": {"amount": "18000.00", "currency": "EUR"}},
    "status": "completed",
}


class DelegateIn(RequestModel):
    person_id: Id | None = Field(default=None, description="A person record, or else a name")
    name: ShortText | None = None
    function: Function | None = None
    organisation_id: Id | None = None

    def to_domain(self) -> Delegate:
        return Delegate(**self.model_dump())


class ProgrammeItemIn(RequestModel):
    on: IsoDate = Field(description="Within the delegation's dates")
    starts_at: IsoDateTime | None = None
    title: I18nTextIn
    place: ShortText | None = None
    counterpart: ShortText | None = Field(default=None, description="Whom the delegation meets")


class GiftIn(RequestModel):
    direction: GiftDirection
    item: ShortText
    counterpart: ShortText | None = Field(default=None, description="To or from whom")


class CostsIn(RequestModel):
    planned: MoneyIn | None = None
    actual: MoneyIn | None = None


class OutcomeIn(RequestModel):
    description: I18nTextIn
    owner: ShortText | None = None
    due_on: IsoDate | None = None
    status: OutcomeStatus = OutcomeStatus.OPEN


def _domain_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in {"title", "purpose"}:
        return I18nText(value)
    if name == "head":
        return value.to_domain()
    if name == "members":
        return tuple(m.to_domain() for m in value)
    if name == "programme":
        return tuple(
            ProgrammeItem(
                on=p.on,
                starts_at=p.starts_at,
                title=I18nText(p.title),
                place=p.place,
                counterpart=p.counterpart,
            )
            for p in value
        )
    if name == "gifts":
        return tuple(Gift(**g.model_dump()) for g in value)
    if name == "costs":
        return Costs(
            planned=value.planned.to_domain() if value.planned else None,
            actual=value.actual.to_domain() if value.actual else None,
        )
    if name == "outcomes":
        return tuple(
            Outcome(
                description=I18nText(o.description), owner=o.owner, due_on=o.due_on, status=o.status
            )
            for o in value
        )
    if name in {"city_ids", "partnership_ids", "event_ids", "project_ids"}:
        return tuple(value)
    return value


Cities = Annotated[list[Id], Field(min_length=1, max_length=20)]
Members = Annotated[list[DelegateIn], Field(max_length=200)]
Programme = Annotated[list[ProgrammeItemIn], Field(max_length=200)]
Gifts = Annotated[list[GiftIn], Field(max_length=100)]
Outcomes = Annotated[list[OutcomeIn], Field(max_length=100)]
PartnershipIds = Annotated[list[Id], Field(max_length=50)]
EventIds = Annotated[list[Id], Field(max_length=50, description="Events the visit was for")]
ProjectIds = Annotated[list[Id], Field(max_length=50, description="Projects the visit served")]


class DelegationCreate(RequestModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_IN]})

    direction: Direction
    title: I18nTextIn
    purpose: I18nTextIn | None = None
    starts_on: IsoDate
    ends_on: IsoDate | None = None
    precision: DatePrecision = Field(
        default=DatePrecision.DAY, description="How much of starts_on and ends_on is known"
    )
    city_ids: Cities
    head: DelegateIn | None = None
    members: Members = Field(default_factory=list)
    programme: Programme = Field(default_factory=list)
    gifts: Gifts = Field(default_factory=list)
    costs: CostsIn | None = None
    outcomes: Outcomes = Field(default_factory=list)
    status: DelegationStatus = DelegationStatus.PLANNED
    partnership_ids: PartnershipIds = Field(default_factory=list)
    event_ids: EventIds = Field(default_factory=list)
    project_ids: ProjectIds = Field(default_factory=list)
    notes: Text | None = Field(default=None, description="Internal note, for staff only")
    visibility: Visibility = Field(
        default=Visibility.INTERNAL, description="Internal unless made public"
    )

    def to_fields(self) -> DelegationFields:
        return DelegationFields(
            **{name: _domain_value(name, getattr(self, name)) for name in type(self).model_fields}
        )


class DelegationUpdate(PatchModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"status": "confirmed"}]}
    )

    direction: Omittable[Direction] = None
    title: Omittable[I18nTextIn] = None
    purpose: I18nTextIn | None = None
    starts_on: Omittable[IsoDate] = None
    ends_on: IsoDate | None = None
    precision: Omittable[DatePrecision] = None
    city_ids: Omittable[Cities] = None
    head: DelegateIn | None = None
    members: Omittable[Members] = None
    programme: Omittable[Programme] = None
    gifts: Omittable[Gifts] = None
    costs: CostsIn | None = None
    outcomes: Omittable[Outcomes] = None
    status: Omittable[DelegationStatus] = None
    partnership_ids: Omittable[PartnershipIds] = None
    event_ids: Omittable[EventIds] = None
    project_ids: Omittable[ProjectIds] = None
    notes: Text | None = None
    visibility: Omittable[Visibility] = None

    def changes(self) -> dict[str, Any]:
        return {name: _domain_value(name, getattr(self, name)) for name in self.model_fields_set}


class DelegateOut(BaseModel):
    model_config = ConfigDict(title="Delegate")

    person_id: Id | None
    person: PersonRef | None = Field(
        description="The person; a placeholder where you may not see who it is"
    )
    name: ShortText | None
    function: Function | None
    organisation_id: Id | None
    organisation: OrganisationRef | None


class ProgrammeItemOut(BaseModel):
    model_config = ConfigDict(title="ProgrammeItem")

    on: Day
    starts_at: Timestamp | None
    title: I18nTextOut
    place: ShortText | None
    counterpart: ShortText | None


class GiftOut(BaseModel):
    model_config = ConfigDict(title="Gift")

    direction: GiftDirection
    item: ShortText
    counterpart: ShortText | None


class CostsOut(BaseModel):
    model_config = ConfigDict(title="Costs")

    planned: MoneyOut | None
    actual: MoneyOut | None


class OutcomeOut(BaseModel):
    model_config = ConfigDict(title="DelegationOutcome")

    description: I18nTextOut
    owner: ShortText | None
    due_on: Day | None
    status: OutcomeStatus


class DelegationPublic(BaseModel):
    """A delegation as the website sees it: no gifts, costs, follow-ups or notes."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.DELEGATION_PUBLIC]})

    id: Id
    direction: Direction
    title: I18nTextOut
    purpose: I18nTextOut | None
    starts_on: Day
    ends_on: Day | None
    precision: DatePrecision
    city_ids: list[Id] = Field(max_length=20)
    cities: list[CityRef] = Field(max_length=20)
    head: DelegateOut | None
    members: list[DelegateOut] = Field(max_length=200)
    programme: list[ProgrammeItemOut] = Field(max_length=200)
    status: DelegationStatus
    partnership_ids: list[Id] = Field(max_length=50)
    event_ids: list[Id] = Field(max_length=50)
    project_ids: list[Id] = Field(max_length=50)
    created_at: Timestamp
    updated_at: Timestamp


class Delegation(DelegationPublic):
    """A delegation as staff see it."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.DELEGATION]})

    gifts: list[GiftOut] = Field(max_length=100)
    costs: CostsOut | None
    outcomes: list[OutcomeOut] = Field(max_length=100)
    notes: Text | None
    visibility: Visibility


class DelegationPage(Page[Delegation]):
    pass


class DelegationPublicPage(Page[DelegationPublic]):
    pass


VIEWS = Views(Delegation, DelegationPublic)
SortParam = Annotated[str, sort_query(DELEGATION_SORTS)]


@router.get(
    "",
    operation_id="delegations-list",
    summary="List delegations",
    response_model=DelegationPage | DelegationPublicPage,
    responses=LIST_RESPONSES,
)
def list_delegations(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    direction: Direction | None = None,
    status: DelegationStatus | None = None,
    city_id: Annotated[Id | None, Query(description="Delegations to or from this city")] = None,
    partnership_id: Id | None = None,
    project_id: Annotated[Id | None, Query(description="Delegations serving this project")] = None,
    from_on: Annotated[
        IsoDate | None, Query(alias="from", description="Delegations on or after this day")
    ] = None,
    to_on: Annotated[
        IsoDate | None, Query(alias="to", description="Delegations on or before this day")
    ] = None,
    q: SearchText = None,
    modified_since: ModifiedSince = None,
    sort: SortParam = "starts_on",
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    found = services.delegations.list_page(
        principal,
        DelegationQuery(
            direction=direction,
            status=status,
            city_id=city_id,
            partnership_id=partnership_id,
            project_id=project_id,
            from_on=from_on,
            to_on=to_on,
            q=q,
            modified_since=modified_since,
        ),
        Sort.parse(sort, DELEGATION_SORTS),
        PageRequest(limit, decode_cursor(cursor)),
    )
    return resource.page(request, principal, VIEWS, found)


add_item_routes(
    router,
    Resource(
        collection="delegations",
        noun="delegation",
        views=VIEWS,
        create_model=DelegationCreate,
        update_model=DelegationUpdate,
        service=lambda services: services.delegations,
    ),
)
