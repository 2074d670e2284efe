"""An association applies to the city's own fund from outside (seed 000: the new application
system of the development-cooperation fund): a contributor creates an incoming application
for its own organisation, submits it, answers a request for more information, files its
reports once approved, with documents. It reads its application without the office's
internal notes, and never another applicant's."""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import headers
from urbandiplo.config import Settings

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
INTERNAL = "Nur intern: Kassenlage prüfen"
SHARED = "Bitte reichen Sie den Finanzplan nach."


def apply(client: TestClient, who: dict[str, str], programme_id: str, **more: Any) -> Any:
    return client.post(
        "/v1/funding-applications",
        json={
            "title": "Solarlampen für Corinto",
            "applicant_id": who["organisation_id"],
            "direction": "incoming",
            "programme_id": programme_id,
            "requested": {"amount": "4800.00", "currency": "EUR"},
            **more,
        },
        headers=headers(who),
    )


def move(client: TestClient, who: dict[str, str], application_id: str, **body: Any) -> Any:
    return client.post(
        f"/v1/funding-applications/{application_id}/transitions", json=body, headers=who
    )


def test_an_association_applies_answers_and_files_its_report(
    app_client: TestClient,
    settings: Settings,
    keys: dict[str, dict[str, str]],
    contributors: dict[str, dict[str, str]],
    funds: dict[str, str],
) -> None:
    a, b, editor = contributors["A"], contributors["B"], keys["editor"]
    made = apply(app_client, b, funds["own"])
    assert made.status_code == 201, made.text
    application = made.json()
    assert application["status"] == "draft"
    assert application["applicant_id"] == b["organisation_id"]  # B is internal: still its own
    url = f"/v1/funding-applications/{application['id']}"

    document = app_client.post(
        f"{url}/attachments",
        params={"filename": "finanzplan.pdf"},
        content=PDF,
        headers={**headers(b), "Content-Type": "application/pdf"},
    )
    assert document.status_code == 201, document.text
    assert document.json()["report_id"] is None
    submitted = move(app_client, headers(b), application["id"], status="submitted", note="Bitte")
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["history"][-1]["shared"] is True
    # While it is under review, the applicant does not change it.
    assert app_client.patch(url, json={"title": "Neu"}, headers=headers(b)).status_code == 403
    assert move(app_client, editor, application["id"], status="under_review").status_code == 200
    assert move(app_client, headers(b), application["id"], status="approved").status_code == 403, (
        "only the office decides"
    )
    asked = move(
        app_client,
        editor,
        application["id"],
        status="more_info_requested",
        note=SHARED,
        shared=True,
    )
    assert asked.status_code == 200
    noted = app_client.patch(
        url, json={"notes": INTERNAL}, headers={**editor, "If-Match": asked.headers["etag"]}
    )
    assert noted.status_code == 200, noted.text

    seen = app_client.get(url, headers=headers(b))
    assert seen.status_code == 200
    body = seen.json()
    assert body["notes"] is None, "the office's notes are not the applicant's"
    assert INTERNAL not in seen.text
    assert [step["note"] for step in body["history"]] == ["Bitte", None, SHARED]
    assert body["history"][1]["actor"] == "the office"
    # The applicant answers: changes what was asked, then sends it back to review.
    changed = app_client.patch(
        url,
        json={"own_contribution": {"amount": "500.00", "currency": "EUR"}},
        headers={**headers(b), "If-Match": seen.headers["etag"]},
    )
    assert changed.status_code == 200, changed.text
    refused = app_client.patch(url, json={"reference": "X-1"}, headers=headers(b))
    assert refused.status_code == 422
    assert "reference" in refused.text
    answered = move(app_client, headers(b), application["id"], status="under_review", note="Anbei")
    assert answered.status_code == 200, answered.text
    staff_view = app_client.get(url, headers=editor).json()
    assert staff_view["notes"] == INTERNAL
    assert staff_view["history"][-1]["note"] == "Anbei"

    approved = move(
        app_client,
        editor,
        application["id"],
        status="approved",
        awarded={"amount": "4000.00", "currency": "EUR"},
        decided_on="2026-03-01",
    )
    assert approved.status_code == 200
    reported = app_client.patch(
        url,
        json={"reports": [{"due_on": "2026-12-31", "title": "Verwendungsnachweis"}]},
        headers=editor,
    )
    assert reported.status_code == 200, reported.text
    report = reported.json()["reports"][0]
    proof = app_client.post(
        f"{url}/attachments",
        params={"filename": "nachweis.pdf", "report_id": report["id"]},
        content=PDF + b"%nachweis",
        headers={**headers(b), "Content-Type": "application/pdf"},
    )
    assert proof.status_code == 201, proof.text
    assert proof.json()["report_id"] == report["id"]
    late = app_client.post(
        f"{url}/attachments",
        params={"filename": "nachtrag.pdf"},
        content=PDF,
        headers={**headers(b), "Content-Type": "application/pdf"},
    )
    assert late.status_code == 403, "the application's own documents are closed once decided"
    filed = app_client.post(f"{url}/reports/{report['id']}/submission", headers=headers(b))
    assert filed.status_code == 200, filed.text
    assert filed.json()["reports"][0]["submitted_on"] is not None
    again = app_client.post(f"{url}/reports/{report['id']}/submission", headers=headers(b))
    assert again.status_code == 409
    listed = app_client.get(f"{url}/attachments", headers=headers(b)).json()["items"]
    assert {d["report_id"] for d in listed} == {None, report["id"]}
    # A report with documents is not dropped by the office's edit.
    dropped = app_client.patch(url, json={"reports": []}, headers=editor)
    assert dropped.status_code == 422

    # Organisation A reaches none of it: not in its list, a 404 everywhere.
    assert app_client.get(url, headers=headers(a)).status_code == 404
    assert app_client.get(f"{url}/attachments", headers=headers(a)).status_code == 404
    ids = {
        x["id"]
        for x in app_client.get("/v1/funding-applications", headers=headers(a)).json()["items"]
    }
    assert application["id"] not in ids
    assert application["id"] in {
        x["id"]
        for x in app_client.get("/v1/funding-applications", headers=headers(b)).json()["items"]
    }
    own = app_client.get(
        "/v1/funding-applications",
        params={"applicant_id": b["organisation_id"]},
        headers=headers(b),
    ).json()["items"]
    assert [x["id"] for x in own] == [application["id"]], "its own, by its (internal) id"
    assert app_client.get(url).status_code == 404, "never public"
    download = app_client.get(f"{url}/attachments/{proof.json()['id']}", headers=headers(b))
    assert download.content == PDF + b"%nachweis"
    assert download.headers["content-disposition"].startswith("attachment")


def test_an_applicant_applies_for_its_own_organisation_to_the_citys_funds_only(
    app_client: TestClient,
    contributors: dict[str, dict[str, str]],
    funds: dict[str, str],
) -> None:
    a, b = contributors["A"], contributors["B"]
    elsewhere = apply(app_client, a, funds["other"])
    assert elsewhere.status_code == 422
    assert "programme_id" in elsewhere.text
    for_another = apply(app_client, a, funds["own"], applicant_id=b["organisation_id"])
    assert for_another.status_code == 422
    assert "applicant_id" in for_another.text
    outgoing = apply(app_client, a, funds["own"], direction="outgoing")
    assert outgoing.status_code == 422
    assert "direction" in outgoing.text
    public = apply(app_client, a, funds["own"], visibility="public", notes="x")
    assert public.status_code == 422
    assert {"visibility", "notes"} <= {p["field"] for p in public.json()["errors"]}


def test_deleting_an_application_removes_its_documents(
    app_client: TestClient,
    settings: Settings,
    contributors: dict[str, dict[str, str]],
    funds: dict[str, str],
) -> None:
    a = contributors["A"]
    application = apply(app_client, a, funds["own"]).json()
    url = f"/v1/funding-applications/{application['id']}"
    data = PDF + b"%only-here"
    attached = app_client.post(
        f"{url}/attachments",
        params={"filename": "plan.pdf"},
        content=data,
        headers={**headers(a), "Content-Type": "application/pdf"},
    )
    assert attached.status_code == 201
    digest = hashlib.sha256(data).hexdigest()
    path = settings.attachments_dir / digest[:2] / digest
    assert path.exists()
    submitted = move(app_client, headers(a), application["id"], status="submitted")
    assert app_client.delete(url, headers=headers(a)).status_code == 403, "withdraw first"
    move(app_client, headers(a), application["id"], status="withdrawn")
    assert submitted.status_code == 200
    assert app_client.delete(url, headers=headers(a)).status_code == 204
    assert not path.exists(), "the file goes with the application"
    assert app_client.get(url, headers=headers(a)).status_code == 404
