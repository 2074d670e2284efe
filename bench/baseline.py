"""The ceiling the harness measures urbandiplo against: the fastest correct way a hand-written
route serves the same bytes as urbandiplo. One Starlette app, raw psycopg (async, a small
pool) and orjson, no framework in between:

- `GET /partnerships`: the same body as `GET /v1/partnerships?limit=50` (public view: the 50
  first public partnerships whose cities are public, by founding day, with both cities,
  the status history, council decisions, SDGs, fields of action and public associations,
  and the cursor of the next page), with its ETag and 304;
- `GET /partnerships/{id}`: the same body as `GET /v1/partnerships/{id}`;
- `GET /partnerships-from-memory`: the list's bytes as its first request made them, from
  memory (what the best response cache does);
- `POST /cities`: the rows urbandiplo writes for `POST /v1/cities` (the city, its audit
  entry, its change for the feed, its search entry, the response cache's mark of cities) in
  one transaction.

The list comes in two shapes (`BASELINE_SHAPE`): `json_agg`, one statement with a nested
`json_agg` subquery per child table, and `batched`, one flat statement per child table
(`partnership_id IN` the page's ids), sent together in one pipeline and joined in Python.
bench/run.py measures both and takes the faster as the ceiling.

    BASELINE_DATABASE_URL=postgresql://... BASELINE_SHAPE=batched uvicorn bench.baseline:app
"""

from __future__ import annotations

import base64
import hashlib
import os
import sys
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import orjson
from psycopg import AsyncConnection
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

LIMIT = 50
PUBLIC = "p.visibility = 'public' AND c.visibility = 'public' AND pc.visibility = 'public'"
ORDER = "ORDER BY p.established_on, p.id"
COLUMNS = """
p.id, p.city_id, p.partner_city_id, p.kind, p.status, p.established_on,
p.established_precision, p.ended_on, p.responsible_unit, p.economic_profile,
p.description, p.created_at, p.updated_at,
c.name AS c_name, c.names AS c_names, c.country_code AS c_country,
pc.name AS pc_name, pc.names AS pc_names, pc.country_code AS pc_country
"""
FROM = """
FROM partnerships p
JOIN cities c ON c.id = p.city_id
JOIN cities pc ON pc.id = p.partner_city_id
"""

# Shape 1: one statement, each child list a json_agg subquery.
NESTED = f"""
SELECT {COLUMNS},
  (SELECT coalesce(json_agg(json_build_object(
            'changed_on', s.changed_on, 'precision', s.precision, 'status', s.status,
            'kind', s.kind, 'reason', s.reason, 'council_decision', s.council_decision)
            ORDER BY s.position), '[]')
     FROM partnership_status_changes s WHERE s.partnership_id = p.id) AS status_history,
  (SELECT coalesce(json_agg(json_build_object(
            'reference', d.reference, 'decided_on', d.decided_on, 'url', d.url,
            'subject', d.subject) ORDER BY d.position), '[]')
     FROM partnership_council_decisions d WHERE d.partnership_id = p.id) AS council_decisions,
  (SELECT coalesce(array_agg(x.sdg ORDER BY x.sdg), '{{}}')
     FROM partnership_sdgs x WHERE x.partnership_id = p.id) AS sdgs,
  (SELECT coalesce(array_agg(f.field_of_action ORDER BY f.field_of_action), '{{}}')
     FROM partnership_fields_of_action f WHERE f.partnership_id = p.id) AS fields_of_action,
  (SELECT coalesce(json_agg(json_build_object(
            'id', o.id, 'name', o.name, 'kind', o.kind, 'website', o.website)
            ORDER BY a.position), '[]')
     FROM partnership_associations a JOIN organisations o ON o.id = a.organisation_id
     WHERE a.partnership_id = p.id AND o.visibility = 'public') AS associations
{FROM}
"""
NESTED_LIST = f"{NESTED} WHERE {PUBLIC} {ORDER} LIMIT {LIMIT + 1}"
NESTED_ITEM = f"{NESTED} WHERE {PUBLIC} AND p.id = %(id)s"

