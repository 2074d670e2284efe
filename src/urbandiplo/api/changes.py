"""/v1/changes: one feed of every created, changed and deleted record, in commit order, for
systems that keep a copy in sync."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from urbandiplo.api import (
    applications,
    cities,
    delegations,
    events,
    funding,
    networks,
    news,
    offers,
    organisations,
    partnerships,
    people,
    projects,
)
from urbandiplo.api.common import WHOLE_NUMBER, Id, Timestamp
from urbandiplo.api.deps import PrincipalDep, ServicesDep
from urbandiplo.api.http import json_response
from urbandiplo.api.problems import problem_responses
from urbandiplo.api.rendering import dumps, projector
from urbandiplo.api.resource import IfNoneMatch, Views
from urbandiplo.api.search import RecordType
from urbandiplo.domain.access import Principal
from urbandiplo.domain.changes import MAX_CHANGES, ChangeOperation, FeedItem

router = APIRouter(tags=["changes"])

VIEWS: dict[str, Views] = {
    "cities": cities.VIEWS,
    "partnerships": partnerships.VIEWS,
    "organisations": organisations.VIEWS,
    "people": people.VIEWS,
    "networks": networks.VIEWS,
    "events": events.VIEWS,
    "delegations": delegations.VIEWS,
    "projects": projects.VIEWS,
    "funding-programmes": funding.VIEWS,
    "funding-calls": funding.CALL_VIEWS,
    "funding-applications": applications.VIEWS,
    "news": news.VIEWS,
    "cooperation-offers": offers.VIEWS,
}


class ChangeOut(BaseModel):
    model_config = ConfigDict(title="Change")

    seq: int = Field(
        ge=1, le=2**62, json_schema_extra={"format": "int64"}, description="Commit order"
    )
    at: Timestamp
    type: RecordType
    id: Id
    operation: ChangeOperation = Field(
        description="`upsert`: keep `record`; `delete`: forget the record (deleted, erased, "
        "or no longer visible to you)"
    )
    record: dict[str, Any] | None = Field(
        description="The record as `GET /v1/{type}/{id}` gives it to you now; null with delete"
    )


class ChangeFeed(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "seq": 42,
                            "at": "2026-03-01T09:30:00Z",
                            "type": "cities",
                            "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e5f",
                            "operation": "delete",
                            "record": None,
                        }
                    ],
                    "next_since": 42,
                }
            ]
        }
    )

    items: list[ChangeOut] = Field(max_length=MAX_CHANGES)
    next_since: int = Field(
        ge=0,
        le=2**62,
        json_schema_extra={"format": "int64"},
        description="Ask again with `since` set to this; the same when nothing is new",
    )


def render(items: list[FeedItem], principal: Principal) -> list[dict[str, Any]]:
    """Changes as the feed and the webhooks send them, each record in the caller's view."""
    rendered = []
    for item in items:
        record = item.record
        view = VIEWS[item.change.record_type].for_caller(principal)
        rendered.append(_item(item, projector(view)(record) if record is not None else None))
    return rendered


def _item(item: FeedItem, rendered: dict[str, Any] | None) -> dict[str, Any]:
    change = item.change
    return {
        "seq": change.seq,
        "at": change.at,
        "type": change.record_type,
        "id": str(change.record_id),
        "operation": item.operation.value,
        "record": rendered,
    }


@router.get(
    "/v1/changes",
    operation_id="changes-list",
    summary="Changes since a position",
    description="Every write to a record, in the order the writes committed; no change is "
    "skipped, however many writers. Start with `since=0`, then ask with `next_since` (also "
    'in `Link: rel="next"`) for as long as you like. A record that changed several times '
    "comes with its present state each time; one deleted, erased or no longer visible to "
    "you comes as `delete` with no record. You see changes to records you may read.",
    response_model=ChangeFeed,
    responses={304: {"description": "Not modified"}, **problem_responses(401, 422)},
)
def list_changes(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    since: Annotated[
        int,
        Query(ge=0, le=2**62, json_schema_extra={"format": "int64"}, description="Position"),
        WHOLE_NUMBER,
    ] = 0,
    limit: Annotated[
        int, Query(ge=1, le=MAX_CHANGES, json_schema_extra={"format": "int32"}), WHOLE_NUMBER
    ] = 100,
    if_none_match: IfNoneMatch = None,
) -> Response:
    items, next_since = services.changes.since(principal, since, limit)
    body = dumps({"items": render(items, principal), "next_since": next_since})
    headers = {}
    if len(items) == limit:
        headers["Link"] = f'</v1/changes?since={next_since}&limit={limit}>; rel="next"'
    return json_response(body, request, principal, headers=headers)
