"""Revalidation of the website's lists without reading them: anonymous GETs of the public
lists, the calendar and the map carry an ETag made from the newest change of the kinds of
record they are made of, so that asking again with `If-None-Match` is answered 304 from one
small query, before routing. The same tag keys a small in-process cache of those responses:
a burst of visitors asking for the same page between two writes is answered from memory
after the first. The cache holds nothing that must be shared between processes: each entry
is checked against the database's newest changes on every request, and a write retires only
the entries made of its record's kind (a partnership's new description leaves the calendar
kept; a city's new name retires the partnerships, which embed it; a new city leaves them
kept, as no partnership names it yet).

The marks are read from the database where nothing tells when they move; with a `moment`
(db.watch.MarkWatch: a value that changes once a change may have committed, in this process
or another) those read are kept until it changes, and at most `MAX_MARK_AGE` seconds, so a
request the cache answers costs no query at all.

The tag is taken before the app reads the records, so a response is never older than its
tag: a write that commits meanwhile gives the next request another tag. Staff requests are
answered so too, after their credentials are checked on every request (a revoked key gets
its 401 at once): what a caller sees depends on their role and permissions only, which go
into the tag, so callers with the same rights share entries and no others do. Credentials
that do not check out go to the route, which refuses them. Lists that depend on the day
(overdue reports) put the day in the tag; lists that depend on the instant (a call's status
at its deadline) are not listed here."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable, Mapping
from datetime import UTC, datetime

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from urbandiplo import __version__
from urbandiplo.api.http import PRIVATE_CACHE, PUBLIC_CACHE, names
from urbandiplo.api.resource import MAX_TAGS_LENGTH
from urbandiplo.domain.changes import EXISTING, VISIBILITY

# The collections' lists, and the other reads made from nothing but the records, each with
# the kinds of change it is made of (domain.changes.ChangeFeedService.mark): its own
# collection and those it embeds; "/existing" where it embeds records by reference (a
# partnership's cities, an event's organisers), which their creation cannot change: a new
# city or organisation is referenced by nothing yet, and neither has lists of its own that
# would link it to anything; "/visibility" where it shows only such records' ids and
# visibility; None: every kind. tests/api/test_response_cache.py checks them against the
# tables each one reads.
# Cities and organisations as a read that embeds them depends on (not as their own lists).
CITIES = "cities" + EXISTING
ORGANISATIONS = "organisations" + EXISTING
PARTNERSHIPS = frozenset({"partnerships", CITIES, ORGANISATIONS})
EVENTS = frozenset(
    {
        "events",
        CITIES,
        ORGANISATIONS,
        "partnerships" + VISIBILITY,
        "networks" + VISIBILITY,
        "projects" + VISIBILITY,
    }
)
REVALIDATED: Mapping[str, frozenset[str] | None] = {
    "/v1/cities": frozenset({"cities"}),
    "/v1/partnerships": PARTNERSHIPS,
    "/v1/partnerships/anniversaries": PARTNERSHIPS,
    "/v1/partner-cities.geojson": PARTNERSHIPS,
    "/v1/organisations": frozenset({"organisations", CITIES}),
    "/v1/people": frozenset({"people", ORGANISATIONS}),
    "/v1/networks": frozenset({"networks", "people"}),
    "/v1/events": EVENTS,
    "/v1/events.ics": EVENTS,
    "/v1/delegations": frozenset(
        {"delegations", CITIES, "events", ORGANISATIONS, "partnerships", "people", "projects"}
    ),
    "/v1/projects": frozenset({"projects", CITIES, ORGANISATIONS, "partnerships"}),
    "/v1/funding-programmes": frozenset({"funding-programmes", ORGANISATIONS}),
    "/v1/funding-applications": frozenset(
        {"funding-applications", "funding-calls", "funding-programmes", ORGANISATIONS, "projects"}
    ),
    "/v1/search": None,
    "/v1/reports/annual": None,
}
BY_THE_DAY = frozenset({"/v1/funding-applications"})  # reports_overdue counts from today
MAX_ENTRY_BYTES = 4 * 2**20  # a larger response is sent, not kept
# A kept mark is read again after this long even when the moment has not moved: a database
# restored under a running server writes its marks without telling.
MAX_MARK_AGE = 1.0


class ListRevalidation:
    """Pure ASGI middleware; `mark` says what the records are at (ChangeFeedService.mark),
    `view` what a caller's `X-API-Key` and `Authorization` let them see (deps.view_of: None
    where they are not valid); without `view` only anonymous requests are answered here.
    `moment` tells when marks read may be kept (db.watch.MarkWatch.moment; None: never)."""

    def __init__(
        self,
        app: ASGIApp,
        mark: Callable[[Collection[str] | None], str],
        view: Callable[[str | None, str | None], str | None] | None = None,
        paths: Mapping[str, frozenset[str] | None] = REVALIDATED,
        by_the_day: Collection[str] = BY_THE_DAY,
        cache_bytes: int = 32 * 2**20,
        moment: Callable[[], Hashable | None] | None = None,
    ) -> None:
        self.app = app
        self.mark = mark
        self.moment = moment
        # kinds -> (the moment and the instant it was read at, the mark)
        self._marks: dict[frozenset[str] | None, tuple[Hashable, float, str]] = {}
        self.view = view
        self.paths = dict(paths)
        self.by_the_day = frozenset(by_the_day)
        self.cache_bytes = cache_bytes
        # tag -> (response headers, body); least recently used first.
        self._cache: OrderedDict[str, tuple[list[tuple[bytes, bytes]], bytes]] = OrderedDict()
        self._cached_bytes = 0
        self._building: dict[str, asyncio.Event] = {}  # responses being made, by tag
        # marks being read, by kinds and the moment the read began in
        self._reading: dict[tuple[frozenset[str] | None, Hashable], asyncio.Event] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        tags = _if_none_match(scope) if scope["type"] == "http" else None
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or scope["path"] not in self.paths
            # A header the route refuses (422): the route must see it, not the cache.
            or (tags is not None and len(tags) > MAX_TAGS_LENGTH)
        ):
            await self.app(scope, receive, send)
            return
        credentials = credentials_of(scope)
        kinds = self.paths[scope["path"]]
        moment = self.moment() if self.moment is not None else None
        started = time.monotonic()
        known = self._kept_mark(kinds, moment, started)
        if credentials is None:
            view = ""
            mark = known if known is not None else await self._read_mark(kinds, moment, started)
        elif self.view is None:
            await self.app(scope, receive, send)
            return
        else:
            check = self.view
            checked, mark = await anyio.to_thread.run_sync(
                lambda: (check(*credentials), known if known is not None else self.mark(kinds))
            )
            if checked is None:  # not valid: the route says why
                await self.app(scope, receive, send)
                return
            view = checked
            if known is None:
                self._keep_mark(kinds, moment, started, mark)
        etag = self._tag(scope, mark, view)
        if names(tags, etag):
            caching = PUBLIC_CACHE if credentials is None else PRIVATE_CACHE
            await send(
                {
                    "type": "http.response.start",
                    "status": 304,
                    "headers": [
                        (b"etag", etag.encode()),
                        *((k.lower().encode(), v.encode()) for k, v in caching.items()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return

        if await self._from_cache(etag, send):
            return
        building = self._building.get(etag)
        if building is not None and scope["method"] == "GET":
            # Another request is making this very response: wait for it rather than make it
            # again (a calendar takes a while; a burst would otherwise make it once each).
            await building.wait()
            if await self._from_cache(etag, send):
                return
        if scope["method"] != "GET" or etag in self._building:
            await self._respond(scope, receive, send, etag)
            return
        self._building[etag] = asyncio.Event()
        try:
            await self._respond(scope, receive, send, etag)
        finally:
            self._building.pop(etag).set()

    async def _read_mark(
        self, kinds: frozenset[str] | None, moment: Hashable | None, started: float
    ) -> str:
        """The mark of these kinds, read from the database and kept. After a write moves the
        moment, the requests that arrive while one of them reads the marks wait for that
        read rather than each make their own (a burst of them would queue for the worker
        threads and the pool): a mark read since the moment was taken is as good for all."""
        key = (kinds, moment)
        reading = self._reading.get(key) if moment is not None else None
        if reading is not None:
            await reading.wait()
            kept = self._kept_mark(kinds, moment, time.monotonic())
            if kept is not None:
                return kept
        # Not watched, or that read failed and another request reads again: read alone.
        leading = moment is not None and key not in self._reading
        if leading:
            self._reading[key] = asyncio.Event()
        try:
            mark = await anyio.to_thread.run_sync(self.mark, kinds)
            self._keep_mark(kinds, moment, started, mark)
            return mark
        finally:
            if leading:
                self._reading.pop(key).set()

    def _kept_mark(
        self, kinds: frozenset[str] | None, moment: Hashable | None, now: float
    ) -> str | None:
        kept = self._marks.get(kinds)
        if moment is None or kept is None:
            return None
        (kept_moment, read_at, mark) = kept
        return mark if kept_moment == moment and now - read_at < MAX_MARK_AGE else None

    def _keep_mark(
        self, kinds: frozenset[str] | None, moment: Hashable | None, started: float, mark: str
    ) -> None:
        """A mark read after `moment` was taken: kept for as long as the moment holds (a
        change committed while it was read moves the moment, and this mark is not used)."""
        if moment is not None:
            self._marks[kinds] = (moment, started, mark)

    async def _from_cache(self, etag: str, send: Send) -> bool:
        cached = self._cache.get(etag)
        if cached is None:
            return False
        self._cache.move_to_end(etag)
        headers, body = cached
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        return True

    async def _respond(self, scope: Scope, receive: Receive, send: Send, etag: str) -> None:
        """The app's response, with the tag as its ETag, kept where it may be."""
        kept: list[tuple[bytes, bytes]] | None = None
        chunks: list[bytes] = []
        size = 0

        async def tagged(message: Message) -> None:
            nonlocal kept, size
            if message["type"] == "http.response.start" and message["status"] == 200:
                headers = [(k, v) for k, v in message["headers"] if k.lower() != b"etag"]
                kept = [*headers, (b"etag", etag.encode())]
                message = {**message, "headers": kept}
            elif message["type"] == "http.response.body" and kept is not None:
                chunks.append(message.get("body", b""))
                size += len(chunks[-1])
                done = not message.get("more_body", False)
                if done and scope["method"] == "GET" and size <= MAX_ENTRY_BYTES:
                    self._keep(etag, kept, b"".join(chunks))
            await send(message)

        await self.app(scope, receive, tagged)

    def _keep(self, etag: str, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        if len(body) > self.cache_bytes or etag in self._cache:
            return
        self._cache[etag] = (headers, body)
        self._cached_bytes += len(body)
        while self._cached_bytes > self.cache_bytes:
            _tag, (_headers, dropped) = self._cache.popitem(last=False)
            self._cached_bytes -= len(dropped)

    def _tag(self, scope: Scope, mark: str, view: str) -> str:
        day = datetime.now(UTC).date().isoformat() if scope["path"] in self.by_the_day else ""
        query = scope.get("query_string", b"").decode("latin-1")
        seed = f"{__version__}|{mark}|{day}|{view}|{scope['path']}?{query}"
        return '"l' + hashlib.blake2b(seed.encode(), digest_size=16).hexdigest() + '"'


def credentials_of(scope: Scope) -> tuple[str | None, str | None] | None:
    """The request's `X-API-Key` and `Authorization`, or None where it sends neither."""
    api_key = authorization = None
    for name, value in scope["headers"]:
        if name == b"x-api-key":
            api_key = value.decode("latin-1")
        elif name == b"authorization":
            authorization = value.decode("latin-1")
    if api_key is None and authorization is None:
        return None
    return api_key, authorization


def _if_none_match(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            return str(value.decode("latin-1"))
    return None
