"""Every error as application/problem+json (RFC 9457), from one table of domain errors."""

from __future__ import annotations

import html
import logging
import re
import traceback
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, Response
from starlette.routing import Match

from urbandiplo.api.guards import error_headers
from urbandiplo.api.permissions import OPERATION_ROLES
from urbandiplo.domain.attachments import TooLarge, UnsupportedType
from urbandiplo.domain.errors import (
    Conflict,
    DomainError,
    DuplicatePartnership,
    InvalidData,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    StaleVersion,
)
from urbandiplo.domain.idempotency import IdempotencyKeyReused
from urbandiplo.domain.people import Erased
from urbandiplo.domain.values import CurrencyMismatch
from urbandiplo.domain.workflow import ApplicationStatus, TransitionNotAllowed

PROBLEM_MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("urbandiplo.api")


class ProblemField(BaseModel):
    field: str = Field(
        max_length=200, description="Where the problem is, e.g. `body.country_code`."
    )
    message: str = Field(max_length=2000)


class Problem(BaseModel):
    """An RFC 9457 problem; `type` is a stable URI reference naming the kind of problem."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "/problems/validation-error",
                    "title": "Invalid request",
                    "status": 422,
                    "detail": "body.country_code: not an ISO 3166-1 alpha-2 country code",
                    "errors": [
                        {
                            "field": "body.country_code",
                            "message": "not an ISO 3166-1 alpha-2 country code",
                        }
                    ],
                }
            ]
        }
    )

    type: str = Field(
        max_length=200,
        description="The problem type: a URI reference with the full path (`/problems/<slug>`), "
        "resolved against the API's origin, where it leads to the type's documentation. Stable "
        "within /v1; compare it as a string. Each operation lists its types in "
        "`x-problem-types` of its error responses; the API guide explains every one.",
    )
    title: str = Field(max_length=200, description="The problem type's title, the same every time")
    status: int = Field(ge=100, le=599, json_schema_extra={"format": "int32"})
    detail: str | None = Field(default=None, max_length=2000)
    instance: str | None = Field(default=None, max_length=2000)
    errors: list[ProblemField] | None = Field(
        default=None, max_length=100, description="Each invalid field (the first 100)"
    )
    current_status: ApplicationStatus | None = Field(
        default=None,
        description="`transition-not-allowed` only: the application's status",
    )
    allowed: list[ApplicationStatus] | None = Field(
        default=None,
        max_length=10,
        description="`transition-not-allowed` only: the statuses it may move to now",
    )


@dataclass(frozen=True, slots=True)
class ProblemType:
    """One kind of problem: its slug (the last segment of its `type` URI), its HTTP status,
    its title, what it means and what a client should do about it. The API guide's errors
    section and the page each type URI leads to are written from these."""

    slug: str
    status: int
    title: str
    meaning: str
    action: str

    @property
    def uri(self) -> str:
        return problem_type(self.slug)


# Every problem type the API returns: the one table the error mapping below, the contract
# (x-problem-types) and the docs use. A slug never changes or goes away within /v1.
PROBLEM_TYPES: tuple[ProblemType, ...] = (
    ProblemType(
        "bad-request",
        400,
        "Bad request",
        "The request cannot be read: the body is not valid JSON, or a credential was sent in "
        "the URL (`api_key`, `access_token`, `token`, ...), which is refused so that keys do "
        "not end up in logs and browser histories.",
        "Fix the request; sending it again unchanged gives the same answer. Send credentials "
        "in the `X-API-Key` or `Authorization` header only.",
    ),
    ProblemType(
        "unauthenticated",
        401,
        "Not authenticated",
        "The operation needs a credential and none was sent, or the one sent is not valid: "
        "an unknown or revoked API key, a bearer token that is expired, not yet valid, for "
        "another issuer or audience, signed with an unknown key, or a key and a token "
        "together. A credential that is sent is checked on every operation, also on those "
        "open to anonymous callers. `WWW-Authenticate` names the accepted schemes, or says "
        '`error="invalid_token"` for a refused token.',
        "Send a valid `X-API-Key` or a fresh bearer token. Retrying with the same credential "
        "does not help; leave it out to read as an anonymous caller.",
    ),
    ProblemType(
        "forbidden",
        403,
        "Forbidden",
        "The credential is valid, but its role is below the one the operation needs (writes "
        "need `editor`; webhooks, erasure and the audit log `admin`), or the write would give "
        "a record a visibility the caller may not see (`confidential` without the "
        "confidential permission).",
        "Ask for a key or token with the role or permission needed; retrying does not help. "
        "(A record you may not see is a 404, never a 403.)",
    ),
    ProblemType(
        "not-found",
        404,
        "Not found",
        "No record with this id exists, or you may not see it (an internal record asked for "
        "anonymously, a confidential one without the permission): the API does not tell the "
        "two apart. Also the answer for a path no route serves.",
        "Check the id and the credential you send. A record you had synced is gone for you: "
        "delete your copy (the change feed sends the same as a `delete`).",
    ),
    ProblemType(
        "method-not-allowed",
        405,
        "Method not allowed",
        "The path exists, but not with this method; the `Allow` header lists the methods it has.",
        "Use one of the methods in `Allow`.",
    ),
    ProblemType(
        "conflict",
        409,
        "Conflict",
        "The write contradicts what is stored: deleting a record that others still refer to "
        "(a city with partnerships, a network with events, ...), a change that clashed with "
        "another write committed at the same moment, or an `Idempotency-Key` whose first "
        "request is still being processed. `detail` says which.",
        "Read `detail`. Remove the references first, or read the record again and retry; "
        "for a key still in use, send the same request again a moment later and you get the "
        "first request's response.",
    ),
    ProblemType(
        "duplicate-partnership",
        409,
        "Partnership exists already",
        "The two cities have a partnership already: a pair of cities has one partnership, "
        "whichever way round it is entered. `detail` names the existing partnership's id "
        "where you may see it.",
        "Change the existing partnership (`PATCH`) instead of creating a second one; find it "
        "with `GET /v1/partnerships?city_id=<id>`.",
    ),
    ProblemType(
        "transition-not-allowed",
        409,
        "Transition not allowed",
        "The workflow of the funding application or contribution does not allow a move from "
        "its current status to the one asked for. The problem carries `current_status` and "
        "`allowed`, the statuses the record may move to now.",
        "Pick a status from `allowed`, or read the record again: someone may have moved it "
        "meanwhile.",
    ),
    ProblemType(
        "erased",
        410,
        "Erased",
        "The person's personal data was erased for good (GDPR Art. 17); only the id and the "
        "day of erasure remain. Staff get this answer; anonymous callers get a 404.",
        "Delete what you hold about the person; the record will not come back.",
    ),
    ProblemType(
        "precondition-failed",
        412,
        "Precondition failed",
        "`If-Match` named an ETag that is no longer current: the record changed since you "
        "read it. Nothing was changed.",
        "Read the record again (`GET` gives the current ETag), apply your change to what it "
        "is now, and send it with the new ETag.",
    ),
    ProblemType(
        "payload-too-large",
        413,
        "Request body too large",
        "The body is larger than this deployment accepts: 1 MiB by default, 20 MiB for CSV "
        "imports, 10 MiB for an attached document (`URBANDIPLO_MAX_BODY_BYTES`, "
        "`URBANDIPLO_MAX_IMPORT_BYTES`, `URBANDIPLO_MAX_ATTACHMENT_BYTES`).",
        "Send less per request; split a large CSV file, or have it imported with `urbandiplo "
        "import` on the server.",
    ),
    ProblemType(
        "unsupported-media-type",
        415,
        "Unsupported media type",
        "The body is not of the media type the operation reads: `application/json` for "
        "JSON bodies, `text/csv` for imports. An attached document must be what its "
        "`Content-Type` and its file name say, as read from its bytes (a `.pdf` that is not "
        "a PDF is refused), and of a kind accepted: PDF, PNG, JPEG, GIF, WebP, CSV, Office "
        "Open XML or OpenDocument.",
        "Send the `Content-Type` the operation documents.",
    ),
    ProblemType(
        "validation-error",
        422,
        "Invalid request",
        "Parameters, headers or body are well-formed but break a rule: a missing, unknown or "
        "out-of-range field, an unknown country code, a reference to a record that does not "
        "exist or that you may not see, a NUL character, a cursor from another list. "
        "`errors` lists each field (`body.country_code`, `query.limit`, `header.If-Match`, "
        "`file` for CSV imports) with its message.",
        "Fix the fields `errors` names; sending the request again unchanged gives the same "
        "answer. An error at `query.cursor` means the cursor belongs to another list or "
        "sort order: start the list again.",
    ),
    ProblemType(
        "idempotency-key-reused",
        422,
        "Idempotency key used for another request",
        "The `Idempotency-Key` was used by the same caller within the last 24 hours for a "
        "request with another path or body. Nothing was created.",
        "Use a new key for every new request, and an old key only to retry the very same request.",
    ),
    ProblemType(
        "currency-mismatch",
        422,
        "Amounts in different currencies",
        "Amounts in different currencies would have to be added up (a project funded in EUR "
        "and in USD); the API never converts currencies.",
        "Keep the amounts of one project in one currency, or add them up yourself from the "
        "applications.",
    ),
    ProblemType(
        "too-many-requests",
        429,
        "Too many requests",
        "The caller used up its budget for the current window: a contributor's organisation "
        "its writes (60 a minute by default, all its credentials together), an anonymous "
        "client the feeds (120 a minute per address by default). Staff are not limited. "
        "`RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` come with every "
        "counted request; the budget is shared by every worker of the deployment.",
        "Wait the seconds `Retry-After` says, then go on; poll feeds with `If-None-Match` "
        "rather than more often.",
    ),
    ProblemType(
        "internal-error",
        500,
        "Internal server error",
        "Something failed unexpectedly. It has been logged with the response's "
        "`X-Request-ID`; the body tells nothing more.",
        "Retry later (a `POST` with the same `Idempotency-Key`, so that nothing is created "
        "twice). If it persists, report the `X-Request-ID` to the operators.",
    ),
)
PROBLEMS_BY_SLUG: dict[str, ProblemType] = {kind.slug: kind for kind in PROBLEM_TYPES}

# Domain errors to problem types. Most specific first.
DOMAIN_ERRORS: list[tuple[type[DomainError], str]] = [
    (NotFound, "not-found"),
    (UnsupportedType, "unsupported-media-type"),
    (TooLarge, "payload-too-large"),
    (Erased, "erased"),
    (IdempotencyKeyReused, "idempotency-key-reused"),
    (CurrencyMismatch, "currency-mismatch"),
    (InvalidData, "validation-error"),
    (DuplicatePartnership, "duplicate-partnership"),
    (TransitionNotAllowed, "transition-not-allowed"),
    (Conflict, "conflict"),
    (StaleVersion, "precondition-failed"),
    (NotAuthenticated, "unauthenticated"),
    (PermissionDenied, "forbidden"),
    (DomainError, "bad-request"),
]

# The problem type of an HTTP error no domain error names (routing, the framework's checks).
HTTP_PROBLEMS: dict[int, str] = {
    kind.status: kind.slug
    for kind in reversed(PROBLEM_TYPES)  # the first of each status wins: the general one
}


MAX_DETAIL = 2000
MAX_ERRORS = 100


def problem_type(slug: str) -> str:
    """A type URI: a reference with the full path, resolved against the API's own origin,
    where it leads to the type's documentation (see `install`)."""
    return f"/problems/{slug}"


