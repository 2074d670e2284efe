"""Every list filter of the contract is served by an index on PostgreSQL: each list request's
statements, EXPLAINed with sequential scans priced out, do not read the list's table whole.
A filter without an index for it would still show a `Seq Scan` there (the planner's last
resort), or a scan of some index without a condition, sorted afterwards.

The data set is small, so the planner is told to avoid sequential scans where it can
(`enable_seqscan = off`); which index serves a filter at 100,000 rows is in bench/scale.py
and bench/README.md."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from urbandiplo.config import Settings
from urbandiplo.demo.loader import load
from urbandiplo.main import build_services, create_app

CONTRACT = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
# Not filters (paging), or a filter no B-tree can serve: `q` finds words inside texts, which
# the search index does, not the lists (see README, "search").
NOT_FILTERS = {"sort", "limit", "cursor", "q"}
# The collection an id filter names, so that it names a record (a filter naming none is
# answered without reading a page).
ID_FILTERS = {
    "city_id": "cities",
    "organisation_id": "organisations",
    "funder_id": "organisations",
    "applicant_id": "organisations",
    "partnership_id": "partnerships",
    "network_id": "networks",
    "project_id": "projects",
    "programme_id": "funding-programmes",
    "call_id": "funding-calls",
    "author_id": "organisations",
    "event_id": "events",
}
# Values for each filter where its schema gives no enum: any value the API accepts does, as
# the plan, not the result, is under test.
VALUES = {
    "date": "2025-12-01",
    "date-time": "2025-12-01T00:00:00Z",
    "uuid": str(uuid.UUID(int=1)),
    "integer": "11",
    "boolean": "true",
    "string": "Sommerfest",
}


def list_filters() -> Iterator[tuple[str, str, str]]:
    """(path, parameter, value) for every query filter of every list in the contract."""
    contract = json.loads(CONTRACT.read_text(encoding="utf-8"))
    for path, operations in contract["paths"].items():
        operation = operations.get("get", {})
        if not operation.get("operationId", "").endswith("-list") or "{" in path:
            continue
        for parameter in operation.get("parameters", []):
            name = parameter["name"]
            if parameter["in"] != "query" or name in NOT_FILTERS:
                continue
            yield path, name, _value(contract, parameter["schema"])


def _value(contract: dict[str, Any], schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        schema = contract["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "anyOf" in schema:
        return _value(contract, schema["anyOf"][0])
    if "enum" in schema:
        return str(schema["enum"][0])
    if "pattern" in schema and schema.get("maxLength") == 2:
        return "FR"  # a country code
    if schema.get("maxLength") == 2 and schema.get("minLength") == 2:
        return "FR"
    kind = schema.get("type", "string")
    if kind == "string":
        kind = schema.get("format", "string")
    return VALUES.get(kind, VALUES["string"])


def whole_table_reads(node: dict[str, Any], table: str, sorted_above: bool = False) -> list[str]:
    """The scans of the list's own table that read it whole: sequential ones, and index
    scans without an index condition whose rows are then sorted or aggregated (an ordered
    index scan under the LIMIT stops after the page; under a sort it reads everything
    first). Related rows are left out: on a few rows the planner's choice among their
    indexes is a coin toss (bench/scale.py shows them at size)."""
    found = []
    kind = node["Node Type"]
    if node.get("Relation Name") == table:
        if kind == "Seq Scan":
            found.append(f"{kind} on {table}")
        elif "Index" in kind and "Index Cond" not in node and sorted_above:
            found.append(f"{kind} on {table} ({node.get('Index Name')}), then sorted")
    # An incremental sort orders groups of an ordered input as they come: not a whole read.
    sorting = sorted_above or kind in {"Sort", "Aggregate", "Hash"}
    for child in node.get("Plans", []):
        found += whole_table_reads(child, table, sorting)
    return found


@pytest.fixture
def statements(db: Engine) -> Iterator[list[tuple[str, Any]]]:
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        captured.append((statement, params))

    event.listen(db, "before_cursor_execute", capture)
    yield captured
    event.remove(db, "before_cursor_execute", capture)


def test_the_filters_come_from_the_contract() -> None:
    found = {(path, name) for path, name, _value in list_filters()}
    assert ("/v1/partnerships", "country_code") in found
    assert ("/v1/events", "from") in found
    assert len(found) > 50


@pytest.mark.postgres
def test_every_list_filter_is_an_index_scan(
    db: Engine,
    keys: dict[str, dict[str, str]],
    statements: list[tuple[str, Any]],
) -> None:
    if db.dialect.name != "postgresql":
        pytest.skip("query plans are PostgreSQL's; SQLite has its own planner")
    settings = Settings(database_url=db.url.render_as_string(hide_password=False))
    load(build_services(settings, db))
    unserved: list[str] = []
    with TestClient(create_app(settings, db)) as client:
        # The demo data has no call for proposals.
        programme = client.get("/v1/funding-programmes", headers=keys["admin"]).json()["items"][0]
        created = client.post(
            "/v1/funding-calls",
            headers=keys["admin"],
            json={
                "programme_id": programme["id"],
                "title": {"de": "Aufruf 2026"},
                "opens_on": "2026-01-15",
                "deadline": "2026-03-19T17:00:00+01:00",
            },
        )
        assert created.status_code == 201, created.text
        with db.connect() as connection:  # the statistics a running database has
            connection.exec_driver_sql("COMMIT")
            connection.exec_driver_sql("ANALYZE")
        for path, name, value in list_filters():
            if name in ID_FILTERS:
                listed = client.get(f"/v1/{ID_FILTERS[name]}", headers=keys["admin"])
                assert listed.json()["items"], (name, "the demo data has no record to name")
                value = listed.json()["items"][0]["id"]
            statements.clear()
            response = client.get(path, params={name: value}, headers=keys["admin"])
            assert response.status_code == 200, (path, name, value, response.text)
            pages = [(sql, params) for sql, params in statements if " LIMIT " in sql]
            if not pages:
                unserved.append(f"{path}?{name}={value}: no page read")
            for sql, params in pages:
                with db.connect() as connection:
                    raw = connection.connection.driver_connection
                    assert raw is not None
                    raw.execute("SET enable_seqscan = off")
                    found = raw.execute(f"EXPLAIN (FORMAT JSON) {sql}", params).fetchone()
                    raw.execute("RESET enable_seqscan")
                assert found is not None
                table = path.removeprefix("/v1/").replace("-", "_")
                scans = whole_table_reads(found[0][0]["Plan"], table)
                if scans:
                    unserved.append(f"{path}?{name}={value}: {scans}")
    assert unserved == [], "\n".join(unserved)


def test_value_examples_are_dates_where_dates_are_asked() -> None:
    values = {(path, name): value for path, name, value in list_filters()}
    assert date.fromisoformat(values[("/v1/events", "from")])
