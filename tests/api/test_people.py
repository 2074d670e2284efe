"""People through HTTP: public and staff views, protection, and erasure that leaves no trace."""

from __future__ import annotations

import sqlite3
import subprocess
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

PROBLEM = "application/problem+json"


def post(client: TestClient, path: str, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_public_and_staff_views(app_client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    mayor = post(
        app_client,
        "/v1/people",
        keys["editor"],
        name="Henriette Reker",
        function="Oberbürgermeisterin",
        email="ob@example.org",
        legal_basis="public_task",
        visibility="public",
    )
    public = app_client.get(f"/v1/people/{mayor['id']}").json()
    assert public["name"] == "Henriette Reker"
    assert {"email", "phone", "notes", "legal_basis", "protected"}.isdisjoint(public)
    staff = app_client.get(f"/v1/people/{mayor['id']}", headers=keys["reader"]).json()
    assert staff["email"] == "ob@example.org"
    internal = post(app_client, "/v1/people", keys["editor"], name="Jan Beispiel")
    assert internal["visibility"] == "internal", "people are internal unless made public"
    assert app_client.get(f"/v1/people/{internal['id']}").status_code == 404


def test_protected_people_need_the_confidential_permission(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    refused = app_client.post(
        "/v1/people", json={"name": "Geschützt", "protected": True}, headers=keys["editor"]
    )
    assert refused.status_code == 403
    protected = post(
        app_client,
        "/v1/people",
        keys["admin"],
        name="Defender Canary",
        protected=True,
        visibility="public",
    )
    assert protected["visibility"] == "confidential", "protected people are never public"
    url = f"/v1/people/{protected['id']}"
    for headers in ({}, keys["reader"], keys["editor"]):
        assert app_client.get(url, headers=headers).status_code == 404
        listed = app_client.get("/v1/people", params={"q": "canary"}, headers=headers)
        assert listed.json()["items"] == []
    assert app_client.get(url, headers=keys["admin"]).json()["name"] == "Defender Canary"


def _dump(db: Engine) -> str:
    """The whole database as SQL text (and, for SQLite, every page's bytes as well, free
    pages included)."""
    url = db.url
    if url.get_backend_name() == "sqlite":
        path = url.database
        assert path
        connection = sqlite3.connect(path)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            text = "\n".join(connection.iterdump())
            # The pages as SQLite reads them, not the file through open(): closing a file
            # descriptor of this process drops every lock it holds on the file, the other
            # connections' too, and the next process to close believes itself the last one
            # and removes the shared memory the others still use (sqlite.org/howtocorrupt).
            pages = connection.serialize()
        finally:
            connection.close()
        return text + pages.decode("latin-1")
    result = subprocess.run(
        [
            "pg_dump",
            "--no-owner",
            "-h",
            url.host or "127.0.0.1",
            "-U",
            url.username or "postgres",
            "-p",
            str(url.port or 5432),
            url.database or "",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_erasure_leaves_no_trace_in_the_database(
    app_client: TestClient, keys: dict[str, dict[str, str]], db: Engine
) -> None:
    canary = {
        "name": "Zoë Erasable-Canary",
        "email": "zoe.canary@example.org",
        "phone": "+49 221 5550199",
    }
    person = app_client.post(
        "/v1/people",
        json={**canary, "function": "Aktivistin", "notes": "met in Bogotá"},
        headers={**keys["editor"], "Idempotency-Key": "add-zoe"},
    ).json()
    before = _dump(db)
    assert all(value in before for value in canary.values()), "the dump would show the data"

    assert (
        app_client.post(f"/v1/people/{person['id']}/erasure", headers=keys["editor"]).status_code
        == 403
    )
    erased = app_client.post(f"/v1/people/{person['id']}/erasure", headers=keys["admin"])
    assert erased.status_code == 200
    assert erased.json()["id"] == person["id"]

    gone = app_client.get(f"/v1/people/{person['id']}", headers=keys["admin"])
    assert gone.status_code == 410
    assert gone.headers["content-type"] == PROBLEM
    assert app_client.get(f"/v1/people/{person['id']}").status_code == 404
    assert app_client.get("/v1/people", headers=keys["admin"]).json()["items"] == []
    again = app_client.post(f"/v1/people/{person['id']}/erasure", headers=keys["admin"])
    assert again.json() == erased.json(), "erasing twice changes nothing"

    after = _dump(db)
    for value in (*canary.values(), "met in Bogotá"):
        assert value not in after, value
    assert person["id"].replace("-", "") in after.replace("-", ""), "the tombstone stays"
