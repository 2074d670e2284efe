"""Every request and response body of the contract has an example, and every example in the
contract is valid against its schema (JSON Schema 2020-12, the dialect of OpenAPI 3.1)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

CONTRACT = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
DOCUMENT: dict[str, Any] = json.loads(CONTRACT.read_text(encoding="utf-8"))
BASE = "urn:urbandiplo:openapi"
# OpenAPI 3.1's default dialect is JSON Schema 2020-12 with a few annotations of its own
# (discriminator, xml, externalDocs, example), which a 2020-12 validator ignores.
OAS_31_DIALECT = "https://spec.openapis.org/oas/3.1/dialect/base"
REGISTRY: Registry[Any] = Registry().with_resource(
    BASE, Resource(contents=DOCUMENT, specification=DRAFT202012)
)

# jsonschema checks `date-time` only with an extra package: RFC 3339's form, offset required.
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
FORMATS = FormatChecker()
FORMATS.checkers.update(Draft202012Validator.FORMAT_CHECKER.checkers)
FORMATS.checks("date-time")(
    lambda value: not isinstance(value, str) or bool(DATE_TIME.match(value))
)

# Keywords whose value is a schema, a list of schemas or a map of schemas (JSON Schema 2020-12).
ONE_SCHEMA = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
)
SCHEMA_LISTS = ("anyOf", "allOf", "oneOf", "prefixItems")
SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "dependentSchemas")


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _pointer(*tokens: str | int) -> str:
    return "".join("/" + _escape(str(token)) for token in tokens)


def _validator(pointer: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": f"{BASE}#{pointer}"},
        registry=REGISTRY,
        format_checker=FORMATS,
    )


def _resolve(schema: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    ref = schema["$ref"]
    assert ref.startswith("#/components/schemas/"), ref
    name = ref.removeprefix("#/components/schemas/")
    return name, DOCUMENT["components"]["schemas"][name]


def _bodies() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(where, pointer, media type object) of every request body and every 2xx and 4xx
    response body."""
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody", {})
            for media, content in body.get("content", {}).items():
                yield (
                    f"{method.upper()} {path} request {media}",
                    _pointer("paths", path, method, "requestBody", "content", media),
                    content,
                )
            for status, response in operation["responses"].items():
                if status[0] not in "24":
                    continue
                for media, content in response.get("content", {}).items():
                    yield (
                        f"{method.upper()} {path} {status} {media}",
                        _pointer("paths", path, method, "responses", status, "content", media),
                        content,
                    )


