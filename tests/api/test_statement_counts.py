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
]


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
    with counted(db) as one:
        single = app_client.get(path, params={"limit": 1}, headers=admin)
    with counted(db) as many:
        full = app_client.get(path, params={"limit": 200}, headers=admin)
    assert len(single.json()["items"]) == 1
    assert len(full.json()["items"]) >= 5, "the demo data fills the page"
    assert len(one) == len(many), (path, one, many)
