"""Lists through HTTP: pages and Link headers, statement counts, anniversaries, demo data."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from urbandiplo.config import Settings
from urbandiplo.demo.loader import load
from urbandiplo.main import build_services


def make_partnerships(client: TestClient, editor: dict[str, str], count: int) -> list[str]:
    home = client.post("/v1/cities", json={"name": "Köln", "country_code": "DE"}, headers=editor)
    assert home.status_code == 201
    ids = []
    for i in range(count):
        partner = client.post(
            "/v1/cities", json={"name": f"Partner {i}", "country_code": "FR"}, headers=editor
        ).json()
        created = client.post(
            "/v1/partnerships",
            json={
                "partner_city_id": partner["id"],
                "kind": "twinning",
                "established_on": f"{1950 + i}-05-01",
                "sdgs": [11, 16],
                "fields_of_action": ["city_diplomacy"],
                "council_decisions": [{"reference": f"AN/{i:04d}/2020"}],
            },
            headers=editor,
        )
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    return ids


def test_pages_follow_the_link_header_to_the_end(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    created = make_partnerships(app_client, keys["editor"], 7)
    seen: list[str] = []
    url: str | None = "/v1/partnerships?limit=3&sort=-established_on"
    pages = 0
    while url:
        response = app_client.get(url)
        assert response.status_code == 200
        body = response.json()
        seen.extend(p["id"] for p in body["items"])
        pages += 1
        link = response.headers.get("link")
        if body["next_cursor"] is None:
            assert link is None
            url = None
        else:
            assert link is not None
            assert link.endswith('>; rel="next"')
            url = link[1 : link.index(">")]
    assert pages == 3
    assert seen == list(reversed(created))


def test_page_size_has_a_maximum(app_client: TestClient) -> None:
    too_big = app_client.get("/v1/partnerships", params={"limit": 201})
    assert too_big.status_code == 422
    assert too_big.json()["errors"][0]["field"] == "query.limit"


def test_list_etag_and_not_modified(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    make_partnerships(app_client, keys["editor"], 2)
    first = app_client.get("/v1/partnerships")
    again = app_client.get("/v1/partnerships", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


def test_demo_data_anniversaries_and_visibility(
    app_client: TestClient, settings: Settings, db: Engine, keys: dict[str, dict[str, str]]
) -> None:
    services = build_services(settings, db)
    report = load(services)
    assert report.created["partnerships"] >= 15
    assert load(services).created == {}, "loading twice adds nothing"

    public = app_client.get("/v1/partnerships", params={"limit": 200}).json()["items"]
    staff = app_client.get("/v1/partnerships", params={"limit": 200}, headers=keys["reader"])
    assert len(public) >= 15
    assert len(staff.json()["items"]) > len(public), "the demo data has internal partnerships"
    assert all(p["city"]["name"] == "Köln" for p in public)
    dnipro = next(p for p in public if p["partner_city"]["name"] == "Dnipro")
    assert dnipro["kind"] == "twinning"
    assert dnipro["established_on"] == "2024-08-28"
    assert [c["kind"] for c in dnipro["status_history"]] == ["project_partnership", "twinning"]

    anniversaries = app_client.get("/v1/partnerships/anniversaries", params={"year": 2026})
    assert anniversaries.status_code == 200
    by_city = {
        a["partnership"]["partner_city"]["name"]: a["years"] for a in anniversaries.json()["items"]
    }
    assert by_city["Cluj-Napoca"] == 50


def test_taxonomies(app_client: TestClient) -> None:
    sdgs = app_client.get("/v1/taxonomies/sdgs").json()["items"]
    assert [s["number"] for s in sdgs] == list(range(1, 18))
    assert sdgs[12]["label"] == {"de": "Maßnahmen zum Klimaschutz", "en": "Climate action"}
    fields = app_client.get("/v1/taxonomies/fields-of-action").json()["items"]
    assert len(fields) == 11
    assert fields[1]["label"]["de"] == "Städtediplomatie"


def test_health_and_readiness(app_client: TestClient) -> None:
    assert app_client.get("/healthz").json() == {"status": "ok"}
    assert app_client.get("/readyz").json() == {"status": "ok"}


def test_not_ready_before_migrations(tmp_path: Any) -> None:
    from urbandiplo.main import create_app

    with TestClient(create_app(Settings(database_url=f"sqlite:///{tmp_path}/empty.db"))) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


def test_docs_pages_load_their_assets_from_this_server(app_client: TestClient) -> None:
    for page in ("/docs", "/redoc"):
        html = app_client.get(page).text
        assert "cdn." not in html
        assert "fonts.googleapis" not in html
        assets = [part.split('"')[0] for part in html.split('src="')[1:]]
        assets += [part.split('"')[0] for part in html.split('href="')[1:]]
        assert assets, page
        for asset in assets:
            assert asset.startswith("/docs-assets/"), asset
            assert app_client.get(asset).status_code == 200


@pytest.mark.parametrize("sort", ["established_on", "-established_on"])
def test_pages_cross_from_rows_with_a_value_to_rows_without(
    app_client: TestClient, keys: dict[str, dict[str, str]], sort: str
) -> None:
    """Founding days with ties and gaps: every page picks up after the last row, ties go by
    id, and the partnerships without a day come last in either direction."""
    editor = keys["editor"]
    days = ["1990-01-01", None, "1980-01-01", "1990-01-01", None, "1985-06-01", None]
    home = {"name": "Köln", "country_code": "DE"}
    assert app_client.post("/v1/cities", json=home, headers=editor).status_code == 201
    made = []
    for i, day in enumerate(days):
        partner = app_client.post(
            "/v1/cities", json={"name": f"Stadt {i}", "country_code": "PL"}, headers=editor
        ).json()
        body = {"partner_city_id": partner["id"], "kind": "friendship", "established_on": day}
        response = app_client.post("/v1/partnerships", json=body, headers=editor)
        assert response.status_code == 201, response.text
        made.append(response.json())
    seen: list[dict[str, Any]] = []
    params: dict[str, Any] = {"limit": 2, "sort": sort}
    while True:
        page = app_client.get("/v1/partnerships", params=params).json()
        seen += page["items"]
        if page["next_cursor"] is None:
            break
        params = {**params, "cursor": page["next_cursor"]}
    descending = sort.startswith("-")
    dated = sorted(
        (p for p in made if p["established_on"]),
        key=lambda p: (p["established_on"], p["id"]),
        reverse=descending,
    )
    undated = sorted((p for p in made if not p["established_on"]), key=lambda p: p["id"])
    expected = dated + (list(reversed(undated)) if descending else undated)
    assert [p["id"] for p in seen] == [p["id"] for p in expected]
