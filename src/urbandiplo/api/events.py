"""/v1/events: events the office runs or co-runs, for the website's calendar and for staff."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from starlette.responses import Response

from urbandiplo.api import resource
from urbandiplo.api.common import (
    LIST_RESPONSES,
    WHOLE_NUMBER,
    Cursor,
    I18nTextIn,
    I18nTextOut,
    Id,
    IsoDateTime,
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
from urbandiplo.api.http import decode_cursor
from urbandiplo.api.partnerships import Sdg
from urbandiplo.api.refs import CityRef, OrganisationRef
from urbandiplo.api.resource import IfNoneMatch, Views
from urbandiplo.api.routes import Resource, add_item_routes
from urbandiplo.domain.errors import InvalidData
from urbandiplo.domain.events import (
    DEFAULT_TIMEZONE,
    EVENT_SORTS,
    Audience,
    EventFields,
    EventKind,
    EventQuery,
    Venue,
    check_timezone,
)
from urbandiplo.domain.listing import DEFAULT_PAGE_SIZE, PageRequest, Sort
from urbandiplo.domain.taxonomies import FieldOfAction
from urbandiplo.domain.values import DatePrecision, I18nText, Visibility

router = APIRouter(prefix="/v1/events", tags=["events"])


def _timezone(name: str) -> str:
    try:
        return check_timezone(name)
    except InvalidData as error:
        raise ValueError(error.detail) from error


def _day_or_instant(value: object) -> object:
    if isinstance(value, date):
        if isinstance(value, datetime) and value.tzinfo is None:
            raise ValueError("the date and time needs an offset, e.g. Z or +01:00")
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise ValueError("a date as YYYY-MM-DD") from error
    if isinstance(value, str) and "T" in value.upper():
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError as error:
            raise ValueError("a date and time in ISO 8601 with an offset") from error
        if parsed.tzinfo is None:
            raise ValueError("the date and time needs an offset, e.g. Z or +01:00")
        return parsed
    raise ValueError("a date (YYYY-MM-DD) or a date and time with an offset")


TimezoneName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z][A-Za-z0-9_+/-]*$"),
    Field(description="IANA time zone name", examples=["Europe/Berlin"]),
]
TimezoneIn = Annotated[TimezoneName, AfterValidator(_timezone)]
DayOrInstant = Annotated[
    date | datetime,
    BeforeValidator(_day_or_instant),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date", "maxLength": 10},
                {"type": "string", "format": "date-time", "maxLength": 40},
            ]
        }
    ),
]
Capacity = Annotated[int, Field(ge=1, le=1_000_000, json_schema_extra={"format": "int32"})]
VenueName = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Address = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Ids = Annotated[list[Id], Field(max_length=50)]

PRECISION = (
    "How much of the date is known: `month` or `year` where the sources give no day; the "
    "event is then all-day, starts on the first day and has no ends_at"
)
TIMES = (
    "Date and time with an offset; shown in the event's time zone with the offset in force "
    "there on the day"
)
ALL_DAY = (
    "A day-only event: starts_at is midnight of its first day in its time zone and ends_at, "
    "where it lasts several days, midnight of its last day (included)"
)

EXAMPLE_IN: dict[str, Any] = {
    "title": {"de": "Kölner Menschenrechtsdialoge 2025", "en": "Cologne Human Rights Dialogues"},
    "summary": {
        "de": "Austausch mit Menschenrechtsverteidiger*innen aus den Partnerstädten",
        "en": "Exchange with human rights defenders from the partner cities",
    },
    "kind": "exchange",
    "starts_at": "2025-12-08T00:00:00+01:00",
    "ends_at": "2025-12-11T00:00:00+01:00",
    "all_day": True,
    "timezone": "Europe/Berlin",
    "venue": {
        "name": "Historisches Rathaus",
        "address": "Rathausplatz 2, 50667 Köln",
        "city_id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e00",
        "online_url": None,
    },
    "organiser_ids": ["019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e71"],
    "partner_ids": [],
    "partnership_ids": [],
    "network_ids": [],
    "project_ids": [],
    "audience": "invitation",
    "registration_url": None,
    "capacity": 80,
    "series": "Kölner Menschenrechtsdialoge",
    "sdgs": [16],
    "fields_of_action": ["city_diplomacy"],
}
EXAMPLE_OUT: dict[str, Any] = {
    **EXAMPLE_IN,
    "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e90",
    "precision": "day",
    "venue": {
        **EXAMPLE_IN["venue"],
        "city": {
            "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e00",
            "name": "Köln",
            "names": {"de": "Köln", "en": "Cologne"},
            "country_code": "DE",
        },
    },
    "organisers": [
        {
            "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e71",
            "name": "Büro für Europa und Internationales",
            "kind": "city_department",
            "website": None,
        }
    ],
    "partners": [],
    "created_at": "2026-11-21T09:00:00+00:00",
    "updated_at": "2026-11-21T09:00:00+00:00",
}


class VenueIn(RequestModel):
    name: VenueName
    address: Address | None = None
    city_id: Id | None = Field(default=None, description="The city the venue is in")
    online_url: Url | None = Field(default=None, description="Where to join online")


def _domain_value(name: str, value: Any) -> Any:
    """A request field's value as the domain holds it."""
    if value is None:
        return None
    if name in {"title", "summary"}:
        return I18nText(value)
    if name == "venue":
        return Venue(
            name=value.name,
            address=value.address,
            city_id=value.city_id,
            online_url=value.online_url,
        )
    if name in {
        "organiser_ids",
        "partner_ids",
        "partnership_ids",
        "network_ids",
        "project_ids",
        "sdgs",
        "fields_of_action",
    }:
        return tuple(value)
    return value


