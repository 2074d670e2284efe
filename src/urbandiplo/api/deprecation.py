"""Deprecated operations and fields, declared in one place (`DEPRECATIONS`): they are marked
`deprecated` in the contract, and their responses announce it in headers.

An operation is named by its `operationId`, a field by `Schema.field` as the contract names
them (`CityCreate.population`). What a client gets:

- the contract: `deprecated: true` on the operation or on the schema's property, a sentence
  with the dates and the link in its description, and the headers below declared on every
  response of the operations concerned;
- the headers, on every response the route makes (successes, problems, 304s): `Deprecation:
  @<unix seconds>` (RFC 9745), `Sunset: <HTTP-date>` where a day of removal is set (RFC 8594),
  and `Link: <url>; rel="deprecation"` (with `rel="sunset"` where there is a sunset), joined
  to a `Link` the response has already (a list's `rel="next"`).

A deprecated field concerns every operation whose request or response body carries it,
nested schemas included: its responses carry the headers whether or not the request used the
field, so that a client learns before it depends on the field, and nothing has to look into
bodies. Where several entries concern one operation, `Deprecation` and `Sunset` name the
earliest dates, and `Link` every page.

A middleware adds the headers, by the route Starlette found (`scope["route"]`): one dict
look-up per response while something is deprecated, and no middleware at all while nothing
is. Anonymous list responses answered 304 by `ListRevalidation` before routing carry none:
the response they revalidate had them, and a cache keeps its stored headers on a 304.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from fastapi import FastAPI
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send


@dataclass(frozen=True)
class Deprecation:
    """When something was deprecated, when it goes (if decided), and where to read about it
    (the API guide's section, or the successor's documentation)."""

    since: datetime
    link: str
    sunset: datetime | None = None

    def __post_init__(self) -> None:
        if self.since.tzinfo is None or (self.sunset and self.sunset.tzinfo is None):
            raise ValueError("deprecation and sunset instants need a time zone")
        if self.sunset is not None and self.sunset < self.since:
            raise ValueError("the sunset cannot come before the deprecation")


@dataclass(frozen=True)
class Deprecations:
    """The registry: operations by operationId, fields by `Schema.field`."""

    operations: Mapping[str, Deprecation] = field(default_factory=dict)
    fields: Mapping[str, Deprecation] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.operations or self.fields)


# What is deprecated in this API. Nothing is, today; an entry looks like
#   operations={"cities-list": Deprecation(datetime(2026, 3, 1, tzinfo=UTC),
#               "https://example.org/api-guide#deprecation", sunset=datetime(2026, 9, 1, ...))}
#   fields={"CityCreate.population": Deprecation(...)}
DEPRECATIONS = Deprecations()

HEADERS: dict[str, dict[str, Any]] = {
    "Deprecation": {
        "description": "RFC 9745: this operation, or a field its request or response "
        "carries, is deprecated since this instant (`@` and Unix seconds).",
        "schema": {"type": "string", "pattern": "^@-?[0-9]{1,15}$", "maxLength": 17},
    },
    "Sunset": {
        "description": "RFC 8594: the instant (an HTTP-date) after which it may stop working.",
        "schema": {
            "type": "string",
            "pattern": "^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} "
            "[0-9]{2}:[0-9]{2}:[0-9]{2} GMT$",
            "maxLength": 29,
        },
    },
    # OWASP API8 (Spectral): a response that declares headers declares the CORS one too.
    "Access-Control-Allow-Origin": {
        "description": "The caller's origin, where it is one of URBANDIPLO_CORS_ORIGINS.",
        "schema": {"type": "string", "maxLength": 2000},
    },
    "Link": {
        "description": 'RFC 8288: `rel="deprecation"` (RFC 9745) and `rel="sunset"` (RFC 8594) '
        'name the pages about it, besides a list\'s `rel="next"`.',
        "schema": {"type": "string", "maxLength": 8000},
    },
}


def deprecation_value(since: datetime) -> str:
    """RFC 9745's structured field Date: `@` and the Unix time in seconds."""
    return f"@{int(since.timestamp())}"


def sunset_value(sunset: datetime) -> str:
    """RFC 8594's HTTP-date (IMF-fixdate): `Tue, 01 Sep 2026 00:00:00 GMT`."""
    return format_datetime(sunset.astimezone(UTC), usegmt=True)


def headers_for(entries: list[Deprecation]) -> dict[str, str]:
    """The response headers for the deprecations concerning one operation."""
    since = min(entry.since for entry in entries)
    sunsets = [entry for entry in entries if entry.sunset is not None]
    links = list(dict.fromkeys(f'<{entry.link}>; rel="deprecation"' for entry in entries))
    headers = {"Deprecation": deprecation_value(since)}
    if sunsets:
        first = min(sunsets, key=lambda entry: entry.sunset or since)
        assert first.sunset is not None
        headers["Sunset"] = sunset_value(first.sunset)
        links.append(f'<{first.link}>; rel="sunset"')
    headers["Link"] = ", ".join(links)
    return headers


