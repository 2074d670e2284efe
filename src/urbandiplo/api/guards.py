"""What every response carries and what every request leaves in the log: security headers,
and an access log line without the query string (which may hold search terms, names) and
without any credential."""

from __future__ import annotations

import logging
import time

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


class Guards:
    """Pure ASGI middleware: security headers on every response, one access log line per
    request (method, path, status, duration)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        docs = scope["path"].startswith(DOCS_PATHS)
        # The path as it came, percent-encoded: no control characters can forge log lines.
        raw = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
        logged_path = raw.decode("ascii", "backslashreplace")
        status = 500
        logged = False

        def log_once() -> None:
            nonlocal logged
            if not logged:
                logged = True
                elapsed = (time.perf_counter() - started) * 1000
                access_log.info("%s %s %d %.1fms", scope["method"], logged_path, status, elapsed)

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                for name, value in API_HEADERS.items():
                    headers.setdefault(name, value)
                if docs:
                    headers["Content-Security-Policy"] = DOCS_CSP
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                log_once()  # before the client has the whole answer: the line is never late
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            log_once()
