"""Operations: the request id on every response and log line, JSON logs, and /metrics
(staff only, by route template, added up across worker processes)."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine

from tests.process.server import api_key, start
from urbandiplo.config import Settings
from urbandiplo.db import migrate
from urbandiplo.domain.access import Role
from urbandiplo.logs import (
    JsonFormatter,
    TextFormatter,
    WithoutExceptionMessages,
    request_id,
    uvicorn_log_config,
)
from urbandiplo.main import create_app

GENERATED = re.compile(r"[0-9a-f]{32}")
ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
MISSING = "0190a7c2-0000-7000-8000-000000000000"


@contextmanager
def json_log(name: str = "urbandiplo") -> Iterator[list[dict[str, Any]]]:
    """The lines the logger writes meanwhile, through the JSON formatter, parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger(name)
    logger.addHandler(handler)
    lines: list[dict[str, Any]] = []
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        lines.extend(json.loads(line) for line in stream.getvalue().splitlines())


def samples(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    """The samples of one metric in an exposition, by their sorted labels."""
    found: dict[tuple[tuple[str, str], ...], float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                found[tuple(sorted(sample.labels.items()))] = sample.value
    return found


def requests_counted(
    client: TestClient | httpx.Client, headers: dict[str, str]
) -> dict[Any, float]:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    return samples(response.text, "urbandiplo_http_requests_total")


def label(method: str, route: str, status: int) -> tuple[tuple[str, str], ...]:
    return (("method", method), ("route", route), ("status", str(status)))


def test_every_response_carries_a_request_id_of_its_own(app_client: TestClient) -> None:
    first = app_client.get("/healthz")
    second = app_client.get("/v1/nowhere")
    assert first.status_code == 200
    assert second.status_code == 404
    ids = [first.headers["X-Request-ID"], second.headers["X-Request-ID"]]
    assert all(GENERATED.fullmatch(rid) for rid in ids), ids
    assert ids[0] != ids[1]


@pytest.mark.parametrize("given", ["web-7f3a.2_x", "A" * 64, "1"])
def test_a_sane_request_id_from_the_caller_is_kept(app_client: TestClient, given: str) -> None:
    assert (
        app_client.get("/healthz", headers={"X-Request-ID": given}).headers["X-Request-ID"] == given
    )


@pytest.mark.parametrize(
    "given",
    [b"A" * 65, b"two words", b"line\x01break", b"K\xc3\xb6ln", b"", b"a;b=c", b'{"id":1}'],
)
def test_any_other_request_id_is_replaced(app_client: TestClient, given: bytes) -> None:
    with json_log("urbandiplo.access") as lines:
        response = app_client.get("/healthz", headers={"X-Request-ID": given})
    assert GENERATED.fullmatch(response.headers["X-Request-ID"])
    assert lines[-1]["request_id"] == response.headers["X-Request-ID"]


def test_the_access_log_line_is_json_with_the_request_id_and_without_the_query(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    canary = "Kanarienvogel-Suchwort"
    key = keys["reader"]["X-API-Key"]
    with json_log() as lines:
        response = app_client.get(
            f"/v1/cities/{MISSING}",
            params={"q": canary},
            headers={**keys["reader"], "X-Request-ID": "trace-42"},
        )
    assert response.status_code == 404
    assert response.headers["X-Request-ID"] == "trace-42"
    access = [line for line in lines if line["logger"] == "urbandiplo.access"]
    assert len(access) == 1
    line = access[0]
    assert ISO_UTC.fullmatch(line["time"]), line["time"]
    assert line["level"] == "INFO"
    assert line["request_id"] == "trace-42"
    assert line["method"] == "GET"
    assert line["path"] == f"/v1/cities/{MISSING}"
    assert line["route"] == "/v1/cities/{city_id}"
    assert line["status"] == 404
    assert isinstance(line["duration_ms"], float)
    assert line["message"].startswith(f"GET /v1/cities/{MISSING} 404 ")
    logged = json.dumps(lines)
    assert canary not in logged
    assert key not in logged


def test_an_unexpected_error_is_logged_and_answered_with_the_request_id(
    settings: Settings, db: Engine
) -> None:
    app = create_app(settings, db)
    worker_log = logging.getLogger("urbandiplo.api")

    def fail() -> None:  # a sync route: runs in a worker thread
        worker_log.warning("about to fail")
        found = {"name": "Erika Mustermann"}  # what a database error's message may hold
        raise RuntimeError(f"duplicate key: {found}")

    app.add_api_route("/fail", fail, include_in_schema=False)
    with (
        TestClient(app, raise_server_exceptions=False) as client,
        json_log() as lines,
    ):
        response = client.get("/fail", headers={"X-Request-ID": "fail-1"})
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["X-Request-ID"] == "fail-1"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    by_message = {line["message"].split("\n")[0]: line for line in lines}
    assert by_message["about to fail"]["request_id"] == "fail-1", "from the worker thread too"
    error = next(line for line in lines if line["level"] == "ERROR")
    assert error["logger"] == "urbandiplo.api"
    assert error["request_id"] == "fail-1"
    assert "builtins.RuntimeError" in error["message"]
    assert "in fail" in error["message"], "where it happened"
    assert "Mustermann" not in json.dumps(lines), "never the error's message"
    access = next(line for line in lines if line["logger"] == "urbandiplo.access")
    assert (access["status"], access["request_id"]) == (500, "fail-1")


def test_formatters_carry_fields_exceptions_and_the_request_id() -> None:
    record = logging.LogRecord(
        "urbandiplo.webhooks", logging.WARNING, "x.py", 1, "sent %d", (3,), None
    )
    record.webhook_id = "w1"
    token = request_id.set("r-9")
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    try:
        line = JsonFormatter().format(record)
        text = TextFormatter().format(record)
    finally:
        request_id.reset(token)
    assert "\n" not in line, "one line per entry"
    entry = json.loads(line)
    assert entry["message"] == "sent 3"
    assert entry["level"] == "WARNING"
    assert entry["request_id"] == "r-9"
    assert entry["webhook_id"] == "w1"
    assert "ValueError: boom" in entry["exception"]
    assert text.splitlines()[0].endswith("WARNING urbandiplo.webhooks [r-9]: sent 3")
    outside = logging.LogRecord("urbandiplo", logging.INFO, "x.py", 1, "idle", None, None)
    assert "request_id" not in json.loads(JsonFormatter().format(outside))


def test_uvicorns_error_lines_keep_the_exception_type_not_its_message() -> None:
    """uvicorn logs an error that left the app a second time, with the exception."""
    config = uvicorn_log_config("json")
    assert config["handlers"]["default"]["filters"] == ["redacted"]
    record = logging.LogRecord(
        "uvicorn.error", logging.ERROR, "x.py", 1, "Exception in ASGI application", None, None
    )
    row = {"name": "Erika Mustermann"}
    try:
        raise RuntimeError(f"duplicate key: {row}")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    assert WithoutExceptionMessages().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    assert entry["exception"].endswith("builtins.RuntimeError")
    assert "test_uvicorns_error_lines" in entry["exception"], "where it happened"
    assert "Mustermann" not in entry["exception"]


def test_the_log_format_is_a_setting() -> None:
    assert Settings(log_format="TEXT").log_format == "text"  # type: ignore[arg-type]
    assert Settings().log_format == "json"


def test_cors_exposes_the_request_id_and_preflights_carry_one(db: Engine) -> None:
    settings = Settings(
        database_url=db.url.render_as_string(hide_password=False),
        cors_origins="https://www.stadt-koeln.de",  # type: ignore[arg-type]
    )
    origin = {"Origin": "https://www.stadt-koeln.de"}
    with TestClient(create_app(settings, db)) as client:
        response = client.get("/v1/cities", headers=origin)
        exposed = {h.strip() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
        assert "X-Request-ID" in exposed
        preflight = client.options(
            f"/v1/cities/{MISSING}", headers={**origin, "Access-Control-Request-Method": "PATCH"}
        )
        assert preflight.status_code == 200
        assert GENERATED.fullmatch(preflight.headers["X-Request-ID"])


def test_metrics_need_a_staff_credential(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    anonymous = app_client.get("/metrics")
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == "application/problem+json"
    assert "WWW-Authenticate" in anonymous.headers
    for role in Role:
        response = app_client.get("/metrics", headers=keys[role.value])
        assert response.status_code == 200, role
        assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
        assert response.headers["Cache-Control"] == "no-store"
    assert "/metrics" not in app_client.get("/openapi.json").json()["paths"]


def test_metrics_count_requests_by_route_template(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    reader = keys["reader"]
    created = app_client.post(
        "/v1/cities", json={"name": "Turku", "country_code": "FI"}, headers=keys["editor"]
    ).json()
    before = requests_counted(app_client, reader)
    assert app_client.get(f"/v1/cities/{created['id']}").status_code == 200
    assert app_client.get(f"/v1/cities/{MISSING}").status_code == 404
    assert app_client.get(f"/v1/nowhere/{created['id']}").status_code == 404
    listed = app_client.get("/v1/cities")
    # Answered before routing, from the newest change (api/revalidation.py).
    revalidated = app_client.get("/v1/cities", headers={"If-None-Match": listed.headers["ETag"]})
    assert revalidated.status_code == 304
    too_large = app_client.patch(  # refused before routing too (api/limits.py)
        f"/v1/cities/{created['id']}",
        content=b"x" * (2**20 + 1),
        headers={**keys["editor"], "Content-Type": "application/json"},
    )
    assert too_large.status_code == 413
    response = app_client.get("/metrics", headers=reader)
    after = samples(response.text, "urbandiplo_http_requests_total")

    def counted(key: tuple[tuple[str, str], ...]) -> float:
        return after.get(key, 0) - before.get(key, 0)

    assert counted(label("GET", "/v1/cities/{city_id}", 200)) == 1
    assert counted(label("GET", "/v1/cities/{city_id}", 404)) == 1
    assert counted(label("GET", "unmatched", 404)) == 1
    assert counted(label("GET", "/v1/cities", 304)) == 1
    assert counted(label("PATCH", "/v1/cities/{city_id}", 413)) == 1
    assert created["id"] not in response.text, "the template, never the path with the id"
    durations = samples(response.text, "urbandiplo_http_request_duration_seconds_count")
    assert durations[(("method", "GET"), ("route", "/v1/cities/{city_id}"))] >= 2
    assert samples(response.text, "urbandiplo_http_requests_in_progress")[()] >= 1, "this one"
    if Path("/proc/self/stat").exists():
        assert samples(response.text, "process_cpu_seconds_total")[()] > 0


def test_several_workers_add_up_their_metrics(tmp_path: Path) -> None:
    """`urbandiplo serve --workers 2`: each worker counts into files of a directory the
    command makes (and removes afterwards); /metrics, from either worker, adds them up."""
    url = f"sqlite:///{tmp_path / 'served.db'}"
    migrate.upgrade(url)
    reader = api_key(url, Role.READER, "prometheus")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    server = start(url, tmp_path / "server.log", workers=2, env={"TMPDIR": str(temporary)})
    # A connection of its own for each request: the workers take turns accepting them.
    client = httpx.Client(
        base_url=server.url,
        timeout=5,
        limits=httpx.Limits(max_keepalive_connections=0),
    )
    made = 0

    def health(_: int) -> None:
        assert client.get("/healthz").status_code == 200

    try:
        server.wait_ready()
        (directory,) = temporary.glob("urbandiplo-metrics-*")
        with ThreadPoolExecutor(8) as pool:
            # Until both workers have counted something (each writes a file of its own).
            while len(list(directory.glob("counter_*.db"))) < 2 and made < 800:
                list(pool.map(health, range(40)))
                made += 40
        assert len(list(directory.glob("counter_*.db"))) == 2, "both workers answered"
        for _ in range(4):  # whichever worker answers
            scraped = client.get("/metrics", headers={"X-API-Key": reader})
            assert scraped.status_code == 200
            counted = samples(scraped.text, "urbandiplo_http_requests_total")
            assert counted[label("GET", "/healthz", 200)] == made
            workers = samples(scraped.text, "process_start_time_seconds")
            assert len(workers) == 2, workers
    finally:
        server.stop()
        client.close()
    assert list(temporary.iterdir()) == [], "the metrics directory is removed"
    logged = (tmp_path / "server.log").read_text().splitlines()
    entries = [json.loads(line) for line in logged]  # every line is JSON, uvicorn's too
    assert any(entry["logger"] == "uvicorn.error" for entry in entries)
    access = [entry for entry in entries if entry["logger"] == "urbandiplo.access"]
    assert len({entry["request_id"] for entry in access}) == len(access) >= made
