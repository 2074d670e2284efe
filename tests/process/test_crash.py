"""Crash safety: clients write delegations of 20 members through the real server, which is
killed with SIGKILL at a random moment, round after round, on one database that keeps what
every round left. After each restart every acknowledged write is there and complete, every
unanswered one, retried with its Idempotency-Key, is applied exactly once, and no table holds
part of a write: members, cities, the change, the audit entry, the search entry and the kept
response come with their delegation or not at all.

The kill moments come from a seeded RNG; the seed is printed and named in every failure, and
URBANDIPLO_CRASH_SEED replays its kill moments (not the request timings around them).
URBANDIPLO_CRASH_ROUNDS sets the rounds (50) on each database.

Every round restarts the server: a new process running `urbandiplo serve`, forked from a fork
server that has imported the application once (tests/process/forkserver.py), which saves
about 1.3 s of CPU a restart. URBANDIPLO_CRASH_EXEC=1 starts each one as a new interpreter
(`python -m urbandiplo.cli serve`) instead."""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from tests.conftest import new_postgres_database
from tests.process.server import ForkServer, Server, start
from urbandiplo.config import Settings
from urbandiplo.db import migrate
from urbandiplo.db.engine import make_engine
from urbandiplo.db.models import (
    AuditRow,
    ChangeClockRow,
    ChangeRow,
    DelegationCityRow,
    DelegationMemberRow,
    DelegationRow,
    IdempotencyKeyRow,
    SearchRow,
)
from urbandiplo.domain.access import Role
from urbandiplo.main import build_services

ROUNDS = int(os.environ.get("URBANDIPLO_CRASH_ROUNDS", "50"))
EXEC = os.environ.get("URBANDIPLO_CRASH_EXEC") == "1"
CLIENTS = 4  # concurrent writers, one connection each
MEMBERS = 20
MAX_KILL_DELAY = 0.3  # seconds after the writers start; uniform from 0
QUIET = {"URBANDIPLO_LOG_LEVEL": "WARNING"}

delegations = DelegationRow.__table__
members = DelegationMemberRow.__table__
delegation_cities = DelegationCityRow.__table__
changes = ChangeRow.__table__
change_clock = ChangeClockRow.__table__
audit_log = AuditRow.__table__
search_index = SearchRow.__table__
idempotency_keys = IdempotencyKeyRow.__table__


def crash_seed() -> int:
    given = os.environ.get("URBANDIPLO_CRASH_SEED")
    return int(given) if given else random.SystemRandom().randrange(2**32)


@dataclass
class Attempt:
    """One POST of the burst and what came back before the kill, if anything."""

    key: str
    body: dict[str, Any]
    status: int | None = None
    answer: Any = None
    location: str | None = None
    error: str | None = None  # the transport error of an unanswered request


@dataclass
class Tally:
    acknowledged: int = 0
    # Unanswered requests whose retry replayed a kept response: committed, answer lost.
    committed_unanswered: int = 0
    # Unanswered requests the retry created: the kill came before their commit.
    redone: int = 0
    errors: Counter[str] = field(default_factory=Counter)  # how the unanswered ones failed
    starts: float = 0.0  # seconds spent waiting for restarted servers to be ready


def delegation(key: str, city_id: str) -> dict[str, Any]:
    return {
        "direction": "incoming",
        "title": {"de": key},
        "starts_on": "2026-05-04",
        "city_ids": [city_id],
        "members": [
            {"name": f"Mitglied {n} von {key}", "function": f"Funktion {n}"} for n in range(MEMBERS)
        ],
        "programme": [{"on": "2026-05-04", "title": {"de": "Empfang im Rathaus"}}],
    }


class CrashRun:
    """The rounds on one database: state accumulates from round to round."""

    def __init__(self, url: str, tmp_path: Path, seed: int, forks: ForkServer | None) -> None:
        self.url = url
        self.tmp_path = tmp_path
        self.seed = seed
        self.rng = random.Random(seed)
        self.tag = f"crash-{seed}"
        self.forks = forks
        self.started = 0
        migrate.upgrade(url)
        self.engine = make_engine(url)
        services = build_services(Settings(database_url=url), self.engine)
        _key, plain = services.api_keys.create("crash test", Role.EDITOR)
        self.headers = {"X-API-Key": plain}
        self.sent: dict[str, Attempt] = {}  # every key ever sent, all of them retried since
        self.tally = Tally()

    def where(self, round_no: int) -> str:
        return f"seed {self.seed}, round {round_no}"

    def start(self) -> Server:
        self.started += 1
        log = self.tmp_path / f"server-{self.started}.log"
        if self.forks is None:
            return start(self.url, log, env=QUIET)
        return self.forks.start(self.url, log, env=QUIET)

    def run(self, rounds: int) -> None:
        server = self.restart()
        try:
            city = httpx.post(
                f"{server.url}/v1/cities",
                json={"name": "Baoding", "country_code": "CN"},
                headers=self.headers,
                timeout=30,
            )
            assert city.status_code == 201, city.text
            city_id = city.json()["id"]
            for round_no in range(rounds):
                attempts = self.burst(server, city_id, round_no)
                server = self.restart()
                self.check_round(server, attempts, round_no)
            self.check_api(server)
        finally:
            server.stop()
            self.engine.dispose()

    def restart(self) -> Server:
        server = self.start()
        began = time.monotonic()
        try:
            server.wait_ready()
        except BaseException:
            server.kill()
            raise
        self.tally.starts += time.monotonic() - began
        return server

    def burst(self, server: Server, city_id: str, round_no: int) -> list[Attempt]:
        """CLIENTS writers post delegations back to back until the server is killed, after a
        random delay."""
        delay = self.rng.uniform(0, MAX_KILL_DELAY)
        stop = threading.Event()
        per_client: list[list[Attempt]] = [[] for _ in range(CLIENTS)]
        failures: list[BaseException] = []

        def write(client: int) -> None:
            try:
                post_until_stopped(client)
            except BaseException as error:
                failures.append(error)

        def post_until_stopped(client: int) -> None:
            with httpx.Client(base_url=server.url, headers=self.headers, timeout=60) as http:
                n = 0
                while not stop.is_set():
                    key = f"{self.tag}-r{round_no}-c{client}-{n}"
                    n += 1
                    attempt = Attempt(key, delegation(key, city_id))
                    per_client[client].append(attempt)
                    try:
                        response = http.post(
                            "/v1/delegations", json=attempt.body, headers={"Idempotency-Key": key}
                        )
                    except httpx.TransportError as error:
                        attempt.error = type(error).__name__
                        return
                    attempt.status = response.status_code
                    is_json = response.headers.get("Content-Type", "").endswith("json")
                    attempt.answer = response.json() if is_json else response.text
                    attempt.location = response.headers.get("Location")

        writers = [threading.Thread(target=write, args=(c,)) for c in range(CLIENTS)]
        for writer in writers:
            writer.start()
        time.sleep(delay)
        server.kill()
        stop.set()
        for writer in writers:
            writer.join(timeout=60)
            assert not writer.is_alive(), f"{self.where(round_no)}: a writer hangs"
        assert not failures, f"{self.where(round_no)}: a writer failed: {failures[0]!r}"
        attempts = [a for client in per_client for a in client]
        for attempt in attempts:
            assert attempt.status in (None, 201), (
                f"{self.where(round_no)}: {attempt.key} answered before the kill with "
                f"{attempt.status}: {attempt.answer}"
            )
            self.sent[attempt.key] = attempt
        return attempts

    def check_round(self, server: Server, attempts: list[Attempt], round_no: int) -> None:
        where = self.where(round_no)
        with httpx.Client(base_url=server.url, headers=self.headers, timeout=60) as http:
            for attempt in attempts:
                if attempt.status is None:
                    continue
                self.tally.acknowledged += 1
                assert attempt.location is not None, where
                stored = http.get(attempt.location)
                assert stored.status_code == 200, f"{where}: acknowledged {attempt.key} lost"
                assert stored.json() == attempt.answer, f"{where}: {attempt.key} differs"
                assert len(stored.json()["members"]) == MEMBERS, f"{where}: {attempt.key}"
            for attempt in attempts:
                self.retry(http, attempt, where)
        self.check_database(where)

    def retry(self, http: httpx.Client, attempt: Attempt, where: str) -> None:
        """The same key and body again: the first response if there was one (or if the write
        committed unanswered), else a new record; either way once."""
        first = http.post(
            "/v1/delegations", json=attempt.body, headers={"Idempotency-Key": attempt.key}
        )
        assert first.status_code == 201, f"{where}: retry of {attempt.key}: {first.text}"
        replayed = first.headers.get("Idempotent-Replayed") == "true"
        if attempt.status is not None:
            assert replayed, f"{where}: acknowledged {attempt.key} was not replayed"
            assert first.json() == attempt.answer, f"{where}: replay of {attempt.key} differs"
            assert first.headers["Location"] == attempt.location, where
            return
        self.tally.errors[attempt.error or "?"] += 1
        if replayed:
            self.tally.committed_unanswered += 1
        else:
            self.tally.redone += 1
        again = http.post(
            "/v1/delegations", json=attempt.body, headers={"Idempotency-Key": attempt.key}
        )
        assert again.status_code == 201, f"{where}: second retry of {attempt.key}: {again.text}"
        assert again.headers.get("Idempotent-Replayed") == "true", where
        assert again.json() == first.json(), f"{where}: {attempt.key} applied twice"
        attempt.status, attempt.answer = 201, first.json()
        attempt.location = first.headers["Location"]

    def check_database(self, where: str) -> None:
        """Straight from the tables: one delegation per key sent, each with all its rows and
        all the bookkeeping of its write, and no row of any of them without its delegation."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(delegations.c.id, delegations.c.title)).all()
            by_id = {row.id: row.title["de"] for row in rows}
            titles = Counter(by_id.values())
            twice = sorted(key for key, count in titles.items() if count > 1)
            assert not twice, f"{where}: written more than once: {twice}"
            assert set(titles) == set(self.sent), (
                f"{where}: missing {sorted(set(self.sent) - set(titles))}, "
                f"unexpected {sorted(set(titles) - set(self.sent))}"
            )
            member_counts: dict[Any, int] = dict(
                connection.execute(
                    select(members.c.delegation_id, func.count()).group_by(members.c.delegation_id)
                ).all()
            )
            assert set(member_counts) <= set(by_id), f"{where}: members without a delegation"
            short = {
                by_id[i]: member_counts.get(i, 0) for i in by_id if member_counts.get(i) != MEMBERS
            }
            assert not short, f"{where}: delegations without all {MEMBERS} members: {short}"
            city_counts = Counter(
                connection.execute(select(delegation_cities.c.delegation_id)).scalars()
            )
            assert set(city_counts) == set(by_id), f"{where}: delegation cities do not match"
            assert all(n == 1 for n in city_counts.values()), f"{where}: two cities"
            self.check_bookkeeping(connection, by_id, where)
            keys = dict(
                connection.execute(
                    select(idempotency_keys.c.key, idempotency_keys.c.body).where(
                        idempotency_keys.c.key.like(f"{self.tag}-%")
                    )
                ).all()
            )
            assert set(keys) == set(self.sent), f"{where}: kept responses do not match the keys"
            ids = {str(i): title for i, title in by_id.items()}
            wrong = {k: v for k, v in keys.items() if ids.get(orjson.loads(v)["id"]) != k}
            assert not wrong, f"{where}: kept responses name other records: {sorted(wrong)}"
        # No connection of the test outlives a check, so a restarted SQLite server is the
        # first to open the file after the crash and recovers its write-ahead log itself.
        self.engine.dispose()

    def check_bookkeeping(self, connection: Any, by_id: dict[Any, str], where: str) -> None:
        """Each delegation's write left one change, one audit entry and one search entry,
        and the change feed's numbers run without a gap to the counter."""
        # The feed stores a create as `upsert`; the audit log names it `create`, and the
        # record type in the singular.
        for table, record_type, operation, name in (
            (changes, "delegations", "upsert", "changes"),
            (audit_log, "delegation", "create", "audit entries"),
        ):
            found = Counter(
                connection.execute(
                    select(table.c.record_id, table.c.operation).where(
                        table.c.record_type == record_type
                    )
                ).all()
            )
            assert set(found) == {(i, operation) for i in by_id}, f"{where}: {name} do not match"
            assert all(n == 1 for n in found.values()), f"{where}: {name}: two for one delegation"
        indexed = Counter(
            connection.execute(
                select(search_index.c.record_id).where(search_index.c.record_type == "delegations")
            ).scalars()
        )
        assert set(indexed) == set(by_id), f"{where}: search entries do not match"
        count, lowest, highest = connection.execute(
            select(func.count(), func.min(changes.c.seq), func.max(changes.c.seq))
        ).one()
        clock = connection.execute(select(change_clock.c.value)).scalar_one()
        assert (count, lowest, highest, clock) == (len(by_id) + 1, 1, count, count), (
            f"{where}: change numbers: {count} changes from {lowest} to {highest}, clock {clock}"
        )

    def check_api(self, server: Server) -> None:
        """The list and the change feed, as a client syncing over HTTP sees them."""
        where = f"seed {self.seed}, at the end"
        with httpx.Client(base_url=server.url, headers=self.headers, timeout=60) as http:
            listed: list[dict[str, Any]] = []
            cursor: str | None = None
            while True:
                params: dict[str, Any] = {"limit": 200, **({"cursor": cursor} if cursor else {})}
                page = http.get("/v1/delegations", params=params).json()
                listed += page["items"]
                cursor = page["next_cursor"]
                if cursor is None:
                    break
            titles = Counter(item["title"]["de"] for item in listed)
            assert titles == Counter(list(self.sent)), f"{where}: the list has not one per key"
            assert all(len(item["members"]) == MEMBERS for item in listed), where
            for item in listed:
                assert item == self.sent[item["title"]["de"]].answer, f"{where}: {item['id']}"
            feed: list[dict[str, Any]] = []
            since = 0
            while True:
                body = http.get("/v1/changes", params={"since": since, "limit": 500}).json()
                feed += body["items"]
                if body["next_since"] == since:
                    break
                since = body["next_since"]
            changed = Counter(
                (item["id"], item["operation"]) for item in feed if item["type"] == "delegations"
            )
            assert changed == Counter((item["id"], "upsert") for item in listed), (
                f"{where}: the change feed has not one change per delegation"
            )
            assert len(feed) == len(listed) + 1, f"{where}: the feed has more than the writes"


