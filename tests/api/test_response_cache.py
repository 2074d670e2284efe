"""The response cache retires only what a write can change: each kept read names the kinds of
record it is made of (api.revalidation.REVALIDATED), and those names hold against the
tables it reads."""

from __future__ import annotations

import re
import typing
import uuid
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.test_statement_counts import counted
from urbandiplo.api.revalidation import REVALIDATED
from urbandiplo.api.search import RecordType
from urbandiplo.config import Settings
from urbandiplo.demo.loader import load
from urbandiplo.domain.changes import EXISTING, VISIBILITY
from urbandiplo.main import build_services

Headers = dict[str, str]
COLLECTIONS = set(typing.get_args(RecordType))  # every collection of records
# Read on the way and not records of a collection: the caller's key, the marks themselves.
NOT_RECORDS = {"api_keys", "change_marks", "changes"}
PARAMS = {"/v1/partnerships/anniversaries": {"year": "2026"}}


def collection_of(table: str) -> str:
    """The collection whose writes write this table: its own, or one of its children
    (`partnership_sdgs`, `event_partnerships`: a link is its event's)."""
    for collection in COLLECTIONS:
        name = collection.replace("-", "_")
        stem = name if name == "news" else name.removesuffix("s")
        if table == name or table.startswith(stem + "_"):
            return collection
    raise AssertionError(f"{table}: no collection writes it; name it here or in NOT_RECORDS")


def tables_read(statements: list[str]) -> set[str]:
    return {t for s in statements for t in re.findall(r'(?:FROM|JOIN)\s+"?(\w+)', s)}


def test_each_kept_read_names_every_kind_it_reads(
    app_client: TestClient, settings: Settings, db: Engine, keys: dict[str, Headers]
) -> None:
    """Anonymous, as staff and as a contributor, on the demo data (loaded once for every
    read): every table a kept read touches is one of a kind it names, so no write it depends
    on leaves it kept."""
    services = build_services(settings, db)
    load(services)
    organisation = app_client.get("/v1/organisations", headers=keys["admin"]).json()["items"][0]
    _key, contributor = services.api_keys.create("contributor", None, uuid.UUID(organisation["id"]))
    paths = sorted(p for p, kinds in REVALIDATED.items() if kinds)
    assert len(paths) > 10
    unnamed: dict[str, set[tuple[str, str]]] = {}
    for path in paths:
        kinds = REVALIDATED[path]
        assert kinds is not None
        read: set[str] = set()
        for headers in ({}, keys["admin"], {"X-API-Key": contributor}):
            with counted(db) as statements:
                response = app_client.get(path, params=PARAMS.get(path, {}), headers=headers)
            assert response.status_code == 200, (path, response.text)
            read |= tables_read(statements)
        named = {kind.removesuffix(VISIBILITY).removesuffix(EXISTING) for kind in kinds}
        own = path.removeprefix("/v1/").split("/")[0].split(".")[0]
        assert own in named | {"partner-cities"}, f"{path} does not name its own collection"
        missing = {
            (table, collection_of(table))
            for table in read - NOT_RECORDS
            if collection_of(table) not in named
        }
        if missing:
            unnamed[path] = missing
    assert unnamed == {}, "these reads read tables of kinds they do not name"


def write(client: TestClient, method: str, path: str, headers: Headers, **body: Any) -> Any:
    response = client.request(method, path, json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    return response.json()


def from_memory(client: TestClient, db: Engine, path: str) -> tuple[bool, bytes]:
    """Whether the anonymous read came from the cache (nothing but the marks read), and
    its body."""
    with counted(db) as statements:
        response = client.get(path)
    assert response.status_code == 200, response.text
    reads = [s for s in statements if not s.startswith("BEGIN")]
    return all("change_marks" in s for s in reads), response.content


def test_a_write_retires_only_the_reads_made_of_its_kind(
    app_client: TestClient, db: Engine, keys: dict[str, Headers]
) -> None:
    editor = keys["editor"]
    cologne = write(app_client, "POST", "/v1/cities", editor, name="Köln", country_code="DE")
    lille = write(app_client, "POST", "/v1/cities", editor, name="Lille", country_code="FR")
    pair = write(
        app_client,
        "POST",
        "/v1/partnerships",
        editor,
        city_id=cologne["id"],
        partner_city_id=lille["id"],
        kind="twinning",
        description={"de": "Alt"},
    )
    write(
        app_client,
        "POST",
        "/v1/events",
        editor,
        title={"de": "Partnerschaftsfest"},
        kind="fair",
        starts_at="2026-06-01T18:00:00+02:00",
        partnership_ids=[pair["id"]],
    )
    reads = ["/v1/events", "/v1/events.ics", "/v1/partnerships", "/v1/partner-cities.geojson"]
    kept = {path: from_memory(app_client, db, path)[1] for path in reads}
    assert all(from_memory(app_client, db, path) == (True, kept[path]) for path in reads)

    write(app_client, "PATCH", f"/v1/partnerships/{pair['id']}", editor, description={"de": "Neu"})
    for path in ("/v1/events", "/v1/events.ics"):
        assert from_memory(app_client, db, path) == (True, kept[path]), (
            f"{path} shows a partnership's id and visibility only: a new description leaves it kept"
        )
    cached, body = from_memory(app_client, db, "/v1/partnerships")
    assert not cached, "the partnerships are read again"
    assert b"Neu" in body
    assert not from_memory(app_client, db, "/v1/partner-cities.geojson")[0]

    write(app_client, "POST", "/v1/networks", editor, name="Eurocities", scope="european")
    for path in reads:
        assert from_memory(app_client, db, path)[0], f"a network's write leaves {path} kept"

    listed = {
        path: from_memory(app_client, db, path)[1] for path in ("/v1/cities", "/v1/organisations")
    }
    write(app_client, "POST", "/v1/cities", editor, name="Gent", country_code="BE")
    write(app_client, "POST", "/v1/organisations", editor, name="Freundeskreis", kind="association")
    for path in reads:
        assert from_memory(app_client, db, path)[0], (
            f"{path} embeds cities and organisations: a new one, named by nothing, leaves it kept"
        )
    for path, before in listed.items():
        cached, body = from_memory(app_client, db, path)
        assert not cached, f"{path} lists the new one: read again"
        assert body != before, f"{path} lists the new one"

    write(app_client, "PATCH", f"/v1/partnerships/{pair['id']}", editor, visibility="internal")
    cached, body = from_memory(app_client, db, "/v1/events")
    assert not cached, "a partnership that turns internal retires the events that link it"
    assert pair["id"] not in body.decode()
    assert pair["id"] in kept["/v1/events"].decode()
    write(app_client, "PATCH", f"/v1/cities/{lille['id']}", editor, name="Rijsel")
    assert not from_memory(app_client, db, "/v1/events.ics")[0], "an event's city may be it"
