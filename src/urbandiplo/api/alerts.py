"""/v1/call-subscriptions: an organisation's call alerts (seed 004: calls announced), and
each subscription's alerts as JSON and as an Atom feed."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from urbandiplo.api import atom, examples, resource
from urbandiplo.api.common import (
    LIST_RESPONSES,
    Cursor,
    Id,
    Limit,
    ModifiedSince,
    Omittable,
    Page,
    PatchModel,
    RequestModel,
    ShortText,
    Timestamp,
    sort_query,
)
from urbandiplo.api.deps import PrincipalDep, ServicesDep
from urbandiplo.api.funding import FundingCallPublic
from urbandiplo.api.http import decode_cursor, json_response
from urbandiplo.api.partnerships import Sdg
from urbandiplo.api.problems import problem_responses
from urbandiplo.api.refs import OrganisationRef
from urbandiplo.api.rendering import dumps, projector
from urbandiplo.api.resource import IfNoneMatch, Views
from urbandiplo.api.routes import Resource, add_item_routes
from urbandiplo.domain.alerts import (
    DEFAULT_LEAD_DAYS,
    SUBSCRIPTION_SORTS,
    AlertKind,
    CallSubscriptionFields,
    CallSubscriptionQuery,
)
from urbandiplo.domain.alerts import CallAlert as Alert
from urbandiplo.domain.funding import CALL_TIMEZONE, FundingLevel
from urbandiplo.domain.listing import DEFAULT_PAGE_SIZE, PageRequest, Sort
from urbandiplo.domain.organisations import OrganisationKind
from urbandiplo.domain.taxonomies import FieldOfAction

router = APIRouter(prefix="/v1/call-subscriptions", tags=["funding"])

Levels = Annotated[list[FundingLevel], Field(max_length=6, description="Empty: every level")]
Fields = Annotated[list[FieldOfAction], Field(max_length=11, description="Empty: any")]
Sdgs = Annotated[list[Sdg], Field(max_length=17, description="Empty: any")]
Kinds = Annotated[
    list[OrganisationKind],
    Field(max_length=10, description="Kinds of applicant it speaks for; empty: any"),
]
LeadDays = Annotated[
    int,
    Field(
        ge=0,
        le=366,
        json_schema_extra={"format": "int32"},
        description="How many days before a deadline to be reminded",
    ),
]
ORGANISATION = (
    "The subscribing organisation: a contributor's own, which it may leave out; staff "
    "subscribing for an organisation name it."
)

EXAMPLE_IN: dict[str, Any] = {
    "name": "CERV: Städtepartnerschaften und Netzwerke",
    "levels": ["eu"],
    "fields_of_action": ["city_and_project_partnerships"],
    "sdgs": [],
    "applicant_kinds": ["association"],
    "lead_days": 14,
}
EXAMPLE_OUT: dict[str, Any] = {
    **EXAMPLE_IN,
    "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4f30",
    "organisation_id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e75",
    "organisation": {
        "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e75",
        "name": "Freundeskreis Köln-Dnipro e.V.",
        "kind": "association",
        "website": None,
    },
    "created_at": "2026-02-01T09:30:00+00:00",
    "updated_at": "2026-02-01T09:30:00+00:00",
}


def _domain_value(name: str, value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    return value


class CallSubscriptionCreate(RequestModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_IN]})

    name: ShortText = Field(description="What the subscription is for, in the organisation's words")
    levels: Levels = Field(default_factory=list)
    fields_of_action: Fields = Field(default_factory=list)
    sdgs: Sdgs = Field(default_factory=list)
    applicant_kinds: Kinds = Field(default_factory=list)
    lead_days: LeadDays = DEFAULT_LEAD_DAYS
    organisation_id: Id | None = Field(default=None, description=ORGANISATION)

    def to_fields(self) -> CallSubscriptionFields:
        return CallSubscriptionFields(
            **{name: _domain_value(name, getattr(self, name)) for name in type(self).model_fields}
        )


class CallSubscriptionUpdate(PatchModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"lead_days": 21}]})

    name: Omittable[ShortText] = None
    levels: Omittable[Levels] = None
    fields_of_action: Omittable[Fields] = None
    sdgs: Omittable[Sdgs] = None
    applicant_kinds: Omittable[Kinds] = None
    lead_days: Omittable[LeadDays] = None

    def changes(self) -> dict[str, Any]:
        return {name: _domain_value(name, getattr(self, name)) for name in self.model_fields_set}


class CallSubscription(BaseModel):
    """A subscription, as its organisation and the office see it; never public."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_OUT]})

    id: Id
    name: ShortText
    levels: Levels
    fields_of_action: Fields
    sdgs: Sdgs
    applicant_kinds: Kinds
    lead_days: LeadDays
    organisation_id: Id
    organisation: OrganisationRef
    created_at: Timestamp
    updated_at: Timestamp


class CallSubscriptionPage(Page[CallSubscription]):
    pass


