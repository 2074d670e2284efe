"""Partnerships and cities through HTTP: the issue's acceptance points, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from urbandiplo.config import Settings
from urbandiplo.main import create_app

PROBLEM = "application/problem+json"


def create_city(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    body = {"name": "Köln", "country_code": "DE", **fields}
    response = client.post("/v1/cities", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_internal_partnership_is_hidden_from_anonymous(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    home = create_city(app_client, editor, names={"de": "Köln", "en": "Cologne"})
    rome = create_city(app_client, editor, name="Roma", country_code="IT")
    pair = app_client.post(
        "/v1/partnerships",
        json={
            "partner_city_id": rome["id"],
            "kind": "contact",
            "visibility": "internal",
            "notes": "not for the website",
        },
        headers=editor,
    )
    assert pair.status_code == 201, pair.text
    assert pair.json()["city_id"] == home["id"]  # the home city by default
    pair_id = pair.json()["id"]

    anonymous_list = app_client.get("/v1/partnerships")
    assert anonymous_list.status_code == 200
    assert anonymous_list.json()["items"] == []
    anonymous_read = app_client.get(f"/v1/partnerships/{pair_id}")
    assert anonymous_read.status_code == 404
    assert anonymous_read.headers["content-type"] == PROBLEM

    staff_list = app_client.get("/v1/partnerships", headers=keys["reader"])
    assert [p["id"] for p in staff_list.json()["items"]] == [pair_id]
    staff_read = app_client.get(f"/v1/partnerships/{pair_id}", headers=keys["reader"])
    assert staff_read.status_code == 200
    assert staff_read.json()["notes"] == "not for the website"


def test_public_view_leaves_out_staff_fields(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    create_city(app_client, editor)
    rome = create_city(app_client, editor, name="Roma", country_code="IT", notes="contact: x")
    anonymous = app_client.get(f"/v1/cities/{rome['id']}").json()
    assert "notes" not in anonymous
    assert "visibility" not in anonymous
    assert app_client.get(f"/v1/cities/{rome['id']}", headers=keys["reader"]).json()["notes"] == (
        "contact: x"
    )


def test_pair_is_unique_whichever_way_round(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    home = create_city(app_client, editor)
    rome = create_city(app_client, editor, name="Roma", country_code="IT")
    first = app_client.post(
        "/v1/partnerships", json={"partner_city_id": rome["id"], "kind": "twinning"}, headers=editor
    )
    assert first.status_code == 201
    reverse = app_client.post(
        "/v1/partnerships",
        json={"city_id": rome["id"], "partner_city_id": home["id"], "kind": "friendship"},
        headers=editor,
    )
    assert reverse.status_code == 409
    assert reverse.headers["content-type"] == PROBLEM
    assert reverse.json()["type"] == "/problems/duplicate-partnership"
    assert first.json()["id"] in reverse.json()["detail"]


def test_conditional_requests(app_client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    editor = keys["editor"]
    city = create_city(app_client, editor)
    url = f"/v1/cities/{city['id']}"
    read = app_client.get(url, headers=editor)
    etag = read.headers["etag"]

    not_modified = app_client.get(url, headers={**editor, "If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""

    changed = app_client.patch(
        url, json={"population": 1_000_000}, headers={**editor, "If-Match": etag}
    )
    assert changed.status_code == 200, changed.text
    assert changed.headers["etag"] != etag

    stale = app_client.patch(url, json={"population": 5}, headers={**editor, "If-Match": etag})
    assert stale.status_code == 412
    assert stale.headers["content-type"] == PROBLEM
    assert app_client.get(url, headers=editor).json()["population"] == 1_000_000

    stale_delete = app_client.delete(url, headers={**editor, "If-Match": etag})
    assert stale_delete.status_code == 412
    assert (
        app_client.delete(url, headers={**editor, "If-Match": changed.headers["etag"]}).status_code
        == 204
    )
    assert app_client.get(url, headers=editor).status_code == 404


def test_idempotent_create(app_client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    headers = {**keys["editor"], "Idempotency-Key": "create-cluj-1"}
    body = {"name": "Cluj-Napoca", "country_code": "RO"}
    first = app_client.post("/v1/cities", json=body, headers=headers)
    again = app_client.post("/v1/cities", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again.headers["location"] == first.headers["location"]
    listed = app_client.get("/v1/cities", headers=keys["reader"]).json()["items"]
    assert [c["name"] for c in listed] == ["Cluj-Napoca"]

    other = app_client.post("/v1/cities", json={**body, "name": "Cluj"}, headers=headers)
    assert other.status_code == 422
    assert other.headers["content-type"] == PROBLEM
    assert other.json()["type"] == "/problems/idempotency-key-reused"


def test_unknown_id_and_invalid_country_are_problems(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    missing = app_client.get("/v1/cities/0190a7c2-0000-7000-8000-000000000000")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM
    assert missing.json()["status"] == 404

    invalid = app_client.post(
        "/v1/cities", json={"name": "Atlantis", "country_code": "ZZ"}, headers=keys["editor"]
    )
    assert invalid.status_code == 422
    assert invalid.headers["content-type"] == PROBLEM
    fields = [error["field"] for error in invalid.json()["errors"]]
    assert fields == ["body.country_code"]


def test_writes_need_the_editor_role(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    body = {"name": "Kyoto", "country_code": "JP"}
    anonymous = app_client.post("/v1/cities", json=body)
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == PROBLEM
    assert app_client.post("/v1/cities", json=body, headers=keys["reader"]).status_code == 403
    assert app_client.post("/v1/cities", json=body, headers=keys["editor"]).status_code == 201
    wrong_key = app_client.get("/v1/cities", headers={"X-API-Key": "ud_nothing_here"})
    assert wrong_key.status_code == 401
    in_query = app_client.get("/v1/cities", params={"api_key": keys["reader"]["X-API-Key"]})
    assert in_query.status_code == 400


def test_concurrent_retries_with_one_key_create_one_record(
    settings: Settings, db: Engine, keys: dict[str, dict[str, str]]
) -> None:
    app = create_app(settings, db)
    headers = {**keys["editor"], "Idempotency-Key": "burst-1"}
    body = {"name": "Katowice", "country_code": "PL"}
    start = threading.Barrier(6)

    def post(_: int) -> tuple[int, bytes]:
        with TestClient(app) as client:
            start.wait()
            response = client.post("/v1/cities", json=body, headers=headers)
            return response.status_code, response.content

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(post, range(6)))
    assert {status for status, _ in results} == {201}
    assert len({content for _, content in results}) == 1, "every retry sees the first response"
    with TestClient(app) as client:
        listed = client.get("/v1/cities", headers=keys["reader"]).json()["items"]
    assert [c["name"] for c in listed] == ["Katowice"]
