"""/v1/events.ics, read back with a standard iCalendar library."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from urbandiplo.config import Settings
from urbandiplo.demo.loader import load
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