def _kind_of(status: int, slug: str | None) -> ProblemType:
    if slug is not None:
        return PROBLEMS_BY_SLUG[slug]
    default = HTTP_PROBLEMS.get(status, "bad-request" if status < 500 else "internal-error")
    return PROBLEMS_BY_SLUG[default]


def problem(
    status: int,
    detail: str | None = None,
    *,
    slug: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    extensions: dict[str, Any] | None = None,
) -> Response:
    kind = _kind_of(status, slug)
    body: dict[str, Any] = {"type": kind.uri, "title": kind.title, "status": status}
    if detail:
        body["detail"] = detail[:MAX_DETAIL]
    if errors:
        body["errors"] = [
            {"field": e["field"][:200], "message": e["message"][:MAX_DETAIL]}
            for e in errors[:MAX_ERRORS]
        ]
    body.update(extensions or {})
    return Response(
        orjson.dumps(body), status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers
    )


def domain_problem(error: DomainError) -> Response:
    slug = next(slug for error_type, slug in DOMAIN_ERRORS if isinstance(error, error_type))
    status = PROBLEMS_BY_SLUG[slug].status
    errors = None
    if isinstance(error, InvalidData) and error.problems:
        errors = [{"field": p.field, "message": p.message} for p in error.problems]
    headers = None
    if status == 401:
        # RFC 6750: a token that was sent and refused says why; otherwise both ways in.
        bearer_error = getattr(error, "bearer_error", None)
        challenge = (
            f'Bearer realm="urbandiplo", error="{bearer_error}"'
            if bearer_error
            else 'Bearer realm="urbandiplo", APIKey realm="urbandiplo"'
        )
        headers = {"WWW-Authenticate": challenge}
    extensions = None
    if isinstance(error, TransitionNotAllowed):
        extensions = {
            "current_status": error.current.value,
            "allowed": [allowed.value for allowed in error.allowed],
        }
    return problem(
        status,
        error.detail,
        slug=slug,
        errors=errors,
        headers=headers,
        extensions=extensions,
    )


