"""One budget for every worker: `serve --workers 2`, on SQLite and on PostgreSQL, each worker
answering in turn (the other stopped), together refuse what goes beyond the budget, because
the counters are in the database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import new_postgres_database
from tests.process.server import start
from tests.process.test_workers import only, worker_pids
from urbandiplo.config import Settings
from urbandiplo.db.engine import make_engine
from urbandiplo.domain.access import SYSTEM
from urbandiplo.domain.organisations import OrganisationFields, OrganisationKind
from urbandiplo.domain.values import Visibility
from urbandiplo.main import build_services

FEEDS = 10
WRITES = 4


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'limits.db'}"
    else:
        with new_postgres_database() as url:
            yield url


def contributor_key(url: str) -> str:
    """An organisation and its contributor's key, in the migrated database."""
    engine = make_engine(url)
    try:
        services = build_services(Settings(database_url=url), engine)
        organisation = services.organisations.create(
            SYSTEM,
            OrganisationFields(
                name="Freundeskreis Köln-Dnipro e.V.",
                kind=OrganisationKind.ASSOCIATION,
                visibility=Visibility.PUBLIC,
            ),
        )
        return services.api_keys.create("Verein", None, organisation.id)[1]
    finally:
        engine.dispose()


def statuses(url: str, count: int, **request: object) -> list[int]:
    """`count` requests, each on a connection of its own (accepted by a running worker)."""
    found = []
    for _ in range(count):
        with httpx.Client(timeout=30) as client:
            found.append(client.request(url=url, **request).status_code)  # type: ignore[arg-type]
    return found


def test_two_workers_share_one_budget(database_url: str, tmp_path: Path) -> None:
    server = start(
        database_url,
        tmp_path / "workers.log",
        workers=2,
        migrate=True,
        env={
            "URBANDIPLO_RATE_LIMIT_FEEDS": str(FEEDS),
            "URBANDIPLO_RATE_LIMIT_CONTRIBUTOR_WRITES": str(WRITES),
            "URBANDIPLO_RATE_LIMIT_WINDOW_SECONDS": "86400",  # no new window mid-test
        },
    )
    try:
        server.wait_ready()
        one, two = worker_pids(server)
        feed = f"{server.url}/v1/events.ics"
        with only(one, [one, two]):
            first = httpx.get(feed, timeout=30)
            assert first.status_code == 200, first.text
            assert int(first.headers["RateLimit-Reset"]) > 120, "too close to the window's end"
            by_one = statuses(feed, 5, method="GET")
        with only(two, [one, two]):
            by_two = statuses(feed, 6, method="GET")
            refused = httpx.get(feed, timeout=30)
        assert by_one == [200] * 5
        assert by_two == [200] * 4 + [429] * 2, "the second worker knows the first one's count"
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 86400

        key = {"X-API-Key": contributor_key(database_url)}
        body = {
            "kind": "event",
            "event": {
                "title": {"de": "Kulturabend"},
                "kind": "exchange",
                "starts_at": "2026-03-20T19:00:00+01:00",
            },
        }
        writes = f"{server.url}/v1/contributions"
        with only(one, [one, two]):
            made = statuses(writes, 3, method="POST", json=body, headers=key)
        with only(two, [one, two]):
            more = statuses(writes, 2, method="POST", json=body, headers=key)
        assert made == [201] * 3
        assert more == [201, 429]
    finally:
        code = server.stop()
    assert code == 0, server.output()
