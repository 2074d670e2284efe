"""Delegations through HTTP: cities, members and placeholders, dates, public view, filters."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def post(client: TestClient, path: str, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def setting(client: TestClient, keys: dict[str, dict[str, str]]) -> dict[str, Any]:
    editor = keys["editor"]
    return {
        "beijing": post(client, "/v1/cities", editor, name="Beijing", country_code="CN"),
        "baoding": post(client, "/v1/cities", editor, name="Baoding", country_code="CN"),
        "mayor": post(client, "/v1/people", editor, name="Henriette Reker", visibility="public"),
        "officer": post(client, "/v1/people", editor, name="Interner Referent"),
        "defender": post(client, "/v1/people", keys["admin"], name="Canary Guest", protected=True),
    }


def test_beijing_and_baoding_with_its_members(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    s = setting(app_client, keys)
    trip = post(
        app_client,
        "/v1/delegations",
        keys["admin"],
        direction="outgoing",
        title={"de": "Reise nach Peking und Baoding", "en": "Visit to Beijing and Baoding"},
        starts_on="2025-10-10",
        ends_on="2025-10-12",
        city_ids=[s["beijing"]["id"], s["baoding"]["id"]],
        head={"person_id": s["mayor"]["id"], "function": "Oberbürgermeisterin"},
        members=[
            {"person_id": s["officer"]["id"]},
            {"person_id": s["defender"]["id"]},
            {"name": "Dr. Beispiel", "function": "Wirtschaftsförderung"},
        ],
        programme=[{"on": "2025-10-11", "title": {"de": "Gespräch in Baoding"}}],
        gifts=[{"direction": "given", "item": "Kölner Dom aus Porzellan"}],
        costs={"planned": {"amount": "18000.00", "currency": "EUR"}},
        status="completed",
        visibility="public",
    )
    url = f"/v1/delegations/{trip['id']}"

    public = app_client.get(url).json()
    assert [c["name"] for c in public["cities"]] == ["Beijing", "Baoding"]
    assert public["head"]["person"]["name"] == "Henriette Reker"
    people = [m["person"] for m in public["members"]]
    assert people[0]["withheld"] is True, "a non-public person is a placeholder for the website"
    assert people[1] == {
        "id": None,
        "name": None,
        "function": None,
        "withheld": True,
        "erased": False,
    }
    assert public["members"][2]["name"] == "Dr. Beispiel"
    assert {"costs", "gifts", "outcomes", "notes"}.isdisjoint(public)

    reader = app_client.get(url, headers=keys["reader"])
    assert reader.json()["members"][0]["person"]["name"] == "Interner Referent"
    assert reader.json()["members"][1]["person"]["withheld"] is True
    assert "Canary" not in reader.text
    assert reader.json()["costs"]["planned"] == {"amount": "18000.00", "currency": "EUR"}
    admin = app_client.get(url, headers=keys["admin"]).json()
    assert admin["members"][1]["person"]["name"] == "Canary Guest"

    in_october = app_client.get(
        "/v1/delegations", params={"from": "2025-10-01", "to": "2025-10-31"}
    )
    assert [d["id"] for d in in_october.json()["items"]] == [trip["id"]]
    in_may = app_client.get("/v1/delegations", params={"from": "2025-05-01", "to": "2025-05-31"})
    assert in_may.json()["items"] == []
    by_city = app_client.get("/v1/delegations", params={"city_id": s["baoding"]["id"]})
    assert [d["id"] for d in by_city.json()["items"]] == [trip["id"]]

    erased = app_client.post(f"/v1/people/{s['officer']['id']}/erasure", headers=keys["admin"])
    assert erased.status_code == 200
    after = app_client.get(url, headers=keys["reader"]).json()["members"][0]["person"]
    assert after["erased"] is True
    assert after["name"] is None


def test_dates_are_checked(app_client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    city = post(app_client, "/v1/cities", keys["editor"], name="Kyoto", country_code="JP")
    base: dict[str, Any] = {
        "direction": "outgoing",
        "title": {"de": "Kyoto"},
        "city_ids": [city["id"]],
    }
    backwards = app_client.post(
        "/v1/delegations",
        json={**base, "starts_on": "2025-06-04", "ends_on": "2025-06-03"},
        headers=keys["editor"],
    )
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["field"] == "ends_on"
    outside = app_client.post(
        "/v1/delegations",
        json={
            **base,
            "starts_on": "2025-06-04",
            "ends_on": "2025-06-05",
            "programme": [{"on": "2025-06-07", "title": {"de": "Empfang"}}],
        },
        headers=keys["editor"],
    )
    assert outside.status_code == 422
    assert outside.json()["errors"][0]["field"] == "programme.0.on"
    month_only = app_client.post(
        "/v1/delegations",
        json={
            **base,
            "starts_on": "2025-02-01",
            "precision": "month",
            "programme": [{"on": "2025-02-20", "title": {"de": "Austausch"}}],
        },
        headers=keys["editor"],
    )
    assert month_only.status_code == 201, "a month-only visit may have items in that month"


def test_delegations_are_internal_by_default(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    city = post(app_client, "/v1/cities", keys["editor"], name="Thessaloniki", country_code="GR")
    trip = post(
        app_client,
        "/v1/delegations",
        keys["editor"],
        direction="outgoing",
        title={"de": "Thessaloniki"},
        starts_on="2025-10-15",
        city_ids=[city["id"]],
    )
    assert trip["visibility"] == "internal"
    assert app_client.get(f"/v1/delegations/{trip['id']}").status_code == 404
    assert app_client.get("/v1/delegations").json()["items"] == []


def test_links_to_events_and_references_that_block_deletion(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    post(app_client, "/v1/cities", editor, name="Köln", country_code="DE")
    rio = post(app_client, "/v1/cities", editor, name="Rio de Janeiro", country_code="BR")
    pair = post(app_client, "/v1/partnerships", editor, partner_city_id=rio["id"], kind="twinning")
    summit = post(
        app_client,
        "/v1/events",
        editor,
        title={"de": "Klimagipfel"},
        kind="conference",
        starts_at="2025-04-28T10:00:00-03:00",
        timezone="America/Sao_Paulo",
    )
    trip = post(
        app_client,
        "/v1/delegations",
        editor,
        direction="outgoing",
        title={"de": "Rio de Janeiro"},
        starts_on="2025-04-27",
        ends_on="2025-04-29",
        city_ids=[rio["id"]],
        partnership_ids=[pair["id"]],
        event_ids=[summit["id"]],
    )
    assert trip["event_ids"] == [summit["id"]]
    for path in (f"/v1/events/{summit['id']}", f"/v1/partnerships/{pair['id']}"):
        blocked = app_client.delete(path, headers=editor)
        assert blocked.status_code == 409, path
        assert "still refer" in blocked.json()["detail"]
    assert app_client.delete(f"/v1/delegations/{trip['id']}", headers=editor).status_code == 204
    assert app_client.delete(f"/v1/events/{summit['id']}", headers=editor).status_code == 204
