"""A pytest plugin (registered in tests/conftest.py): every problem the API returns while the
tests run is recorded, by its `type` and the operation that returned it, and the run fails
where a type is not explained in the API guide (docs/api-guide.md) or not listed for its
operation in the contract (`x-problem-types` of openapi/openapi.json).

Responses are seen where the tests' HTTP clients receive them, so the application has no
hook for tests: httpx (Starlette's TestClient, clients of live servers) and requests
(schemathesis' in-process transport). A response is the API's when it carries the request id
every urbandiplo response has (`X-Request-ID`), which keeps out other servers the tests
talk to (webhook receivers).

Under pytest-xdist each worker records its own and hands them to the controller with its
`workeroutput`; the controller checks the union once, at the end of the session. Without
xdist the session checks its own."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "api-guide.md"
CONTRACT = ROOT / "openapi" / "openapi.json"
PROBLEM_MEDIA_TYPE = "application/problem+json"
OUTPUT_KEY = "urbandiplo_problem_types"

# (problem type, "METHOD /path" as requested) -> how often
SEEN: dict[tuple[str, str], int] = {}
_FAILURES = pytest.StashKey[list[str]]()
_SUMMARY = pytest.StashKey[str]()


def record(method: str, path: str, headers: Mapping[str, str], body: bytes) -> None:
    """Note the problem in a response, if it is the API's problem response."""
    content_type = headers.get("content-type", "")
    if not content_type.startswith(PROBLEM_MEDIA_TYPE) or "x-request-id" not in headers:
        return
    try:
        kind = json.loads(body).get("type", "about:blank")
    except (ValueError, AttributeError):
        kind = "<not a problem object>"
    key = (str(kind), f"{method.upper()} {path}")
    SEEN[key] = SEEN.get(key, 0) + 1


# -- what the guide and the contract say -----------------------------------------------


def guide_problem_types(text: str) -> dict[str, str]:
    """The problem types the guide explains: type URI -> its section. A type is explained
    by a section whose heading is its slug (its anchor) and which names its URI."""
    sections = re.split(r"^### ", text, flags=re.MULTILINE)[1:]
    explained = {}
    for section in sections:
        slug = section.split("\n", 1)[0].strip()
        uri = f"/problems/{slug}"
        if re.fullmatch(r"[a-z][a-z-]*", slug) and f"`{uri}`" in section:
            explained[uri] = section
    return explained


def contract_operations(contract: dict[str, Any]) -> list[tuple[str, re.Pattern[str], str, int]]:
    """(method, path pattern, operationId, number of parameters in the path), literal paths
    first, so that /v1/events.ics is not taken for /v1/events/{event_id}."""
    found = []
    for path, operations in contract["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$")
        for method, operation in operations.items():
            found.append((method.upper(), pattern, operation["operationId"], path.count("{")))
    return sorted(found, key=lambda entry: entry[3])


def operation_of(
    method: str, path: str, operations: Iterable[tuple[str, re.Pattern[str], str, int]]
) -> str | None:
    for op_method, pattern, operation_id, _ in operations:
        if op_method == method and pattern.match(path):
            return operation_id
    return None


def listed_problem_types(contract: dict[str, Any]) -> dict[str, set[str]]:
    """operationId -> the problem types its error responses list."""
    listed: dict[str, set[str]] = {}
    for operations in contract["paths"].values():
        for operation in operations.values():
            kinds = listed.setdefault(operation["operationId"], set())
            for response in operation["responses"].values():
                kinds.update(response.get("x-problem-types", ()))
    return listed


@cache
def _documents() -> tuple[dict[str, str], dict[str, Any]]:
    return (
        guide_problem_types(GUIDE.read_text(encoding="utf-8")),
        json.loads(CONTRACT.read_text(encoding="utf-8")),
    )


def failures(
    seen: Iterable[tuple[str, str]],
    guide: Mapping[str, str] | None = None,
    contract: dict[str, Any] | None = None,
) -> list[str]:
    """What is wrong with the problems seen: a type the guide does not explain, or one the
    contract does not list for the operation that returned it."""
    if guide is None or contract is None:
        guide, contract = _documents()
    operations = contract_operations(contract)
    listed = listed_problem_types(contract)
    wrong = []
    for kind, request in sorted(set(seen)):
        method, _, path = request.partition(" ")
        if kind not in guide:
            wrong.append(f"{kind} (returned to {request}) is not explained in docs/api-guide.md")
            continue
        operation_id = operation_of(method, path.split("?")[0], operations)
        if operation_id is not None and kind not in listed.get(operation_id, set()):
            wrong.append(
                f"{kind} (returned to {request}) is not in the contract's x-problem-types "
                f"of {operation_id}"
            )
    return wrong


# -- recording -------------------------------------------------------------------------

_originals: dict[str, Any] = {}


def _httpx_send(self: httpx.Client, request: httpx.Request, **kwargs: Any) -> httpx.Response:
    response: httpx.Response = _originals["httpx"](self, request, **kwargs)
    if not kwargs.get("stream"):
        record(request.method, request.url.path, response.headers, response.content)
    return response


def _requests_send(
    self: requests.Session, request: requests.PreparedRequest, **kwargs: Any
) -> requests.Response:
    response: requests.Response = _originals["requests"](self, request, **kwargs)
    if not kwargs.get("stream"):
        path = requests.utils.urlparse(request.url or "").path
        headers = {name.lower(): value for name, value in response.headers.items()}
        record(request.method or "GET", path, headers, response.content)
    return response


def pytest_configure(config: pytest.Config) -> None:
    if not _originals:
        _originals["httpx"] = httpx.Client.send
        _originals["requests"] = requests.Session.send
        httpx.Client.send = _httpx_send  # type: ignore[method-assign]
        requests.Session.send = _requests_send  # type: ignore[method-assign]


def pytest_unconfigure(config: pytest.Config) -> None:
    if _originals:
        httpx.Client.send = _originals.pop("httpx")  # type: ignore[method-assign]
        requests.Session.send = _originals.pop("requests")  # type: ignore[method-assign]


# -- checking, at the end of the session -----------------------------------------------


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """xdist controller: a worker finished; take what it saw."""
    for kind, request in getattr(node, "workeroutput", {}).get(OUTPUT_KEY, ()):
        SEEN[(kind, request)] = SEEN.get((kind, request), 0) + 1


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller checks
        workeroutput[OUTPUT_KEY] = [list(key) for key in SEEN]
        return
    if not SEEN:
        return
    wrong = failures(SEEN)
    session.config.stash[_FAILURES] = wrong
    session.config.stash[_SUMMARY] = (
        f"{len({kind for kind, _ in SEEN})} problem types returned to "
        f"{len({request.split('?')[0] for _, request in SEEN})} requests, "
        f"checked against docs/api-guide.md and the contract's x-problem-types"
    )
    if wrong and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    wrong = config.stash.get(_FAILURES, [])
    if not wrong and _SUMMARY in config.stash:
        terminalreporter.write_line(config.stash[_SUMMARY])
    if wrong:
        terminalreporter.write_sep("=", "problem types the API returned", red=True)
        for line in wrong:
            terminalreporter.write_line(line)
        terminalreporter.write_line(
            "Explain every type in PROBLEM_TYPES (src/urbandiplo/api/problems.py), run "
            "scripts/write-problem-types, and list it for the operation (problem_responses)."
        )
