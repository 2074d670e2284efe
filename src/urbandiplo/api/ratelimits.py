"""Rate limits for the outside face: contributors' writes, per organisation, and anonymous
requests for the feeds, per client address, each against a budget a window long
(`domain/ratelimits.py`; counters in the database, so every worker shares them). Staff and
everything else are not limited.

Middleware, before the list cache and routing: a feed answered from the cache, or with a
304, counts as well. Counted requests carry `RateLimit-Limit`, `RateLimit-Remaining` and
`RateLimit-Reset` (the draft IETF fields, as most clients read them); a request beyond the
budget is a 429 problem with `Retry-After`. Which writes are a contributor's comes from the
permissions table; the contract declares the headers and the 429 from the same tables."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from urbandiplo.api import deprecation, problems
from urbandiplo.api.permissions import OPERATION_ROLES, Contributors
from urbandiplo.api.revalidation import credentials_of
from urbandiplo.domain.access import Principal
from urbandiplo.domain.ratelimits import Allowance, Budget, RateLimitService

# The feeds anonymous clients poll: counted per client address.
FEEDS = frozenset({"/v1/events.ics", "/v1/funding-calls.atom", "/v1/news.atom", "/v1/changes"})
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True, slots=True)
class Budgets:
    contributor_writes: Budget
    feeds: Budget


def contributor_writes() -> frozenset[str]:
    """The operations a contributor writes with (the permissions table says which)."""
    return frozenset(
        operation
        for operation, needed in OPERATION_ROLES.items()
        if isinstance(needed, Contributors) and not operation.endswith(("-list", "-get"))
    )


class RateLimits:
    """Pure ASGI middleware. `principal_of` is the caller a request's `X-API-Key` and
    `Authorization` stand for, or None where they are not valid (the route says why)."""

    def __init__(
        self,
        app: ASGIApp,
        limits: RateLimitService,
        budgets: Budgets,
        principal_of: Callable[[str | None, str | None], Principal | None],
    ) -> None:
        self.app = app
        self.limits = limits
        self.budgets = budgets
        self.principal_of = principal_of
        # The contributor-writable operations: (method, path pattern), from the contract.
        self._writes: list[tuple[str, re.Pattern[str]]] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        counted = await self._bucket(scope)
        if counted is None:
            await self.app(scope, receive, send)
            return
        bucket, budget = counted
        allowance = await anyio.to_thread.run_sync(self.limits.charge, bucket, budget)
        headers = allowance_headers(allowance)
        if allowance.exceeded:
            refusal = problems.problem(
                429,
                f"at most {budget.requests} such requests in {budget.window_seconds} seconds; "
                f"retry in {allowance.reset_seconds} seconds",
                headers={**headers, "Retry-After": str(allowance.reset_seconds)},
            )
            await refusal(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    *((k.lower().encode(), v.encode()) for k, v in headers.items()),
                ]
            await send(message)

        await self.app(scope, receive, with_headers)

    async def _bucket(self, scope: Scope) -> tuple[str, Budget] | None:
        """What the request counts against, if anything."""
        method = scope["method"]
        credentials = credentials_of(scope)
        if credentials is None:
            if method in ("GET", "HEAD") and scope["path"] in FEEDS and self.budgets.feeds.limited:
                return f"feeds:{_address(scope)}", self.budgets.feeds
            return None
        if (
            method not in WRITES
            or not self.budgets.contributor_writes.limited
            or not self._contributor_writable(scope)
        ):
            return None
        principal = await anyio.to_thread.run_sync(lambda: self.principal_of(*credentials))
        if principal is None or not principal.is_contributor:
            return None
        return f"writes:{principal.organisation_id}", self.budgets.contributor_writes

    def _contributor_writable(self, scope: Scope) -> bool:
        if self._writes is None:
            self._writes = writable_paths(scope["app"].openapi())
        return any(
            method == scope["method"] and pattern.fullmatch(scope["path"])
            for method, pattern in self._writes
        )


def writable_paths(contract: dict[str, Any]) -> list[tuple[str, re.Pattern[str]]]:
    """The methods and paths of the operations a contributor writes with."""
    operations = contributor_writes()
    return [
        (method.upper(), re.compile(re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path))))
        for path, methods in contract["paths"].items()
        for method, operation in methods.items()
        if operation["operationId"] in operations
    ]


def allowance_headers(allowance: Allowance) -> dict[str, str]:
    return {
        "RateLimit-Limit": str(allowance.limit),
        "RateLimit-Remaining": str(allowance.remaining),
        "RateLimit-Reset": str(allowance.reset_seconds),
    }


def _address(scope: Scope) -> str:
    """The client's address as a digest: the counters keep no address (they are deleted
    within the hour, too). Behind a reverse proxy, run uvicorn with `--proxy-headers` and
    `--forwarded-allow-ips` so that the address is the client's, not the proxy's."""
    client = scope.get("client")
    address = client[0] if client else "unknown"
    return hashlib.blake2b(address.encode(), digest_size=12, person=b"urbandiplo-rl").hexdigest()


# ---- the contract ----

HEADER_DOCS = {
    "RateLimit-Limit": "Requests the budget allows in the current window. Sent with every "
    "request counted against a budget: a contributor's writes, anonymous requests for the "
    "feeds. Staff are not limited.",
    "RateLimit-Remaining": "Requests left in the current window.",
    "RateLimit-Reset": "Seconds until the current window ends and the budget is full again.",
}


def declare(schema: dict[str, Any]) -> None:
    """The contract's post-processing: every success and client-error response may carry the
    RateLimit fields; the limited operations may answer 429 with `Retry-After`."""
    headers = schema.setdefault("components", {}).setdefault("headers", {})
    for name, description in HEADER_DOCS.items():
        headers[name] = {
            "description": description,
            "schema": {"type": "integer", "format": "int32", "minimum": 0, "maximum": 10**9},
        }
    headers["Retry-After"] = {
        "description": "Seconds to wait before the budget allows another request.",
        "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": 86400},
    }
    # OWASP API8 (Spectral): a response that declares headers declares the CORS one too.
    cors = "Access-Control-Allow-Origin"
    headers.setdefault(cors, deprecation.HEADERS[cors])
    writes = contributor_writes()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            anonymous_feed = method == "get" and path in FEEDS
            if anonymous_feed or operation["operationId"] in writes:
                problems.add_problem_type(responses, problems.PROBLEMS_BY_SLUG["too-many-requests"])
                if 429 in responses:  # made now: the keys are strings, as in the rest
                    responses["429"] = responses.pop(429)
                responses["429"]["headers"] = {
                    "Retry-After": {"$ref": "#/components/headers/Retry-After"},
                }
                operation["responses"] = responses = dict(sorted(responses.items()))
            for status, response in responses.items():
                if status.startswith(("2", "4")):
                    response.setdefault("headers", {}).update(
                        {
                            name: {"$ref": f"#/components/headers/{name}"}
                            for name in (*HEADER_DOCS, cors)
                        }
                    )
