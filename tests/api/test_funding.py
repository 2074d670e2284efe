"""Funding programmes through HTTP."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def post(client: TestClient, path: str, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_programmes_with_their_funders(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    commission = post(
        app_client, "/v1/organisations", editor, name="Europäische Kommission", kind="public_body"
    )
    office = post(
        app_client,
        "/v1/organisations",
        editor,
        name="Büro für Europa und Internationales",
        kind="city_department",
        visibility="internal",
    )
    cerv = post(
        app_client,
        "/v1/funding-programmes",
        editor,
        name="Citizens, Equality, Rights and Values",
        acronym="CERV",
        level="eu",
        funder_id=commission["id"],
        period_from=2021,
        period_to=2027,
        total_budget={"amount": "1441000000.00", "currency": "EUR"},
        co_financing_rate="90",
        notes="Ansprechpartnerin im Haus: Referat EU",
    )
    assert cerv["total_budget"] == {"amount": "1441000000.00", "currency": "EUR"}
    assert cerv["funder"]["name"] == "Europäische Kommission"
    fund = post(
        app_client,
        "/v1/funding-programmes",
        editor,
        name="Fördertopf Kommunale Entwicklungszusammenarbeit",
        level="municipal",
        funder_id=office["id"],
    )
    public = app_client.get(f"/v1/funding-programmes/{fund['id']}").json()
    assert public["funder"] is None, "an internal funder is left out for the website"
    assert "notes" not in app_client.get(f"/v1/funding-programmes/{cerv['id']}").json()
    eu = app_client.get("/v1/funding-programmes", params={"level": "eu"}).json()["items"]
    assert [p["acronym"] for p in eu] == ["CERV"]
    backwards = app_client.post(
        "/v1/funding-programmes",
        json={"name": "X", "level": "eu", "period_from": 2027, "period_to": 2021},
        headers=editor,
    )
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["field"] == "period_to"
    funder_in_use = app_client.delete(f"/v1/organisations/{commission['id']}", headers=editor)
    assert funder_in_use.status_code == 409


def test_calls_open_on_a_day_and_their_derived_status(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    cerv = post(app_client, "/v1/funding-programmes", editor, name="CERV", level="eu")

    def call(title: str, opens_on: str, deadline: str, **more: Any) -> dict[str, Any]:
        return post(
            app_client,
            "/v1/funding-calls",
            editor,
            programme_id=cerv["id"],
            title={"de": title},
            opens_on=opens_on,
            deadline=deadline,
            **more,
        )

    twinning = call("Städtepartnerschaften", "2026-01-15", "2026-03-12T17:00:00+01:00")
    networks = call("Netzwerke von Städten", "2026-02-01", "2026-03-01T00:00:00+01:00")
    call("Bürgerbeteiligung", "2026-03-02", "2026-05-01T17:00:00+02:00")
    call("Abgelaufen", "2025-01-01", "2025-12-31T17:00:00+01:00")
    call("Intern", "2026-01-01", "2026-06-30T17:00:00+02:00", visibility="internal")

    open_then = app_client.get("/v1/funding-calls", params={"open_on": "2026-03-01"})
    assert [c["id"] for c in open_then.json()["items"]] == [networks["id"], twinning["id"]], (
        "exactly the public calls open that day, by deadline"
    )
    staff = app_client.get(
        "/v1/funding-calls", params={"open_on": "2026-03-01"}, headers=keys["reader"]
    )
    assert len(staff.json()["items"]) == 3
    closed = app_client.get("/v1/funding-calls", params={"status": "closed"}).json()["items"]
    assert "Abgelaufen" in {c["title"]["de"] for c in closed}
    assert {c["status"] for c in closed} == {"closed"}
    assert twinning["programme"]["name"] == "CERV"

    early = app_client.post(
        "/v1/funding-calls",
        json={
            "programme_id": cerv["id"],
            "title": {"de": "Falsch"},
            "opens_on": "2026-03-01",
            "deadline": "2026-02-01T12:00:00+01:00",
        },
        headers=editor,
    )
    assert early.status_code == 422
    assert early.json()["errors"][0]["field"] == "deadline"
    in_use = app_client.delete(f"/v1/funding-programmes/{cerv['id']}", headers=editor)
    assert in_use.status_code == 409
