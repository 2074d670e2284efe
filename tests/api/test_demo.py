"""The demo data set from the seeds, as the API serves it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from urbandiplo.config import Settings
from urbandiplo.demo.loader import load
from urbandiplo.main import build_services


def test_networks_delegations_and_a_protected_person(
    app_client: TestClient, settings: Settings, db: Engine, keys: dict[str, dict[str, str]]
) -> None:
    report = load(build_services(settings, db))
    assert report.created["networks"] >= 10
    assert report.created["delegations"] >= 7
    reader = keys["reader"]

    networks = app_client.get("/v1/networks", params={"limit": 200}).json()["items"]
    by_acronym = {n["acronym"]: n for n in networks}
    eurocities = (
        by_acronym["EUROCITIES"]
        if "EUROCITIES" in by_acronym
        else next(n for n in networks if n["name"] == "Eurocities")
    )
    assert eurocities["membership"]["joined_on"] == "1998-01-01"
    assert eurocities["membership"]["joined_precision"] == "year"
    housing = next(n for n in networks if n["name"] == "Mayors for Housing")
    assert (housing["membership"]["joined_on"], housing["membership"]["joined_precision"]) == (
        "2025-12-01",
        "month",
    )

    trips = app_client.get("/v1/delegations", params={"limit": 200}, headers=reader).json()
    china = next(d for d in trips["items"] if len(d["cities"]) == 2)
    assert {c["name"] for c in china["cities"]} == {"Beijing", "Baoding"}
    assert (china["starts_on"], china["ends_on"]) == ("2025-10-10", "2025-10-12")
    assert china["head"]["person"]["name"] == "Henriette Reker"
    assert len(china["members"]) >= 2

    everyone = app_client.get("/v1/people", params={"limit": 200}, headers=keys["admin"])
    protected = [p for p in everyone.json()["items"] if p["protected"]]
    assert protected, "the demo data has a protected person"
    staff = app_client.get("/v1/people", params={"limit": 200}, headers=reader).json()["items"]
    assert {p["id"] for p in protected}.isdisjoint({p["id"] for p in staff})


def test_projects_and_funding_of_the_2025_report(
    app_client: TestClient, settings: Settings, db: Engine, keys: dict[str, dict[str, str]]
) -> None:
    load(build_services(settings, db))
    reader = keys["reader"]
    projects = app_client.get("/v1/projects", params={"q": "Mangroven"}).json()["items"]
    assert len(projects) == 1
    corinto = projects[0]
    assert (corinto["starts_on"], corinto["ends_on"]) == ("2024-05-31", "2026-02-28")
    [seedlings] = corinto["indicators"]
    assert (seedlings["actual"], seedlings["as_of"]) == ("9800", "2025-12-31")
    assert {c["name"] for c in corinto["cities"]} == {"Corinto"}
    departments = {d["name"] for d in corinto["departments"]}
    assert "Amt für Umwelt- und Verbraucherschutz der Stadt Köln" in departments

    ambulances = app_client.get("/v1/projects", params={"q": "Rettungswagen"}).json()["items"]
    [handed_over] = ambulances[0]["indicators"]
    assert (handed_over["actual"], handed_over["target"]) == ("3", "30")

    cerv = app_client.get("/v1/funding-programmes", params={"q": "CERV"}).json()["items"]
    assert cerv[0]["total_budget"] == {"amount": "1441000000.00", "currency": "EUR"}
    assert (cerv[0]["period_from"], cerv[0]["period_to"]) == (2021, 2027)

    restcent = app_client.get("/v1/funding-programmes", params={"q": "RestCent"}).json()
    grants = app_client.get(
        "/v1/funding-applications",
        params={"programme_id": restcent["items"][0]["id"], "status": "approved"},
    ).json()["items"]
    assert sorted(g["applicant"]["name"] for g in grants) == [
        "Caritas Baby Hospital",
        "Tel Aviv Foundation",
    ]
    assert {g["awarded"]["amount"] for g in grants} == {"10000.00"}
    bethlehem = next(g for g in grants if g["applicant"]["name"] == "Caritas Baby Hospital")
    funding = app_client.get(f"/v1/projects/{bethlehem['project_id']}/funding", headers=reader)
    assert funding.json()["total"]["awarded"] == {"amount": "10000.00", "currency": "EUR"}
    # The BMZ application for the mangroves is internal: staff see it, the website does not.
    mangroves = app_client.get(
        "/v1/funding-applications", params={"project_id": corinto["id"]}
    ).json()["items"]
    assert mangroves == []
    staff = app_client.get(
        "/v1/funding-applications", params={"project_id": corinto["id"]}, headers=reader
    ).json()["items"]
    assert [a["programme"]["acronym"] for a in staff] == ["BMZ"]
    assert [h["to_status"] for h in staff[0]["history"]] == [
        "submitted",
        "under_review",
        "approved",
    ]


def test_an_associations_application_to_the_development_cooperation_fund(
    app_client: TestClient, settings: Settings, db: Engine, keys: dict[str, dict[str, str]]
) -> None:
    """Seed 000's new application system: the partnership association applies from outside,
    with its financial plan as a PDF; the office sees it submitted."""
    services = build_services(settings, db)
    load(services)
    load(services)  # loading again adds nothing
    found = app_client.get(
        "/v1/funding-applications",
        params={"direction": "incoming", "q": "Solarmodule"},
        headers=keys["reader"],
    ).json()["items"]
    assert len(found) == 1
    [application] = found
    assert application["status"] == "submitted"
    assert application["applicant"]["name"] == "Freundeskreis Köln-Dnipro e.V."
    assert application["programme"]["name"] == "Fördertopf Kommunale Entwicklungszusammenarbeit"
    assert application["history"][0]["actor"] == "demo:freundeskreis-koeln-dnipro"
    url = f"/v1/funding-applications/{application['id']}/attachments"
    [document] = app_client.get(url, headers=keys["reader"]).json()["items"]
    assert document["content_type"] == "application/pdf"
    pdf = app_client.get(f"{url}/{document['id']}", headers=keys["reader"])
    assert pdf.content.startswith(b"%PDF-")
    assert pdf.content.rstrip().endswith(b"%%EOF")
    assert app_client.get(f"/v1/funding-applications/{application['id']}").status_code == 404