def _body_schemas(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """The schemas a body may be: the one it names, or each branch of a union of them (the
    staff and the public view, the page and the plain list)."""
    if "$ref" in schema:
        yield _resolve(schema)
    elif "anyOf" in schema or "oneOf" in schema:
        for branch in schema.get("anyOf", []) + schema.get("oneOf", []):
            yield from _body_schemas(branch)
    else:
        yield "(inline)", schema


def _examples_in(schema: Any, pointer: str) -> Iterator[tuple[str, Any, int | str]]:
    """(pointer of the schema, example) of every example in a schema and its subschemas."""
    if not isinstance(schema, dict):
        return
    for index, example in enumerate(schema.get("examples", [])):
        yield pointer, example, index
    if "example" in schema:
        yield pointer, schema["example"], "example"
    for keyword in ONE_SCHEMA:
        if isinstance(schema.get(keyword), dict):
            yield from _examples_in(schema[keyword], f"{pointer}/{keyword}")
    for keyword in SCHEMA_LISTS:
        for index, branch in enumerate(schema.get(keyword, [])):
            yield from _examples_in(branch, f"{pointer}/{keyword}/{index}")
    for keyword in SCHEMA_MAPS:
        for name, child in schema.get(keyword, {}).items():
            yield from _examples_in(child, f"{pointer}/{keyword}/{_escape(name)}")


def _all_examples() -> Iterator[tuple[str, str, Any]]:
    """(label, pointer of the schema, example): the examples of the component schemas and
    their properties, of the parameters, and of the media types."""
    for name, schema in DOCUMENT["components"]["schemas"].items():
        for pointer, example, index in _examples_in(
            schema, _pointer("components", "schemas", name)
        ):
            yield f"{pointer} [{index}]", pointer, example
    for path, operations in DOCUMENT["paths"].items():
        for method, operation in operations.items():
            for index, parameter in enumerate(operation.get("parameters", [])):
                at = _pointer("paths", path, method, "parameters", index, "schema")
                for pointer, example, number in _examples_in(parameter.get("schema", {}), at):
                    yield (
                        f"{method.upper()} {path} {parameter['name']} [{number}]",
                        pointer,
                        example,
                    )
                if "example" in parameter:
                    yield f"{method.upper()} {path} {parameter['name']}", at, parameter["example"]
    for where, pointer, content in _bodies():
        schema_at = f"{pointer}/schema"
        if "example" in content:
            yield f"{where} example", schema_at, content["example"]
        for name, example in content.get("examples", {}).items():
            assert "value" in example, f"{where}: example {name} has no value"
            yield f"{where} examples.{name}", schema_at, example["value"]


def test_the_contract_is_openapi_3_1_with_its_default_dialect() -> None:
    assert DOCUMENT["openapi"].startswith("3.1.")
    assert DOCUMENT.get("jsonSchemaDialect", OAS_31_DIALECT) == OAS_31_DIALECT


def test_every_request_and_response_body_has_an_example() -> None:
    missing = []
    bodies = 0
    for where, _at, content in _bodies():
        bodies += 1
        if "example" in content or content.get("examples"):
            continue
        for name, schema in _body_schemas(content.get("schema", {})):
            if not schema.get("examples"):
                missing.append(f"{where}: {name}")
    assert bodies > 100  # the walk found the bodies
    assert not missing, "bodies without an example:\n" + "\n".join(sorted(set(missing)))


def test_page_examples_show_items() -> None:
    schemas = DOCUMENT["components"]["schemas"]
    pages = [name for name in schemas if name.endswith("Page")]
    assert len(pages) > 20
    for name in pages:
        for example in schemas[name]["examples"]:
            assert 1 <= len(example["items"]) <= 2, name


EXAMPLES = list(_all_examples())


def test_the_contract_has_examples_to_check() -> None:
    labels = {label.split(" [")[0] for label, _, _ in EXAMPLES}
    for schema in ("City", "CityCreate", "CityPage", "Problem", "PartnershipPublicPage"):
        assert f"/components/schemas/{schema}" in labels


@pytest.mark.parametrize(("label", "pointer", "example"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_example_is_valid_against_its_schema(label: str, pointer: str, example: Any) -> None:
    errors = sorted(_validator(pointer).iter_errors(example), key=lambda e: list(e.path))
    assert not errors, "\n".join(
        f"{label} at {'/'.join(map(str, e.path)) or '(root)'}: {e.message}" for e in errors
    )


def _undeclared(example: Any, schema: dict[str, Any], at: str = "") -> list[str]:
    """Keys of an example that its schema does not name (Redocly's no-invalid-*-examples
    refuses them too): a public view's example must not show staff fields."""
    if "$ref" in schema:
        return _undeclared(example, _resolve(schema)[1], at)
    branches = schema.get("anyOf", []) + schema.get("oneOf", [])
    if branches:
        found = [_undeclared(example, branch, at) for branch in branches]
        return min(found, key=len)
    if isinstance(example, dict) and "properties" in schema:
        properties = schema["properties"]
        if "additionalProperties" in schema or "patternProperties" in schema:
            return []
        extra = [f"{at}/{key}" for key in example if key not in properties]
        return extra + [
            problem
            for key, value in example.items()
            if key in properties
            for problem in _undeclared(value, properties[key], f"{at}/{key}")
        ]
    if isinstance(example, list) and isinstance(schema.get("items"), dict):
        return [
            problem
            for index, item in enumerate(example)
            for problem in _undeclared(item, schema["items"], f"{at}/{index}")
        ]
    return []


def _at(pointer: str) -> Any:
    node: Any = DOCUMENT
    for token in pointer.lstrip("/").split("/"):
        token = token.replace("~1", "/").replace("~0", "~")
        node = node[int(token)] if isinstance(node, list) else node[token]
    return node


def test_examples_show_only_the_fields_their_schema_has() -> None:
    found = [
        f"{label}: {', '.join(keys)}"
        for label, pointer, example in EXAMPLES
        if (keys := _undeclared(example, _at(pointer)))
    ]
    assert not found, "\n".join(found)


def test_an_invalid_example_is_caught() -> None:
    """The check itself: a city without its country, with a date-time that is not one."""
    city = next(e for label, p, e in EXAMPLES if p == "/components/schemas/City")
    broken = {key: value for key, value in city.items() if key != "country_code"}
    broken["created_at"] = "21.11.2026"
    messages = [e.message for e in _validator("/components/schemas/City").iter_errors(broken)]
    assert any("country_code" in message for message in messages)
    assert any("date-time" in message for message in messages)
    assert _undeclared({**city, "legal_basis": "consent"}, _at("/components/schemas/City")) == [
        "/legal_basis"
    ]
