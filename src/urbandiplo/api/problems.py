"""Every error as application/problem+json (RFC 9457), from one table of domain errors."""

from __future__ import annotations

import logging
import traceback
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.routing import Match

from urbandiplo.api.guards import error_headers
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

    type: str = Field(max_length=200)
    title: str = Field(max_length=200)
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


# The one table from domain errors to HTTP: status, problem type, title. Most specific first.
DOMAIN_ERRORS: list[tuple[type[DomainError], int, str, str]] = [
    (NotFound, 404, "not-found", "Not found"),
    (Erased, 410, "erased", "Erased"),
    (
        IdempotencyKeyReused,
        422,
        "idempotency-key-reused",
        "Idempotency key used for another request",
    ),
    (CurrencyMismatch, 422, "currency-mismatch", "Amounts in different currencies"),
    (InvalidData, 422, "validation-error", "Invalid request"),
    (DuplicatePartnership, 409, "duplicate-partnership", "Partnership exists already"),
    (TransitionNotAllowed, 409, "transition-not-allowed", "Transition not allowed"),
    (Conflict, 409, "conflict", "Conflict"),
    (StaleVersion, 412, "precondition-failed", "Precondition failed"),
    (NotAuthenticated, 401, "unauthenticated", "Not authenticated"),
    (PermissionDenied, 403, "forbidden", "Forbidden"),
    (DomainError, 400, "bad-request", "Bad request"),
]

HTTP_PROBLEMS: dict[int, tuple[str, str]] = {
    400: ("bad-request", "Bad request"),
    401: ("unauthenticated", "Not authenticated"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    409: ("conflict", "Conflict"),
    410: ("erased", "Erased"),
    412: ("precondition-failed", "Precondition failed"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("validation-error", "Invalid request"),
    428: ("precondition-required", "Precondition required"),
    500: ("internal-error", "Internal server error"),
}


MAX_DETAIL = 2000
MAX_ERRORS = 100


def problem_type(slug: str) -> str:
    return f"/problems/{slug}"


def problem(
    status: int,
    detail: str | None = None,
    *,
    slug: str | None = None,
    title: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    extensions: dict[str, Any] | None = None,
) -> Response:
    default_slug, default_title = HTTP_PROBLEMS.get(status, ("error", "Error"))
    body: dict[str, Any] = {
        "type": problem_type(slug or default_slug),
        "title": title or default_title,
        "status": status,
    }
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
    status, slug, title = next(
        (status, slug, title)
        for error_type, status, slug, title in DOMAIN_ERRORS
        if isinstance(error, error_type)
    )
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
        title=title,
        errors=errors,
        headers=headers,
        extensions=extensions,
    )


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or media_type.endswith("+json")


def _location(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem response."""

    @app.exception_handler(DomainError)
    async def _domain(_request: Request, error: DomainError) -> Response:
        return domain_problem(error)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> Response:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if request.method in {"POST", "PATCH", "PUT"} and not _is_json(content_type):
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


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` entries that declare problem bodies for these statuses."""
    return {
        status: {
            "description": HTTP_PROBLEMS[status][1],
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }
