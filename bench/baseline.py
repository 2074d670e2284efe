"""The baseline the harness measures urbandiplo against: the least a server can do to answer
the website's partnership list. One Starlette route, raw psycopg (async, a small pool) and
orjson, the same 50 public rows (partnership and both cities, by founding date) as
`GET /v1/partnerships?limit=50`, with an ETag and 304 as urbandiplo answers.

    BASELINE_DATABASE_URL=postgresql://... uvicorn bench.baseline:app
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

# The list's 50 rows as urbandiplo's public view has them, nested lists included, in one
# statement: what a hand-written endpoint would do.
QUERY = """
SELECT p.id, p.city_id, p.partner_city_id, p.kind, p.status, p.established_on,
       p.established_precision, p.ended_on, p.responsible_unit, p.economic_profile,
       p.description, p.created_at, p.updated_at,
       c.id AS c_id, c.name AS c_name, c.names AS c_names, c.country_code AS c_country,
       pc.id AS pc_id, pc.name AS pc_name, pc.names AS pc_names, pc.country_code AS pc_country,
       (SELECT coalesce(json_agg(json_build_object(
                'changed_on', s.changed_on, 'precision', s.precision, 'status', s.status,
                'kind', s.kind, 'reason', s.reason, 'council_decision', s.council_decision)
                ORDER BY s.position), '[]')
          FROM partnership_status_changes s WHERE s.partnership_id = p.id) AS status_history,
       (SELECT coalesce(json_agg(json_build_object(
                'reference', d.reference, 'decided_on', d.decided_on, 'url', d.url,
                'subject', d.subject) ORDER BY d.position), '[]')
          FROM partnership_council_decisions d WHERE d.partnership_id = p.id)
          AS council_decisions,
       (SELECT coalesce(array_agg(x.sdg ORDER BY x.sdg), '{}')
          FROM partnership_sdgs x WHERE x.partnership_id = p.id) AS sdgs,
       (SELECT coalesce(array_agg(f.field_of_action ORDER BY f.field_of_action), '{}')
          FROM partnership_fields_of_action f WHERE f.partnership_id = p.id)
          AS fields_of_action,
       (SELECT coalesce(json_agg(json_build_object(
                'id', o.id, 'name', o.name, 'kind', o.kind, 'website', o.website)
                ORDER BY a.position), '[]')
          FROM partnership_associations a JOIN organisations o ON o.id = a.organisation_id
          WHERE a.partnership_id = p.id AND o.visibility = 'public') AS associations
FROM partnerships p
JOIN cities c ON c.id = p.city_id
JOIN cities pc ON pc.id = p.partner_city_id
WHERE p.visibility = 'public' AND c.visibility = 'public' AND pc.visibility = 'public'
ORDER BY p.established_on NULLS LAST, p.id
LIMIT 50
"""

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
            "id": row["c_id"],
            "name": row["c_name"],
            "names": row["c_names"],
            "country_code": row["c_country"],
        },
        "partner_city": {
            "id": row["pc_id"],
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


async def partnerships(request: Request) -> Response:
    assert pool is not None
    async with pool.connection() as connection:
        cursor = connection.cursor(row_factory=dict_row)
        await cursor.execute(QUERY)
        rows = await cursor.fetchall()
    body = orjson.dumps(
        {"items": [_item(r) for r in rows], "next_cursor": None}, option=orjson.OPT_SORT_KEYS
    )
    etag = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={"ETag": etag})
    return Response(body, media_type="application/json", headers={"ETag": etag})


app = Starlette(routes=[Route("/partnerships", partnerships)], lifespan=lifespan)