GUIDE_SECTION_START = (
    "<!-- problem types: written from PROBLEM_TYPES in src/urbandiplo/api/problems.py -->"
)
GUIDE_SECTION_END = "<!-- end of problem types -->"


def markdown(kind: ProblemType, level: int = 3) -> str:
    """A type's section of the API guide; its heading, the slug, is its anchor."""
    return (
        f"{'#' * level} {kind.slug}\n\n"
        f'`type`: `{kind.uri}` · status {kind.status} · title "{kind.title}"\n\n'
        f"{kind.meaning}\n\n"
        f"**What to do:** {kind.action}\n"
    )


def guide_section() -> str:
    """The API guide's list of problem types, between its markers: a table, then a section
    per type. docs/api-guide.md holds this text; a test keeps the two the same."""
    rows = "".join(
        f"| [`{kind.uri}`](#{kind.slug}) | {kind.status} | {kind.title} |\n"
        for kind in PROBLEM_TYPES
    )
    sections = "\n".join(markdown(kind) for kind in PROBLEM_TYPES)
    return (
        f"{GUIDE_SECTION_START}\n\n| type | status | title |\n|---|---|---|\n{rows}\n"
        f"{sections}\n{GUIDE_SECTION_END}"
    )


def _inline_html(text: str) -> str:
    """Markdown's `code` and **strong** as HTML, the rest escaped."""
    escaped = html.escape(text, quote=False)
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", escaped)


