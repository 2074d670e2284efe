"""/v1/networks: city networks and the city's membership in them."""

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
    Limit,
    ModifiedSince,
    MoneyIn,
    MoneyOut,
    Omittable,
    OrganisationName,
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
from urbandiplo.api.http import decode_cursor
from urbandiplo.api.refs import PersonRef
from urbandiplo.api.resource import IfNoneMatch, Views
from urbandiplo.api.routes import Resource, add_item_routes
from urbandiplo.domain.listing import DEFAULT_PAGE_SIZE, PageRequest, Sort
from urbandiplo.domain.networks import (
    NETWORK_SORTS,
    Commitment,
    Membership,
    MembershipStatus,
    NetworkFields,
    NetworkQuery,
    NetworkScope,
    Representative,
    WorkingGroup,
)
from urbandiplo.domain.values import DatePrecision, I18nText, Visibility

router = APIRouter(prefix="/v1/networks", tags=["networks"])

Acronym = Annotated[str, StringConstraints(min_length=1, max_length=50)]
Role300 = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Theme = Annotated[str, StringConstraints(min_length=1, max_length=100)]

EXAMPLE_IN: dict[str, Any] = {
    "name": "Eurocities",
    "acronym": "EUROCITIES",
    "scope": "european",
    "themes": ["Stadtpolitik", "Klima"],
    "membership": {
        "status": "member",
        "joined_on": "1998-01-01",
        "joined_precision": "year",
        "representatives": [
            {"name": "Büro für Europa und Internationales", "role": "Kontaktstelle"}
        ],
        "working_groups": [
            {"name": "Culture Forum", "participating_unit": "Kulturamt"},
        ],
        "commitments": [],
    },
}


class RepresentativeIn(RequestModel):
    person_id: Id | None = Field(default=None, description="A person record, or else `name`")
    name: ShortText | None = None
    role: Role300 | None = Field(default=None, examples=["Delegierte im World Council"])
    body: ShortText | None = Field(default=None, examples=["World Council"])
    from_on: IsoDate | None = None
    to_on: IsoDate | None = None
    precision: DatePrecision = Field(
        default=DatePrecision.DAY, description="How much of from_on and to_on is known"
    )


class WorkingGroupIn(RequestModel):
    name: ShortText
    participating_unit: OrganisationName | None = None


class CommitmentIn(RequestModel):
    title: I18nTextIn
    description: I18nTextIn | None = None


class MembershipIn(RequestModel):
    status: MembershipStatus
    joined_on: IsoDate | None = None
    joined_precision: DatePrecision = DatePrecision.DAY
    left_on: IsoDate | None = None
    annual_fee: MoneyIn | None = None
    representatives: list[RepresentativeIn] = Field(default_factory=list, max_length=100)
    working_groups: list[WorkingGroupIn] = Field(default_factory=list, max_length=100)
    commitments: list[CommitmentIn] = Field(default_factory=list, max_length=100)

    def to_domain(self) -> Membership:
        return Membership(
            status=self.status,
            joined_on=self.joined_on,
            joined_precision=self.joined_precision,
            left_on=self.left_on,
            annual_fee=self.annual_fee.to_domain() if self.annual_fee else None,
            representatives=tuple(Representative(**r.model_dump()) for r in self.representatives),
            working_groups=tuple(WorkingGroup(**g.model_dump()) for g in self.working_groups),
            commitments=tuple(
                Commitment(
                    title=I18nText(c.title),
                    description=I18nText(c.description) if c.description else None,
                )
                for c in self.commitments
            ),
        )


def _domain_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "membership":
        return value.to_domain()
    if name == "description":
        return I18nText(value)
    if name == "themes":
        return tuple(value)
    return value


