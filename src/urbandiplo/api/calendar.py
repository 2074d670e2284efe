"""/v1/events.ics: the public events as an iCalendar feed (RFC 5545) for calendar apps and
the website, with the event list's filters."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache
from typing import Annotated, Literal

import icalendar
from fastapi import APIRouter, Query, Request
from icalendar.timezone.tzid import tzid_from_tzinfo
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
def _timezone(tzid: str) -> bytes:
    """The VTIMEZONE of an IANA zone, built once per process."""
    return bytes(icalendar.Timezone.from_tzid(tzid).to_ical())


@cache
def _tzid(zone: tzinfo | None) -> str | None:
    """The TZID a zone is written with; "UTC" for UTC (written with a Z, no TZID)."""
    return tzid_from_tzinfo(zone)


# An event's lines are written here rather than through icalendar's component model, which
# took 0.44 ms an event (a calendar of 400: 176 ms against 4 ms now) and is what a visitor
# waits for after each write retires the kept calendar. The bytes are icalendar's own:
# its property order (SUMMARY, DTSTART, DTEND, DTSTAMP, UID, SEQUENCE, then by name), TEXT
# escaping and folding; tests/api/test_calendar.py holds the two to the same bytes.
def _text(value: str) -> str:
    """RFC 5545 TEXT (3.3.11), escaped as icalendar escapes it."""
    return (
        value.replace("\\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _fold(line: str) -> str:
    """Lines of 75 octets at most (RFC 5545 3.1), folded where icalendar folds them: never
    between a backslash and the character it escapes."""
    if len(line) < 19 or len(line.encode()) < 75:  # 19: four octets a character at most
        return line
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode())
        if current and size + width >= 75:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                parts.append("".join(current))
                current, size = [carried], len(carried.encode())
            else:
                parts.append("".join(current))
                current, size = [], 0
        current.append(char)
        size += width
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _day(day: date) -> str:
    return f"{day.year:04}{day.month:02}{day.day:02}"


def _stamp(moment: datetime) -> str:
    return f"{_day(moment)}T{moment.hour:02}{moment.minute:02}{moment.second:02}"


def _at(name: str, moment: datetime) -> str:
    zone = _tzid(moment.tzinfo)
    if zone == "UTC":
        return f"{name}:{_stamp(moment)}Z"
    if zone is None:
        return f"{name}:{_stamp(moment)}"
    return f"{name};TZID={zone}:{_stamp(moment)}"


def _utc(moment: datetime) -> str:
    return _stamp(moment.astimezone(UTC)) + "Z"


def _vevent(event: Event, lang: str) -> str:
    if event.all_day or event.precision != DatePrecision.DAY:
        zone = event.starts_at.tzinfo
        first = event.starts_at.date()
        after = max(event.ends_by.astimezone(zone).date(), first + timedelta(days=1))
        start = "DTSTART;VALUE=DATE:" + _day(first)
        end: str | None = "DTEND;VALUE=DATE:" + _day(after)
    else:
        start = _at("DTSTART", event.starts_at)
        end = None if event.ends_at is None else _at("DTEND", event.ends_at)
    location = None
    if event.venue is not None:
        place = [event.venue.name, event.venue.address or ""]
        if event.venue.city is not None:
            place.append(event.venue.city.names.get(lang) or event.venue.city.name)
        location = ", ".join(p for p in place if p)
    url = event.registration_url or (event.venue.online_url if event.venue else None)
    updated = _utc(event.updated_at)
    lines = [
        "BEGIN:VEVENT",
        "SUMMARY:" + _text(event.title.in_language(lang)),
        start,
        end,
        "DTSTAMP:" + updated,
        f"UID:{event.id}@{UID_DOMAIN}",  # stable: the event's id
        f"SEQUENCE:{event.version - 1}",
        "CATEGORIES:" + _text(event.kind.value),
        "CLASS:PUBLIC",
        "CREATED:" + _utc(event.created_at),
        "DESCRIPTION:" + _text(event.summary.in_language(lang)) if event.summary else None,
        "LAST-MODIFIED:" + updated,
        None if location is None else "LOCATION:" + _text(location),
        "STATUS:CONFIRMED",
        "URL:" + url if url else None,
        "END:VEVENT",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines if line is not None)


def calendar_of(events: list[Event], lang: str) -> bytes:
    name = "Veranstaltungen" if lang == "de" else "Events"
    head = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//urbandiplo//events//DE\r\n"
        f"CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nX-WR-CALNAME:{name}\r\n"
    )
    zones = b"".join(_timezone(z) for z in sorted({e.timezone for e in events if not e.all_day}))
    body = "".join(_vevent(event, lang) for event in events) + "END:VCALENDAR\r\n"
    return head.encode() + zones + body.encode()


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
