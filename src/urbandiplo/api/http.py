"""HTTP mechanics shared by every resource: ETags, preconditions, cursors and Link headers."""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from typing import Any

import orjson
from fastapi import Request
from starlette.responses import Response

from urbandiplo.domain.access import Principal
from urbandiplo.domain.errors import invalid_cursor
from urbandiplo.domain.listing import Position

JSON = "application/json"


def etag_of(body: bytes) -> str:
    """A strong ETag: the hash of the representation (staff and public views differ)."""
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def _tags(header: str, *, weak: bool) -> set[str]:
    """The entity tags of a header; `weak` comparison (RFC 9110 8.8.3.2) ignores W/."""
    tags = {tag.strip() for tag in header.split(",") if tag.strip()}
    return {tag.removeprefix("W/") for tag in tags} if weak else tags


def none_match(request: Request, etag: str) -> bool:
    """`If-None-Match` names this representation (or `*`): answer 304."""
    return names(request.headers.get("if-none-match"), etag)


def names(if_none_match: str | None, etag: str) -> bool:
    """An `If-None-Match` value names this tag (weak comparison) or is `*`."""
    if if_none_match is None:
        return False
    tags = _tags(if_none_match, weak=True)
    return "*" in tags or etag in tags


def if_match(request: Request, render: Callable[[Any], bytes]) -> Callable[[Any], bool] | None:
    """The `If-Match` header as a check of the stored record, run by the domain service
    inside the transaction that changes it; None without the header."""
    header = request.headers.get("if-match")
    if header is None:
        return None
    tags = _tags(header, weak=False)
    if "*" in tags:
        return lambda _record: True
    return lambda record: etag_of(render(record)) in tags


# Responses differ by credential (staff or public view): shared caches must key on it, and
# must never store a staff response.
VARY = "X-API-Key, Authorization"
PUBLIC_CACHE = {"Cache-Control": "public, no-cache", "Vary": VARY}
PRIVATE_CACHE = {"Cache-Control": "private, no-cache", "Vary": VARY}


def _caching(principal: Principal | None) -> dict[str, str]:
    if principal is None:
        return {}
    # A contributor's own records are its organisation's: never for shared caches.
    public = principal.is_anonymous and not principal.is_contributor
    return PUBLIC_CACHE if public else PRIVATE_CACHE


def json_response(
    body: bytes,
    request: Request,
    principal: Principal | None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    media_type: str = JSON,
) -> Response:
    """A JSON response (or one of `media_type`) with its ETag and caching headers, or 304
    when the caller has it already. `principal` None means the body is the same for every
    caller and its caching is left to the caller."""
    etag = etag_of(body)
    all_headers = {"ETag": etag, **_caching(principal), **(headers or {})}
    if status_code == 200 and request.method == "GET" and none_match(request, etag):
        return Response(status_code=304, headers=all_headers)
    return Response(body, status_code=status_code, media_type=media_type, headers=all_headers)


def encode_cursor(position: Position) -> str:
    raw = orjson.dumps([position.sort, position.value, position.id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> Position | None:
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        sort, value, last_id = orjson.loads(raw)
        if not isinstance(sort, str) or not isinstance(last_id, str):
            raise TypeError
        if value is not None and not isinstance(value, str):
            raise TypeError
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError) as error:
        raise invalid_cursor() from error
    return Position(sort, value, last_id)


def next_link(request: Request, position: Position | None) -> dict[str, str]:
    """The `Link: rel="next"` header for the page after `position`."""
    if position is None:
        return {}
    url = request.url.include_query_params(cursor=encode_cursor(position))
    return {"Link": f'<{url}>; rel="next"'}
