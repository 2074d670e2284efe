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
