"""Webhooks: subscriptions, signed deliveries in order, retries, and a delivering process
that loses nothing when it is killed."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from urbandiplo import delivery
from urbandiplo.config import Settings
from urbandiplo.domain import webhooks as webhook_rules
from urbandiplo.main import build_services


class Receiver:
    """A receiving system: keeps what it is sent, answers as told."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.refuse = 0  # answer 500 to this many deliveries first
        self.pause = 0.0
        self.lock = threading.Lock()

    def verified(self, secret: str) -> list[dict[str, Any]]:
        """The bodies whose signatures hold, once per Webhook-Id, in arrival order."""
        seen: dict[str, dict[str, Any]] = {}
        for headers, body in self.received:
            timestamp = headers["Webhook-Timestamp"]
            expected = hmac.new(
                secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
            ).hexdigest()
            assert headers["Webhook-Signature"] == f"v1={expected}"
            seen.setdefault(headers["Webhook-Id"], json.loads(body))
        return list(seen.values())


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    found = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            time.sleep(found.pause)
            with found.lock:
                refuse = found.refuse > 0
                if refuse:
                    found.refuse -= 1
                else:
                    found.received.append((dict(self.headers), body))
            self.send_response(500 if refuse else 204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield found, f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()


def subscribe(client: TestClient, admin: dict[str, str], url: str, **more: Any) -> Any:
    response = client.post("/v1/webhooks", json={"url": url, **more}, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()


def city(client: TestClient, editor: dict[str, str], name: str, **more: Any) -> Any:
    response = client.post(
        "/v1/cities", json={"name": name, "country_code": "FI", **more}, headers=editor
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_subscriptions_are_for_admins_and_the_secret_is_shown_once(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    admin = keys["admin"]
    url = "https://example.org/hook"
    assert (
        app_client.post("/v1/webhooks", json={"url": url}, headers=keys["editor"]).status_code
        == 403
    )
    made = subscribe(app_client, admin, url, record_types=["cities"])
    assert len(made["secret"]) > 30
    listed = app_client.get("/v1/webhooks", headers=admin).json()["items"]
    assert [w["id"] for w in listed] == [made["id"]]
    assert "secret" not in listed[0]
    assert "secret" not in app_client.get(f"/v1/webhooks/{made['id']}", headers=admin).json()
    bad = app_client.post(
        "/v1/webhooks", json={"url": url, "record_types": ["nonsense"]}, headers=admin
    )
    assert bad.status_code == 422
    assert app_client.delete(f"/v1/webhooks/{made['id']}", headers=admin).status_code == 204
    assert app_client.get(f"/v1/webhooks/{made['id']}", headers=admin).status_code == 404


def test_signed_deliveries_in_order_with_retries(
    app_client: TestClient,
    settings: Settings,
    db: Engine,
    keys: dict[str, dict[str, str]],
    receiver: tuple[Receiver, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(webhook_rules, "backoff", lambda attempts: timedelta(0))
    got, url = receiver
    admin, editor = keys["admin"], keys["editor"]
    city(app_client, editor, "Vorher")  # before the subscription: not sent
    hook = subscribe(app_client, admin, url, record_types=["cities"], scope="public")
    turku = city(app_client, editor, "Turku")
    city(app_client, editor, "Intern", visibility="internal")  # not in a public scope
    app_client.post(
        "/v1/organisations", json={"name": "Verein", "kind": "association"}, headers=editor
    )
    app_client.patch(f"/v1/cities/{turku['id']}", json={"population": 5}, headers=editor)
    services = build_services(settings, db)
    got.refuse = 1
    assert delivery.deliver_once(services) == 0, "refused: retried later, nothing lost"
    state = app_client.get(f"/v1/webhooks/{hook['id']}", headers=admin).json()
    assert (state["attempts"], state["last_error"]) == (1, "HTTP 500")
    assert delivery.deliver_once(services) == 2
    bodies = got.verified(hook["secret"])
    assert [(b["type"], b["id"], b["operation"]) for b in bodies] == [
        ("cities", turku["id"], "upsert"),
        ("cities", turku["id"], "upsert"),
    ]
    assert bodies[1]["record"]["population"] == 5
    assert "notes" not in bodies[1]["record"], "a public scope gets the public view"
    assert delivery.deliver_once(services) == 0, "nothing new"
    log = app_client.get(f"/v1/webhooks/{hook['id']}/attempts", headers=admin).json()["items"]
    assert [a["delivered"] for a in log] == [True, True, False]


def test_the_delivering_process_loses_nothing_when_killed(
    app_client: TestClient,
    settings: Settings,
    keys: dict[str, dict[str, str]],
    receiver: tuple[Receiver, str],
) -> None:
    got, url = receiver
    got.pause = 0.05
    hook = subscribe(app_client, keys["admin"], url, scope="internal")
    editor = keys["editor"]
    for n in range(30):
        city(app_client, editor, f"Stadt {n}")
    environment = {**os.environ, "URBANDIPLO_DATABASE_URL": settings.database_url}
    command = [sys.executable, "-m", "urbandiplo.cli", "webhooks", "deliver", "--interval", "0.1"]

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    process = start()
    deadline = time.monotonic() + 30
    while len(got.received) < 8 and time.monotonic() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)  # in the middle of the queue, no goodbye
    process.wait()
    delivered_before = len(got.received)
    assert 8 <= delivered_before < 30
    for n in range(30, 40):
        city(app_client, editor, f"Stadt {n}")
    got.pause = 0
    process = start()
    try:
        deadline = time.monotonic() + 60
        while len(got.verified(hook["secret"])) < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
    bodies = got.verified(hook["secret"])
    names = [b["record"]["name"] for b in bodies]
    assert names == [f"Stadt {n}" for n in range(40)], "every change, in order, once each"
