"""Schemathesis against the app in-process, with every check, as an editor and anonymously,
and statefully along the contract's links from create to read; the operations contributors
use, as a contributor too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.schemas import OpenApiSchema

from tests.conftest import KEPT, empty_tables, headers
from urbandiplo.api.permissions import OPERATION_ROLES, Contributors
from urbandiplo.config import Settings
from urbandiplo.domain.attachments import TYPES
from urbandiplo.main import create_app

load_all_checks()
ALL_CHECKS = CHECKS.get_all()
HYPOTHESIS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)

# Attached documents: a file of each accepted kind, or bytes of another kind (refused, 415).
FILES = {
    "application/pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    "image/png": b"\x89PNG\r\n\x1a\n" + bytes(16),
    "image/jpeg": b"\xff\xd8\xff\xe0" + bytes(16),
    "image/gif": b"GIF89a" + bytes(16),
    "image/webp": b"RIFF\x10\x00\x00\x00WEBPVP8 " + bytes(8),
    "text/csv": b"Posten;Betrag\nSaal;200\n",
}
for _media_type in TYPES:
    schemathesis.openapi.media_type(
        _media_type, st.sampled_from([FILES.get(_media_type, b"PK\x03\x04"), b"%PDF"]) | st.binary()
    )

CONFIG = SchemathesisConfig.from_path(Path(__file__).resolve().parents[2] / "schemathesis.toml")


@pytest.fixture
def api_schema(settings: Settings, db: Any) -> OpenApiSchema:
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(settings, db), config=CONFIG)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@HYPOTHESIS
def test_as_editor(case: schemathesis.Case, keys: dict[str, dict[str, str]]) -> None:
    case.call_and_validate(headers=keys["editor"], checks=ALL_CHECKS)


@schema.include(method=["GET", "HEAD"]).parametrize()
@HYPOTHESIS
def test_anonymously(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=ALL_CHECKS)


# Anonymous writes: every one is refused before its body is read, so fewer examples each
# cover them (the editor's run above explores their bodies with the full count).
@schema.exclude(method=["GET", "HEAD"]).parametrize()
@settings(HYPOTHESIS, max_examples=10)
def test_anonymously_writing(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=ALL_CHECKS)


# The operations a contributor reaches beyond what anyone may read: those the role table
# opens to contributors (contributions, call subscriptions, its applications, documents).
FOR_CONTRIBUTORS = sorted(
    operation for operation, needed in OPERATION_ROLES.items() if isinstance(needed, Contributors)
)


@schema.include(operation_id=FOR_CONTRIBUTORS).parametrize()
@HYPOTHESIS
def test_as_contributor(case: schemathesis.Case, contributors: dict[str, dict[str, str]]) -> None:
    case.call_and_validate(headers=headers(contributors["A"]), checks=ALL_CHECKS)


def test_stateful_as_contributor(
    api_schema: OpenApiSchema, contributors: dict[str, dict[str, str]], db: Any
) -> None:
    _run_stateful(
        api_schema.include(operation_id=FOR_CONTRIBUTORS),
        headers(contributors["A"]),
        db,
        keep=KEPT | {"api_keys", "organisations"},
    )


def test_stateful(api_schema: OpenApiSchema, keys: dict[str, dict[str, str]], db: Any) -> None:
    _run_stateful(api_schema, keys["editor"], db, keep=KEPT | {"api_keys"})


def _run_stateful(
    api_schema: OpenApiSchema, caller: dict[str, str], db: Any, keep: frozenset[str]
) -> None:
    class Workflow(api_schema.as_state_machine()):  # type: ignore[misc]
        def get_call_kwargs(self, case: schemathesis.Case) -> dict[str, Any]:
            return {"headers": caller}

        def teardown(self) -> None:
            # Every run starts from the same state, so Hypothesis can replay and shrink it.
            empty_tables(db, keep=keep)

    Workflow.run(
        settings=settings(
            max_examples=30,
            stateful_step_count=8,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
    )