class EventCreate(RequestModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_IN]})

    title: I18nTextIn
    summary: I18nTextIn | None = None
    kind: EventKind
    starts_at: IsoDateTime = Field(description=TIMES)
    ends_at: IsoDateTime | None = Field(default=None, description="Not before starts_at. " + TIMES)
    all_day: bool = Field(default=False, description=ALL_DAY)
    precision: DatePrecision = Field(default=DatePrecision.DAY, description=PRECISION)
    timezone: TimezoneIn = Field(
        default=DEFAULT_TIMEZONE, description="IANA time zone the event's times are shown in"
    )
    venue: VenueIn | None = None
    organiser_ids: Ids = Field(default_factory=list, description="Organisations organising it")
    partner_ids: Ids = Field(default_factory=list, description="Partner organisations")
    partnership_ids: Ids = Field(default_factory=list, description="Partnerships it belongs to")
    network_ids: Ids = Field(default_factory=list, description="City networks it belongs to")
    project_ids: Ids = Field(default_factory=list, description="Projects it belongs to")
    audience: Audience = Field(
        default=Audience.PUBLIC, description="An internal event cannot be public"
    )
    registration_url: Url | None = None
    capacity: Capacity | None = None
    series: ShortText | None = Field(
        default=None, description="A series the event belongs to (film series, annual exchange)"
    )
    sdgs: list[Sdg] = Field(default_factory=list, max_length=17)
    fields_of_action: list[FieldOfAction] = Field(default_factory=list, max_length=11)
    notes: Text | None = Field(default=None, description="Internal note, for staff only")
    visibility: Visibility = Visibility.PUBLIC

    def to_fields(self) -> EventFields:
        return EventFields(
            **{name: _domain_value(name, getattr(self, name)) for name in type(self).model_fields}
        )


class EventUpdate(PatchModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"capacity": 120}]})

    title: Omittable[I18nTextIn] = None
    summary: I18nTextIn | None = None
    kind: Omittable[EventKind] = None
    starts_at: Omittable[IsoDateTime] = None
    ends_at: IsoDateTime | None = None
    all_day: Omittable[bool] = None
    precision: Omittable[DatePrecision] = None
    timezone: Omittable[TimezoneIn] = None
    venue: VenueIn | None = None
    organiser_ids: Omittable[Ids] = None
    partner_ids: Omittable[Ids] = None
    partnership_ids: Omittable[Ids] = None
    network_ids: Omittable[Ids] = None
    project_ids: Omittable[Ids] = None
    audience: Omittable[Audience] = None
    registration_url: Url | None = None
    capacity: Capacity | None = None
    series: ShortText | None = None
    sdgs: Omittable[Annotated[list[Sdg], Field(max_length=17)]] = None
    fields_of_action: Omittable[Annotated[list[FieldOfAction], Field(max_length=11)]] = None
    notes: Text | None = None
    visibility: Omittable[Visibility] = None

    def changes(self) -> dict[str, Any]:
        return {name: _domain_value(name, getattr(self, name)) for name in self.model_fields_set}