# Shape 2: the page flat, and one flat statement per child table for the page's ids.
FLAT_LIST = f"SELECT {COLUMNS} {FROM} WHERE {PUBLIC} {ORDER} LIMIT {LIMIT + 1}"
FLAT_ITEM = f"SELECT {COLUMNS} {FROM} WHERE {PUBLIC} AND p.id = %(id)s"
CHILDREN = {
    "status_history": """SELECT partnership_id, changed_on, precision, status, kind, reason,
        council_decision FROM partnership_status_changes WHERE partnership_id = ANY(%(ids)s)
        ORDER BY partnership_id, position""",
    "council_decisions": """SELECT partnership_id, reference, decided_on, url, subject
        FROM partnership_council_decisions WHERE partnership_id = ANY(%(ids)s)
        ORDER BY partnership_id, position""",
    "sdgs": """SELECT partnership_id, sdg FROM partnership_sdgs
        WHERE partnership_id = ANY(%(ids)s) ORDER BY partnership_id, sdg""",
    "fields_of_action": """SELECT partnership_id, field_of_action
        FROM partnership_fields_of_action WHERE partnership_id = ANY(%(ids)s)
        ORDER BY partnership_id, field_of_action""",
    "associations": """SELECT a.partnership_id, o.id, o.name, o.kind, o.website
        FROM partnership_associations a JOIN organisations o ON o.id = a.organisation_id
        WHERE a.partnership_id = ANY(%(ids)s) AND o.visibility = 'public'
        ORDER BY a.partnership_id, a.position""",
}
SCALAR_CHILDREN = {"sdgs": "sdg", "fields_of_action": "field_of_action"}

SHAPE = os.environ.get("BASELINE_SHAPE", "batched")
pool: AsyncConnectionPool | None = None


@asynccontextmanager
async def lifespan(_app: Starlette) -> AsyncIterator[None]:
    global pool
    url = os.environ["BASELINE_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    pool = AsyncConnectionPool(url, min_size=4, max_size=8, open=False)
    await pool.open()
    yield
    await pool.close()


def _item(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "city_id": row["city_id"],
        "partner_city_id": row["partner_city_id"],
        "city": {
            "id": row["city_id"],
            "name": row["c_name"],
            "names": row["c_names"],
            "country_code": row["c_country"],
        },
        "partner_city": {
            "id": row["partner_city_id"],
            "name": row["pc_name"],
            "names": row["pc_names"],
            "country_code": row["pc_country"],
        },
        "kind": row["kind"],
        "status": row["status"],
        "established_on": row["established_on"],
        "established_precision": row["established_precision"],
        "ended_on": row["ended_on"],
        "responsible_unit": row["responsible_unit"],
        "economic_profile": row["economic_profile"],
        "description": row["description"],
        "status_history": row["status_history"],
        "council_decisions": row["council_decisions"],
        "sdgs": row["sdgs"],
        "fields_of_action": row["fields_of_action"],
        "associations": row["associations"],
        "association_ids": [a["id"] for a in row["associations"]],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


async def _rows(
    connection: AsyncConnection[Any], query: str, id_: Any = None
) -> list[dict[str, Any]]:
    """The page's (or the item's) rows, each with its child lists."""
    cursor = connection.cursor(row_factory=dict_row)
    if SHAPE == "json_agg":
        await cursor.execute(query if id_ is None else NESTED_ITEM, {"id": id_})
        return await cursor.fetchall()
    await cursor.execute(query if id_ is None else FLAT_ITEM, {"id": id_})
    rows = await cursor.fetchall()
    ids = [r["id"] for r in rows]
    children: dict[str, dict[Any, list[Any]]] = {}
    async with connection.pipeline():  # every child statement in one round trip
        cursors = {}
        for name, statement in CHILDREN.items():
            cursors[name] = connection.cursor(row_factory=dict_row)
            await cursors[name].execute(statement, {"ids": ids})
    for name, child in cursors.items():
        grouped: dict[Any, list[Any]] = defaultdict(list)
        scalar = SCALAR_CHILDREN.get(name)
        for found in await child.fetchall():
            owner = found.pop("partnership_id")
            grouped[owner].append(found[scalar] if scalar else found)
        children[name] = grouped
    for row in rows:
        for name, grouped in children.items():
            row[name] = grouped.get(row["id"], [])
    return rows


def _cursor(row: dict[str, Any]) -> str:
    """The next page's cursor as urbandiplo writes it: sort field, value, id."""
    day = row["established_on"]
    raw = orjson.dumps(
        ["established_on", day.isoformat() if day is not None else None, str(row["id"])]
    )
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def _respond(request: Request, body: bytes) -> Response:
    etag = _etag(body)
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag})
    return Response(body, media_type="application/json", headers={"ETag": etag})


async def _list_body() -> bytes:
    assert pool is not None
    async with pool.connection() as connection:
        rows = await _rows(connection, NESTED_LIST if SHAPE == "json_agg" else FLAT_LIST)
    page = rows[:LIMIT]
    next_cursor = _cursor(page[-1]) if len(rows) > LIMIT else None
    return orjson.dumps(
        {"items": [_item(r) for r in page], "next_cursor": next_cursor},
        option=orjson.OPT_SORT_KEYS,
    )


async def partnerships(request: Request) -> Response:
    return _respond(request, await _list_body())


# The list's bytes and ETag as the first request made them, kept: the most a response cache
# can do, and the ceiling of urbandiplo's cached list.
kept: dict[str, tuple[bytes, str]] = {}


