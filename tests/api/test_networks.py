"""Networks and the city's memberships through HTTP: seats, placeholders, fees."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def post(client: TestClient, path: str, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_membership_seats_fee_and_placeholders(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    mayor = post(
        app_client, "/v1/people", keys["editor"], name="Jürgen Roters", visibility="public"
    )
    officer = post(app_client, "/v1/people", keys["editor"], name="Interne Referentin")
    defender = post(app_client, "/v1/people", keys["admin"], name="Canary Defender", protected=True)
    network = post(
        app_client,
        "/v1/networks",
        keys["admin"],
        name="United Cities and Local Governments",
        acronym="UCLG",
        scope="global",
        membership={
            "status": "member",
            "joined_on": "2004-01-01",
            "joined_precision": "year",
            "annual_fee": {"amount": "12500.00", "currency": "EUR"},
            "representatives": [
                {
                    "person_id": mayor["id"],
                    "body": "World Council",
                    "from_on": "2009-01-01",
                    "precision": "year",
                },
                {"person_id": officer["id"], "body": "Working group"},
                {"person_id": defender["id"], "body": "Human rights committee"},
                {"name": "Deutscher Städtetag", "role": "Koordination"},
            ],
            "commitments": [{"title": {"de": "Zehn-Punkte-Aktionsplan"}}],
        },
    )
    url = f"/v1/networks/{network['id']}"

    public = app_client.get(url).json()
    assert "annual_fee" not in public["membership"], "fees are not for the website"
    seats = public["membership"]["representatives"]
    assert seats[0]["person"]["name"] == "Jürgen Roters"
    assert seats[1]["person"] == {
        "id": None,
        "name": None,
        "function": None,
        "withheld": True,
        "erased": False,
    }
    assert seats[1]["person_id"] is None
    assert seats[2]["person"]["withheld"] is True
    assert seats[3]["name"] == "Deutscher Städtetag"
    assert "Canary" not in app_client.get(url, headers=keys["reader"]).text

    staff = app_client.get(url, headers=keys["reader"]).json()
    assert staff["membership"]["annual_fee"] == {"amount": "12500.00", "currency": "EUR"}
    assert staff["membership"]["representatives"][1]["person"]["name"] == "Interne Referentin"
    admin = app_client.get(url, headers=keys["admin"]).json()
    assert admin["membership"]["representatives"][2]["person"]["name"] == "Canary Defender"

    members = app_client.get("/v1/networks", params={"membership_status": "member"}).json()
    assert [n["acronym"] for n in members["items"]] == ["UCLG"]
    assert app_client.get("/v1/networks", params={"scope": "european"}).json()["items"] == []

    seated = app_client.delete(f"/v1/people/{mayor['id']}", headers=keys["editor"])
    assert seated.status_code == 409


def test_money_is_a_decimal_string_with_a_currency(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    def create(fee: Any) -> int:
        body = {
            "name": "Klima-Bündnis",
            "scope": "european",
            "membership": {"status": "member", "annual_fee": fee},
        }
        return app_client.post("/v1/networks", json=body, headers=keys["editor"]).status_code

    assert create({"amount": 1200.5, "currency": "EUR"}) == 422, "never a float"
    assert create({"amount": "1200.50", "currency": "XYZ"}) == 422
    assert create({"amount": "1200.50", "currency": "eur"}) == 422
    assert create({"amount": "1200.50", "currency": "EUR"}) == 201


def test_seat_needs_a_person_or_a_name(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    response = app_client.post(
        "/v1/networks",
        json={
            "name": "ECCAR",
            "scope": "european",
            "membership": {"status": "member", "representatives": [{"role": "Delegierte"}]},
        },
        headers=keys["editor"],
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "membership.representatives.0"
