"""Rate limits: anonymous feeds per client address, contributors' writes per organisation,
each refused with 429 and `Retry-After` beyond the budget; staff and other reads are not
counted. The counters are in the database (two workers sharing them: tests/process)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.test_contributions import EVENT
from tests.conftest import headers
from tests.unit.fakes import FakeUnitOfWorkFactory
from urbandiplo.config import Settings
from urbandiplo.domain.ratelimits import KEPT_SECONDS, Budget, RateLimitService
from urbandiplo.main import create_app

WINDOW = 86400  # a day: the test does not straddle two windows (checked below)


@pytest.fixture
def limited(settings: Settings, db: Engine) -> Iterator[TestClient]:
    strict = settings.model_copy(
        update={
            "rate_limit_feeds": 3,
            "rate_limit_contributor_writes": 2,
            "rate_limit_window_seconds": WINDOW,
        }
    )
    with TestClient(create_app(strict, db)) as client:
        yield client


def check_refused(response: Any, limit: int) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert response.json()["type"] == "/problems/too-many-requests"
    retry = int(response.headers["Retry-After"])
    assert 1 <= retry <= WINDOW
    assert response.headers["RateLimit-Limit"] == str(limit)
    assert response.headers["RateLimit-Remaining"] == "0"
    assert response.headers["RateLimit-Reset"] == str(retry)


def test_an_anonymous_burst_on_a_feed_gets_429_with_retry_after(limited: TestClient) -> None:
    first = limited.get("/v1/events.ics")
    assert first.status_code == 200
    assert int(first.headers["RateLimit-Reset"]) > 60, "too close to the window's end"
    assert (first.headers["RateLimit-Limit"], first.headers["RateLimit-Remaining"]) == ("3", "2")
    # A revalidation answered before routing counts too.
    again = limited.get("/v1/events.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    third = limited.get("/v1/changes", params={"since": 0})  # the feeds share one budget
    assert third.status_code == 200, third.text
    assert third.headers["RateLimit-Remaining"] == "0"
    check_refused(limited.get("/v1/events.ics"), 3)
    check_refused(limited.get("/v1/changes"), 3)
    # Lists and items are not feeds: not counted, no headers.
    listed = limited.get("/v1/events")
    assert listed.status_code == 200
    assert "RateLimit-Limit" not in listed.headers


def test_staff_are_not_limited(limited: TestClient, keys: dict[str, dict[str, str]]) -> None:
    for _ in range(5):
        feed = limited.get("/v1/events.ics", headers=keys["reader"])
        assert feed.status_code == 200
        assert "RateLimit-Limit" not in feed.headers
    for n in range(4):
        city = limited.post(
            "/v1/cities", json={"name": f"Turku {n}", "country_code": "FI"}, headers=keys["editor"]
        )
        assert city.status_code == 201, city.text
        assert "RateLimit-Limit" not in city.headers


def test_a_contributors_writes_are_limited_per_organisation(
    limited: TestClient, contributors: dict[str, dict[str, str]]
) -> None:
    a, b = headers(contributors["A"]), headers(contributors["B"])
    body = {"kind": "event", "event": EVENT}
    made = limited.post("/v1/contributions", json=body, headers=a)
    assert made.status_code == 201, made.text
    assert (made.headers["RateLimit-Limit"], made.headers["RateLimit-Remaining"]) == ("2", "1")
    # A refused write counts as well (422 here): every attempt does.
    refused = limited.post("/v1/contributions", json={"kind": "event"}, headers=a)
    assert refused.status_code == 422
    assert refused.headers["RateLimit-Remaining"] == "0"
    check_refused(limited.post("/v1/contributions", json=body, headers=a), 2)
    item = f"/v1/contributions/{made.json()['id']}"
    check_refused(limited.patch(item, json={"message": "später"}, headers=a), 2)
    nothing = limited.get(item, headers=a)  # reads are not counted: the draft is unchanged
    assert nothing.status_code == 200
    assert nothing.json()["message"] is None
    assert "RateLimit-Limit" not in nothing.headers
    # Another organisation has a budget of its own.
    other = limited.post("/v1/contributions", json=body, headers=b)
    assert other.status_code == 201, other.text
    assert other.headers["RateLimit-Remaining"] == "1"


def test_a_new_window_gives_the_full_budget_and_old_windows_are_forgotten() -> None:
    uow = FakeUnitOfWorkFactory()
    now = [1_000_000.0]
    limits = RateLimitService(uow, clock=lambda: now[0])
    budget = Budget(2, 60)
    seen = [limits.charge("feeds:x", budget) for _ in range(3)]
    assert [(a.used, a.remaining, a.exceeded) for a in seen] == [
        (1, 1, False),
        (2, 0, False),
        (3, 0, True),
    ]
    assert seen[0].reset_seconds == 60 - 1_000_000 % 60
    now[0] += 60
    fresh = limits.charge("feeds:x", budget)
    assert (fresh.used, fresh.exceeded) == (1, False)
    assert limits.charge("feeds:y", budget).used == 1, "buckets are counted apart"
    now[0] += KEPT_SECONDS + 60
    limits.charge("feeds:x", budget)
    assert list(uow.stores.rate_counters) == [("feeds:x", int(now[0] // 60) * 60)]
