"""The committed contract is the one the app serves."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi.testclient import TestClient

from urbandiplo.cli import contract_text

CONTRACT = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def test_committed_contract_equals_the_served_schema(app_client: TestClient) -> None:
    served = app_client.get("/openapi.json").json()
    committed = json.loads(CONTRACT.read_text(encoding="utf-8"))
    assert served == committed, "run `urbandiplo openapi export` and commit openapi/openapi.json"
    assert CONTRACT.read_text(encoding="utf-8") == contract_text()


def test_every_operation_has_a_stable_id_and_declares_its_errors(app_client: TestClient) -> None:
    schema = app_client.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation["operationId"].replace("-", "").isalpha(), (method, path)
            if path.startswith("/v1/"):
                errors = [code for code in operation["responses"] if code.startswith(("4", "5"))]
                assert errors, f"{method} {path} declares no error responses"
                for code in errors:
                    assert "application/problem+json" in operation["responses"][code]["content"]


def test_creates_link_to_their_reads(app_client: TestClient) -> None:
    schema = app_client.get("/openapi.json").json()
    for resource in ("cities", "partnerships"):
        created = schema["paths"][f"/v1/{resource}"]["post"]["responses"]["201"]
        (link,) = created["links"].values()
        assert link["operationId"] == f"{resource}-get"
