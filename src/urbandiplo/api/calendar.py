"""/v1/events.ics: the public events as an iCalendar feed (RFC 5545) for calendar apps and
the website, with the event list's filters."""

from __future__ import annotations

from datetime import UTC, timedelta
from functools import cache
from typing import Annotated, Literal

import icalendar
from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from urbandiplo.api import examples
from urbandiplo.api.deps import ServicesDep
from urbandiplo.api.events import EventFilters
from urbandiplo.api.http import json_response
from urbandiplo.api.problems import problem_responses
from urbandiplo.api.resource import IfNoneMatch
from urbandiplo.domain.access import ANONYMOUS
from urbandiplo.domain.events import Event
from urbandiplo.domain.listing import Sort, all_pages
from urbandiplo.domain.values import DatePrecision

router = APIRouter(tags=["events"])

CALENDAR = "text/calendar; charset=utf-8"
MAX_EVENTS = 2000  # a feed is read whole; narrow it with `from`/`to` for more
UID_DOMAIN = "urbandiplo"


@cache
def _timezone(tzid: str) -> icalendar.Timezone:
    """The VTIMEZONE of an IANA zone, built once per process."""
    return icalendar.Timezone.from_tzid(tzid)


def _vevent(event: Event, lang: str) -> icalendar.Event:
    entry = icalendar.Event()
    entry.add("uid", f"{event.id}@{UID_DOMAIN}")  # stable: the event's id
    entry.add("dtstamp", event.updated_at.astimezone(UTC))
    entry.add("created", event.created_at.astimezone(UTC))
    entry.add("last-modified", event.updated_at.astimezone(UTC))
    entry.add("sequence", event.version - 1)
    entry.add("summary", event.title.in_language(lang))
    if event.summary:
        entry.add("description", event.summary.in_language(lang))
    if event.all_day or event.precision != DatePrecision.DAY:
        zone = event.starts_at.tzinfo
        first = event.starts_at.date()
        after = event.ends_by.astimezone(zone).date()
        entry.add("dtstart", first)
        entry.add("dtend", max(after, first + timedelta(days=1)))
    else:
        entry.add("dtstart", event.starts_at)
        if event.ends_at is not None:
            entry.add("dtend", event.ends_at)
    if event.venue is not None:
        place = [event.venue.name, event.venue.address or ""]
        if event.venue.city is not None:
            place.append(event.venue.city.names.get(lang) or event.venue.city.name)
        entry.add("location", ", ".join(p for p in place if p))
    url = event.registration_url or (event.venue.online_url if event.venue else None)
    if url:
        entry.add("url", url)
    entry.add("categories", [event.kind.value])
    entry.add("status", "CONFIRMED")
    entry.add("class", "PUBLIC")
    return entry


def calendar_of(events: list[Event], lang: str) -> bytes:
    feed = icalendar.Calendar()
    feed.add("prodid", "-//urbandiplo//events//DE")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", "Veranstaltungen" if lang == "de" else "Events")
    for tzid in sorted({e.timezone for e in events if not e.all_day}):
        feed.add_component(_timezone(tzid))
    for event in events:
        feed.add_component(_vevent(event, lang))
    body: bytes = feed.to_ical()
    return body


@router.get(
    "/v1/events.ics",
    operation_id="events-calendar",
    summary="Public events as an iCalendar feed",
    description="RFC 5545, with a VTIMEZONE for each zone the events are in; UIDs are "
    f"stable (`<event id>@{UID_DOMAIN}`). Public events only, whoever asks; the filters "
    f"are the event list's; at most {MAX_EVENTS} events, in the order they start.",
    response_class=Response,
    responses={
        200: {
            "description": "The calendar",
            "content": {
                "text/calendar": {
                    "schema": {"type": "string", "maxLength": 50_000_000},
                    "example": examples.CALENDAR,
                }
            },
        },
        304: {"description": "Not modified"},
        **problem_responses(422),
    },
)
def events_calendar(
    request: Request,
    services: ServicesDep,
    query: EventFilters,
    lang: Annotated[
        Literal["de", "en"], Query(description="Language of titles and descriptions")
    ] = "de",
    if_none_match: IfNoneMatch = None,
) -> Response:
    events = all_pages(
        lambda page: services.events.list_page(ANONYMOUS, query, Sort("starts_at"), page),
        MAX_EVENTS,
    )
    return json_response(calendar_of(events, lang), request, ANONYMOUS, media_type=CALENDAR)
