"""Documents attached to contributions: the type read from the bytes, the size limited, the
download as private as the contribution, the file gone from disk with its last attachment."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.conftest import headers
from urbandiplo.config import Settings
from urbandiplo.main import create_app

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EVENT = {
    "title": {"de": "Kulturabend"},
    "kind": "exchange",
    "starts_at": "2026-03-20T19:00:00+01:00",
}


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def draft(client: TestClient, who: dict[str, str]) -> dict[str, Any]:
    response = client.post(
        "/v1/contributions", json={"kind": "event", "event": EVENT}, headers=headers(who)
    )
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


def attach(
    client: TestClient,
    who: dict[str, str],
    contribution: dict[str, Any],
    data: bytes,
    content_type: str,
    filename: str,
) -> Any:
    return client.post(
        f"/v1/contributions/{contribution['id']}/attachments",
        params={"filename": filename},
        content=data,
        headers={**who, "Content-Type": content_type},
    )


def on_disk(settings: Settings, data: bytes) -> Path:
    digest = hashlib.sha256(data).hexdigest()
    return settings.attachments_dir / digest[:2] / digest


def test_upload_and_download_with_the_contributions_visibility(
    app_client: TestClient,
    settings: Settings,
    keys: dict[str, dict[str, str]],
    contributors: dict[str, dict[str, str]],
) -> None:
    a, b, editor = contributors["A"], contributors["B"], keys["editor"]
    contribution = draft(app_client, a)
    response = attach(app_client, headers(a), contribution, PDF, "application/pdf", "Programm.pdf")
    assert response.status_code == 201, response.text
    attached = response.json()
    assert attached["content_type"] == "application/pdf"
    assert attached["size"] == len(PDF)
    assert attached["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert on_disk(settings, PDF).read_bytes() == PDF, "kept under its SHA-256"
    item = f"/v1/contributions/{contribution['id']}/attachments/{attached['id']}"
    assert response.headers["location"] == item

    for caller in (headers(a), editor):
        got = app_client.get(item, headers=caller)
        assert got.status_code == 200
        assert got.content == PDF
        assert got.headers["content-type"] == "application/pdf"
        assert got.headers["x-content-type-options"] == "nosniff"
        assert got.headers["content-disposition"].startswith('attachment; filename="Programm.pdf"')
        assert got.headers["cache-control"].startswith("private")
    listed = app_client.get(
        f"/v1/contributions/{contribution['id']}/attachments", headers=headers(a)
    )
    assert [x["id"] for x in listed.json()["items"]] == [attached["id"]]
    assert app_client.get(item).status_code == 401, "anonymous callers never reach it"
    assert app_client.get(item, headers=headers(b)).status_code == 404, (
        "nor does another organisation"
    )
    assert (
        attach(app_client, headers(b), contribution, PDF, "application/pdf", "x.pdf").status_code
        == 404
    )

    word = attach(
        app_client,
        headers(a),
        contribution,
        docx(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Budget.docx",
    )
    assert word.status_code == 201, word.text
    table = attach(
        app_client,
        headers(a),
        contribution,
        b"Posten;Betrag\nSaal;200\n",
        "text/csv",
        "k.csv",
    )
    assert table.status_code == 201, table.text

    # Under review, the contributor no longer changes it: nor its documents.
    moved = app_client.post(
        f"/v1/contributions/{contribution['id']}/transitions",
        json={"status": "submitted"},
        headers=headers(a),
    )
    assert moved.status_code == 200
    late = attach(app_client, headers(a), contribution, PNG, "image/png", "Foto.png")
    assert late.status_code == 403
    assert app_client.delete(item, headers=headers(a)).status_code == 403


def test_the_type_is_read_from_the_bytes(
    app_client: TestClient, contributors: dict[str, dict[str, str]]
) -> None:
    a = contributors["A"]
    contribution = draft(app_client, a)
    cases = [
        (PNG, "application/pdf", "Flyer.pdf"),  # a .pdf that is a PNG
        (b"<html><script>alert(1)</script></html>", "application/pdf", "x.pdf"),
        (PNG, "image/png", "Foto.pdf"),  # a PNG named .pdf
        (PDF, "text/html", "x.html"),  # not a kind accepted
        (b"MZ\x90\x00", "application/octet-stream", "x.exe"),
        (b"a,b\x00c", "text/csv", "x.csv"),  # a NUL byte is not text
        (b"PK\x03\x04broken", "application/vnd.oasis.opendocument.text", "x.odt"),
    ]
    for data, content_type, filename in cases:
        refused = attach(app_client, headers(a), contribution, data, content_type, filename)
        assert refused.status_code == 415, (content_type, filename, refused.text)
        assert refused.json()["type"].endswith("unsupported-media-type")
    assert (
        app_client.get(
            f"/v1/contributions/{contribution['id']}/attachments", headers=headers(a)
        ).json()["items"]
        == []
    )


def test_over_the_limit_is_413(
    settings: Settings, db: Engine, contributors: dict[str, dict[str, str]]
) -> None:
    small = settings.model_copy(update={"max_attachment_bytes": 2048})
    with TestClient(create_app(small, db)) as client:
        contribution = draft(client, contributors["A"])
        big = PDF + b"%" * 4096
        refused = attach(
            client, headers(contributors["A"]), contribution, big, "application/pdf", "x.pdf"
        )
        assert refused.status_code == 413
        assert not on_disk(small, big).exists()
        fits = attach(
            client, headers(contributors["A"]), contribution, PDF, "application/pdf", "x.pdf"
        )
        assert fits.status_code == 201


def test_the_file_goes_with_its_last_attachment(
    app_client: TestClient, settings: Settings, contributors: dict[str, dict[str, str]]
) -> None:
    a = contributors["A"]
    first, second = draft(app_client, a), draft(app_client, a)
    one = attach(app_client, headers(a), first, PDF, "application/pdf", "a.pdf").json()
    attach(app_client, headers(a), second, PDF, "application/pdf", "b.pdf")
    photo = attach(app_client, headers(a), first, PNG, "image/png", "c.png").json()
    assert on_disk(settings, PDF).exists()

    removed = app_client.delete(
        f"/v1/contributions/{first['id']}/attachments/{one['id']}", headers=headers(a)
    )
    assert removed.status_code == 204
    assert on_disk(settings, PDF).exists(), "the other contribution still has the same file"
    assert (
        app_client.get(
            f"/v1/contributions/{first['id']}/attachments/{one['id']}", headers=headers(a)
        ).status_code
        == 404
    )

    for contribution in (first, second):
        etag = app_client.get(
            f"/v1/contributions/{contribution['id']}", headers=headers(a)
        ).headers["etag"]
        gone = app_client.delete(
            f"/v1/contributions/{contribution['id']}", headers={**headers(a), "If-Match": etag}
        )
        assert gone.status_code == 204
    assert not on_disk(settings, PDF).exists(), "deleted with the last contribution that had it"
    assert not on_disk(settings, PNG).exists()
    assert photo["sha256"] == hashlib.sha256(PNG).hexdigest()
