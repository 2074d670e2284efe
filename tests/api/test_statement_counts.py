"""Every list issues the same number of SQL statements for one row as for a full page: related
rows load in one query per table, never one per row."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from urbandiplo.config import Settings
from urbandiplo.demo.loader import load
from urbandiplo.main import build_services

LISTS = [
    "/v1/cities",
    "/v1/partnerships",
    "/v1/organisations",
    "/v1/people",
    "/v1/networks",
    "/v1/events",
    "/v1/delegations",
    "/v1/projects",
    "/v1/funding-programmes",
    "/v1/funding-calls",
    "/v1/funding-applications",
]
ROWS = 5  # at least this many in every list


def top_up(client: TestClient, path: str, headers: dict[str, str]) -> None:
    """Add records where the demo data has fewer than ROWS, with the references they need
    (the seeds give no calls, and few programmes and applications)."""
    items = client.get(path, params={"limit": ROWS}, headers=headers).json()["items"]
    programme = client.get("/v1/funding-programmes", headers=headers).json()["items"][0]
    applicant = client.get("/v1/organisations", headers=headers).json()["items"][0]
    project = client.get("/v1/projects", headers=headers).json()["items"][0]
    for n in range(ROWS - len(items)):
        body: dict[str, Any] = {
            "/v1/funding-programmes": {"name": f"Programm {n}", "level": "state"},
            "/v1/funding-calls": {
                "programme_id": programme["id"],
                "title": {"de": f"Aufruf {n}"},
                "opens_on": "2026-01-15",
                "deadline": "2026-03-12T17:00:00+01:00",
            },
            "/v1/funding-applications": {
                "title": f"Antrag {n}",
                "programme_id": programme["id"],
                "project_id": project["id"],
                "applicant_id": applicant["id"],
                "requested": {"amount": "1000.00", "currency": "EUR"},
            },
        }[path]
        assert client.post(path, json=body, headers=headers).status_code == 201


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
    statements[:] = without_marks(statements)


def without_marks(statements: list[str]) -> list[str]:
    """The statements but the response cache's read of the change marks (and the BEGIN of
    its transaction on SQLite): it reads them when a write has moved them since it last
    did, so once after each write and not for the next request."""
    kept: list[str] = []
    for statement in statements:
        if "FROM change_marks" in statement:
            if kept and kept[-1].startswith("BEGIN"):
                kept.pop()
            continue
        kept.append(statement)
    return kept


@pytest.mark.parametrize("path", LISTS)
def test_list_statements_do_not_grow_with_rows(
    path: str,
    app_client: TestClient,
    settings: Settings,
    db: Engine,
    keys: dict[str, dict[str, str]],
) -> None:
    load(build_services(settings, db))
    admin = keys["admin"]
    top_up(app_client, path, admin)
    # Sorted by a column every row has a value in: a sort on one that may be empty reads
    # the rows without a value as a second range when the page is not full (db/listing.py).
    with counted(db) as one:
        single = app_client.get(path, params={"limit": 1, "sort": "created_at"}, headers=admin)
    with counted(db) as many:
        full = app_client.get(path, params={"limit": 200, "sort": "created_at"}, headers=admin)
    assert len(single.json()["items"]) == 1
    assert len(full.json()["items"]) >= ROWS, "the data fills the page"
    assert len(one) == len(many), (path, one, many)
