"""Revalidation of the website's lists without reading them: anonymous GETs of the public
lists, the calendar and the map carry an ETag made from the newest change, so that asking
again with `If-None-Match` is answered 304 from one small query, before routing.

The tag is taken before the app reads the records, so a response is never older than its
tag: a write that commits meanwhile gives the next request another tag. Only anonymous
requests are answered so: a credential's rights can change without a change to the records
(a revoked key must get its 401), so staff requests go the usual way, with the hash of the
body as their ETag. Lists that depend on the day (overdue reports) put the day in the tag;
lists that depend on the instant (a call's status at its deadline) are not listed here."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection
from datetime import UTC, datetime

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from urbandiplo import __version__
from urbandiplo.api.http import PUBLIC_CACHE

# The collections' lists, and the feeds made from nothing but the records.
REVALIDATED = frozenset(
    {
        "/v1/cities",
        "/v1/partnerships",
        "/v1/organisations",
        "/v1/people",
        "/v1/networks",
        "/v1/events",
        "/v1/delegations",
        "/v1/projects",
        "/v1/funding-programmes",
        "/v1/funding-applications",
        "/v1/events.ics",
        "/v1/partner-cities.geojson",
    }
)
BY_THE_DAY = frozenset({"/v1/funding-applications"})  # reports_overdue counts from today
CREDENTIALS = (b"authorization", b"x-api-key")


class ListRevalidation:
    """Pure ASGI middleware; `mark` says what the records are at (ChangeFeedService.mark)."""

    def __init__(
        self,
        app: ASGIApp,
        mark: Callable[[], str],
        paths: Collection[str] = REVALIDATED,
        by_the_day: Collection[str] = BY_THE_DAY,
    ) -> None:
        self.app = app
        self.mark = mark
        self.paths = frozenset(paths)
        self.by_the_day = frozenset(by_the_day)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or scope["path"] not in self.paths
            or any(name in CREDENTIALS for name, _ in scope["headers"])
        ):
            await self.app(scope, receive, send)
            return
        mark = await anyio.to_thread.run_sync(self.mark)
        etag = self._tag(scope, mark)
        if _names(scope, etag):
            await send(
                {
                    "type": "http.response.start",
                    "status": 304,
                    "headers": [
                        (b"etag", etag.encode()),
                        *((k.lower().encode(), v.encode()) for k, v in PUBLIC_CACHE.items()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return

        async def tagged(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = [(k, v) for k, v in message["headers"] if k.lower() != b"etag"]
                message = {**message, "headers": [*headers, (b"etag", etag.encode())]}
            await send(message)

        await self.app(scope, receive, tagged)

    def _tag(self, scope: Scope, mark: str) -> str:
        day = datetime.now(UTC).date().isoformat() if scope["path"] in self.by_the_day else ""
        query = scope.get("query_string", b"").decode("latin-1")
        seed = f"{__version__}|{mark}|{day}|{scope['path']}?{query}"
        return '"l' + hashlib.blake2b(seed.encode(), digest_size=16).hexdigest() + '"'


def _names(scope: Scope, etag: str) -> bool:
    """`If-None-Match` names this tag (weak comparison) or is `*`."""
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            tags = {t.strip().removeprefix("W/") for t in value.decode("latin-1").split(",")}
            return "*" in tags or etag in tags
    return False
