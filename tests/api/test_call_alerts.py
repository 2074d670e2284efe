"""Call subscriptions and their alerts: an organisation hears once of each call that opens
and of each deadline within its lead time, also when the scanning process is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from tests.conftest import headers
from urbandiplo.config import Settings
from urbandiplo.domain.access import SYSTEM
from urbandiplo.domain.alerts import CallSubscriptionFields
from urbandiplo.domain.funding import FundingLevel
from urbandiplo.main import build_services


def post(client: TestClient, path: str, caller: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post(path, json=body, headers=caller)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def calls(client: TestClient, editor: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Calls in every state, as of now."""
    cerv = post(client, "/v1/funding-programmes", editor, name="CERV", acronym="CERV", level="eu")
    land = post(client, "/v1/funding-programmes", editor, name="Landesmittel", level="state")
    today = datetime.now(UTC).date()

    def call(programme: dict[str, Any], title: str, opens: int, closes: int, **more: Any) -> Any:
        return post(
            client,
            "/v1/funding-calls",
            editor,
            programme_id=programme["id"],
            title={"de": title},
            opens_on=(today + timedelta(days=opens)).isoformat(),
            deadline=(datetime.now(UTC) + timedelta(days=closes)).isoformat(),
            **more,
        )

    themed = {"fields_of_action": ["city_and_project_partnerships"]}
    return {
        "soon": call(cerv, "Frist bald", -10, 5, **themed),
        "later": call(cerv, "Frist später", -1, 60, **themed),
        "forthcoming": call(cerv, "Angekündigt", 10, 90, **themed),
        "closed": call(cerv, "Vorbei", -90, -1, **themed),
        "internal": call(cerv, "Intern", -1, 5, visibility="internal", **themed),
        "state": call(land, "Land", -1, 5, **themed),
        "other_theme": call(cerv, "Anderes Thema", -1, 5, fields_of_action=["city_diplomacy"]),
        "companies": call(cerv, "Für Firmen", -1, 5, applicant_kinds=["company"], **themed),
    }


def test_a_subscription_hears_once_of_what_concerns_it(
    app_client: TestClient,
    settings: Settings,
    db: Engine,
    keys: dict[str, dict[str, str]],
    contributors: dict[str, dict[str, str]],
) -> None:
    a, b, editor = contributors["A"], contributors["B"], keys["editor"]
    found = calls(app_client, editor)
    mine = post(
        app_client,
        "/v1/call-subscriptions",
        headers(a),
        name="CERV für unseren Verein",
        levels=["eu"],
        fields_of_action=["city_and_project_partnerships"],
        applicant_kinds=["association"],
        lead_days=14,
    )
    assert mine["organisation_id"] == a["organisation_id"]
    theirs = post(app_client, "/v1/call-subscriptions", headers(b), name="Alles", lead_days=0)

    subscriptions = build_services(settings, db).call_subscriptions
    made = subscriptions.scan()
    assert subscriptions.scan() == 0, "a second scan makes nothing new"
    response = app_client.get(f"/v1/call-subscriptions/{mine['id']}/alerts", headers=headers(a))
    assert response.status_code == 200, response.text
    got = sorted((x["call"]["title"]["de"], x["kind"]) for x in response.json()["items"])
    assert got == [
        ("Frist bald", "deadline"),
        ("Frist bald", "opened"),
        ("Frist später", "opened"),
    ], "open public calls of its level, theme and kind of applicant; deadlines within 14 days"
    everything = app_client.get(f"/v1/call-subscriptions/{theirs['id']}/alerts", headers=editor)
    titles = {x["call"]["title"]["de"] for x in everything.json()["items"]}
    assert titles == {"Frist bald", "Frist später", "Land", "Anderes Thema", "Für Firmen"}
    assert "Intern" not in everything.text, "an internal call is never an alert"
    assert made == 3 + 5, "B's lead time of 0 days: no deadline alerts yet"

    feed = app_client.get(f"/v1/call-subscriptions/{mine['id']}/alerts.atom", headers=headers(a))
    assert feed.status_code == 200
    assert feed.headers["cache-control"].startswith("private")
    parsed = feedparser.parse(feed.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "CERV für unseren Verein"
    ids = {x["id"] for x in response.json()["items"]}
    assert {e.id for e in parsed.entries} == {f"urn:uuid:{i}" for i in ids}
    assert any(e.title.startswith("Frist am ") for e in parsed.entries)

    # Another organisation's subscription is not there; staff see every one.
    for path in ("", "/alerts", "/alerts.atom"):
        assert (
            app_client.get(
                f"/v1/call-subscriptions/{theirs['id']}{path}", headers=headers(a)
            ).status_code
            == 404
        )
        assert app_client.get(f"/v1/call-subscriptions/{mine['id']}{path}").status_code == 401
    listed = app_client.get("/v1/call-subscriptions", headers=headers(a)).json()["items"]
    assert [s["id"] for s in listed] == [mine["id"]]
    assert len(app_client.get("/v1/call-subscriptions", headers=editor).json()["items"]) == 2

    # A call that opens later is heard of then; an unsubscribed organisation hears nothing.
    etag = app_client.get(
        f"/v1/funding-calls/{found['forthcoming']['id']}", headers=editor
    ).headers["etag"]
    opened = app_client.patch(
        f"/v1/funding-calls/{found['forthcoming']['id']}",
        json={"opens_on": datetime.now(UTC).date().isoformat()},
        headers={**editor, "If-Match": etag},
    )
    assert opened.status_code == 200, opened.text
    assert subscriptions.scan() == 2, "it opened, for both subscriptions"
    etag = app_client.get(f"/v1/call-subscriptions/{theirs['id']}", headers=headers(b)).headers[
        "etag"
    ]
    gone = app_client.delete(
        f"/v1/call-subscriptions/{theirs['id']}", headers={**headers(b), "If-Match": etag}
    )
    assert gone.status_code == 204
    assert subscriptions.scan() == 0


def test_a_subscription_is_checked_and_its_own(
    app_client: TestClient, keys: dict[str, dict[str, str]], contributors: dict[str, dict[str, str]]
) -> None:
    a, b = contributors["A"], contributors["B"]
    refused = app_client.post(
        "/v1/call-subscriptions",
        json={"name": "x", "organisation_id": b["organisation_id"]},
        headers=headers(a),
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "organisation_id"
    staff = app_client.post("/v1/call-subscriptions", json={"name": "x"}, headers=keys["editor"])
    assert staff.status_code == 422, "staff name the organisation"
    assert (
        app_client.post(
            "/v1/call-subscriptions", json={"name": "x"}, headers=keys["reader"]
        ).status_code
        == 403
    )
    bad = app_client.post(
        "/v1/call-subscriptions", json={"name": "x", "lead_days": 400}, headers=headers(a)
    )
    assert bad.status_code == 422


def test_each_alert_once_when_the_scan_is_killed_and_started_again(
    app_client: TestClient, settings: Settings, db: Engine, keys: dict[str, dict[str, str]]
) -> None:
    services = build_services(settings, db)
    calls(app_client, keys["editor"])
    organisation = app_client.post(
        "/v1/organisations", json={"name": "Verein", "kind": "association"}, headers=keys["editor"]
    ).json()
    count = 600
    for n in range(count):
        services.call_subscriptions.create(
            SYSTEM,
            CallSubscriptionFields(
                name=f"Abo {n}",
                levels=(FundingLevel.EU,),
                organisation_id=uuid.UUID(organisation["id"]),
            ),
        )
    # Per subscription: opened for 4 open public EU calls, deadline for 3 within 14 days.
    expected = count * (4 + 3)
    environment = {**os.environ, "URBANDIPLO_DATABASE_URL": settings.database_url}
    command = [sys.executable, "-m", "urbandiplo.cli", "alerts", "scan", "--interval", "0.1"]

    def alerts() -> tuple[int, int]:
        with db.connect() as connection:
            row = connection.execute(
                text(
                    "SELECT count(*), count(DISTINCT subscription_id || '/' || call_id || '/' "
                    "|| kind) FROM call_alerts"
                )
            ).one()
        return int(row[0]), int(row[1])

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    process = start()
    deadline = time.monotonic() + 60
    while alerts()[0] < 80 and time.monotonic() < deadline:
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)  # in the middle of the scan, no goodbye
    process.wait()
    before = alerts()[0]
    assert 80 <= before < expected, f"killed mid-scan: {before} of {expected}"
    process = start()
    try:
        deadline = time.monotonic() + 120
        while alerts()[0] < expected and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # rounds after the last one find nothing more to make
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    total, distinct = alerts()
    assert total == expected, "every alert that is due"
    assert distinct == total, "each once per subscription, call and kind"
