"""The audit log: one entry per successful write, none for a failed one, readable by admins,
and erasure leaves nothing of the person in it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def audit_entries(client: TestClient, admin: dict[str, str], **params: Any) -> list[Any]:
    entries: list[Any] = []
    query: dict[str, Any] = {"limit": 200, **params}
    while True:
        response = client.get("/v1/audit-log", params=query, headers=admin)
        assert response.status_code == 200, response.text
        body = response.json()
        entries += body["items"]
        if body["next_cursor"] is None:
            return entries
        query["cursor"] = body["next_cursor"]


def test_one_entry_per_successful_write_and_none_for_a_failed_one(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor, admin = keys["editor"], keys["admin"]
    seen = len(audit_entries(app_client, admin))

    def expect(response: Any, status: int, new_entries: int) -> Any:
        nonlocal seen
        assert response.status_code == status, response.text
        now = len(audit_entries(app_client, admin))
        assert now - seen == new_entries, (response.request.method, response.request.url)
        seen = now
        return response

    city = expect(
        app_client.post("/v1/cities", json={"name": "Turku", "country_code": "FI"}, headers=editor),
        201,
        1,
    ).json()
    url = f"/v1/cities/{city['id']}"
    expect(
        app_client.post("/v1/cities", json={"name": "X", "country_code": "ZZ"}, headers=editor),
        422,
        0,
    )
    etag = app_client.get(url, headers=editor).headers["ETag"]
    # Two editors hold the same copy; the second one's change is refused and nothing is lost.
    expect(
        app_client.patch(url, json={"population": 200000}, headers=editor | {"If-Match": etag}),
        200,
        1,
    )
    expect(
        app_client.patch(url, json={"population": 1}, headers=editor | {"If-Match": etag}),
        412,
        0,
    )
    assert app_client.get(url).json()["population"] == 200000
    expect(app_client.patch(url, json={"population": 200000}, headers=editor), 200, 0)  # no-op
    home = expect(
        app_client.post("/v1/cities", json={"name": "Köln", "country_code": "DE"}, headers=editor),
        201,
        1,
    ).json()
    partner = expect(
        app_client.post(
            "/v1/partnerships",
            json={"partner_city_id": city["id"], "kind": "contact"},
            headers=editor,
        ),
        201,
        1,
    ).json()
    assert partner["city_id"] == home["id"]
    expect(app_client.delete(url, headers=editor), 409, 0)
    expect(app_client.delete(f"/v1/partnerships/{partner['id']}", headers=editor), 204, 1)
    expect(app_client.delete(url, headers=editor), 204, 1)
    expect(app_client.patch(url, json={"population": 2}, headers=editor), 404, 0)

    entries = audit_entries(app_client, admin, record_id=city["id"])
    assert [e["operation"] for e in entries] == ["delete", "update", "create"], "newest first"
    update = entries[1]
    assert update["before"]["population"] is None
    assert update["after"]["population"] == 200000
    assert update["actor"].startswith("api-key:")
    assert entries[0]["after"] is None
    assert entries[2]["before"] is None


def test_only_admins_read_the_log(app_client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    assert app_client.get("/v1/audit-log").status_code == 401
    assert app_client.get("/v1/audit-log", headers=keys["editor"]).status_code == 403
    assert app_client.get("/v1/audit-log", headers=keys["admin"]).status_code == 200


def test_transitions_are_logged(app_client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    editor, admin = keys["editor"], keys["admin"]
    office = app_client.post(
        "/v1/organisations", json={"name": "Büro", "kind": "city_department"}, headers=editor
    ).json()
    programme = app_client.post(
        "/v1/funding-programmes", json={"name": "CERV", "level": "eu"}, headers=editor
    ).json()
    application = app_client.post(
        "/v1/funding-applications",
        json={"title": "Antrag", "programme_id": programme["id"], "applicant_id": office["id"]},
        headers=editor,
    ).json()
    url = f"/v1/funding-applications/{application['id']}/transitions"
    assert app_client.post(url, json={"status": "submitted"}, headers=editor).status_code == 200
    assert app_client.post(url, json={"status": "approved"}, headers=editor).status_code == 409
    entries = audit_entries(app_client, admin, record_id=application["id"])
    assert [e["operation"] for e in entries] == ["transition", "create"]
    assert (entries[0]["before"]["status"], entries[0]["after"]["status"]) == (
        "draft",
        "submitted",
    )


def test_erasure_leaves_nothing_of_the_person_in_the_log(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor, admin = keys["editor"], keys["admin"]
    canary = "Zarathustra Kanarienvogel"
    person = app_client.post(
        "/v1/people",
        json={"name": canary, "email": "zk@example.org", "legal_basis": "consent"},
        headers=editor,
    ).json()
    app_client.patch(
        f"/v1/people/{person['id']}", json={"function": f"Sprecherin, {canary}"}, headers=editor
    )
    city = app_client.post(
        "/v1/cities", json={"name": "Turku", "country_code": "FI"}, headers=editor
    ).json()
    trip = app_client.post(
        "/v1/delegations",
        json={
            "direction": "incoming",
            "title": {"de": "Besuch"},
            "starts_on": "2025-05-01",
            "city_ids": [city["id"]],
            "head": {"person_id": person["id"]},
        },
        headers=editor,
    )
    assert trip.status_code == 201, trip.text
    assert canary in str(audit_entries(app_client, admin, record_id=person["id"]))
    erased = app_client.post(f"/v1/people/{person['id']}/erasure", headers=admin)
    assert erased.status_code == 200, erased.text
    everything = str(audit_entries(app_client, admin))
    assert canary not in everything
    assert "zk@example.org" not in everything
    entries = audit_entries(app_client, admin, record_id=person["id"])
    assert entries[0]["operation"] == "erase"
    assert all(set(e["after"] or {}) <= {"id", "erased_on"} for e in entries)
