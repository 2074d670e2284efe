"""Projects through HTTP, and the co-financing view of a project."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient


def post(client: TestClient, path: str, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def money(amount: str, currency: str = "EUR") -> dict[str, str]:
    return {"amount": amount, "currency": currency}


def test_project_with_partners_budget_and_indicators(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    corinto = post(app_client, "/v1/cities", editor, name="Corinto", country_code="NI")
    secret = post(
        app_client, "/v1/cities", editor, name="Geheim", country_code="NI", visibility="internal"
    )
    environment = post(
        app_client,
        "/v1/organisations",
        editor,
        name="Amt für Umwelt- und Verbraucherschutz",
        kind="city_department",
    )
    association = post(
        app_client,
        "/v1/organisations",
        editor,
        name="Städtepartnerschaftsverein",
        kind="association",
    )
    project = post(
        app_client,
        "/v1/projects",
        editor,
        title={"de": "Waldinventur und Aufforstung des Mangrovenwaldes in Corinto"},
        status="active",
        starts_on="2024-05-31",
        ends_on="2026-02-28",
        city_ids=[corinto["id"], secret["id"]],
        partner_ids=[association["id"]],
        department_ids=[environment["id"]],
        budget={"total": money("250000.00"), "own_contribution": money("25000.00")},
        milestones=[{"title": {"de": "Waldinventur"}, "due_on": "2024-12-31", "done": True}],
        indicators=[
            {
                "name": {"de": "Neu gepflanzte Mangrovensetzlinge", "en": "Seedlings planted"},
                "unit": "seedlings",
                "target": "10000",
                "actual": "9800",
                "as_of": "2025-12-31",
            }
        ],
        sdgs=[15, 13],
        fields_of_action=["sustainable_development"],
        notes="Verwendungsnachweis bis 31.05.2026",
    )
    assert project["indicators"][0]["actual"] == "9800"
    assert project["sdgs"] == [13, 15]
    assert project["departments"][0]["name"] == "Amt für Umwelt- und Verbraucherschutz"
    public = app_client.get(f"/v1/projects/{project['id']}").json()
    assert "budget" not in public
    assert "notes" not in public
    assert public["city_ids"] == [corinto["id"]], "an internal city is left out"
    assert public["indicators"][0]["actual"] == "9800"
    found = app_client.get("/v1/projects", params={"city_id": corinto["id"]}).json()["items"]
    assert [p["id"] for p in found] == [project["id"]]
    for params, expected in [
        ({"organisation_id": environment["id"]}, 1),
        ({"sdg": 14}, 0),
        ({"field_of_action": "sustainable_development"}, 1),
        ({"from": "2026-03-01"}, 0),
        ({"from": "2026-02-28", "to": "2026-12-31"}, 1),
        ({"to": "2024-05-30"}, 0),
        ({"status": "completed"}, 0),
        ({"q": "mangrovenwald"}, 1),
    ]:
        items = app_client.get("/v1/projects", params=params).json()["items"]
        assert len(items) == expected, params
    not_a_department = app_client.post(
        "/v1/projects",
        json={"title": {"de": "x"}, "department_ids": [association["id"]]},
        headers=editor,
    )
    assert not_a_department.status_code == 422
    own_in_dollars = app_client.post(
        "/v1/projects",
        json={
            "title": {"de": "x"},
            "budget": {"total": money("10.00"), "own_contribution": money("1.00", "USD")},
        },
        headers=editor,
    )
    assert own_in_dollars.status_code == 422
    in_use = app_client.delete(f"/v1/organisations/{environment['id']}", headers=editor)
    assert in_use.status_code == 409
    city_in_use = app_client.delete(f"/v1/cities/{corinto['id']}", headers=editor)
    assert city_in_use.status_code == 409


def test_co_financing_adds_up_exactly(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    office = post(app_client, "/v1/organisations", editor, name="Büro", kind="city_department")
    federal = post(app_client, "/v1/funding-programmes", editor, name="BMZ", level="federal")
    eu = post(app_client, "/v1/funding-programmes", editor, name="CERV", level="eu")
    project = post(
        app_client,
        "/v1/projects",
        editor,
        title={"de": "Projekt"},
        budget={"total": money("100000.10"), "own_contribution": money("10000.03")},
    )

    def apply(programme: dict[str, Any], requested: str, *steps: str, **award: Any) -> str:
        created = post(
            app_client,
            "/v1/funding-applications",
            editor,
            title=f"{programme['name']} {requested}",
            programme_id=programme["id"],
            project_id=project["id"],
            applicant_id=office["id"],
            requested=money(requested),
        )
        for step in steps:
            body = {"status": step, **(award if step == "approved" else {})}
            moved = app_client.post(
                f"/v1/funding-applications/{created['id']}/transitions", json=body, headers=editor
            )
            assert moved.status_code == 200, moved.text
        return str(created["id"])

    review = ("submitted", "under_review")
    apply(federal, "60000.05", *review, "approved", awarded=money("55000.01"))
    apply(eu, "30000.02", *review, "approved", awarded=money("20000.02"))
    apply(eu, "9999.99", "submitted")  # pending
    apply(eu, "5000.00", *review, "rejected")  # neither requested nor awarded any more
    apply(federal, "1.00")  # a draft: not requested yet
    url = f"/v1/projects/{project['id']}/funding"
    assert app_client.get(url).status_code == 401, "for staff only"
    funding = app_client.get(url, headers=keys["reader"]).json()
    assert funding["currency"] == "EUR"
    assert funding["budget"] == money("100000.10")
    assert funding["own_contribution"] == money("10000.03")
    assert funding["total"] == {
        "requested": money("100000.06"),
        "pending": money("9999.99"),
        "awarded": money("75000.03"),
        "applications": 5,
    }
    by_programme = {share["programme"]["name"]: share for share in funding["by_programme"]}
    assert by_programme["BMZ"]["awarded"] == money("55000.01")
    assert by_programme["BMZ"]["requested"] == money("60000.05")
    assert by_programme["CERV"]["awarded"] == money("20000.02")
    assert by_programme["CERV"]["requested"] == money("40000.01")
    assert [share["level"] for share in funding["by_level"]] == ["eu", "federal"]
    # 100000.10 - 10000.03 - 75000.03, exactly (in floats it would be 15000.039999...)
    assert funding["gap"] == money("15000.04")
    assert Decimal(funding["gap"]["amount"]) == Decimal("100000.10") - Decimal(
        "10000.03"
    ) - Decimal("75000.03")
    assert funding["gap_if_pending_granted"] == money("5000.05")
    sums = {level["level"]: Decimal(level["awarded"]["amount"]) for level in funding["by_level"]}
    assert sum(sums.values()) == Decimal(funding["total"]["awarded"]["amount"])

    apply(eu, "500.00", *review, "approved", awarded=money("0.00"))
    dollars = app_client.post(
        "/v1/funding-applications",
        json={
            "title": "in dollars",
            "programme_id": eu["id"],
            "project_id": project["id"],
            "applicant_id": office["id"],
            "requested": money("1000.00", "USD"),
        },
        headers=editor,
    )
    assert dollars.status_code == 201
    mixed = app_client.get(url, headers=keys["reader"])
    assert mixed.status_code == 422
    problem = mixed.json()
    assert problem["type"] == "/problems/currency-mismatch"
    assert any("USD" in error["message"] for error in problem["errors"])
    missing = app_client.get(
        "/v1/projects/019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e5f/funding", headers=keys["reader"]
    )
    assert missing.status_code == 404


def test_events_and_delegations_link_to_projects(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    corinto = post(app_client, "/v1/cities", editor, name="Corinto", country_code="NI")
    training = post(
        app_client,
        "/v1/projects",
        editor,
        title={"de": "Resilienz-Training"},
        visibility="internal",
    )
    mangroves = post(app_client, "/v1/projects", editor, title={"de": "Mangroven"})
    event = post(
        app_client,
        "/v1/events",
        editor,
        title={"de": "Training in Corinto"},
        kind="training",
        starts_at="2025-04-26T10:00:00+02:00",
        project_ids=[training["id"], mangroves["id"]],
    )
    assert event["project_ids"] == [training["id"], mangroves["id"]]
    public = app_client.get(f"/v1/events/{event['id']}").json()
    assert public["project_ids"] == [mangroves["id"]], "an internal project is left out"
    of_project = app_client.get("/v1/events", params={"project_id": mangroves["id"]}).json()
    assert [e["id"] for e in of_project["items"]] == [event["id"]]
    visit = post(
        app_client,
        "/v1/delegations",
        editor,
        direction="outgoing",
        title={"de": "Reise nach Corinto"},
        starts_on="2025-05-01",
        city_ids=[corinto["id"]],
        project_ids=[mangroves["id"]],
    )
    assert visit["project_ids"] == [mangroves["id"]]
    serving = app_client.get(
        "/v1/delegations", params={"project_id": mangroves["id"]}, headers=editor
    ).json()["items"]
    assert [d["id"] for d in serving] == [visit["id"]]
    in_use = app_client.delete(f"/v1/projects/{mangroves['id']}", headers=editor)
    assert in_use.status_code == 409
    unknown = app_client.patch(
        f"/v1/events/{event['id']}",
        json={"project_ids": ["019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e5f"]},
        headers=editor,
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "project_ids.0"