def _page(title: str, body: str) -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head>\n<body><main>\n{body}</main></body></html>\n"
    )


def html_page(kind: ProblemType) -> str:
    """What a type URI leads to: the type's section of the API guide, as HTML."""
    return _page(
        f"{kind.slug}: {kind.title}",
        f"<h1>{html.escape(kind.title)}</h1>\n"
        f"<p><code>type</code>: <code>{kind.uri}</code> · status {kind.status} · "
        f"<code>{kind.slug}</code></p>\n"
        f"<p>{_inline_html(kind.meaning)}</p>\n"
        f"<p><strong>What to do:</strong> {_inline_html(kind.action)}</p>\n"
        '<p><a href="/problems">Every problem type</a></p>\n',
    )


def html_index() -> str:
    items = "".join(
        f'<li><a href="{kind.uri}"><code>{kind.uri}</code></a> ({kind.status}): '
        f"{html.escape(kind.title)}</li>\n"
        for kind in PROBLEM_TYPES
    )
    return _page("urbandiplo problem types", f"<h1>Problem types</h1>\n<ul>\n{items}</ul>\n")


def _wants_markdown(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/markdown" in accept and "text/html" not in accept


DOCS_CACHE = {"Cache-Control": "public, max-age=86400"}


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


def _location(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem response, and the pages
    the type URIs lead to (outside the contract: documentation, like /docs)."""

    @app.get("/problems", include_in_schema=False)
    def problem_types_page(request: Request) -> Response:
        if _wants_markdown(request):
            return Response(guide_section(), media_type="text/markdown", headers=DOCS_CACHE)
        return HTMLResponse(html_index(), headers=DOCS_CACHE)

    @app.get("/problems/{slug}", include_in_schema=False)
    def problem_type_page(request: Request, slug: str) -> Response:
        kind = PROBLEMS_BY_SLUG.get(slug)
        if kind is None:
            return problem(404, f"no problem type {slug[:100]!r}; see /problems")
        if _wants_markdown(request):
            return Response(markdown(kind, 1), media_type="text/markdown", headers=DOCS_CACHE)
        return HTMLResponse(html_page(kind), headers=DOCS_CACHE)

    @app.exception_handler(DomainError)
    async def _domain(_request: Request, error: DomainError) -> Response:
        return domain_problem(error)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> Response:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        about_body = any(e["loc"][:1] == ("body",) for e in error.errors())
        if about_body and request.method in {"POST", "PATCH", "PUT"} and not _is_json(content_type):
            return problem(415, "send the body as application/json")
        if any(e.get("type") == "json_invalid" for e in error.errors()):
            return problem(400, "the body is not valid JSON")
        errors = [{"field": _location(e["loc"]), "message": str(e["msg"])} for e in error.errors()]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        return problem(422, detail, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> Response:
        detail = error.detail if isinstance(error.detail, str) else None
        headers = dict(error.headers or {})
        if error.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(request))
        return problem(error.status_code, detail, headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> Response:
        log_unexpected(request.method, request.url.path, error)
        return problem(
            500, "an unexpected error occurred; it has been logged", headers=error_headers()
        )


def log_unexpected(method: str, path: str, error: BaseException) -> None:
    """The error's type and where it happened, without its message: a database error's
    message can hold the values written (PostgreSQL shows a failing row), names included."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    log.error(
        "unhandled %s on %s %s\n%s",
        f"{type(error).__module__}.{type(error).__qualname__}",
        method,
        path,
        frames,
    )


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in request.app.routes:
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods)


