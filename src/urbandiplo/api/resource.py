"""The request steps every resource shares: read one, read a page, create (idempotently),
change and delete under `If-Match`. Routers supply the service calls and schemas."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Header, Request
from pydantic import BaseModel
from starlette.responses import Response

from urbandiplo.api.deps import Services
from urbandiplo.api.http import (
    PRIVATE_CACHE,
    encode_cursor,
    etag_of,
    if_match,
    json_response,
    next_link,
)
from urbandiplo.api.rendering import dumps, projector, render
from urbandiplo.domain.access import Principal
from urbandiplo.domain.errors import Conflict
from urbandiplo.domain.idempotency import IdempotencyService
from urbandiplo.domain.listing import Page
from urbandiplo.domain.ports import StoredResponse, UnitOfWork

T = TypeVar("T")

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="Makes a retried POST safe: the same key returns the first response for "
        "24 hours and creates nothing twice; with another body it is a 422.",
    ),
]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=1000,
        description="The ETag you read; a stale one gives 412 and changes nothing.",
    ),
]
MAX_TAGS_LENGTH = 1000  # If-None-Match, If-Match
IfNoneMatch = Annotated[
    str | None,
    Header(
        alias="If-None-Match",
        max_length=MAX_TAGS_LENGTH,
        description="An ETag you hold; 304 without a body when it is still current.",
    ),
]


class Views:
    """A resource's two read schemas: the staff view and the public (anonymous) view.
    `owned` says which records a contributor reads in the staff view (its own, as their
    service shows them to it: an applicant's application)."""

    def __init__(
        self,
        staff: type[BaseModel],
        public: type[BaseModel],
        owned: Callable[[Any, Principal], bool] | None = None,
    ) -> None:
        self.staff = staff
        self.public = public
        self.owned = owned

    def for_caller(self, principal: Principal, record: Any = None) -> type[BaseModel]:
        if not principal.is_anonymous:
            return self.staff
        if self.owned is not None and record is not None and self.owned(record, principal):
            return self.staff
        return self.public


def one(request: Request, principal: Principal, views: Views, record: Any) -> Response:
    return json_response(render(views.for_caller(principal, record), record), request, principal)


def page(request: Request, principal: Principal, views: Views, found: Page[Any]) -> Response:
    staff, public = projector(views.staff), projector(views.public)

    def project(item: Any) -> Any:
        return (staff if views.for_caller(principal, item) is views.staff else public)(item)

    body = dumps(
        {
            "items": [project(item) for item in found.items],
            "next_cursor": encode_cursor(found.next) if found.next else None,
        }
    )
    return json_response(body, request, principal, headers=next_link(request, found.next))


def _replay(stored: StoredResponse) -> Response:
    return Response(
        stored.body,
        status_code=stored.status_code,
        media_type="application/json",
        headers={**PRIVATE_CACHE, **stored.headers, "Idempotent-Replayed": "true"},
    )


def create(
    request: Request,
    services: Services,
    principal: Principal,
    key: str | None,
    body: BaseModel,
    views: Views,
    location: Callable[[Any], str],
    run: Callable[[Callable[[UnitOfWork, Any], None] | None], Any],
) -> Response:
    """Create through `run(before_commit)`; with an Idempotency-Key, keep the response in the
    same transaction and replay it to retries."""
    kept: list[tuple[int, dict[str, str], bytes]] = []

    def respond(record: Any) -> tuple[int, dict[str, str], bytes]:
        content = render(views.staff, record)
        kept.append((201, {"Location": location(record), "ETag": etag_of(content)}, content))
        return kept[-1]

    if key is None:
        return _created(*respond(run(None)))
    canonical = dumps([request.method, request.url.path, body.model_dump(mode="json")])
    request_hash = hashlib.sha256(canonical).hexdigest()
    earlier = services.idempotency.earlier_response(principal.actor, key, request_hash)
    if earlier is not None:
        return _replay(earlier)
    try:
        run(IdempotencyService.recorder(principal.actor, key, request_hash, respond))
    except Conflict:
        # A retry racing the first request with this key loses on the key itself or on what
        # the first one created (a partnership's pair): answer it as the first was answered.
        earlier = services.idempotency.earlier_response(principal.actor, key, request_hash)
        if earlier is None:
            raise
        return _replay(earlier)
    return _created(*kept[-1])


def _created(status_code: int, headers: dict[str, str], content: bytes) -> Response:
    return Response(
        content, status_code=status_code, media_type="application/json", headers=headers
    )


def update(
    request: Request,
    principal: Principal,
    views: Views,
    run: Callable[[Callable[[Any], bool] | None], Any],
) -> Response:
    """Change through `run(precondition)`, where the precondition checks `If-Match` against
    the stored record's staff view inside the changing transaction."""
    precondition = if_match(request, lambda record: render(views.staff, record))
    return one(request, principal, views, run(precondition))


def delete(
    request: Request, views: Views, run: Callable[[Callable[[Any], bool] | None], None]
) -> Response:
    run(if_match(request, lambda record: render(views.staff, record)))
    return Response(status_code=204)