VIEWS = Views(CallSubscription, CallSubscription)
SortParam = Annotated[str, sort_query(SUBSCRIPTION_SORTS)]


@router.get(
    "",
    operation_id="call-subscriptions-list",
    summary="List call subscriptions",
    description="A contributor lists its own organisation's only; staff list every one.",
    response_model=CallSubscriptionPage,
    responses=LIST_RESPONSES,
)
def list_subscriptions(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    organisation_id: Id | None = None,
    modified_since: ModifiedSince = None,
    sort: SortParam = "created_at",
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    found = services.call_subscriptions.list_page(
        principal,
        CallSubscriptionQuery(organisation_id=organisation_id, modified_since=modified_since),
        Sort.parse(sort, SUBSCRIPTION_SORTS),
        PageRequest(limit, decode_cursor(cursor)),
    )
    return resource.page(request, principal, VIEWS, found)


add_item_routes(
    router,
    Resource(
        collection="call-subscriptions",
        noun="call subscription",
        views=VIEWS,
        create_model=CallSubscriptionCreate,
        update_model=CallSubscriptionUpdate,
        service=lambda services: services.call_subscriptions,
    ),
)


class CallAlert(BaseModel):
    id: Id = Field(description="The alert's: the same alert keeps it")
    kind: AlertKind = Field(
        description="`opened`: the call is open; `deadline`: its deadline is within the "
        "subscription's lead time"
    )
    created_at: Timestamp = Field(description="When the alert was made")
    call: FundingCallPublic


ALERT_EXAMPLE: dict[str, Any] = {
    "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4f31",
    "kind": "opened",
    "created_at": "2026-12-01T06:00:00+00:00",
    "call": examples.FUNDING_CALL_PUBLIC,
}


class CallAlerts(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [ALERT_EXAMPLE]}]})

    items: list[CallAlert] = Field(max_length=500)


SubscriptionId = Annotated[Id, Path(alias="call_subscription_id")]
AlertLimit = Annotated[
    int, Query(ge=1, le=500, json_schema_extra={"format": "int32"}, description="At most")
]
ALERT_RESPONSES = problem_responses(401, 403, 404, 422)


@router.get(
    "/{call_subscription_id:uuid}/alerts",
    operation_id="call-subscriptions-alerts",
    summary="A subscription's alerts",
    description="Newest first: each call that opened and each deadline that came within "
    "the lead time, once each, with the call as the public sees it.",
    response_model=CallAlerts,
    responses={304: {"description": "Not modified"}, **ALERT_RESPONSES},
)
def list_alerts(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    call_subscription_id: SubscriptionId,
    limit: AlertLimit = 100,
    if_none_match: IfNoneMatch = None,
) -> Response:
    _, found = services.call_subscriptions.alerts(principal, call_subscription_id, limit)
    project = projector(CallAlert)
    body = dumps({"items": [project(alert) for alert in found]})
    return json_response(body, request, principal)


ENTRY_TITLES = {
    ("de", AlertKind.OPENED): "Aufruf offen: {}",
    ("de", AlertKind.DEADLINE): "Frist am {deadline}: {}",
    ("en", AlertKind.OPENED): "Call open: {}",
    ("en", AlertKind.DEADLINE): "Deadline on {deadline}: {}",
}


def _entry(alert: Alert, lang: str, request: Request) -> atom.Entry:
    call = alert.call
    deadline = f"{call.deadline.astimezone(CALL_TIMEZONE):%Y-%m-%d}"
    title = ENTRY_TITLES[(lang, alert.kind)].format(call.title.in_language(lang), deadline=deadline)
    return atom.Entry(
        id=alert.id,
        title=title,
        updated=alert.created_at,
        published=alert.created_at,
        link=call.url or f"{request.base_url}v1/funding-calls/{call.id}",
        summary=call.description.in_language(lang) if call.description else None,
        categories=(atom.Category(alert.kind.value), atom.Category(call.programme.level.value)),
    )


@router.get(
    "/{call_subscription_id:uuid}/alerts.atom",
    operation_id="call-subscriptions-alerts-feed",
    summary="A subscription's alerts as an Atom feed",
    description="RFC 4287: the newest alerts, one entry each (`urn:uuid:<alert id>`), for a "
    "feed reader that sends the organisation's key.",
    response_class=Response,
    responses={
        **atom.atom_responses(examples.ALERTS_ATOM),
        **ALERT_RESPONSES,
    },
)
def alerts_feed(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    call_subscription_id: SubscriptionId,
    lang: Annotated[Literal["de", "en"], Query(description="Language of the entries")] = "de",
    if_none_match: IfNoneMatch = None,
) -> Response:
    subscription, found = services.call_subscriptions.alerts(
        principal, call_subscription_id, atom.MAX_ENTRIES
    )
    feed = atom.Feed(
        title=subscription.name,
        lang=lang,
        author=atom.publisher(lang, services.cities.home.name),
        entries=[_entry(alert, lang, request) for alert in found],
    )
    return atom.atom_response(feed, request, principal)
