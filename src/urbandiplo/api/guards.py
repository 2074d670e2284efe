"""What every response carries and what every request leaves behind: security headers, a
request id (X-Request-ID, taken from the caller when sane, and on every log line written
for the request), the request's metrics, and an access log line without the query string
(which may hold search terms, names) and without any credential."""

from __future__ import annotations

import logging
import os
import re
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from urbandiplo.api.metrics import IN_PROGRESS, RequestMetrics, RouteTemplates
from urbandiplo.logs import request_id

access_log = logging.getLogger("urbandiplo.access")

API_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Strict-Transport-Security": "max-age=31536000",
    # JSON is never a document to render: no scripts, no frames, nothing loaded.
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}
# The docs pages run Swagger UI and ReDoc from this server's own assets (inline bootstrap
# script and styles, ReDoc's worker from a blob), and nothing from elsewhere.
DOCS_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; "
    "frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc", "/docs-assets/")
REQUEST_ID_HEADER = "X-Request-ID"

_API_RAW = [(name.lower().encode(), value.encode()) for name, value in API_HEADERS.items()]
_CSP = b"content-security-policy"
_DOCS_CSP_RAW = DOCS_CSP.encode()
_REQUEST_ID = REQUEST_ID_HEADER.lower().encode()
# A caller's id is kept when it could not forge a log line or smuggle anything into a header.
_SANE_ID = re.compile(rb"[A-Za-z0-9._-]{1,64}").fullmatch


def _request_id(scope: Scope) -> bytes:
    for name, value in scope["headers"]:
        if name == _REQUEST_ID:
            if _SANE_ID(value):
                return bytes(value)
            break
    return os.urandom(16).hex().encode()


def error_headers() -> dict[str, str]:
    """The headers for a response made outside this middleware: Starlette's handler for
    unexpected errors (api/problems.py) answers after the error has passed through here."""
    rid = request_id.get()
    return {**API_HEADERS, REQUEST_ID_HEADER: rid} if rid else dict(API_HEADERS)


class Guards:
    """Pure ASGI middleware, the outermost of the app's own: headers on every response,
    one access log line and one observation in the metrics per request (method, route
    template, status, duration)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.metrics = RequestMetrics()
        self.templates = RouteTemplates()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        rid = _request_id(scope)
        token = request_id.set(rid.decode("ascii"))
        docs = scope["path"].startswith(DOCS_PATHS)
        status = 500
        finished = False

        def finish() -> None:
            nonlocal finished
            if finished:
                return
            finished = True
            seconds = time.perf_counter() - started
            route = self.templates(scope, status)
            self.metrics.observe(scope["method"], route, status, seconds)
            if access_log.isEnabledFor(logging.INFO):
                # The path as it came, percent-encoded: no control characters can forge
                # log lines; and without the query string.
                raw = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
                path = raw.decode("ascii", "backslashreplace")
                duration_ms = round(seconds * 1000, 1)
                access_log.info(
                    "%s %s %d %.1fms",
                    scope["method"],
                    path,
                    status,
                    duration_ms,
                    extra={
                        "method": scope["method"],
                        "path": path,
                        "route": route,
                        "status": status,
                        "duration_ms": duration_ms,
                    },
                )

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                # A copy: a cached response's header list is sent again and again.
                headers = message["headers"] = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers.extend(header for header in _API_RAW if header[0] not in present)
                if docs:
                    headers[:] = [h for h in headers if h[0].lower() != _CSP]
                    headers.append((_CSP, _DOCS_CSP_RAW))
                if _REQUEST_ID in present:  # one id per request: the one in the log
                    headers[:] = [h for h in headers if h[0].lower() != _REQUEST_ID]
                headers.append((_REQUEST_ID, rid))
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                finish()  # before the client has the whole answer: the line is never late
            await send(message)

        IN_PROGRESS.inc()
        try:
            await self.app(scope, receive, send_with_headers)
        except BaseException:
            # The request id stays set: Starlette's handler for unexpected errors logs and
            # answers after the error has left this middleware, in this request's own task.
            finish()
            raise
        else:
            finish()
            request_id.reset(token)
        finally:
            IN_PROGRESS.dec()
