"""/v1/reports/annual: enough to write a report like seed 000 from it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from urbandiplo.config import Settings
from urbandiplo.demo.loader import load
from urbandiplo.main import build_services


def test_the_2025_report_from_the_demo_data(
    app_client: TestClient, settings: Settings, db: Engine, keys: dict[str, dict[str, str]]
) -> None:
    load(build_services(settings, db))
    reader = keys["reader"]
    response = app_client.get("/v1/reports/annual", params={"year": 2025}, headers=reader)
    assert response.status_code == 200, response.text
    report = response.json()
    events = app_client.get(
        "/v1/events",
        params={"from": "2025-01-01", "to": "2025-12-31", "limit": 200},
        headers=reader,
    ).json()["items"]
    assert report["totals"]["events"] == len(events) >= 20
    assert report["totals"]["delegations"] >= 7
    titles = {p["title"]["de"] for p in report["projects"]}
    assert "Waldinventur und Aufforstung des Mangrovenwaldes in Corinto" in titles
    grants = {g["title"]: g["awarded"] for g in report["funding"]["approved"]}
    assert len(grants) == 2, "the two RestCent grants of 2025 (the BMZ decision has no date)"
    assert report["funding"]["awarded"] == [{"amount": "20000.00", "currency": "EUR"}]
    cities = {c["names"].get("de") or c["name"]: c for c in report["by_partner_city"]}
    assert cities["Dnipro"]["events"] >= 1
    assert cities["Dnipro"]["projects"] >= 1
    assert cities["Corinto"]["projects"] >= 1
    assert "Köln" not in cities, "the home city is not its own partner"
    fields = {f["field"]: f for f in report["by_field_of_action"]}
    assert fields["city_and_project_partnerships"]["projects"] >= 4
    assert {s["sdg"] for s in report["by_sdg"]} >= {3, 13, 16}
    anniversaries = {(a["partner_city"], a["years"]) for a in report["anniversaries_next_year"]}
    assert ("Klausenburg", 50) in anniversaries or ("Cluj-Napoca", 50) in anniversaries

    public = app_client.get("/v1/reports/annual", params={"year": 2025}).json()
    assert public["totals"]["delegations"] < report["totals"]["delegations"], "internal ones"
    assert public["totals"]["events"] < report["totals"]["events"]

    page = app_client.get("/v1/reports/annual", params={"year": 2025, "format": "html"})
    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>Jahresbericht 2025</h1>" in page.text
    assert "Mangrovenwaldes" in page.text
    assert "style-src 'unsafe-inline'" in page.headers["Content-Security-Policy"]
    assert "<script" not in page.text
    again = app_client.get(
        "/v1/reports/annual",
        params={"year": 2025, "format": "html"},
        headers={"If-None-Match": page.headers["ETag"]},
    )
    assert again.status_code == 304


def test_names_are_escaped_in_the_page(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    app_client.post(
        "/v1/events",
        json={
            "title": {"de": "<script>alert(1)</script>"},
            "kind": "workshop",
            "starts_at": "2025-03-01T10:00:00+01:00",
        },
        headers=keys["editor"],
    )
    page = app_client.get("/v1/reports/annual", params={"year": 2025, "format": "html"})
    assert "<script>" not in page.text
    assert "&lt;script&gt;" in page.text