async def partnerships_from_memory(request: Request) -> Response:
    if "list" not in kept:
        body = await _list_body()
        kept["list"] = (body, _etag(body))
    body, etag = kept["list"]
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag})
    return Response(body, media_type="application/json", headers={"ETag": etag})


async def partnership(request: Request) -> Response:
    assert pool is not None
    async with pool.connection() as connection:
        rows = await _rows(connection, "", uuid.UUID(request.path_params["id"]))
    if not rows:
        return Response(status_code=404)
    return _respond(request, orjson.dumps(_item(rows[0]), option=orjson.OPT_SORT_KEYS))


KEY = "SELECT id, role, secret_hash, revoked_at FROM api_keys WHERE prefix = %(prefix)s"
CITY = """INSERT INTO cities (name, names, country_code, subdivision_code, latitude, longitude,
    population, wikidata_id, geonames_id, notes, id, visibility, created_at, updated_at,
    version, search_text) VALUES (%(name)s, %(names)s, %(country_code)s, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, %(id)s, 'public', %(now)s, %(now)s, 1, %(search_text)s)"""
AUDIT = """INSERT INTO audit_log (id, at, actor, operation, record_type, record_id,
    visibility, before, after) VALUES (%(audit_id)s, %(now)s, %(actor)s, 'create', 'city',
    %(id)s, 'public', 'null', %(after)s)"""
SEARCH = """INSERT INTO search_index (record_type, record_id, key, visibility, title, text,
    document) VALUES ('cities', %(id)s, %(key)s, 'public', %(title)s, %(name)s,
    to_tsvector('german', %(folded)s) || to_tsvector('english', %(folded)s)
    || to_tsvector('simple', %(folded)s))"""
CHANGE = """WITH clock AS (UPDATE change_clock SET value = value + 1 WHERE id = 1
    RETURNING value)
    INSERT INTO changes (seq, at, record_type, record_id, operation, visibility_before,
    visibility_after) SELECT clock.value, %(now)s, 'cities', %(id)s, 'upsert', NULL, 'public'
    FROM clock"""
# The response cache's mark of the kind (migration 0028), moved to the change just written.
MARK = """INSERT INTO change_marks (key, seq, at) SELECT 'cities', value, %(now)s
    FROM change_clock WHERE id = 1
    ON CONFLICT (key) DO UPDATE SET seq = EXCLUDED.seq, at = EXCLUDED.at"""


def new_city(given: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The city a create writes and answers, from what the caller gave (both ceilings)."""
    return {
        "id": uuid.uuid4(),
        "name": given["name"],
        "names": given.get("names", {}),
        "country_code": given["country_code"],
        "subdivision_code": None,
        "latitude": None,
        "longitude": None,
        "population": None,
        "wikidata_id": None,
        "geonames_id": None,
        "global_south": False,
        "notes": None,
        "visibility": "public",
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }


async def create_city(request: Request) -> Response:
    """A new city with the rows urbandiplo writes for it (the city, its audit entry, its
    search entry, its change and the mark of its kind), after checking the editor's key, in
    one transaction whose statements go in one pipeline."""
    assert pool is not None
    _, prefix, secret = request.headers.get("x-api-key", "").split("_", 2)
    given = orjson.loads(await request.body())
    now = datetime.now(UTC)
    record = new_city(given, now)
    async with pool.connection() as connection:
        cursor = connection.cursor(row_factory=dict_row)
        await cursor.execute(KEY, {"prefix": prefix})
        key = await cursor.fetchone()
        digest = hashlib.sha256(secret.encode()).hexdigest()
        if key is None or key["revoked_at"] is not None or key["secret_hash"] != digest:
            return Response(status_code=401)
        folded = " ".join([record["name"].casefold()] * 3)
        values = {
            **record,
            "names": Jsonb(record["names"]),
            "search_text": record["name"].casefold(),
            "audit_id": uuid.uuid4(),
            "actor": f"api-key:{key['id']}",
            "after": Jsonb(orjson.loads(orjson.dumps(record))),
            "key": f"cities:{record['id']}",
            "title": Jsonb({"de": record["name"], "en": record["name"]}),
            "folded": folded,
            "now": now,
        }
        async with connection.transaction(), connection.pipeline():
            for statement in (CITY, AUDIT, SEARCH, CHANGE, MARK):
                await connection.execute(statement, values)
    body = orjson.dumps(record, option=orjson.OPT_SORT_KEYS)
    return Response(body, status_code=201, media_type="application/json")


def app_of(module: Any) -> Starlette:
    """A ceiling's app: its module's four routes, the same for every database."""
    return Starlette(
        routes=[
            Route("/partnerships", module.partnerships),
            Route("/partnerships-from-memory", module.partnerships_from_memory),
            Route("/partnerships/{id}", module.partnership),
            Route("/cities", module.create_city, methods=["POST"]),
        ],
        lifespan=module.lifespan,
    )


app = app_of(sys.modules[__name__])
