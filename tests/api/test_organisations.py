"""Organisations through HTTP, and partnerships naming their associations by id."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def post(client: TestClient, path: str, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_organisations_public_view_filters_and_associations(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    cologne = post(app_client, "/v1/cities", editor, name="Köln", country_code="DE")
    dnipro = post(app_client, "/v1/cities", editor, name="Dnipro", country_code="UA")
    friends = post(
        app_client,
        "/v1/organisations",
        editor,
        name="Freundeskreis Köln-Dnipro e.V.",
        kind="association",
        city_id=cologne["id"],
        email="info@example.org",
        notes="Vorstand wechselt 2026",
    )
    hidden = post(
        app_client,
        "/v1/organisations",
        editor,
        name="Stille Hilfe",
        kind="ngo",
        visibility="internal",
    )
    post(app_client, "/v1/organisations", editor, name="Amt für Europa", kind="city_department")

    public = app_client.get(f"/v1/organisations/{friends['id']}").json()
    assert public["city"]["name"] == "Köln"
    assert "email" not in public
    assert "notes" not in public
    staff = app_client.get(f"/v1/organisations/{friends['id']}", headers=keys["reader"]).json()
    assert staff["email"] == "info@example.org"

    associations = app_client.get("/v1/organisations", params={"kind": "association"}).json()
    assert [o["name"] for o in associations["items"]] == ["Freundeskreis Köln-Dnipro e.V."]
    found = app_client.get("/v1/organisations", params={"q": "koeln"}).json()["items"]
    assert [o["id"] for o in found] == [friends["id"]]
    assert hidden["id"] not in {
        o["id"] for o in app_client.get("/v1/organisations").json()["items"]
    }

    pair = post(
        app_client,
        "/v1/partnerships",
        editor,
        partner_city_id=dnipro["id"],
        kind="twinning",
        association_ids=[friends["id"], hidden["id"]],
    )
    assert [a["name"] for a in pair["associations"]] == [
        "Freundeskreis Köln-Dnipro e.V.",
        "Stille Hilfe",
    ]
    seen = app_client.get(f"/v1/partnerships/{pair['id']}").json()
    assert [a["id"] for a in seen["associations"]] == [friends["id"]], "hidden ones left out"
    assert seen["association_ids"] == [friends["id"]]

    in_use = app_client.delete(f"/v1/organisations/{friends['id']}", headers=editor)
    assert in_use.status_code == 409


def test_unknown_association_is_invalid(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    post(app_client, "/v1/cities", editor, name="Köln", country_code="DE")
    lyon = post(app_client, "/v1/cities", editor, name="Lyon", country_code="FR")
    response = app_client.post(
        "/v1/partnerships",
        json={
            "partner_city_id": lyon["id"],
            "kind": "twinning",
            "association_ids": ["0190a7c2-0000-7000-8000-000000000000"],
        },
        headers=editor,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "association_ids.0"
