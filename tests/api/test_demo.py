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