def _refs(schema: Any) -> Iterator[str]:
    """The component schemas a schema names, directly."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            yield ref.removeprefix("#/components/schemas/")
        for value in schema.values():
            yield from _refs(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _refs(value)


def _reachable(schema: Any, components: Mapping[str, Any]) -> set[str]:
    """Every component schema a body may carry, nested ones included."""
    seen: set[str] = set()
    todo = list(_refs(schema))
    while todo:
        name = todo.pop()
        if name not in seen and name in components:
            seen.add(name)
            todo.extend(_refs(components[name]))
    return seen


def _bodies(operation: Mapping[str, Any]) -> Iterator[Any]:
    for content in operation.get("requestBody", {}).get("content", {}).values():
        yield content.get("schema")
    for response in operation.get("responses", {}).values():
        for content in response.get("content", {}).values():
            yield content.get("schema")


def _operations(document: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    for operations in document.get("paths", {}).values():
        yield from operations.values()


def concerned(document: Mapping[str, Any], registry: Deprecations) -> dict[str, list[Deprecation]]:
    """The deprecations concerning each operation (by operationId): its own, and those of the
    fields its bodies carry. Refuses names the contract does not have (a typo would deprecate
    nothing)."""
    components = document.get("components", {}).get("schemas", {})
    operation_ids = {operation.get("operationId") for operation in _operations(document)}
    unknown = [name for name in registry.operations if name not in operation_ids]
    fields_by_schema: dict[str, list[Deprecation]] = {}
    for name, entry in registry.fields.items():
        schema, _, prop = name.partition(".")
        if prop not in components.get(schema, {}).get("properties", {}):
            unknown.append(name)
        fields_by_schema.setdefault(schema, []).append(entry)
    if unknown:
        raise ValueError(f"deprecated but not in the contract: {', '.join(sorted(unknown))}")
    found: dict[str, list[Deprecation]] = {}
    for operation in _operations(document):
        own = registry.operations.get(operation.get("operationId", ""))
        entries = [] if own is None else [own]
        if fields_by_schema:
            carried: set[str] = set()
            for schema in _bodies(operation):
                carried |= _reachable(schema, components)
            for schema in sorted(carried & fields_by_schema.keys()):
                entries.extend(fields_by_schema[schema])
        if entries:
            found[operation["operationId"]] = entries
    return found


def _sentence(entry: Deprecation) -> str:
    sunset = f"; it may be removed after {entry.sunset:%Y-%m-%d}" if entry.sunset else ""
    return f"Deprecated since {entry.since:%Y-%m-%d}{sunset}. See <{entry.link}>."


def _describe(target: dict[str, Any], entry: Deprecation) -> None:
    target["deprecated"] = True
    text = target.get("description")
    target["description"] = f"{text}\n\n{_sentence(entry)}" if text else _sentence(entry)


def document(schema: dict[str, Any], registry: Deprecations) -> None:
    """Marks the registry's operations and fields `deprecated` in the contract, and declares
    the headers on the responses of the operations concerned. Nothing, while it is empty."""
    if not registry:
        return
    found = concerned(schema, registry)
    components = schema["components"]["schemas"]
    for name, entry in registry.fields.items():
        model, _, prop = name.partition(".")
        _describe(components[model]["properties"][prop], entry)
    headers = schema["components"].setdefault("headers", {})
    for operation in _operations(schema):
        entries = found.get(operation.get("operationId", ""))
        if not entries:
            continue
        own = registry.operations.get(operation["operationId"])
        if own is not None:
            _describe(operation, own)
        sends = ["Deprecation", "Link", "Access-Control-Allow-Origin"]
        if any(entry.sunset for entry in entries):
            sends.insert(1, "Sunset")
        for response in operation["responses"].values():
            declared = response.setdefault("headers", {})
            for header in sends:
                headers.setdefault(header, HEADERS[header])
                declared.setdefault(header, {"$ref": f"#/components/headers/{header}"})


class Announce:
    """Pure ASGI middleware: the deprecation headers on every response of the operations
    concerned, found by the route Starlette put in the scope."""

    def __init__(self, app: ASGIApp, headers: Mapping[str, Mapping[str, str]]) -> None:
        self.app = app
        # operationId -> (the Link value, the other headers), encoded once.
        self.headers = {
            operation: (
                values["Link"].encode("latin-1"),
                [
                    (name.lower().encode("latin-1"), value.encode("latin-1"))
                    for name, value in values.items()
                    if name != "Link"
                ],
            )
            for operation, values in headers.items()
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def announce(message: Message) -> None:
            if message["type"] == "http.response.start":
                route = scope.get("route")
                found = self.headers.get(getattr(route, "operation_id", None) or "")
                if found is not None:
                    message = {**message, "headers": _announced(message, *found)}
            await send(message)

        await self.app(scope, receive, announce)


def _announced(
    message: Message, link: bytes, others: list[tuple[bytes, bytes]]
) -> list[tuple[bytes, bytes]]:
    headers = list(message.get("headers", ()))
    for index, (name, value) in enumerate(headers):
        if name.lower() == b"link":  # a list's rel="next": one Link field with both
            headers[index] = (name, value + b", " + link)
            break
    else:
        headers.append((b"link", link))
    return headers + others


def install(app: FastAPI, registry: Deprecations) -> None:
    """Adds the middleware that sends the headers, once the routes are in; it reads the
    contract, so only when something is deprecated. Innermost of the app's middleware:
    inside the list cache, which keeps the headers with the responses it keeps."""
    if not registry:
        return
    found = concerned(app.openapi(), registry)
    headers = {operation: headers_for(entries) for operation, entries in found.items()}
    app.user_middleware.append(Middleware(Announce, headers=headers))
