"""Funding applications through HTTP: the workflow, approval data and overdue reports."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from urbandiplo.domain.applications import today
from urbandiplo.domain.workflow import TRANSITIONS, ApplicationStatus

S = ApplicationStatus
# How to bring a new application (a draft) to each status, by allowed moves.
ROUTE_TO = {
    S.DRAFT: [],
    S.SUBMITTED: [S.SUBMITTED],
    S.UNDER_REVIEW: [S.SUBMITTED, S.UNDER_REVIEW],
    S.MORE_INFO_REQUESTED: [S.SUBMITTED, S.UNDER_REVIEW, S.MORE_INFO_REQUESTED],
    S.APPROVED: [S.SUBMITTED, S.UNDER_REVIEW, S.APPROVED],
    S.REJECTED: [S.SUBMITTED, S.UNDER_REVIEW, S.REJECTED],
    S.WITHDRAWN: [S.WITHDRAWN],
}
EUR = "EUR"


def eur(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": EUR}


def post(client: TestClient, path: str, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def setup(app_client: TestClient, keys: dict[str, dict[str, str]]) -> dict[str, Any]:
    editor = keys["editor"]
    ministry = post(
        app_client,
        "/v1/organisations",
        editor,
        name="Bundesministerium für wirtschaftliche Zusammenarbeit und Entwicklung",
        kind="public_body",
    )
    office = post(
        app_client,
        "/v1/organisations",
        editor,
        name="Büro für Europa und Internationales",
        kind="city_department",
    )
    bmz = post(
        app_client,
        "/v1/funding-programmes",
        editor,
        name="Nachhaltige Kommunalentwicklung durch Partnerschaftsprojekte",
        acronym="NAKOPA",
        level="federal",
        funder_id=ministry["id"],
    )
    return {"editor": editor, "office": office, "programme": bmz}


def new_application(client: TestClient, setup: dict[str, Any], **more: Any) -> dict[str, Any]:
    return post(
        client,
        "/v1/funding-applications",
        setup["editor"],
        **{
            "title": "Mangroven für Corinto",
            "programme_id": setup["programme"]["id"],
            "applicant_id": setup["office"]["id"],
            "requested": eur("225000.00"),
            **more,
        },
    )


def move(client: TestClient, headers: dict[str, str], application_id: str, **body: Any) -> Any:
    return client.post(
        f"/v1/funding-applications/{application_id}/transitions", json=body, headers=headers
    )


def test_every_pair_of_states(app_client: TestClient, setup: dict[str, Any]) -> None:
    """Allowed moves succeed and are recorded; all others are 409 naming the allowed ones."""
    editor = setup["editor"]
    for current in S:
        for target in S:
            application = new_application(app_client, setup)
            assert application["status"] == "draft"
            for step in ROUTE_TO[current]:
                assert move(app_client, editor, application["id"], status=step).status_code == 200
            before = app_client.get(f"/v1/funding-applications/{application['id']}", headers=editor)
            assert before.json()["status"] == current.value
            response = move(
                app_client, editor, application["id"], status=target.value, note=f"to {target}"
            )
            allowed = sorted(s.value for s in TRANSITIONS[current])
            if target in TRANSITIONS[current]:
                assert response.status_code == 200, (current, target, response.text)
                moved = response.json()
                assert moved["status"] == target.value
                last = moved["history"][-1]
                assert (last["from_status"], last["to_status"]) == (current.value, target.value)
                assert last["note"] == f"to {target}"
                assert last["actor"].startswith("api-key:")
                assert len(moved["history"]) == len(ROUTE_TO[current]) + 1
            else:
                assert response.status_code == 409, (current, target, response.text)
                problem = response.json()
                assert problem["type"] == "/problems/transition-not-allowed"
                assert problem["current_status"] == current.value
                assert problem["allowed"] == allowed
                for name in allowed:
                    assert name in problem["detail"]
                after = app_client.get(
                    f"/v1/funding-applications/{application['id']}", headers=editor
                )
                assert after.json()["status"] == current.value
                assert after.headers["ETag"] == before.headers["ETag"], "nothing changed"


def test_status_changes_only_by_transition(app_client: TestClient, setup: dict[str, Any]) -> None:
    application = new_application(app_client, setup)
    patched = app_client.patch(
        f"/v1/funding-applications/{application['id']}",
        json={"status": "approved"},
        headers=setup["editor"],
    )
    assert patched.status_code == 422
    as_reader = move(app_client, {}, application["id"], status="submitted")
    assert as_reader.status_code == 401


def test_approval_with_award_disbursements_and_reports(
    app_client: TestClient, setup: dict[str, Any], keys: dict[str, dict[str, str]]
) -> None:
    editor = setup["editor"]
    application = new_application(app_client, setup, own_contribution=eur("25000.00"))
    too_early = app_client.patch(
        f"/v1/funding-applications/{application['id']}",
        json={"awarded": eur("200000.00")},
        headers=editor,
    )
    assert too_early.status_code == 422, "an award needs an approval"
    for step in ("submitted", "under_review"):
        assert move(app_client, editor, application["id"], status=step).status_code == 200
    award_on_review = move(
        app_client, editor, application["id"], status="more_info_requested", awarded=eur("1.00")
    )
    assert award_on_review.status_code == 422
    in_dollars = move(
        app_client,
        editor,
        application["id"],
        status="approved",
        awarded={"amount": "200000.00", "currency": "USD"},
    )
    assert in_dollars.status_code == 422
    stale = move(
        app_client,
        editor | {"If-Match": '"stale"'},
        application["id"],
        status="approved",
    )
    assert stale.status_code == 412
    approved = move(
        app_client,
        editor,
        application["id"],
        status="approved",
        awarded=eur("200000.00"),
        decided_on="2024-05-15",
        note="Bewilligungsbescheid vom 15.05.2024",
    )
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["awarded"] == eur("200000.00")
    assert body["decided_on"] == "2024-05-15"
    url = f"/v1/funding-applications/{application['id']}"
    overpaid = app_client.patch(
        url,
        json={
            "disbursements": [
                {"on": "2024-06-01", "amount": eur("150000.00")},
                {"on": "2025-06-01", "amount": eur("50000.01")},
            ]
        },
        headers=editor,
    )
    assert overpaid.status_code == 422
    assert overpaid.json()["errors"][0]["field"] == "disbursements"
    overdue_day = (today() - timedelta(days=1)).isoformat()
    later_day = (today() + timedelta(days=30)).isoformat()
    changed = app_client.patch(
        url,
        json={
            "disbursements": [
                {"on": "2025-06-01", "amount": eur("50000.00")},
                {"on": "2024-06-01", "amount": eur("150000.00")},
            ],
            "reports": [
                {"due_on": later_day, "title": "Schlussbericht"},
                {"due_on": overdue_day, "title": "Zwischenbericht"},
                {"due_on": "2025-03-31", "title": "Erster Bericht", "submitted_on": "2025-03-20"},
            ],
        },
        headers=editor,
    )
    assert changed.status_code == 200, changed.text
    stored = changed.json()
    assert [d["on"] for d in stored["disbursements"]] == ["2024-06-01", "2025-06-01"]
    assert stored["next_report_due"] == overdue_day
    on_time = new_application(app_client, setup, title="Ohne Berichte")
    overdue = app_client.get(
        "/v1/funding-applications", params={"reports_overdue": "true"}, headers=editor
    ).json()["items"]
    assert [a["id"] for a in overdue] == [application["id"]]
    not_overdue = app_client.get(
        "/v1/funding-applications", params={"reports_overdue": "false"}, headers=editor
    ).json()["items"]
    assert [a["id"] for a in not_overdue] == [on_time["id"]]
    submitted = app_client.patch(
        url,
        json={
            "reports": [
                {"due_on": later_day, "title": "Schlussbericht"},
                {"due_on": overdue_day, "title": "Zwischenbericht", "submitted_on": overdue_day},
            ]
        },
        headers=editor,
    )
    assert submitted.json()["next_report_due"] == later_day
    overdue_now = app_client.get(
        "/v1/funding-applications", params={"reports_overdue": "true"}, headers=editor
    ).json()["items"]
    assert overdue_now == []
    anonymous = app_client.get("/v1/funding-applications").json()["items"]
    assert anonymous == [], "applications are internal by default"
    reader = app_client.get(url, headers=keys["reader"]).json()
    assert reader["history"][-1]["note"] == "Bewilligungsbescheid vom 15.05.2024"


def test_call_brings_its_programme(app_client: TestClient, setup: dict[str, Any]) -> None:
    editor = setup["editor"]
    call = post(
        app_client,
        "/v1/funding-calls",
        editor,
        programme_id=setup["programme"]["id"],
        title={"de": "Aufruf 2026"},
        opens_on="2026-01-15",
        deadline="2026-03-12T17:00:00+01:00",
    )
    application = post(
        app_client,
        "/v1/funding-applications",
        editor,
        title="Mit Aufruf",
        call_id=call["id"],
        applicant_id=setup["office"]["id"],
        requested=eur("1000.00"),
    )
    assert application["programme_id"] == setup["programme"]["id"]
    assert application["programme"]["level"] == "federal"
    assert application["call"]["id"] == call["id"]
    neither = app_client.post(
        "/v1/funding-applications",
        json={"title": "x", "applicant_id": setup["office"]["id"], "requested": eur("1.00")},
        headers=editor,
    )
    assert neither.status_code == 422
    in_use = app_client.delete(f"/v1/funding-calls/{call['id']}", headers=editor)
    assert in_use.status_code == 409
    programme_in_use = app_client.delete(
        f"/v1/funding-programmes/{setup['programme']['id']}", headers=editor
    )
    assert programme_in_use.status_code == 409
