"""/v1/events.ics, read back with a standard iCalendar library."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from urbandiplo.config import Settings
from urbandiplo.demo.loader import load
from urbandiplo.domain.access import ANONYMOUS
from urbandiplo.domain.events import EventQuery
from urbandiplo.domain.listing import Sort, all_pages
from urbandiplo.domain.values import DatePrecision
from urbandiplo.main import build_services

BERLIN = ZoneInfo("Europe/Berlin")


def event(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    response = client.post("/v1/events", json={"kind": "reception", **fields}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def parse(response: Any) -> dict[str, icalendar.Event]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    feed = icalendar.Calendar.from_ical(response.content)
    return {str(e["summary"]): e for e in feed.walk("VEVENT")}


def test_the_december_events_with_their_local_times(
    app_client: TestClient, settings: Settings, db: Engine, keys: dict[str, dict[str, str]]
) -> None:
    load(build_services(settings, db))
    editor = keys["editor"]
    winter = event(
        app_client,
        editor,
        title={"de": "Neujahrsempfang", "en": "New Year reception"},
        starts_at="2025-12-12T18:30:00+01:00",
        ends_at="2025-12-12T21:00:00+01:00",
    )
    event(
        app_client,
        editor,
        title={"de": "Sommerfest"},
        starts_at="2025-12-14T11:00:00-03:00",  # given in Rio's offset, shown in Rio's zone
        timezone="America/Sao_Paulo",
    )
    event(
        app_client,
        editor,
        title={"de": "Interne Runde"},
        starts_at="2025-12-15T10:00:00+01:00",
        visibility="internal",
    )
    response = app_client.get(
        "/v1/events.ics", params={"from": "2025-12-01", "to": "2025-12-31"}, headers=editor
    )
    december = parse(response)
    assert "Interne Runde" not in december, "the feed is public events only, whoever asks"
    reception = december["Neujahrsempfang"]
    starts = reception.decoded("dtstart")
    assert starts == datetime(2025, 12, 12, 18, 30, tzinfo=BERLIN)
    assert (starts.hour, starts.minute) == (18, 30)
    assert reception["dtstart"].params["TZID"] == "Europe/Berlin"
    assert reception.decoded("dtend").astimezone(BERLIN).hour == 21
    assert str(reception["uid"]) == f"{winter['id']}@urbandiplo"
    rio = december["Sommerfest"].decoded("dtstart")
    assert (rio.hour, str(rio.tzinfo)) == (11, "America/Sao_Paulo")
    feed = icalendar.Calendar.from_ical(response.content)
    zones = {str(z["tzid"]) for z in feed.walk("VTIMEZONE")}
    assert {"Europe/Berlin", "America/Sao_Paulo"} <= zones
    # The demo data's December events, all-day as the seeds give them
    fachtag = december["Fachtag „How to defend Human Rights Defenders?“"]
    assert fachtag.decoded("dtstart") == date(2025, 12, 9)
    assert fachtag.decoded("dtend") == date(2025, 12, 10)
    dialogues = december["Kölner Menschenrechtsdialoge 2025"]
    assert (dialogues.decoded("dtstart"), dialogues.decoded("dtend")) == (
        date(2025, 12, 8),
        date(2025, 12, 12),
    )
    film = next(e for title, e in december.items() if title.startswith("Filmabend"))
    assert (film.decoded("dtstart"), film.decoded("dtend")) == (date(2025, 12, 1), date(2026, 1, 1))
    english = parse(app_client.get("/v1/events.ics", params={"lang": "en", "kind": "reception"}))
    assert "New Year reception" in english


def test_uids_stay_and_revalidation_is_a_304(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    created = event(
        app_client, editor, title={"de": "Empfang"}, starts_at="2026-06-01T18:00:00+02:00"
    )
    first = app_client.get("/v1/events.ics")
    summer = parse(first)["Empfang"]
    assert summer.decoded("dtstart").utcoffset().total_seconds() == 7200, "summer time"
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"].startswith("public")
    again = app_client.get("/v1/events.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    app_client.patch(
        f"/v1/events/{created['id']}", json={"title": {"de": "Sommerempfang"}}, headers=editor
    )
    changed = app_client.get("/v1/events.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    renamed = parse(changed)["Sommerempfang"]
    assert renamed["uid"] == summer["uid"]
    assert int(renamed["sequence"]) == int(summer["sequence"]) + 1
    assert app_client.get("/v1/events.ics", params={"from": "nonsense"}).status_code == 422


def reference_calendar(events: list[Any], lang: str) -> bytes:
    """The calendar as icalendar's component model writes it: what the route wrote before
    it wrote its lines itself (for speed), and must still write byte for byte."""
    feed = icalendar.Calendar()
    feed.add("prodid", "-//urbandiplo//events//DE")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", "Veranstaltungen" if lang == "de" else "Events")
    for tzid in sorted({e.timezone for e in events if not e.all_day}):
        feed.add_component(icalendar.Timezone.from_tzid(tzid))
    for e in events:
        entry = icalendar.Event()
        entry.add("uid", f"{e.id}@urbandiplo")
        entry.add("dtstamp", e.updated_at.astimezone(UTC))
        entry.add("created", e.created_at.astimezone(UTC))
        entry.add("last-modified", e.updated_at.astimezone(UTC))
        entry.add("sequence", e.version - 1)
        entry.add("summary", e.title.in_language(lang))
        if e.summary:
            entry.add("description", e.summary.in_language(lang))
        if e.all_day or e.precision != DatePrecision.DAY:
            first = e.starts_at.date()
            after = e.ends_by.astimezone(e.starts_at.tzinfo).date()
            entry.add("dtstart", first)
            entry.add("dtend", max(after, first + timedelta(days=1)))
        else:
            entry.add("dtstart", e.starts_at)
            if e.ends_at is not None:
                entry.add("dtend", e.ends_at)
        if e.venue is not None:
            place = [e.venue.name, e.venue.address or ""]
            if e.venue.city is not None:
                place.append(e.venue.city.names.get(lang) or e.venue.city.name)
            entry.add("location", ", ".join(p for p in place if p))
        url = e.registration_url or (e.venue.online_url if e.venue else None)
        if url:
            entry.add("url", url)
        entry.add("categories", [e.kind.value])
        entry.add("status", "CONFIRMED")
        entry.add("class", "PUBLIC")
        feed.add_component(entry)
    return bytes(feed.to_ical())


def test_the_calendar_is_written_as_icalendar_writes_it(
    app_client: TestClient, settings: Settings, db: Engine, keys: dict[str, dict[str, str]]
) -> None:
    services = build_services(settings, db)
    load(services)
    editor = keys["editor"]
    city = app_client.post(
        "/v1/cities",
        json={"name": "Tel Aviv-Yafo", "names": {"de": "Tel Aviv"}, "country_code": "IL"},
        headers=editor,
    ).json()
    # TEXT escaping (\ ; , and line breaks) and folding at 75 octets: multi-octet
    # characters, and a backslash escape at every position around a fold.
    for n in range(58, 72):
        event(
            app_client,
            editor,
            title={"de": "x" * n + "\\;,\\ Ende", "en": "ä" * (n // 2) + f"\\, {n}"},
            starts_at="2026-03-02T09:00:00Z",
            timezone="UTC",
        )
    event(
        app_client,
        editor,
        title={"de": "Empfang; Teil 1, mit \\N Zeilen\nund\r\nUmbrüchen"},
        summary={"de": "Lang " * 40, "en": "Ünïcödé " * 30},
        starts_at="2026-03-03T18:00:00+01:00",
        ends_at="2026-03-03T20:00:00+01:00",
        venue={
            "name": "Rathaus, Spanischer Bau",
            "address": "Rathausplatz 2; 50667 Köln",
            "city_id": city["id"],
        },
        registration_url="https://example.org/anmeldung?a=1,2;b",
    )
    event(
        app_client,
        editor,
        title={"de": "Online-Runde"},
        starts_at="2026-03-04T10:00:00-05:00",
        timezone="America/New_York",
        venue={"name": "Online", "online_url": "https://example.org/raum"},
    )
    event(
        app_client,
        editor,
        title={"de": "Im März"},
        starts_at="2026-03-01T00:00:00+01:00",
        precision="month",
        all_day=True,
    )
    query = EventQuery()
    events = all_pages(
        lambda page: services.events.list_page(ANONYMOUS, query, Sort("starts_at"), page), 2000
    )
    assert len(events) >= 40
    for lang in ("de", "en"):
        response = app_client.get("/v1/events.ics", params={"lang": lang})
        assert response.status_code == 200
        assert response.content == reference_calendar(events, lang), lang
        assert len(parse(response)) == len({e.title.in_language(lang) for e in events})
