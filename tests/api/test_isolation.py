"""One organisation's contributor against another's records: every operation of the
contract, called by contributor A with organisation B's ids, is a 404 (a read) or a 404 or
403 (a write), or a 403 where the operation is for staff only, whatever the id; and nothing
of B's appears in any response: lists, search, feeds, exports, counts, errors."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import headers
from urbandiplo.api.permissions import OPERATION_ROLES
from urbandiplo.domain.access import Role

CANARY = "Kanarienvogel"
EVENT: dict[str, Any] = {
    "title": {"de": f"{CANARY} Abend"},
    "summary": {"de": f"{CANARY} Zusammenfassung"},
    "kind": "exchange",
    "starts_at": "2026-05-01T19:00:00+02:00",
    "venue": {"name": f"{CANARY} Saal", "address": f"{CANARY} Straße 1"},
}
WRITES = {"post", "put", "patch", "delete"}
STAFF_ONLY = set(Role)


def _example(schema: dict[str, Any], operation: dict[str, Any]) -> Any:
    """The first example of the operation's JSON request body, or None without one."""
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    ref = content["application/json"]["schema"].get("$ref", "")
    component = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
    examples = component.get("examples") or [{}]
    return examples[0]


def test_contributor_a_reaches_nothing_of_organisation_b(
    app_client: TestClient,
    keys: dict[str, dict[str, str]],
    contributors: dict[str, dict[str, str]],
    funds: dict[str, str],
) -> None:
    a, b, editor = contributors["A"], contributors["B"], keys["editor"]
    theirs = []
    for n in range(4):
        made = app_client.post(
            "/v1/contributions",
            json={"kind": "event", "event": EVENT, "message": f"{CANARY} Nachricht {n}"},
            headers=headers(b),
        )
        assert made.status_code == 201, made.text
        theirs.append(made.json()["id"])
    for contribution_id in theirs[1:]:
        moved = app_client.post(
            f"/v1/contributions/{contribution_id}/transitions",
            json={"status": "submitted", "note": f"{CANARY} eingereicht"},
            headers=headers(b),
        )
        assert moved.status_code == 200
    for n in range(2):
        news = app_client.post(
            "/v1/contributions",
            json={
                "kind": "news",
                "news": {"title": {"de": f"{CANARY} Neuigkeit {n}"}, "body": {"de": CANARY}},
            },
            headers=headers(b),
        )
        assert news.status_code == 201, news.text
        theirs.append(news.json()["id"])
    document = app_client.post(
        f"/v1/contributions/{theirs[0]}/attachments",
        params={"filename": "liste.csv"},
        content=f"Name\n{CANARY}\n".encode(),
        headers={**headers(b), "Content-Type": "text/csv"},
    )
    assert document.status_code == 201, document.text
    subscribed = app_client.post(
        "/v1/call-subscriptions", json={"name": f"{CANARY} Abo"}, headers=headers(b)
    )
    assert subscribed.status_code == 201, subscribed.text
    theirs.append(subscribed.json()["id"])
    # B's applications to the city's fund: a draft, and an approved one with a report
    # and documents of both.
    applications = []
    for n in range(2):
        applied = app_client.post(
            "/v1/funding-applications",
            json={
                "title": f"{CANARY} Antrag {n}",
                "direction": "incoming",
                "applicant_id": b["organisation_id"],
                "programme_id": funds["own"],
            },
            headers=headers(b),
        )
        assert applied.status_code == 201, applied.text
        applications.append(applied.json()["id"])
    decided = f"/v1/funding-applications/{applications[1]}"
    for caller, status in ((headers(b), "submitted"), (editor, "under_review")):
        moved = app_client.post(
            f"{decided}/transitions", json={"status": status, "note": CANARY}, headers=caller
        )
        assert moved.status_code == 200, moved.text
    app_client.post(f"{decided}/transitions", json={"status": "approved"}, headers=editor)
    reported = app_client.patch(
        decided, json={"reports": [{"due_on": "2026-12-31", "title": CANARY}]}, headers=editor
    )
    assert reported.status_code == 200, reported.text
    report_id = reported.json()["reports"][0]["id"]
    proof = app_client.post(
        f"{decided}/attachments",
        params={"filename": "nachweis.csv", "report_id": report_id},
        content=f"Nachweis\n{CANARY}\n".encode(),
        headers={**headers(b), "Content-Type": "text/csv"},
    )
    assert proof.status_code == 201, proof.text
    theirs_elsewhere = [*applications, report_id, proof.json()["id"]]
    asked = app_client.post(
        f"/v1/contributions/{theirs[2]}/transitions",
        json={"status": "changes_requested", "note": f"{CANARY} bitte ergänzen"},
        headers=editor,
    )
    assert asked.status_code == 200
    mine = app_client.post(
        "/v1/contributions",
        json={
            "kind": "event",
            "event": {
                "title": {"de": "Unser Abend"},
                "kind": "fair",
                "starts_at": EVENT["starts_at"],
            },
        },
        headers=headers(a),
    ).json()

    schema = app_client.get("/openapi.json").json()
    b_ids = [*theirs, *theirs_elsewhere, b["organisation_id"]]
    secrets = [CANARY, "Freundeskreis B", b["organisation_id"], *theirs, *theirs_elsewhere]
    called = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            body = _example(schema, operation)
            if "{" in path:
                urls = [re.sub(r"\{\w+_id\}", record_id, path) for record_id in b_ids]
            else:
                urls = [path]
                if method == "get":
                    urls += [
                        f"{path}?organisation_id={b['organisation_id']}",
                        f"{path}?applicant_id={b['organisation_id']}",
                        f"{path}?q={CANARY}",
                    ]
            for url in urls:
                response = app_client.request(method.upper(), url, json=body, headers=headers(a))
                called += 1
                where = (method, url, response.status_code)
                if OPERATION_ROLES[operation["operationId"]] in STAFF_ONLY:
                    # Refused by the operation, before any record is looked up.
                    assert response.status_code == 403, where
                elif "{" in path:
                    allowed = {403, 404} if method in WRITES else {404}
                    assert response.status_code in allowed, where
                # The ids A sent may come back in a validation error; nothing else of B's.
                text = response.text.replace(url.split("?")[0], "")
                for secret in secrets:
                    if secret in url:
                        continue
                    assert secret not in text, (*where, secret)
    assert called > 200
    # The walk's own creates (the contract's example body) are A's; nothing else is listed.
    listed = app_client.get("/v1/contributions", headers=headers(a)).json()["items"]
    assert mine["id"] in {c["id"] for c in listed}
    assert {c["organisation_id"] for c in listed} == {a["organisation_id"]}
    assert not {c["id"] for c in listed} & set(theirs), "B's contributions are not counted"
    # B's records are all still there and unchanged: the office sees them as they were.
    seen = app_client.get(f"/v1/call-subscriptions/{theirs[-1]}", headers=editor)
    assert seen.json()["name"] == f"{CANARY} Abo", "B's subscription is unchanged"
    for application_id in applications:
        seen = app_client.get(f"/v1/funding-applications/{application_id}", headers=editor)
        assert seen.json()["title"].startswith(CANARY), "B's application is unchanged"
    listed = app_client.get("/v1/funding-applications", headers=headers(a)).json()["items"]
    assert not {x["id"] for x in listed} & set(applications)
    for contribution_id in theirs[:-1]:
        seen = app_client.get(f"/v1/contributions/{contribution_id}", headers=editor)
        assert seen.status_code == 200
        assert seen.json()["organisation_id"] == b["organisation_id"]
