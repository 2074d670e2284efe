"""Problem types: one table in the code, explained in the API guide, listed per operation in
the contract, and each type URI leads to its documentation. (That every type the test suite
sees returned is in the guide and in its operation's list is checked for the whole run by
tests/problem_recorder.py.)"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests import problem_recorder
from tests.api.test_webhooks import Receiver, receiver, subscribe  # noqa: F401 - a fixture
from urbandiplo import delivery
from urbandiplo.api import problems
from urbandiplo.config import Settings
from urbandiplo.domain import webhooks as webhook_rules
from urbandiplo.main import build_services

GUIDE = problem_recorder.GUIDE
CONTRACT = problem_recorder.CONTRACT


def guide_text() -> str:
    return GUIDE.read_text(encoding="utf-8")


def contract() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(CONTRACT.read_text(encoding="utf-8"))
    return loaded


def test_the_guide_explains_every_problem_type_of_the_code_and_no_other() -> None:
    text = guide_text()
    explained = problem_recorder.guide_problem_types(text)
    in_code = {kind.uri for kind in problems.PROBLEM_TYPES}
    assert set(explained) == in_code
    # Nothing else in the guide looks like a type the code does not have.
    mentioned = set(re.findall(r"/problems/[a-z][a-z-]*[a-z]", text))
    assert mentioned <= in_code, mentioned - in_code
    # Each type's own section, its anchor the slug, with its status and title.
    for kind in problems.PROBLEM_TYPES:
        assert re.search(rf"^### {kind.slug}$", text, re.MULTILINE), kind.slug
        assert f'status {kind.status} · title "{kind.title}"' in explained[kind.uri]
        assert f"](#{kind.slug})" in text, f"{kind.slug} is not linked from the table"


def test_the_guide_holds_the_problem_types_as_the_code_writes_them() -> None:
    assert problems.guide_section() in guide_text(), "run scripts/write-problem-types"


def test_the_readme_links_the_guide() -> None:
    readme = (GUIDE.parents[1] / "README.md").read_text(encoding="utf-8")
    assert "(docs/api-guide.md)" in readme


def test_the_table_maps_every_error_to_a_known_type() -> None:
    slugs = [kind.slug for kind in problems.PROBLEM_TYPES]
    assert len(slugs) == len(set(slugs))
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", slug) for slug in slugs)
    assert {slug for _, slug in problems.DOMAIN_ERRORS} <= set(slugs)
    for status, slug in problems.HTTP_PROBLEMS.items():
        assert problems.PROBLEMS_BY_SLUG[slug].status == status


def test_every_problem_response_of_the_contract_lists_its_types() -> None:
    known = {kind.uri: kind for kind in problems.PROBLEM_TYPES}
    for path, operations in contract()["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if problems.PROBLEM_MEDIA_TYPE not in response.get("content", {}):
                    continue
                listed = response["x-problem-types"]
                assert listed, (method, path, status)
                for uri in listed:
                    assert known[uri].status == int(status), (method, path, status, uri)
                    assert f"`{uri}`" in response["description"]


def test_types_follow_from_what_an_operation_takes() -> None:
    """A sample of the derived listing: the role table, item paths, If-Match,
    Idempotency-Key and bodies each bring their types."""
    listed = problem_recorder.listed_problem_types(contract())
    assert listed["cities-list"] == {
        "/problems/bad-request",
        "/problems/unauthenticated",
        "/problems/validation-error",
        "/problems/internal-error",
    }
    assert {
        "/problems/forbidden",
        "/problems/not-found",
        "/problems/precondition-failed",
        "/problems/payload-too-large",
        "/problems/unsupported-media-type",
        "/problems/transition-not-allowed",
    } <= listed["funding-applications-transition"]
    assert {"/problems/idempotency-key-reused", "/problems/conflict"} <= listed["cities-create"]
    assert "/problems/duplicate-partnership" in listed["partnerships-create"]
    assert "/problems/erased" in listed["people-get"]
    assert "/problems/currency-mismatch" in listed["projects-funding"]
    assert "/problems/forbidden" not in listed["cities-get"]
    assert "/problems/not-found" not in listed["cities-list"]


def test_the_recorded_problems_are_checked_against_guide_and_contract() -> None:
    """The end-of-run check fails on a type the guide does not explain, and on a type the
    contract does not list for the operation that returned it."""
    assert problem_recorder.failures([("/problems/not-found", "GET /v1/cities/x")]) == []
    undocumented = problem_recorder.failures([("/problems/made-up", "GET /v1/cities")])
    assert undocumented == [
        "/problems/made-up (returned to GET /v1/cities) is not explained in docs/api-guide.md"
    ]
    unlisted = problem_recorder.failures([("/problems/erased", "GET /v1/cities/x")])
    assert unlisted == [
        "/problems/erased (returned to GET /v1/cities/x) is not in the contract's "
        "x-problem-types of cities-get"
    ]
    # Paths no operation serves have no list to be in; the guide still must explain it.
    assert problem_recorder.failures([("/problems/not-found", "GET /nowhere")]) == []


def test_problems_the_api_returns_are_recorded(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    url = "/v1/cities/0190a7c2-0000-7000-8000-000000000000"
    before = dict(problem_recorder.SEEN)
    assert app_client.get(url, headers=editor).status_code == 404
    city = app_client.post(
        "/v1/cities", json={"name": "Turku", "country_code": "FI"}, headers=editor
    )
    stale = app_client.patch(
        f"/v1/cities/{city.json()['id']}",
        json={"population": 1},
        headers={**editor, "If-Match": '"stale"'},
    )
    assert stale.status_code == 412
    seen = {key for key, count in problem_recorder.SEEN.items() if before.get(key) != count}
    assert seen == {
        ("/problems/not-found", f"GET {url}"),
        ("/problems/precondition-failed", f"PATCH /v1/cities/{city.json()['id']}"),
    }
    assert problem_recorder.failures(seen) == []


def test_a_type_uri_leads_to_its_section_of_the_guide(app_client: TestClient) -> None:
    text = guide_text()
    for kind in problems.PROBLEM_TYPES:
        page = app_client.get(kind.uri)
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert f"<h1>{kind.title}</h1>" in page.text
        assert problems.markdown(kind) in text, "the page and the guide differ"
        as_markdown = app_client.get(kind.uri, headers={"Accept": "text/markdown"})
        assert as_markdown.headers["content-type"].startswith("text/markdown")
        assert as_markdown.text == problems.markdown(kind, 1)
    index = app_client.get("/problems")
    assert all(f'href="{kind.uri}"' in index.text for kind in problems.PROBLEM_TYPES)
    unknown = app_client.get("/problems/made-up")
    assert unknown.status_code == 404
    assert unknown.json()["type"] == "/problems/not-found"
    paths = app_client.get("/openapi.json").json()["paths"]
    assert not [path for path in paths if path.startswith("/problems")], "documentation, not API"


def test_a_problem_type_resolves_against_the_api_origin(app_client: TestClient) -> None:
    problem = app_client.get("/v1/cities/not-a-uuid").json()
    resolved = app_client.get(str(app_client.base_url.join(problem["type"])))
    assert resolved.status_code == 200
    assert problem["title"] in resolved.text


def verification_example() -> str:
    """The guide's webhook verification code, the Python block of its Webhooks section."""
    section = guide_text().split("\n## Webhooks\n", 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    return code


def test_the_guides_webhook_verification_accepts_real_deliveries_and_nothing_else(
    app_client: TestClient,
    settings: Settings,
    db: Engine,
    keys: dict[str, dict[str, str]],
    receiver: tuple[Receiver, str],  # noqa: F811 - the fixture imported above
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(webhook_rules, "backoff", lambda attempts: timedelta(0))
    got, url = receiver
    hook = subscribe(app_client, keys["admin"], url, record_types=["cities"])
    made = app_client.post(
        "/v1/cities", json={"name": "Turku", "country_code": "FI"}, headers=keys["editor"]
    )
    assert made.status_code == 201
    assert delivery.deliver_once(build_services(settings, db)) == 1
    ((headers, body),) = got.received
    namespace: dict[str, Any] = {}
    exec(compile(verification_example(), str(GUIDE), "exec"), namespace)  # noqa: S102
    verify = namespace["verify"]
    secret = hook["secret"]
    assert json.loads(body)["id"] == made.json()["id"]
    assert verify(secret, headers, body) is True
    assert verify(secret, headers, body.replace(b"Turku", b"Tyrku")) is False
    assert verify(secret + "x", headers, body) is False
    sent_at = int(headers["Webhook-Timestamp"])
    assert verify(secret, headers, body, now=sent_at + 299) is True
    assert verify(secret, headers, body, now=sent_at + 301) is False, "a replay, refused"
    # A replay later, with its timestamp made fresh: the signature no longer fits it.
    later = sent_at + 1000
    replay = {**headers, "Webhook-Timestamp": str(later)}
    assert verify(secret, replay, body, now=later) is False
    forged = hmac.new(b"guess", f"{later}.".encode() + body, hashlib.sha256).hexdigest()
    assert verify(secret, {**replay, "Webhook-Signature": f"v1={forged}"}, body, now=later) is False


def test_guide_paths_exist_in_the_contract() -> None:
    """The guide's curl examples call operations the contract has."""
    paths = contract()["paths"]
    operations = problem_recorder.contract_operations(contract())
    called = re.findall(r'curl (?:-X (\w+) )?[^\n]*?"\$API(/v1/[^"?]*)', guide_text())
    assert called
    for method, path in called:
        concrete = path.replace("$ID", "0190a7c2-0000-7000-8000-000000000000")
        found = problem_recorder.operation_of(method or "GET", concrete, operations)
        assert found is not None, (method, path, sorted(paths))
