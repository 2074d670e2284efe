"""/v1/partner-cities.geojson: a valid RFC 7946 FeatureCollection, a feature per partner city."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from geojson_pydantic import FeatureCollection
from sqlalchemy import Engine

from urbandiplo.config import Settings
from urbandiplo.demo.loader import load
from urbandiplo.main import build_services


def post(client: TestClient, path: str, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_a_feature_per_public_partner_city(
    app_client: TestClient, settings: Settings, db: Engine, keys: dict[str, dict[str, str]]
) -> None:
    load(build_services(settings, db))
    response = app_client.get("/v1/partner-cities.geojson")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    collection = FeatureCollection.model_validate_json(response.content)
    body = response.json()
    partnerships = app_client.get("/v1/partnerships", params={"limit": 200}).json()["items"]
    home = partnerships[0]["city_id"]
    partners = {
        p["partner_city_id"] if p["city_id"] == home else p["city_id"] for p in partnerships
    }
    assert {f["id"] for f in body["features"]} == partners
    # In the order the partnerships began (those without a date last), each as listed.
    begun = app_client.get(
        "/v1/partnerships", params={"limit": 200, "sort": "established_on"}
    ).json()["items"]
    assert any(p["established_on"] is None for p in begun), "the demo data has undated ones"
    assert [
        (f["properties"]["partnership_id"], f["properties"]["kind"], f["properties"]["status"])
        for f in body["features"]
    ] == [
        (p["id"], p["kind"], p["status"])
        for p in begun
        if home in (p["city_id"], p["partner_city_id"])
    ]
    assert len(collection.features) == len(partners)
    dnipro = next(f for f in body["features"] if f["properties"]["names"].get("en") == "Dnipro")
    assert (dnipro["properties"]["kind"], dnipro["properties"]["year"]) == ("twinning", 2024)
    longitude, latitude = dnipro["geometry"]["coordinates"]
    assert 34 < longitude < 36, "RFC 7946: longitude first"
    assert 48 < latitude < 49
    staff = app_client.get("/v1/partner-cities.geojson", headers=keys["reader"]).json()
    assert len(staff["features"]) > len(body["features"]), "staff also see internal partners"
    etag = response.headers["ETag"]
    again = app_client.get("/v1/partner-cities.geojson", headers={"If-None-Match": etag})
    assert again.status_code == 304


def test_another_citys_partners(app_client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    editor = keys["editor"]
    assert app_client.get("/v1/partner-cities.geojson").json() == {
        "type": "FeatureCollection",
        "features": [],
    }, "no home city stored yet: no partners"
    dnipro = post(app_client, "/v1/cities", editor, name="Дніпро", country_code="UA")
    vilnius = post(
        app_client,
        "/v1/cities",
        editor,
        name="Vilnius",
        country_code="LT",
        latitude=54.687,
        longitude=25.28,
    )
    hidden = post(
        app_client, "/v1/cities", editor, name="Geheim", country_code="LT", visibility="internal"
    )
    for partner in (vilnius, hidden):
        post(
            app_client,
            "/v1/partnerships",
            editor,
            city_id=dnipro["id"],
            partner_city_id=partner["id"],
            kind="friendship",
            established_on="2023-05-01",
        )
    found = app_client.get("/v1/partner-cities.geojson", params={"city": dnipro["id"]}).json()
    FeatureCollection.model_validate(found)
    [only] = found["features"]
    assert only["properties"]["name"] == "Vilnius"
    assert only["geometry"] == {"type": "Point", "coordinates": [25.28, 54.687]}
    unknown = app_client.get(
        "/v1/partner-cities.geojson", params={"city": "0190a7c2-0000-7000-8000-000000000000"}
    )
    assert unknown.status_code == 404
    hidden_city = app_client.get("/v1/partner-cities.geojson", params={"city": hidden["id"]})
    assert hidden_city.status_code == 404
