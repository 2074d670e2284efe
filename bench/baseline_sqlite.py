"""The ceiling on SQLite: bench/baseline.py's routes, shapes and bytes over the same file
urbandiplo serves, with the standard library's sqlite3 and orjson and nothing in between.

SQLite runs in the process, so the fastest honest way is to call it on the event loop's own
thread (one connection, no worker threads to hand each statement to and back): every
statement here reads or writes a few pages of a file the operating system has in memory.
The connection has urbandiplo's pragmas (WAL, synchronous=NORMAL, foreign keys,
secure_delete), so that a create is as durable as urbandiplo's.

SQLite stores ids as 32 hex digits, times as naive UTC text and JSON as text (as SQLAlchemy
writes them for urbandiplo); they are turned into the values bench/baseline.py has from
PostgreSQL, so that `baseline._item` and orjson answer the very same bytes. SQLite 3.40 has
no ORDER BY inside an aggregate: the json_agg shape aggregates an ordered subquery.

    BASELINE_DATABASE_URL=sqlite:///path BASELINE_SHAPE=json_agg uvicorn bench.baseline_sqlite:app
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any

import orjson
from bench import baseline
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response

LIMIT = baseline.LIMIT
PUBLIC = baseline.PUBLIC
ORDER = "ORDER BY p.established_on, p.id"
FROM = baseline.FROM
COLUMNS = baseline.COLUMNS


def _children(owner: str) -> dict[str, str]:
    """Each child list's statement for the partnership(s) `owner` names, one row each with
    its fields in order (the json_agg shape wraps them in an ordered subquery)."""
    return {
        "status_history": f"""SELECT s.partnership_id AS owner, json_object('changed_on',
            s.changed_on, 'precision', s.precision, 'status', s.status, 'kind', s.kind,
            'reason', json(s.reason), 'council_decision', s.council_decision) AS doc
            FROM partnership_status_changes s WHERE s.partnership_id {owner}
            ORDER BY s.partnership_id, s.position""",
        "council_decisions": f"""SELECT d.partnership_id AS owner, json_object('reference',
            d.reference, 'decided_on', d.decided_on, 'url', d.url, 'subject',
            json(d.subject)) AS doc
            FROM partnership_council_decisions d WHERE d.partnership_id {owner}
            ORDER BY d.partnership_id, d.position""",
        "sdgs": f"""SELECT x.partnership_id AS owner, x.sdg AS doc FROM partnership_sdgs x
            WHERE x.partnership_id {owner} ORDER BY x.partnership_id, x.sdg""",
        "fields_of_action": f"""SELECT f.partnership_id AS owner, f.field_of_action AS doc
            FROM partnership_fields_of_action f WHERE f.partnership_id {owner}
            ORDER BY f.partnership_id, f.field_of_action""",
        "associations": f"""SELECT a.partnership_id AS owner, json_object('id', o.id,
            'name', o.name, 'kind', o.kind, 'website', o.website) AS doc
            FROM partnership_associations a JOIN organisations o ON o.id = a.organisation_id
            WHERE a.partnership_id {owner} AND o.visibility = 'public'
            ORDER BY a.partnership_id, a.position""",
    }


# Shape 1: one statement, each child list a json_group_array over an ordered subquery.
SCALAR_CHILDREN = set(baseline.SCALAR_CHILDREN)
NESTED = (
    f"SELECT {COLUMNS}, "
    + ", ".join(
        f"(SELECT json_group_array({'doc' if name in SCALAR_CHILDREN else 'json(doc)'})"
        f" FROM ({statement})) AS {name}"
        for name, statement in _children("= p.id").items()
    )
    + f" {FROM}"
)
# SQLite orders NULL first, PostgreSQL (and urbandiplo's pages) last: the partnerships with
# a founding day, then those without, each part by an index.
DATED = f"{PUBLIC} AND p.established_on IS NOT NULL {ORDER} LIMIT :limit"
UNDATED = f"{PUBLIC} AND p.established_on IS NULL ORDER BY p.id LIMIT :limit"
ITEM = f"{PUBLIC} AND p.id = :id"

# Shape 2: the page flat, and one flat statement per child table for the page's ids.
FLAT = f"SELECT {COLUMNS} {FROM}"

SHAPE = os.environ.get("BASELINE_SHAPE", "batched")
connection: sqlite3.Connection | None = None


def _uuid(hex_: str) -> uuid.UUID:
    return uuid.UUID(hex_)


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text is not None else None


def _json(text: str | None) -> Any:
    return orjson.loads(text) if text is not None else None


# How each column of the page's row becomes what PostgreSQL hands bench/baseline.py.
CONVERT: dict[str, Callable[[Any], Any]] = {
    "id": _uuid,
    "city_id": _uuid,
    "partner_city_id": _uuid,
    "established_on": _day,
    "ended_on": _day,
    "economic_profile": _json,
    "description": _json,
    "created_at": _time,
    "updated_at": _time,
    "c_names": _json,
    "pc_names": _json,
}


def _associations(found: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**a, "id": _uuid(a["id"])} for a in found]


def _row(names: Sequence[str], values: Sequence[Any]) -> dict[str, Any]:
    row = dict(zip(names, values, strict=True))
    for name, convert in CONVERT.items():
        row[name] = convert(row[name])
    return row


@asynccontextmanager
async def lifespan(_app: Starlette) -> AsyncIterator[None]:
    global connection
    path = os.environ["BASELINE_DATABASE_URL"].removeprefix("sqlite:///")
    connection = sqlite3.connect(path, isolation_level=None)
    for pragma in (
        "journal_mode=WAL",
        "synchronous=NORMAL",
        "foreign_keys=ON",
        "busy_timeout=30000",
        "secure_delete=ON",
    ):
        connection.execute(f"PRAGMA {pragma}")
    yield
    connection.close()


def _select(head: str, id_: uuid.UUID | None) -> list[dict[str, Any]]:
    """The rows of `head` (its columns and FROM) for the page, or for the item `id_`."""
    assert connection is not None

    def fetch(where: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        assert connection is not None
        cursor = connection.execute(f"{head} WHERE {where}", params)
        names = [d[0] for d in cursor.description]
        return [_row(names, values) for values in cursor.fetchall()]

    if id_ is not None:
        return fetch(ITEM, {"id": id_.hex})
    rows = fetch(DATED, {"limit": LIMIT + 1})
    if len(rows) <= LIMIT:
        rows += fetch(UNDATED, {"limit": LIMIT + 1 - len(rows)})
    return rows


def _rows(id_: uuid.UUID | None = None) -> list[dict[str, Any]]:
    """The page's (or the item's) rows, each with its child lists."""
    assert connection is not None
    if SHAPE == "json_agg":
        rows = _select(NESTED, id_)
        for row in rows:
            for name in _children(""):
                row[name] = orjson.loads(row[name])
            row["associations"] = _associations(row["associations"])
        return rows
    rows = _select(FLAT, id_)
    ids = [r["id"].hex for r in rows]
    owner = f"IN ({', '.join('?' * len(ids))})" if ids else "IN (NULL)"
    for name, statement in _children(owner).items():
        grouped: dict[str, list[Any]] = defaultdict(list)
        for found_owner, doc in connection.execute(statement, ids):
            grouped[found_owner].append(doc if name in SCALAR_CHILDREN else orjson.loads(doc))
        for row in rows:
            found = grouped.get(row["id"].hex, [])
            row[name] = _associations(found) if name == "associations" else found
    return rows


def _list_body() -> bytes:
    rows = _rows()
    page = rows[:LIMIT]
    next_cursor = baseline._cursor(page[-1]) if len(rows) > LIMIT else None
    return orjson.dumps(
        {"items": [baseline._item(r) for r in page], "next_cursor": next_cursor},
        option=orjson.OPT_SORT_KEYS,
    )


async def partnerships(request: Request) -> Response:
    return baseline._respond(request, _list_body())


kept: dict[str, tuple[bytes, str]] = {}


async def partnerships_from_memory(request: Request) -> Response:
    if "list" not in kept:
        body = _list_body()
        kept["list"] = (body, baseline._etag(body))
    body, etag = kept["list"]
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag})
    return Response(body, media_type="application/json", headers={"ETag": etag})


async def partnership(request: Request) -> Response:
    rows = _rows(uuid.UUID(request.path_params["id"]))
    if not rows:
        return Response(status_code=404)
    return baseline._respond(
        request, orjson.dumps(baseline._item(rows[0]), option=orjson.OPT_SORT_KEYS)
    )


KEY = "SELECT id, role, secret_hash, revoked_at FROM api_keys WHERE prefix = :prefix"
CITY = """INSERT INTO cities (name, names, country_code, subdivision_code, latitude, longitude,
    population, wikidata_id, geonames_id, notes, id, visibility, created_at, updated_at,
    version, search_text) VALUES (:name, :names, :country_code, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, :id, 'public', :now, :now, 1, :search_text)"""
AUDIT = """INSERT INTO audit_log (id, at, actor, operation, record_type, record_id,
    visibility, "before", "after") VALUES (:audit_id, :now, :actor, 'create', 'city',
    :id, 'public', 'null', :after)"""
FTS = "INSERT INTO search_fts (key, folded) VALUES (:key, :folded)"
SEARCH = """INSERT INTO search_index (record_type, record_id, key, visibility, title, text,
    fts_rowid) VALUES ('cities', :id, :key, 'public', :title, :name, :fts_rowid)"""
CHANGE = """INSERT INTO changes (seq, at, record_type, record_id, operation,
    visibility_before, visibility_after) VALUES (:seq, :now, 'cities', :id, 'upsert', NULL,
    'public')"""
MARK = """INSERT INTO change_marks (key, seq, at) VALUES ('cities', :seq, :now)
    ON CONFLICT (key) DO UPDATE SET seq = excluded.seq, at = excluded.at"""


async def create_city(request: Request) -> Response:
    """A new city with the rows urbandiplo writes for it (the city, its audit entry, its
    search entry with its full-text row, its change and the mark of its kind), after
    checking the editor's key, in one immediate transaction."""
    assert connection is not None
    _, prefix, secret = request.headers.get("x-api-key", "").split("_", 2)
    given = orjson.loads(await request.body())
    now = datetime.now(UTC)
    record = baseline.new_city(given, now)
    key = connection.execute(KEY, {"prefix": prefix}).fetchone()
    digest = hashlib.sha256(secret.encode()).hexdigest()
    if key is None or key[3] is not None or key[2] != digest:
        return Response(status_code=401)
    folded = " ".join([record["name"].casefold()] * 3)
    values = {
        "id": record["id"].hex,
        "name": record["name"],
        "names": orjson.dumps(record["names"]).decode(),
        "country_code": record["country_code"],
        "search_text": record["name"].casefold(),
        "audit_id": uuid.uuid4().hex,
        "actor": f"api-key:{uuid.UUID(key[0])}",
        "after": orjson.dumps(record).decode(),
        "key": f"cities:{record['id']}",
        "title": orjson.dumps({"de": record["name"], "en": record["name"]}).decode(),
        "folded": folded,
        "now": now.strftime("%Y-%m-%d %H:%M:%S.%f"),
    }
    connection.execute("BEGIN IMMEDIATE")
    try:
        values["fts_rowid"] = connection.execute(FTS, values).lastrowid
        (values["seq"],) = connection.execute(
            "UPDATE change_clock SET value = value + 1 WHERE id = 1 RETURNING value"
        ).fetchone()
        for statement in (CITY, AUDIT, SEARCH, CHANGE, MARK):
            connection.execute(statement, values)
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    body = orjson.dumps(record, option=orjson.OPT_SORT_KEYS)
    return Response(body, status_code=201, media_type="application/json")


app = baseline.app_of(sys.modules[__name__])
