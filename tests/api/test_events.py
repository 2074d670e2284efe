"""Events through HTTP: times in the event's own time zone, the from/to range, filters,
visibility of the event and of what it embeds, and a constant number of statements per list."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.test_statement_counts import counted
from urbandiplo.config import Settings
from urbandiplo.demo.loader import load
from urbandiplo.main import build_services

Headers = dict[str, str]


def post(client: TestClient, path: str, headers: Headers, **body: Any) -> dict[str, Any]:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def event(client: TestClient, headers: Headers, title: str, **body: Any) -> dict[str, Any]:
    values: dict[str, Any] = {"kind": "other", "title": {"de": title}, **body}
    return post(client, "/v1/events", headers, **values)


def titles(response: Any) -> list[str]:
    assert response.status_code == 200, response.text
    return [e["title"]["de"] for e in response.json()["items"]]


def december(client: TestClient, headers: Headers | None = None) -> Any:
    return client.get(
        "/v1/events", params={"from": "2025-12-01", "to": "2025-12-31"}, headers=headers or {}
    )


def test_december_in_start_order_with_offsets(
    app_client: TestClient, keys: dict[str, Headers]
) -> None:
    editor = keys["editor"]
    day = {"all_day": True}
    event(app_client, editor, "Ende November", starts_at="2025-11-30T00:00:00+01:00", **day)
    event(
        app_client,
        editor,
        "Menschenrechtsdialoge",
        kind="exchange",
        starts_at="2025-12-08T00:00:00+01:00",
        ends_at="2025-12-11T00:00:00+01:00",
        **day,
    )
    event(app_client, editor, "Filmabend", starts_at="2025-12-01T00:00:00+01:00", **day)
    event(
        app_client,
        editor,
        "Ausstellung",
        kind="exhibition",
        starts_at="2025-11-20T00:00:00+01:00",
        ends_at="2025-12-01T00:00:00+01:00",
        **day,
    )
    event(app_client, editor, "Fachtag", starts_at="2025-12-09T09:30:00Z")
    event(app_client, editor, "Silvester", starts_at="2025-12-31T23:30:00+01:00")
    event(app_client, editor, "Neujahr", starts_at="2025-12-31T23:30:00Z")  # 1 January in Köln
    event(
        app_client,
        editor,
        "Eurocities intern",
        kind="conference",
        audience="invitation",
        visibility="internal",
        starts_at="2025-12-02T00:00:00+01:00",
        **day,
    )

    public = december(app_client)
    assert titles(public) == [
        "Ausstellung",
        "Filmabend",
        "Menschenrechtsdialoge",
        "Fachtag",
        "Silvester",
    ]
    found = public.json()["items"]
    assert [e["starts_at"] for e in found] == [
        "2025-11-20T00:00:00+01:00",
        "2025-12-01T00:00:00+01:00",
        "2025-12-08T00:00:00+01:00",
        "2025-12-09T10:30:00+01:00",
        "2025-12-31T23:30:00+01:00",
    ]
    assert found[2]["ends_at"] == "2025-12-11T00:00:00+01:00"
    assert titles(december(app_client, keys["reader"])) == [
        "Ausstellung",
        "Filmabend",
        "Eurocities intern",
        "Menschenrechtsdialoge",
        "Fachtag",
        "Silvester",
    ]
    # The last day of a multi-day event is part of it; the day after is not.
    on_11th = {"from": "2025-12-11", "to": "2025-12-11"}
    assert titles(app_client.get("/v1/events", params=on_11th)) == ["Menschenrechtsdialoge"]
    assert (
        titles(app_client.get("/v1/events", params={"from": "2025-12-12", "to": "2025-12-30"}))
        == []
    )
    # A time with an offset is an instant.
    evening = {"from": "2025-12-31T23:00:00+01:00", "to": "2026-01-01T01:00:00+01:00"}
    assert titles(app_client.get("/v1/events", params=evening)) == ["Silvester", "Neujahr"]
    newest_first = app_client.get(
        "/v1/events", params={"from": "2025-12-01", "to": "2025-12-31", "sort": "-starts_at"}
    )
    assert titles(newest_first)[0] == "Silvester"
    backwards = app_client.get("/v1/events", params={"from": "2025-12-31", "to": "2025-12-01"})
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["field"] == "query.to"


def test_offsets_follow_daylight_saving_and_the_events_time_zone(
    app_client: TestClient, keys: dict[str, Headers]
) -> None:
    editor = keys["editor"]
    weekend = event(
        app_client,
        editor,
        "Wochenende der Zeitumstellung",
        starts_at="2025-10-25T00:00:00+02:00",
        ends_at="2025-10-27T00:00:00+01:00",
        all_day=True,
    )
    assert weekend["starts_at"] == "2025-10-25T00:00:00+02:00"
    assert weekend["ends_at"] == "2025-10-27T00:00:00+01:00"
    assert weekend["timezone"] == "Europe/Berlin"
    read = app_client.get(f"/v1/events/{weekend['id']}").json()
    assert (read["starts_at"], read["ends_at"]) == (weekend["starts_at"], weekend["ends_at"])

    timed = event(app_client, editor, "Nach der Umstellung", starts_at="2025-10-26T09:00:00Z")
    assert timed["starts_at"] == "2025-10-26T10:00:00+01:00"

    kyoto = event(
        app_client,
        editor,
        "Runder Tisch in Kyoto",
        timezone="Asia/Tokyo",
        starts_at="2025-06-04T01:00:00Z",
        ends_at="2025-06-04T17:30:00+09:00",
    )
    assert kyoto["starts_at"] == "2025-06-04T10:00:00+09:00"
    assert kyoto["ends_at"] == "2025-06-04T17:30:00+09:00"
    listed = app_client.get("/v1/events", params={"from": "2025-06-04", "to": "2025-06-04"})
    assert [e["starts_at"] for e in listed.json()["items"]] == ["2025-06-04T10:00:00+09:00"]

    # Changing the time zone keeps the instant and shows it there.
    moved = app_client.patch(
        f"/v1/events/{kyoto['id']}", json={"timezone": "Europe/Berlin"}, headers=editor
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["starts_at"] == "2025-06-04T03:00:00+02:00"

    # The last day of the weekend (27 October) is included.
    assert titles(app_client.get("/v1/events", params={"from": "2025-10-27"}))[0] == (
        "Wochenende der Zeitumstellung"
    )
    assert "Wochenende der Zeitumstellung" not in titles(
        app_client.get("/v1/events", params={"from": "2025-10-28"})
    )


def test_invalid_times_and_rules_are_422(app_client: TestClient, keys: dict[str, Headers]) -> None:
    editor = keys["editor"]

    def refused(field: str, **body: Any) -> None:
        values = {"kind": "panel", "title": {"de": "Podium"}, **body}
        response = app_client.post("/v1/events", json=values, headers=editor)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert field in [e["field"] for e in response.json()["errors"]], response.json()

    refused("body.timezone", starts_at="2025-05-07T18:00:00+02:00", timezone="Mars/Olympus")
    refused("body.timezone", starts_at="2025-05-07T18:00:00+02:00", timezone="Europe")
    refused("ends_at", starts_at="2025-05-07T18:00:00+02:00", ends_at="2025-05-07T17:00:00+02:00")
    refused("body.starts_at", starts_at="2025-05-07T18:00:00")  # no offset
    refused(
        "starts_at", starts_at="2025-05-07T18:00:00+02:00", all_day=True
    )  # all day, not midnight
    refused(
        "visibility",
        starts_at="2025-05-07T18:00:00+02:00",
        audience="internal",
        visibility="public",
    )
    refused("body.capacity", starts_at="2025-05-07T18:00:00+02:00", capacity=0)
    refused(
        "venue.city_id",
        starts_at="2025-05-07T18:00:00+02:00",
        venue={"name": "Nirgendwo", "city_id": "0190a7c2-0000-7000-8000-000000000000"},
    )
    refused(
        "organiser_ids.0",
        starts_at="2025-05-07T18:00:00+02:00",
        organiser_ids=["0190a7c2-0000-7000-8000-000000000000"],
    )
    refused(
        "network_ids.0",
        starts_at="2025-05-07T18:00:00+02:00",
        network_ids=["0190a7c2-0000-7000-8000-000000000000"],
    )

    created = event(app_client, editor, "Podium", starts_at="2025-05-07T18:00:00+02:00")
    earlier = app_client.patch(
        f"/v1/events/{created['id']}", json={"ends_at": "2025-05-07T15:59:00Z"}, headers=editor
    )
    assert earlier.status_code == 422
    assert earlier.json()["errors"][0]["field"] == "ends_at"
    unknown = app_client.patch(
        f"/v1/events/{created['id']}", json={"timezone": "Europe/Cologne"}, headers=editor
    )
    assert unknown.status_code == 422


def test_public_view_and_embedded_organisations(
    app_client: TestClient, keys: dict[str, Headers]
) -> None:
    editor, reader = keys["editor"], keys["reader"]
    cologne = post(app_client, "/v1/cities", editor, name="Köln", country_code="DE")
    dnipro = post(app_client, "/v1/cities", editor, name="Dnipro", country_code="UA")
    office = post(
        app_client, "/v1/organisations", editor, name="Büro für Europa", kind="city_department"
    )
    quiet = post(
        app_client,
        "/v1/organisations",
        editor,
        name="Stille Hilfe",
        kind="ngo",
        visibility="internal",
    )
    friends = post(
        app_client, "/v1/organisations", editor, name="Freundeskreis", kind="association"
    )
    twinning = post(
        app_client, "/v1/partnerships", editor, partner_city_id=dnipro["id"], kind="twinning"
    )
    hidden_pair = post(
        app_client,
        "/v1/partnerships",
        editor,
        partner_city_id=post(app_client, "/v1/cities", editor, name="Lyon", country_code="FR")[
            "id"
        ],
        kind="contact",
        visibility="internal",
    )
    eurocities = post(app_client, "/v1/networks", editor, name="Eurocities", scope="european")
    created = event(
        app_client,
        editor,
        "Gemeinsam stark: 1 Jahr Köln-Dnipro",
        summary={"de": "Festakt", "en": "Celebration"},
        starts_at="2025-09-25T18:00:00+02:00",
        ends_at="2025-09-25T21:00:00+02:00",
        venue={"name": "Rathaus", "address": "Rathausplatz 2", "city_id": cologne["id"]},
        organiser_ids=[office["id"], quiet["id"], office["id"]],
        partner_ids=[friends["id"]],
        partnership_ids=[twinning["id"], hidden_pair["id"]],
        network_ids=[eurocities["id"]],
        audience="public",
        registration_url="https://example.org/anmeldung",
        capacity=120,
        series="Jahrestage",
        sdgs=[16, 11, 16],
        fields_of_action=["city_diplomacy", "sustainable_development"],
        notes="Catering bestellt",
    )
    assert created["organiser_ids"] == [office["id"], quiet["id"]], "repeats dropped"
    assert [o["name"] for o in created["organisers"]] == ["Büro für Europa", "Stille Hilfe"]
    assert created["sdgs"] == [11, 16]
    assert created["fields_of_action"] == ["sustainable_development", "city_diplomacy"]
    assert created["venue"]["city"]["name"] == "Köln"

    public = app_client.get(f"/v1/events/{created['id']}").json()
    assert "notes" not in public
    assert "visibility" not in public
    assert public["registration_url"] == "https://example.org/anmeldung"
    assert public["capacity"] == 120
    assert public["organiser_ids"] == [office["id"]], "the internal organiser is left out"
    assert [o["name"] for o in public["organisers"]] == ["Büro für Europa"]
    assert [o["name"] for o in public["partners"]] == ["Freundeskreis"]
    assert public["partnership_ids"] == [twinning["id"]], "the internal partnership is left out"
    assert public["network_ids"] == [eurocities["id"]]
    listed = app_client.get("/v1/events").json()["items"]
    assert listed[0]["organiser_ids"] == [office["id"]]

    staff = app_client.get(f"/v1/events/{created['id']}", headers=reader).json()
    assert staff["notes"] == "Catering bestellt"
    assert staff["visibility"] == "public"
    assert staff["organiser_ids"] == [office["id"], quiet["id"]]
    assert staff["partnership_ids"] == [twinning["id"], hidden_pair["id"]]

    # The filters.
    def found(**params: Any) -> list[str]:
        return [e["id"] for e in app_client.get("/v1/events", params=params).json()["items"]]

    other = event(app_client, editor, "Klaaf International", starts_at="2025-12-02T19:00:00+01:00")
    assert found(city_id=cologne["id"]) == [created["id"]]
    assert found(partnership_id=twinning["id"]) == [created["id"]]
    assert found(network_id=eurocities["id"]) == [created["id"]]
    assert found(series="Jahrestage") == [created["id"]]
    assert found(sdg=16) == [created["id"]]
    assert found(field_of_action="city_diplomacy") == [created["id"]]
    assert found(kind="other") == [created["id"], other["id"]]
    assert found(audience="public") == [created["id"], other["id"]]
    assert found(q="koeln dnipro") == []
    assert found(q="köln-dnipro") == [created["id"]]
    assert found(q="celebration") == [created["id"]]
    assert found(q="catering") == [], "notes are not searched"

    # A change leaves the lists it does not name as they are.
    changed = app_client.patch(
        f"/v1/events/{created['id']}",
        json={"capacity": 150, "venue": {"name": "Gürzenich"}},
        headers=editor,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["capacity"] == 150
    assert changed.json()["venue"] == {
        "name": "Gürzenich",
        "address": None,
        "city_id": None,
        "city": None,
        "online_url": None,
    }
    assert changed.json()["organiser_ids"] == [office["id"], quiet["id"]]

    in_use = app_client.delete(f"/v1/organisations/{office['id']}", headers=editor)
    assert in_use.status_code == 409
    assert app_client.delete(f"/v1/events/{created['id']}", headers=editor).status_code == 204
    assert app_client.get(f"/v1/events/{created['id']}").status_code == 404


def test_internal_events_are_absent_for_anonymous_callers(
    app_client: TestClient, keys: dict[str, Headers]
) -> None:
    editor = keys["editor"]
    refused = app_client.post(
        "/v1/events",
        json={
            "kind": "workshop",
            "title": {"de": "Teamtag"},
            "starts_at": "2025-06-02T09:00:00+02:00",
            "audience": "internal",
        },
        headers=editor,
    )
    assert refused.status_code == 422, "an internal event cannot be public"
    assert refused.json()["errors"][0]["field"] == "visibility"
    internal = event(
        app_client,
        editor,
        "Teamtag",
        kind="workshop",
        starts_at="2025-06-02T09:00:00+02:00",
        audience="internal",
        visibility="internal",
    )
    shown = event(app_client, editor, "Europatag", starts_at="2025-05-09T10:00:00+02:00")
    assert app_client.get(f"/v1/events/{internal['id']}").status_code == 404
    assert [e["id"] for e in app_client.get("/v1/events").json()["items"]] == [shown["id"]]
    assert app_client.get("/v1/events", params={"audience": "internal"}).json()["items"] == []
    staff = app_client.get("/v1/events", headers=keys["reader"]).json()["items"]
    assert [e["id"] for e in staff] == [shown["id"], internal["id"]]

    # Making it public while its audience is internal is refused as well.
    public = app_client.patch(
        f"/v1/events/{internal['id']}", json={"visibility": "public"}, headers=editor
    )
    assert public.status_code == 422


def make_events(client: TestClient, editor: Headers, count: int) -> None:
    home = post(client, "/v1/cities", editor, name="Köln", country_code="DE")
    partner = post(client, "/v1/cities", editor, name="Dnipro", country_code="UA")
    pair = post(client, "/v1/partnerships", editor, partner_city_id=partner["id"], kind="twinning")
    network = post(client, "/v1/networks", editor, name="Eurocities", scope="european")
    office = post(client, "/v1/organisations", editor, name="Büro", kind="city_department")
    friends = post(client, "/v1/organisations", editor, name="Verein", kind="association")
    for i in range(count):
        event(
            client,
            editor,
            f"Veranstaltung {i}",
            starts_at=f"2025-03-{i + 1:02d}T18:00:00+01:00",
            venue={"name": "Rathaus", "city_id": home["id"]},
            organiser_ids=[office["id"]],
            partner_ids=[friends["id"]],
            partnership_ids=[pair["id"]],
            network_ids=[network["id"]],
            sdgs=[11, 16],
            fields_of_action=["city_diplomacy"],
        )


def test_a_list_issues_the_same_statements_for_1_and_20_events(
    app_client: TestClient, keys: dict[str, Headers], db: Engine
) -> None:
    make_events(app_client, keys["editor"], 20)
    params = {"from": "2025-03-01", "to": "2025-03-31"}
    with counted(db) as one:
        page = app_client.get("/v1/events", params={**params, "limit": 1}, headers=keys["reader"])
    assert len(page.json()["items"]) == 1
    with counted(db) as twenty:
        page = app_client.get("/v1/events", params={**params, "limit": 20}, headers=keys["reader"])
    assert len(page.json()["items"]) == 20
    assert len(one) == len(twenty), (one, twenty)


def test_pages_in_start_order(app_client: TestClient, keys: dict[str, Headers]) -> None:
    make_events(app_client, keys["editor"], 7)
    seen: list[str] = []
    url: str | None = "/v1/events?limit=3"
    while url:
        response = app_client.get(url)
        body = response.json()
        seen.extend(e["starts_at"] for e in body["items"])
        link = response.headers.get("link")
        url = link[1 : link.index(">")] if link else None
    assert seen == [f"2025-03-{i + 1:02d}T18:00:00+01:00" for i in range(7)]


def test_demo_data_december(
    app_client: TestClient, settings: Settings, db: Engine, keys: dict[str, Headers]
) -> None:
    services = build_services(settings, db)
    assert load(services).created["events"] >= 20
    assert "events" not in load(services).created, "loading twice adds nothing"

    public = december(app_client).json()["items"]
    starts = [e["starts_at"] for e in public]
    assert starts == sorted(starts)
    assert all(s.endswith("+01:00") for s in starts)
    dialogues = next(e for e in public if e["title"]["de"] == "Kölner Menschenrechtsdialoge 2025")
    assert (dialogues["starts_at"], dialogues["ends_at"]) == (
        "2025-12-08T00:00:00+01:00",
        "2025-12-11T00:00:00+01:00",
    )
    assert len(public) >= 5
    assert not any(e["title"]["de"].startswith("Eurocities-Konferenz") for e in public)
    staff = december(app_client, keys["reader"]).json()["items"]
    assert any(e["title"]["de"].startswith("Eurocities-Konferenz") for e in staff)
    october = app_client.get("/v1/events", params={"from": "2025-10-01", "to": "2025-10-31"})
    assert [e["starts_at"][-6:] for e in october.json()["items"]] == ["+02:00", "+01:00"]


def test_an_event_known_only_to_the_month(app_client: TestClient, keys: dict[str, Headers]) -> None:
    editor = keys["editor"]
    film = event(
        app_client,
        editor,
        "Filmabend im Dezember",
        starts_at="2025-12-01T00:00:00+01:00",
        all_day=True,
        precision="month",
    )
    assert film["precision"] == "month"
    late_december = app_client.get("/v1/events", params={"from": "2025-12-20", "to": "2025-12-31"})
    assert film["id"] in {e["id"] for e in late_december.json()["items"]}, "it lasts the month"
    january = app_client.get("/v1/events", params={"from": "2026-01-01", "to": "2026-01-31"})
    assert film["id"] not in {e["id"] for e in january.json()["items"]}
    base = {
        "title": {"de": "Film"},
        "kind": "film_screening",
        "all_day": True,
        "precision": "month",
    }
    for wrong, field in (
        ({"starts_at": "2025-12-05T00:00:00+01:00"}, "starts_at"),
        (
            {"starts_at": "2025-12-01T00:00:00+01:00", "ends_at": "2025-12-02T00:00:00+01:00"},
            "ends_at",
        ),
        ({"starts_at": "2025-12-01T00:00:00+01:00", "all_day": False}, "all_day"),
    ):
        response = app_client.post("/v1/events", json={**base, **wrong}, headers=editor)
        assert response.status_code == 422, wrong
        assert field in {e["field"] for e in response.json()["errors"]}, wrong
