"""Several processes on one PostgreSQL database: a POST with an Idempotency-Key replayed to
another process gets the first response, whichever process answers; and `serve --workers 2`
serves from both workers and stops cleanly."""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from tests.conftest import new_postgres_database
from tests.process.server import READY_WITHIN, Server, api_key, start
from urbandiplo.db.engine import make_engine
from urbandiplo.db.models import DelegationRow, IdempotencyKeyRow
from urbandiplo.domain.access import Role

pytestmark = pytest.mark.postgres


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with new_postgres_database() as url:
        yield url


def editor_key(url: str) -> dict[str, str]:
    return {"X-API-Key": api_key(url, Role.EDITOR, "two processes")}


def post(url: str, path: str, headers: dict[str, str], body: dict[str, Any]) -> httpx.Response:
    """On a connection of its own, so that the process accepting it answers it."""
    with httpx.Client(timeout=30) as client:
        return client.post(f"{url}{path}", json=body, headers=headers)


def visit(city_id: str, purpose: str) -> dict[str, Any]:
    return {
        "direction": "outgoing",
        "title": {"de": "Besuch in Turku", "en": "Visit to Turku"},
        "purpose": {"de": purpose},
        "starts_on": "2026-06-01",
        "city_ids": [city_id],
        "members": [{"name": f"Mitglied {n}"} for n in range(20)],
    }


def stored(url: str) -> tuple[int, int]:
    """Delegations and kept responses in the database."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return (
                connection.execute(select(func.count()).select_from(DelegationRow)).scalar_one(),
                connection.execute(
                    select(func.count()).select_from(IdempotencyKeyRow)
                ).scalar_one(),
            )
    finally:
        engine.dispose()


def check_replays(first_url: str, other_url: str, headers: dict[str, str], city: str) -> None:
    """A POST to one process, then the same key to another: the same response; the key
    with another body: 422."""
    keyed = {**headers, "Idempotency-Key": "turku-2026-06"}
    first = post(first_url, "/v1/delegations", keyed, visit(city, "Partnerschaft"))
    assert first.status_code == 201, first.text
    assert "Idempotent-Replayed" not in first.headers

    replay = post(other_url, "/v1/delegations", keyed, visit(city, "Partnerschaft"))
    assert replay.status_code == first.status_code
    assert replay.content == first.content, "the same body, with the same id"
    assert replay.json()["id"] == first.json()["id"]
    assert len(replay.json()["members"]) == 20
    assert replay.headers["Location"] == first.headers["Location"]
    assert replay.headers["ETag"] == first.headers["ETag"]
    assert replay.headers["Idempotent-Replayed"] == "true"

    reused = post(other_url, "/v1/delegations", keyed, visit(city, "Klimaschutz"))
    assert reused.status_code == 422, reused.text
    assert reused.headers["Content-Type"].startswith("application/problem+json")
    assert "Idempotency-Key" in reused.text

    fetched = httpx.get(f"{other_url}{first.headers['Location']}", headers=headers, timeout=30)
    assert fetched.json() == first.json()


def test_a_key_replayed_to_another_process_gets_the_first_response(
    postgres_url: str, tmp_path: Path
) -> None:
    """Two server processes on one database, as two machines behind a load balancer."""
    first = start(postgres_url, tmp_path / "a.log", migrate=True)
    other = start(postgres_url, tmp_path / "b.log")
    try:
        first.wait_ready()
        other.wait_ready()  # ready only once the first has migrated the database
        headers = editor_key(postgres_url)
        city = post(first.url, "/v1/cities", headers, {"name": "Turku", "country_code": "FI"})
        assert city.status_code == 201, city.text
        check_replays(first.url, other.url, headers, city.json()["id"])
    finally:
        codes = [first.stop(), other.stop()]
    assert stored(postgres_url) == (1, 1), "one delegation, one kept response"
    # uvicorn ends a single-process server by raising the SIGTERM again after its graceful
    # shutdown; both ended by themselves within the deadline.
    assert set(codes) <= {0, -signal.SIGTERM}, codes


def worker_pids(server: Server) -> list[int]:
    """The worker processes uvicorn started, from their log lines, checked against /proc."""
    deadline = time.monotonic() + READY_WITHIN
    while True:
        pids = [int(p) for p in re.findall(r"Started server process \[(\d+)\]", server.output())]
        if len(pids) == 2:
            break
        assert time.monotonic() < deadline, f"two workers did not start:\n{server.output()}"
        time.sleep(0.05)
    for pid in pids:
        assert stat(pid)[1] == str(server.pid), f"{pid} is not a worker of the server"
    return pids


def stat(pid: int) -> list[str]:
    """/proc/<pid>/stat after the command name: state, parent pid, process group, ..."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def state(pid: int) -> str:
    return stat(pid)[0]


@contextmanager
def only(answering: int, pids: list[int]) -> Iterator[None]:
    """Every other worker stopped (SIGSTOP) for the block, so that `answering` accepts the
    connections made in it. uvicorn's supervisor would replace a worker that stays
    unanswering for 5 s; the blocks take a fraction of that."""
    others = [pid for pid in pids if pid != answering]
    for pid in others:
        os.kill(pid, signal.SIGSTOP)
    try:
        deadline = time.monotonic() + READY_WITHIN
        for pid in others:
            while state(pid) != "T":
                assert time.monotonic() < deadline, f"worker {pid} did not stop"
                time.sleep(0.01)
        yield
    finally:
        for pid in others:
            os.kill(pid, signal.SIGCONT)


def test_two_workers_answer_and_replay_each_others_keys(postgres_url: str, tmp_path: Path) -> None:
    """`serve --workers 2`: each worker answers while the other is stopped; a key POSTed to
    one worker is replayed by the other; SIGTERM stops both and the server exits with 0."""
    server = start(postgres_url, tmp_path / "workers.log", workers=2, migrate=True)
    try:
        server.wait_ready()
        one, two = worker_pids(server)
        headers = editor_key(postgres_url)
        for pid in (one, two):
            with only(pid, [one, two]):
                assert httpx.get(f"{server.url}/readyz", timeout=30).status_code == 200
        with only(one, [one, two]):
            city = post(server.url, "/v1/cities", headers, {"name": "Turku", "country_code": "FI"})
        assert city.status_code == 201, city.text
        keyed = {**headers, "Idempotency-Key": "turku-2026-06"}
        with only(one, [one, two]):
            first = post(server.url, "/v1/delegations", keyed, visit(city.json()["id"], "A"))
        with only(two, [one, two]):
            replay = post(server.url, "/v1/delegations", keyed, visit(city.json()["id"], "A"))
            reused = post(server.url, "/v1/delegations", keyed, visit(city.json()["id"], "B"))
        assert first.status_code == replay.status_code == 201, first.text
        assert replay.content == first.content
        assert replay.headers["Location"] == first.headers["Location"]
        assert replay.headers["Idempotent-Replayed"] == "true"
        assert reused.status_code == 422, reused.text
    finally:
        code = server.stop()
    output = server.output()
    assert code == 0, output
    for pid in (one, two):
        assert f"Finished server process [{pid}]" in output, "each worker shut down gracefully"
    assert stored(postgres_url) == (1, 1)