class NetworkCreate(RequestModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_IN]})

    name: OrganisationName
    scope: NetworkScope
    acronym: Acronym | None = None
    themes: list[Theme] = Field(default_factory=list, max_length=30)
    website: Url | None = None
    description: I18nTextIn | None = None
    membership: MembershipIn | None = Field(
        default=None, description="The city's membership; null where the city is not a member"
    )
    notes: Text | None = Field(default=None, description="Internal note, for staff only")
    visibility: Visibility = Visibility.PUBLIC

    def to_fields(self) -> NetworkFields:
        return NetworkFields(
            **{name: _domain_value(name, getattr(self, name)) for name in type(self).model_fields}
        )


class NetworkUpdate(PatchModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"website": "https://eurocities.eu"}]}
    )

    name: Omittable[OrganisationName] = None
    scope: Omittable[NetworkScope] = None
    acronym: Acronym | None = None
    themes: Omittable[Annotated[list[Theme], Field(max_length=30)]] = None
    website: Url | None = None
    description: I18nTextIn | None = None
    membership: MembershipIn | None = None
    notes: Text | None = None
    visibility: Omittable[Visibility] = None

    def changes(self) -> dict[str, Any]:
        return {name: _domain_value(name, getattr(self, name)) for name in self.model_fields_set}


class RepresentativeOut(BaseModel):
    model_config = ConfigDict(title="Representative")

    person_id: Id | None
    person: PersonRef | None = Field(
        description="The person holding the seat; a placeholder where you may not see who"
    )
    name: ShortText | None
    role: Role300 | None
    body: ShortText | None
    from_on: Day | None
    to_on: Day | None
    precision: DatePrecision


class WorkingGroupOut(BaseModel):
    model_config = ConfigDict(title="WorkingGroup")

    name: ShortText
    participating_unit: OrganisationName | None


class CommitmentOut(BaseModel):
    model_config = ConfigDict(title="Commitment")

    title: I18nTextOut
    description: I18nTextOut | None


class MembershipPublic(BaseModel):
    """The city's membership as the website sees it (no fee)."""

    status: MembershipStatus
    joined_on: Day | None
    joined_precision: DatePrecision
    left_on: Day | None
    representatives: list[RepresentativeOut] = Field(max_length=100)
    working_groups: list[WorkingGroupOut] = Field(max_length=100)
    commitments: list[CommitmentOut] = Field(max_length=100)


class MembershipOut(MembershipPublic):
    model_config = ConfigDict(title="Membership")

    annual_fee: MoneyOut | None


class NetworkPublic(BaseModel):
    """A network as the website sees it."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.NETWORK_PUBLIC]})

    id: Id
    name: OrganisationName
    acronym: Acronym | None
    scope: NetworkScope
    themes: list[Theme] = Field(max_length=30)
    website: Url | None
    description: I18nTextOut | None
    membership: MembershipPublic | None
    created_at: Timestamp
    updated_at: Timestamp


class Network(NetworkPublic):
    """A network as staff see it."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.NETWORK]})

    membership: MembershipOut | None
    notes: Text | None
    visibility: Visibility


class NetworkPage(Page[Network]):
    pass


class NetworkPublicPage(Page[NetworkPublic]):
    pass


VIEWS = Views(Network, NetworkPublic)
SortParam = Annotated[str, sort_query(NETWORK_SORTS)]


@router.get(
    "",
    operation_id="networks-list",
    summary="List networks",
    response_model=NetworkPage | NetworkPublicPage,
    responses=LIST_RESPONSES,
)
def list_networks(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    scope: NetworkScope | None = None,
    membership_status: Annotated[
        MembershipStatus | None, Query(description="The city's membership status")
    ] = None,
    q: SearchText = None,
    modified_since: ModifiedSince = None,
    sort: SortParam = "name",
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    found = services.networks.list_page(
        principal,
        NetworkQuery(
            scope=scope, membership_status=membership_status, q=q, modified_since=modified_since
        ),
        Sort.parse(sort, NETWORK_SORTS),
        PageRequest(limit, decode_cursor(cursor)),
    )
    return resource.page(request, principal, VIEWS, found)


add_item_routes(
    router,
    Resource(
        collection="networks",
        noun="network",
        views=VIEWS,
        create_model=NetworkCreate,
        update_model=NetworkUpdate,
        service=lambda services: services.networks,
    ),
)