def crash(url: str, tmp_path: Path, rounds: int) -> None:
    seed = crash_seed()
    print(f"crash test: seed {seed} (URBANDIPLO_CRASH_SEED={seed} replays the kill moments)")
    began = time.monotonic()
    forks = None if EXEC else ForkServer()
    try:
        run = CrashRun(url, tmp_path, seed, forks)
        run.run(rounds)
    finally:
        if forks is not None:
            forks.close()
    tally = run.tally
    print(
        f"crash test on {make_url(url).get_backend_name()}: {rounds} rounds in "
        f"{time.monotonic() - began:.1f} s (waiting for restarts {tally.starts:.1f} s); "
        f"{len(run.sent)} delegations: {tally.acknowledged} acknowledged, "
        f"{tally.committed_unanswered} committed but unanswered (replayed on retry), "
        f"{tally.redone} unanswered and not committed (created on retry); "
        f"unanswered by error: {dict(tally.errors)}"
    )


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with new_postgres_database() as url:
        yield url


@pytest.mark.postgres
def test_crash_rounds_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    crash(postgres_url, tmp_path, ROUNDS)


def test_crash_rounds_on_sqlite(tmp_path: Path) -> None:
    crash(f"sqlite:///{tmp_path / 'crash.db'}", tmp_path, ROUNDS)