def problem_responses(*kinds: int | str) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entries that declare problem bodies: a status stands for its
    general type (404: `not-found`), a slug for that type (`transition-not-allowed`). Each
    response lists its types in `x-problem-types` and names them in its description."""
    responses: dict[int | str, dict[str, Any]] = {}
    for kind in kinds:
        found = _kind_of(kind, None) if isinstance(kind, int) else PROBLEMS_BY_SLUG[kind]
        add_problem_type(responses, found)
    return responses


def add_problem_type(responses: dict[Any, dict[str, Any]], kind: ProblemType) -> None:
    """Add a type to the problem response of its status (made if there is none), in the
    table's order, with the description naming them all."""
    existing = responses.get(kind.status, responses.get(str(kind.status)))
    if existing is None:
        existing = responses[kind.status] = {}
    if PROBLEM_MEDIA_TYPE not in existing.get("content", {}):
        existing["content"] = {
            PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}
        }
    listed = {*existing.get("x-problem-types", ()), kind.uri}
    uris = [known.uri for known in PROBLEM_TYPES if known.uri in listed]
    names = ", ".join(f"`{uri}`" for uri in uris)
    existing["description"] = (
        f"{HTTPStatus(kind.status).phrase}. Problem type{'s' * (len(uris) > 1)}: {names}"
    )
    existing["x-problem-types"] = uris


def derived_problem_types(operation: dict[str, Any], needs_role: bool) -> list[str]:
    """What an operation can answer by its shape alone: every request passes the same
    checks (credentials in the URL, NUL characters, the credential sent), bodies are
    limited and typed, item paths name records, `If-Match` and `Idempotency-Key` have
    their own failures."""
    slugs = ["bad-request", "unauthenticated", "validation-error", "internal-error"]
    if needs_role:
        slugs.append("forbidden")
    parameters = operation.get("parameters", [])
    if any(parameter["in"] == "path" for parameter in parameters):
        slugs.append("not-found")
    headers = {parameter["name"].lower() for parameter in parameters if parameter["in"] == "header"}
    if "if-match" in headers:
        slugs.append("precondition-failed")
    if "idempotency-key" in headers:
        slugs += ["idempotency-key-reused", "conflict"]
    if "requestBody" in operation:
        slugs += ["payload-too-large", "unsupported-media-type"]
    return slugs


def list_problem_types(schema: dict[str, Any]) -> None:
    """The contract's post-processing: each operation's problem responses list every type
    it can return, those its route declares and those its shape implies."""
    for operations in schema["paths"].values():
        for operation in operations.values():
            needs_role = OPERATION_ROLES.get(operation["operationId"]) is not None
            for slug in derived_problem_types(operation, needs_role):
                add_problem_type(operation["responses"], PROBLEMS_BY_SLUG[slug])
            # As the rest of the document: status codes as strings, in order.
            operation["responses"] = {
                str(status): response
                for status, response in sorted(
                    operation["responses"].items(), key=lambda item: str(item[0])
                )
            }
