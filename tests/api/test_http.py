"""HTTP behaviour shared by every resource: ETags from writes, caching headers, body limits,
media types, and the role table."""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from urbandiplo.api import revalidation
from urbandiplo.api.permissions import OPERATION_ROLES, OUTSIDE_CONTRACT, Contributors
from urbandiplo.config import Settings
from urbandiplo.domain.access import Role
from urbandiplo.main import create_app

PROBLEM = "application/problem+json"


def city(client: TestClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    response = client.post(
        "/v1/cities", json={"name": "Köln", "country_code": "DE", **fields}, headers=headers
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_etags_from_writes_match_reads_and_work_as_if_match(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    created = app_client.post(
        "/v1/cities",
        json={
            "name": "Roma",
            "country_code": "IT",
            "names": {"it": "Roma", "de": "Rom", "en": "Rome"},
        },
        headers=editor,
    )
    url = created.headers["location"]
    assert app_client.get(url, headers=editor).headers["etag"] == created.headers["etag"]
    changed = app_client.patch(
        url, json={"population": 2_750_000}, headers={**editor, "If-Match": created.headers["etag"]}
    )
    assert changed.status_code == 200
    again = app_client.patch(
        url, json={"population": 2_760_000}, headers={**editor, "If-Match": changed.headers["etag"]}
    )
    assert again.status_code == 200, "the ETag a PATCH returns is the current one"
    weak = app_client.patch(
        url, json={"population": 1}, headers={**editor, "If-Match": "W/" + again.headers["etag"]}
    )
    assert weak.status_code == 412, "If-Match compares strongly"


def test_responses_say_how_they_may_be_cached(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    city(app_client, keys["editor"])
    public = app_client.get("/v1/cities")
    staff = app_client.get("/v1/cities", headers=keys["reader"])
    assert public.headers["vary"] == staff.headers["vary"] == "X-API-Key, Authorization"
    assert public.headers["cache-control"] == "public, no-cache"
    assert staff.headers["cache-control"] == "private, no-cache"


def test_a_conflict_does_not_name_a_partnership_the_caller_cannot_see(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    home = city(app_client, keys["editor"])
    partner = city(app_client, keys["editor"], name="Wien", country_code="AT")
    secret = app_client.post(
        "/v1/partnerships",
        json={"partner_city_id": partner["id"], "kind": "contact", "visibility": "confidential"},
        headers=keys["admin"],
    )
    assert secret.status_code == 201
    clash = app_client.post(
        "/v1/partnerships",
        json={"city_id": partner["id"], "partner_city_id": home["id"], "kind": "twinning"},
        headers=keys["editor"],
    )
    assert clash.status_code == 409
    assert secret.json()["id"] not in clash.text
    assert (
        app_client.get(
            f"/v1/partnerships/{secret.json()['id']}", headers=keys["editor"]
        ).status_code
        == 404
    )


def test_concurrent_retries_of_a_partnership_create_replay_the_first(
    settings: Settings, db: Engine, keys: dict[str, dict[str, str]]
) -> None:
    app = create_app(settings, db)
    with TestClient(app) as client:
        city(client, keys["editor"])
        partner = city(client, keys["editor"], name="Lille", country_code="FR")
    headers = {**keys["editor"], "Idempotency-Key": "pair-burst"}
    body = {"partner_city_id": partner["id"], "kind": "friendship"}
    start = threading.Barrier(5)

    def post(_: int) -> tuple[int, bytes]:
        with TestClient(app) as client:
            start.wait()
            response = client.post("/v1/partnerships", json=body, headers=headers)
            return response.status_code, response.content

    with ThreadPoolExecutor(max_workers=5) as pool:
        results = list(pool.map(post, range(5)))
    assert [status for status, _ in results] == [201] * 5
    assert len({content for _, content in results}) == 1


def test_request_bodies_are_bounded(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    huge = {"name": "x", "country_code": "DE", "notes": "n" * 2_000_000}
    response = app_client.post("/v1/cities", json=huge, headers=keys["editor"])
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM


def test_write_checks_come_before_the_body(app_client: TestClient) -> None:
    anonymous = app_client.post("/v1/cities", json={"not": "a city"})
    assert anonymous.status_code == 401


def test_bodies_must_be_json(app_client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    editor = keys["editor"]
    as_text = app_client.post(
        "/v1/cities",
        content=b'{"name": "Roma", "country_code": "IT"}',
        headers={**editor, "Content-Type": "text/plain"},
    )
    assert as_text.status_code == 415
    broken = app_client.post(
        "/v1/cities", content=b'{"name": ', headers={**editor, "Content-Type": "application/json"}
    )
    assert broken.status_code == 400
    assert broken.headers["content-type"] == PROBLEM


def test_the_role_table_covers_every_operation(app_client: TestClient) -> None:
    schema = app_client.get("/openapi.json").json()
    operations = {
        operation["operationId"] for path in schema["paths"].values() for operation in path.values()
    }
    assert operations == set(OPERATION_ROLES) - OUTSIDE_CONTRACT


def test_every_operation_answers_each_role_as_the_table_says(
    app_client: TestClient,
    keys: dict[str, dict[str, str]],
    contributors: dict[str, dict[str, str]],
) -> None:
    """Below the role an operation needs: anonymous is 401, staff 403; at or above it, past.
    A contributor passes where the operation is open to anyone or to contributors, and is
    refused (403) everywhere else."""
    schema = app_client.get("/openapi.json").json()
    missing = "0190a7c2-0000-7000-8000-000000000000"
    callers = [
        ("anonymous", {}),
        *keys.items(),
        ("contributor", {"X-API-Key": contributors["A"]["X-API-Key"]}),
    ]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            needed = OPERATION_ROLES[operation["operationId"]]
            url = re.sub(r"\{\w+_id\}", missing, path)
            if "anniversaries" in url:
                url += "?year=2026"
            body = {} if "requestBody" in operation else None
            for role, headers in callers:
                status = app_client.request(
                    method.upper(), url, json=body, headers=headers
                ).status_code
                if role == "contributor":
                    passes = needed is None or isinstance(needed, Contributors)
                elif role == "anonymous":
                    passes = needed is None
                else:
                    staff_role = needed.role if isinstance(needed, Contributors) else needed
                    passes = staff_role is None or Role(role).rank >= staff_role.rank
                if passes:
                    assert status not in (401, 403), (method, path, role, status)
                elif role == "anonymous":
                    assert status == 401, (method, path, role, status)
                else:
                    assert status == 403, (method, path, role, status)


def test_a_patch_that_changes_nothing_keeps_the_version(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    created = city(app_client, keys["editor"], population=1_000)
    url = f"/v1/cities/{created['id']}"
    before = app_client.get(url, headers=keys["editor"])
    same = app_client.patch(url, json={"population": 1_000}, headers=keys["editor"])
    assert same.status_code == 200
    assert same.headers["etag"] == before.headers["etag"]
    assert same.json()["updated_at"] == before.json()["updated_at"]


def test_nul_characters_are_refused_not_stored(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    in_query = app_client.get("/v1/cities", params={"q": "K\x00ln"})
    assert in_query.status_code == 422
    assert in_query.json()["errors"][0]["field"] == "query.q"
    in_body = app_client.post(
        "/v1/cities", json={"name": "K\x00ln", "country_code": "DE"}, headers=keys["editor"]
    )
    assert in_body.status_code == 422


def test_security_headers_and_a_log_without_secrets_or_search_terms(
    app_client: TestClient, keys: dict[str, dict[str, str]], caplog: pytest.LogCaptureFixture
) -> None:
    canary = "Kanarienvogel-Suchwort"
    key = keys["reader"]["X-API-Key"]
    with caplog.at_level(logging.DEBUG):
        response = app_client.get("/v1/people", params={"q": canary}, headers=keys["reader"])
        in_url = app_client.get("/v1/people", params={"api_key": key})
    assert response.status_code == 200
    assert in_url.status_code == 400, "a key in the URL is refused"
    # The server's log (the test client's own httpx log is not the server's).
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    assert "GET /v1/people 200" in logged
    assert "GET /v1/people 400" in logged
    assert canary not in logged
    assert key not in logged
    assert key.split("_", 2)[2] not in logged, "nor its secret part"
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Content-Security-Policy"].startswith("default-src 'none'")
    docs = app_client.get("/docs")
    assert "script-src 'self'" in docs.headers["Content-Security-Policy"]


def test_cors_for_the_configured_origins_only(db: Engine) -> None:
    settings = Settings(
        database_url=db.url.render_as_string(hide_password=False),
        cors_origins="https://www.stadt-koeln.de",  # type: ignore[arg-type]
    )
    with TestClient(create_app(settings, db)) as client:
        allowed = client.get("/v1/cities", headers={"Origin": "https://www.stadt-koeln.de"})
        assert allowed.headers["Access-Control-Allow-Origin"] == "https://www.stadt-koeln.de"
        exposed = {h.strip() for h in allowed.headers["Access-Control-Expose-Headers"].split(",")}
        assert {"ETag", "Link", "Location"} <= exposed
        other = client.get("/v1/cities", headers={"Origin": "https://evil.example.org"})
        assert "Access-Control-Allow-Origin" not in other.headers
        preflight = client.options(
            "/v1/cities",
            headers={
                "Origin": "https://www.stadt-koeln.de",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "Authorization, Content-Type",
            },
        )
        assert preflight.status_code == 200
        assert "authorization" in preflight.headers["Access-Control-Allow-Headers"].lower()


@pytest.mark.parametrize("watched", [True, False], ids=["marks watched", "marks read"])
def test_public_lists_revalidate_without_being_read(
    settings: Settings, keys: dict[str, dict[str, str]], db: Engine, watched: bool
) -> None:
    """An anonymous list's ETag comes from the newest change: asking again is a 304 as long
    as nothing was written, whatever was written since is a 200 with a new tag, and the
    304 does not read the list at all. Served (with its lifespan), the app watches the
    marks and reads nothing; without it (no watch), it reads the marks and nothing else."""
    client = TestClient(create_app(settings, db))
    with client if watched else contextlib.nullcontext(client) as app_client:
        _revalidates_without_reading(app_client, keys, db, marks_read=0 if watched else 1)


def _revalidates_without_reading(
    app_client: TestClient, keys: dict[str, dict[str, str]], db: Engine, marks_read: int
) -> None:
    editor = keys["editor"]
    city(app_client, editor, name="Vilnius", country_code="LT")
    if db.dialect.name == "postgresql":
        # The write's notification reaches the watch after its commit (about a millisecond
        # here); heard later, it would move the moment after the first request.
        time.sleep(0.5)
    first = app_client.get("/v1/cities", params={"limit": 5})
    tag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, no-cache"
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    from sqlalchemy import event

    event.listen(db, "before_cursor_execute", count)
    try:
        again = app_client.get("/v1/cities", params={"limit": 5}, headers={"If-None-Match": tag})
    finally:
        event.remove(db, "before_cursor_execute", count)
    assert again.status_code == 304
    assert again.headers["ETag"] == tag
    assert again.headers["X-Content-Type-Options"] == "nosniff", "security headers on 304s too"
    queries = [s for s in statements if not s.startswith("BEGIN")]
    assert len(queries) == marks_read, statements  # the newest changes of its kinds at most
    assert all("FROM change_marks" in query for query in queries)
    statements.clear()
    event.listen(db, "before_cursor_execute", count)
    try:
        cached = app_client.get("/v1/cities", params={"limit": 5})
    finally:
        event.remove(db, "before_cursor_execute", count)
    assert (cached.status_code, cached.content) == (200, first.content)
    assert cached.headers["ETag"] == tag
    too_long = app_client.get(
        "/v1/cities", params={"limit": 5}, headers={"If-None-Match": "v" * 1001}
    )
    assert too_long.status_code == 422, "a header the route refuses is refused, cached or not"
    assert [
        s for s in statements if "FROM change_marks" not in s and not s.startswith("BEGIN")
    ] == [], "between two writes the same page comes from memory"
    other = app_client.get("/v1/cities", params={"limit": 6}, headers={"If-None-Match": tag})
    assert other.status_code == 200, "another query is another representation"
    internal = city(app_client, editor, name="Geheim", country_code="LT", visibility="internal")
    after = app_client.get("/v1/cities", params={"limit": 5}, headers={"If-None-Match": tag})
    assert after.status_code == 200, "a city write makes a new tag, even one anonymous can't see"
    assert internal["id"] not in after.text
    assert after.headers["ETag"] != tag
    assert "Vilnius" in after.text
    renamed = app_client.get("/v1/cities", params={"limit": 5, "q": "Vilnius"})
    city_id = renamed.json()["items"][0]["id"]
    patched = app_client.patch(f"/v1/cities/{city_id}", json={"name": "Wilno"}, headers=editor)
    assert patched.status_code == 200
    fresh = app_client.get("/v1/cities", params={"limit": 5})
    assert "Wilno" in fresh.text, "a write retires what was kept"
    staff = app_client.get("/v1/cities", params={"limit": 5}, headers=editor)
    assert staff.headers["ETag"] != after.headers["ETag"], "staff get their own tags"
    assert (
        app_client.get(
            "/v1/cities",
            params={"limit": 5},
            headers={**editor, "If-None-Match": after.headers["ETag"]},
        ).status_code
        == 200
    ), "an anonymous tag is not a staff one"
    calls = app_client.get("/v1/funding-calls")
    assert not calls.headers["ETag"].startswith('"l'), "a call's status moves with the clock"


def test_staff_lists_are_kept_per_role_and_checked_per_request(
    app_client: TestClient, keys: dict[str, dict[str, str]], db: Engine
) -> None:
    """Staff lists come from memory between two writes too, kept apart by what the caller
    may see; the credentials are still checked on every request, so a revoked key gets its
    401 from a list that was kept for it."""
    from sqlalchemy import event, text

    editor, admin = keys["editor"], keys["admin"]
    city(app_client, editor, name="Tartu", country_code="EE")
    city(app_client, editor, name="Intern", country_code="EE", visibility="internal")
    city(app_client, admin, name="Vertraulich", country_code="EE", visibility="confidential")
    names = {
        who: {c["name"] for c in app_client.get("/v1/cities", headers=h).json()["items"]}
        for who, h in (("anonymous", {}), ("editor", editor), ("admin", admin))
    }
    assert names["anonymous"] == {"Tartu"}
    assert names["editor"] == {"Tartu", "Intern"}
    assert names["admin"] == {"Tartu", "Intern", "Vertraulich"}
    first = app_client.get("/v1/cities", headers=editor)
    assert first.headers["Cache-Control"] == "private, no-cache"
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(db, "before_cursor_execute", count)
    try:
        again = app_client.get("/v1/cities", headers=editor)
        revalidated = app_client.get(
            "/v1/cities", headers={**editor, "If-None-Match": first.headers["ETag"]}
        )
    finally:
        event.remove(db, "before_cursor_execute", count)
    assert (again.status_code, again.content) == (200, first.content)
    assert revalidated.status_code == 304
    assert revalidated.headers["Cache-Control"] == "private, no-cache"
    reads = [s for s in statements if "FROM cities" in s]
    assert reads == [], "between two writes a staff page comes from memory"
    assert sum("FROM api_keys" in s for s in statements) == 2, "the key is checked each time"
    other_editor = app_client.get("/v1/cities", headers=keys["reader"])
    assert other_editor.headers["ETag"] != first.headers["ETag"], "each role its own tag"
    with db.begin() as connection:
        connection.execute(text("UPDATE api_keys SET revoked_at = CURRENT_TIMESTAMP"))
    revoked = app_client.get("/v1/cities", headers=editor)
    assert revoked.status_code == 401, "a revoked key is refused, kept page or not"
    assert "Intern" not in revoked.text
    wrong = app_client.get("/v1/cities", headers={"X-API-Key": "ud_nothing_here"})
    assert wrong.status_code == 401


def test_a_burst_for_one_response_makes_it_once(
    settings: Settings, db: Engine, keys: dict[str, dict[str, str]]
) -> None:
    """Twenty visitors asking for the calendar at once: the first makes it, the others wait
    for it and get the same bytes."""
    import asyncio

    import httpx
    from sqlalchemy import event

    app = create_app(settings, db)
    with TestClient(app) as client:
        for day in range(1, 6):
            body = {
                "title": {"de": f"Empfang {day}"},
                "kind": "reception",
                "starts_at": f"2025-12-0{day}T18:00:00+01:00",
            }
            assert client.post("/v1/events", json=body, headers=keys["editor"]).status_code == 201
    reads: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "FROM events" in statement:
            reads.append(statement)

    async def burst() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as visitor:
            return await asyncio.gather(*(visitor.get("/v1/events.ics") for _ in range(20)))

    event.listen(db, "before_cursor_execute", count)
    try:
        responses = asyncio.run(burst())
    finally:
        event.remove(db, "before_cursor_execute", count)
    assert {r.status_code for r in responses} == {200}
    assert len({r.content for r in responses}) == 1
    assert b"Empfang 3" in responses[0].content
    assert len(reads) == 1, "one request read the events; the others waited for its answer"


def test_integer_query_parameters_are_digits_only(app_client: TestClient) -> None:
    """Pydantic alone reads "20000.00" as 20000; the contract says integer, so it is a 422."""
    for path, name in (
        ("/v1/changes", "since"),
        ("/v1/partnerships", "limit"),
        ("/v1/events", "sdg"),
        ("/v1/reports/annual", "year"),
    ):
        refused = app_client.get(path, params={name: "20.00"})
        assert refused.status_code == 422, (path, name, refused.text)
        assert refused.json()["errors"][0]["field"] == f"query.{name}"
    assert app_client.get("/v1/changes", params={"since": "20"}).status_code == 200


def test_another_process_write_is_seen_by_the_watched_cache(
    app_client: TestClient, keys: dict[str, dict[str, str]], db: Engine
) -> None:
    """A write of another process (another engine: another pool) commits a change: this
    process's cached list gets a new tag once told (PostgreSQL's notification, SQLite's data
    version), not after some time has passed."""
    from tests.db.test_watch import until, write_a_change
    from urbandiplo.db.engine import make_engine

    city(app_client, keys["editor"], name="Vilnius", country_code="LT")
    tag = app_client.get("/v1/cities").headers["ETag"]
    assert app_client.get("/v1/cities").headers["ETag"] == tag, "kept: nothing was written"
    other = make_engine(db.url.render_as_string(hide_password=False))
    try:
        write_a_change(other)
        started = time.monotonic()
        assert until(lambda: app_client.get("/v1/cities").headers["ETag"] != tag)
        assert time.monotonic() - started < revalidation.MAX_MARK_AGE, "told, not aged out"
    finally:
        other.dispose()


def test_kept_marks_are_read_again_when_the_moment_moves_or_they_age(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    reads: list[object] = []
    moment: list[int | None] = [1]

    def mark(_kinds: object) -> str:
        reads.append(moment[0])
        return str(len(reads))

    app = Starlette(routes=[Route("/x", lambda _request: PlainTextResponse("x"))])
    client = TestClient(
        revalidation.ListRevalidation(app, mark, paths={"/x": None}, moment=lambda: moment[0])
    )
    first = client.get("/x").headers["ETag"]
    assert client.get("/x").headers["ETag"] == first
    assert reads == [1], "kept while the moment holds"
    moment[0] = 2
    assert client.get("/x").headers["ETag"] != first
    assert reads == [1, 2], "read again once it moves"
    moment[0] = None
    client.get("/x")
    client.get("/x")
    assert reads == [1, 2, None, None], "read every time where the watch cannot tell"
    moment[0] = 3
    client.get("/x")
    monkeypatch.setattr(revalidation, "MAX_MARK_AGE", 0.0)
    client.get("/x")
    assert reads == [1, 2, None, None, 3, 3], "and read again when older than MAX_MARK_AGE"


def test_a_burst_that_finds_no_kept_mark_waits_for_one_read() -> None:
    """After a write moves the moment, the requests that arrive while the marks are read
    wait for that read and answer with its mark: one read for the burst, not one each."""
    import asyncio

    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    reads: list[int] = []
    reading, release = threading.Event(), threading.Event()

    def mark(_kinds: object) -> str:
        reads.append(1)
        reading.set()
        release.wait(5)
        return "the mark"

    app = Starlette(routes=[Route("/x", lambda _request: PlainTextResponse("x"))])
    middleware = revalidation.ListRevalidation(app, mark, paths={"/x": None}, moment=lambda: 1)

    async def get() -> list[dict[str, Any]]:
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: Any) -> None:
            sent.append(message)

        scope = {
            **{"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1"},
            **{"method": "GET", "scheme": "http", "path": "/x", "raw_path": b"/x"},
            **{"query_string": b"", "root_path": "", "headers": [], "state": {}},
            **{"client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)},
        }
        await middleware(scope, receive, send)
        return sent

    async def burst() -> list[list[dict[str, Any]]]:
        first = asyncio.create_task(get())
        assert await asyncio.to_thread(reading.wait, 5), "the first request reads the marks"
        others = [asyncio.create_task(get()) for _ in range(5)]
        await asyncio.sleep(0.05)  # the others arrive while the read goes on
        release.set()
        return await asyncio.gather(first, *others)

    answers = asyncio.run(burst())
    assert reads == [1], "one read"
    tags = {dict(answer[0]["headers"])[b"etag"] for answer in answers}
    assert [answer[0]["status"] for answer in answers] == [200] * 6
    assert len(tags) == 1, "all with the one mark"
