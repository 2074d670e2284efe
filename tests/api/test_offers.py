"""/v1/cooperation-offers: the cooperation exchange, written by staff or published from an
organisation's contribution."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import headers


def post(client: TestClient, path: str, caller: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post(path, json=body, headers=caller)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def test_offers_and_requests_with_their_filters(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    dnipro = post(app_client, "/v1/cities", editor, name="Dnipro", country_code="UA")
    hidden = post(
        app_client, "/v1/cities", editor, name="Geheim", country_code="FR", visibility="internal"
    )
    school = post(app_client, "/v1/organisations", editor, name="Gymnasium", kind="other")
    request = post(
        app_client,
        "/v1/cooperation-offers",
        editor,
        direction="request",
        title={"de": "Partnerschule gesucht"},
        sector="education",
        city_id=dnipro["id"],
        sdgs=[16, 4, 4],
        fields_of_action=["city_and_project_partnerships"],
        contact_email="austausch@schule.example.org",
        valid_until="2027-06-30",
        organisation_id=school["id"],
        notes="intern",
    )
    assert request["sdgs"] == [4, 16]
    assert request["city"]["name"] == "Dnipro"
    assert request["organisation"]["name"] == "Gymnasium"
    offer = post(
        app_client,
        "/v1/cooperation-offers",
        editor,
        direction="offer",
        title={"de": "Gastfamilien"},
        sector="civil_society",
        city_id=hidden["id"],
        valid_until="2025-12-31",
    )
    post(
        app_client,
        "/v1/cooperation-offers",
        editor,
        direction="offer",
        title={"de": "Intern"},
        sector="other",
        visibility="internal",
    )

    public = app_client.get("/v1/cooperation-offers").json()["items"]
    assert [o["title"]["de"] for o in public] == ["Gastfamilien", "Partnerschule gesucht"]
    shown = {o["id"]: o for o in public}
    assert shown[offer["id"]]["city"] is None, "a hidden partner city is left out"
    assert shown[offer["id"]]["city_id"] is None
    assert "notes" not in shown[request["id"]]
    assert shown[request["id"]]["contact_email"] == "austausch@schule.example.org"

    def ids(**params: Any) -> list[str]:
        found = app_client.get("/v1/cooperation-offers", params=params).json()["items"]
        return [o["id"] for o in found]

    assert ids(direction="request") == [request["id"]]
    assert ids(sdg=4) == [request["id"]]
    assert ids(field_of_action="city_and_project_partnerships") == [request["id"]]
    assert ids(sector="civil_society") == [offer["id"]]
    assert ids(valid_on="2026-12-06") == [request["id"]]
    assert ids(city_id=dnipro["id"]) == [request["id"]]
    assert ids(city_id=hidden["id"]) == [], "a filter on a hidden record matches nothing"
    assert ids(organisation_id=school["id"]) == [request["id"]]
    assert ids(q="partnerschule") == [request["id"]]

    wrong = app_client.post(
        "/v1/cooperation-offers",
        json={"direction": "offer", "title": {"de": "x"}, "sector": "sport", "sdgs": [18]},
        headers=editor,
    )
    assert wrong.status_code == 422
    refused = app_client.delete(f"/v1/cities/{dnipro['id']}", headers=editor)
    assert refused.status_code == 409, "an offer still names the city"


def test_an_organisation_publishes_an_offer_through_a_contribution(
    app_client: TestClient, keys: dict[str, dict[str, str]], contributors: dict[str, dict[str, str]]
) -> None:
    a, b, editor = contributors["A"], contributors["B"], keys["editor"]
    proposal = {
        "direction": "offer",
        "title": {"de": "Wir vermitteln Gastfamilien"},
        "sector": "civil_society",
        "sdgs": [16],
        "contact_email": "info@verein.example.org",
    }
    created = post(app_client, "/v1/contributions", headers(a), kind="offer", offer=proposal)
    assert created["offer"]["title"] == proposal["title"]
    moved = app_client.post(
        f"/v1/contributions/{created['id']}/transitions",
        json={"status": "submitted"},
        headers=headers(a),
    )
    assert moved.status_code == 200
    assert app_client.get("/v1/cooperation-offers").json()["items"] == []
    published = app_client.post(
        f"/v1/contributions/{created['id']}/transitions",
        json={"status": "published"},
        headers=editor,
    )
    assert published.status_code == 200, published.text
    offer_id = published.json()["record_id"]
    offer = app_client.get(f"/v1/cooperation-offers/{offer_id}").json()
    assert offer["organisation_id"] == a["organisation_id"]
    assert offer["contact_email"] == "info@verein.example.org"

    not_theirs = app_client.post(
        "/v1/contributions",
        json={"kind": "offer", "offer": proposal, "record_id": offer_id},
        headers=headers(b),
    )
    assert not_theirs.status_code == 422
    assert not_theirs.json()["errors"][0]["field"] == "record_id"
    change = post(
        app_client,
        "/v1/contributions",
        headers(a),
        kind="offer",
        offer={**proposal, "valid_until": "2027-01-31"},
        record_id=offer_id,
    )
    for caller, status in ((headers(a), "submitted"), (editor, "published")):
        moved = app_client.post(
            f"/v1/contributions/{change['id']}/transitions",
            json={"status": status},
            headers=caller,
        )
        assert moved.status_code == 200, moved.text
    assert app_client.get(f"/v1/cooperation-offers/{offer_id}").json()["valid_until"] == (
        "2027-01-31"
    )
    assert len(app_client.get("/v1/cooperation-offers").json()["items"]) == 1