class VenueOut(BaseModel):
    model_config = ConfigDict(title="Venue")

    name: VenueName
    address: Address | None
    city_id: Id | None
    city: CityRef | None
    online_url: Url | None


class EventPublic(BaseModel):
    """An event as the website sees it (no internal notes)."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_OUT]})

    id: Id
    title: I18nTextOut
    summary: I18nTextOut | None
    kind: EventKind
    starts_at: Timestamp = Field(description=TIMES)
    ends_at: Timestamp | None
    all_day: bool = Field(description=ALL_DAY)
    precision: DatePrecision = Field(description=PRECISION)
    timezone: TimezoneName
    venue: VenueOut | None
    organiser_ids: Ids
    organisers: list[OrganisationRef] = Field(max_length=50)
    partner_ids: Ids
    partners: list[OrganisationRef] = Field(max_length=50)
    partnership_ids: Ids
    network_ids: Ids
    project_ids: Ids
    audience: Audience
    registration_url: Url | None
    capacity: Capacity | None
    series: ShortText | None
    sdgs: list[Sdg] = Field(max_length=17)
    fields_of_action: list[FieldOfAction] = Field(max_length=11)
    created_at: Timestamp
    updated_at: Timestamp


class Event(EventPublic):
    """An event as staff see it."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{**EXAMPLE_OUT, "notes": None, "visibility": "public"}]}
    )

    notes: Text | None
    visibility: Visibility


class EventPage(Page[Event]):
    pass


class EventPublicPage(Page[EventPublic]):
    pass


VIEWS = Views(Event, EventPublic)
SortParam = Annotated[str, sort_query(EVENT_SORTS)]
RANGE = (
    "A day (YYYY-MM-DD, that day in Europe/Berlin) or a date and time with an offset. "
    "An event is in the range when any part of it is."
)


def event_filters(
    from_: Annotated[
        DayOrInstant | None,
        Query(alias="from", description="Events not over before this day or time."),
    ] = None,
    to: Annotated[
        DayOrInstant | None,
        Query(description="Events starting on or before this day or time."),
    ] = None,
    kind: EventKind | None = None,
    city_id: Annotated[Id | None, Query(description="Events at a venue in this city")] = None,
    partnership_id: Annotated[
        Id | None, Query(description="Events linked to this partnership")
    ] = None,
    network_id: Annotated[Id | None, Query(description="Events linked to this network")] = None,
    project_id: Annotated[Id | None, Query(description="Events of this project")] = None,
    series: Annotated[
        str | None, Query(min_length=1, max_length=200, description="Events of this series")
    ] = None,
    audience: Audience | None = None,
    sdg: Annotated[
        int | None, Query(ge=1, le=17, json_schema_extra={"format": "int32"}), WHOLE_NUMBER
    ] = None,
    field_of_action: FieldOfAction | None = None,
    q: SearchText = None,
    modified_since: ModifiedSince = None,
) -> EventQuery:
    """The event filters, the same for the list and the calendar."""
    return EventQuery(
        from_=from_,
        to=to,
        kind=kind,
        city_id=city_id,
        partnership_id=partnership_id,
        network_id=network_id,
        project_id=project_id,
        series=series,
        audience=audience,
        sdg=sdg,
        field_of_action=field_of_action,
        q=q,
        modified_since=modified_since,
    ).checked()


EventFilters = Annotated[EventQuery, Depends(event_filters)]


@router.get(
    "",
    operation_id="events-list",
    summary="List events",
    description="By default in the order they start. " + RANGE,
    response_model=EventPage | EventPublicPage,
    responses=LIST_RESPONSES,
)
def list_events(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    query: EventFilters,
    sort: SortParam = "starts_at",
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    found = services.events.list_page(
        principal,
        query,
        Sort.parse(sort, EVENT_SORTS),
        PageRequest(limit, decode_cursor(cursor)),
    )
    return resource.page(request, principal, VIEWS, found)


add_item_routes(
    router,
    Resource(
        collection="events",
        noun="event",
        views=VIEWS,
        create_model=EventCreate,
        update_model=EventUpdate,
        service=lambda services: services.events,
    ),
)
