"""Documents attached to a record: upload (the file as the body), list, download, remove.
One set of routes for each owning collection (contributions, funding applications with
their reports' documents).

This module does not use `from __future__ import annotations`: FastAPI reads the annotations
of the functions below, and they name the path parameter made per collection."""

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from urbandiplo.api.common import Id, Timestamp
from urbandiplo.api.deps import PrincipalDep, Services, ServicesDep
from urbandiplo.api.http import PRIVATE_CACHE, json_response
from urbandiplo.api.problems import problem_responses
from urbandiplo.api.rendering import dumps, projector
from urbandiplo.domain.attachments import MAX_ATTACHMENTS, TYPES
from urbandiplo.domain.attachments import Attachment as Stored

EXAMPLE: dict[str, Any] = {
    "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4f40",
    "filename": "programm-kulturabend.pdf",
    "content_type": "application/pdf",
    "size": 48213,
    "sha256": "9f2b5c0e6d4b1a7e3c8f0a2d4e6b8c1f3a5d7e9b0c2d4f6a8b1c3e5d7f9a0b2c",
    "report_id": None,
    "created_at": "2026-02-01T09:40:00+00:00",
}
# The smallest file of an accepted kind, for the contract's example upload.
EXAMPLE_PDF = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXAMPLE_FILES = {"application/pdf": EXAMPLE_PDF, "text/csv": "Posten;Betrag\nSaal;200\n"}


def _file_content() -> dict[str, Any]:
    """One entry per accepted type: a file of it (shown where it is text)."""
    return {
        media_type: {
            "schema": {"type": "string", "format": "binary", "maxLength": 2**31},
            "example": EXAMPLE_FILES.get(media_type, f"(the bytes of a {media_type} file)"),
        }
        for media_type in TYPES
    }


class Attachment(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})

    id: Id
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=100, description="As read from the file's bytes")
    size: int = Field(ge=0, le=2**40, json_schema_extra={"format": "int64"}, description="Bytes")
    sha256: str = Field(
        pattern=r"^[0-9a-f]{64}$", max_length=64, description="Of the file's bytes, in hex"
    )
    report_id: Id | None = Field(
        description="An application's document for one of its reports: the report; none for "
        "the record's own documents",
    )
    created_at: Timestamp


class Attachments(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [EXAMPLE]}]})

    items: list[Attachment] = Field(max_length=MAX_ATTACHMENTS)


FileName = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=200,
        pattern=r"^[^/\\]+$",
        description="The file's name; its ending must fit its type (`.pdf` for a PDF)",
    ),
]
AttachmentId = Annotated[Id, Path(alias="attachment_id")]
ReportId = Annotated[
    Id | None,
    Query(description="The report (of an approved application) the document is for"),
]


def _disposition(filename: str) -> str:
    """`attachment`, with the name for every browser (RFC 6266: ASCII and UTF-8 forms)."""
    ascii_name = "".join(
        c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in filename
    )
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def add_attachment_routes(
    router: APIRouter,
    *,
    collection: str,
    noun: str,
    service: Callable[[Services], Any],
    parts: str | None = None,
) -> None:
    """The attachment routes of a collection whose service is `domain.documents.Documented`;
    `parts` ("report") where a document may belong to a part of the record, named by the
    attach operation's `report_id`."""
    id_param = f"{noun.replace(' ', '_')}_id"
    item = f"/{{{id_param}:uuid}}/attachments"
    RecordId = Annotated[Id, Path(alias=id_param)]
    project = projector(Attachment)

    @router.get(
        item,
        operation_id=f"{collection}-attachments-list",
        summary=f"List a {noun}'s documents",
        response_model=Attachments,
        responses=problem_responses(401, 403, 404, 422),
    )
    def list_attachments(
        request: Request, services: ServicesDep, principal: PrincipalDep, record_id: RecordId
    ) -> Response:
        found = service(services).attachments(principal, record_id)
        body = dumps({"items": [project(a) for a in found]})
        return json_response(body, request, principal)

    upload = router.post(
        item,
        operation_id=f"{collection}-attach",
        summary=f"Attach a document to a {noun}",
        description="The file is the body, with its `Content-Type`; its name is `filename` "
        "(required: a 422 without it). "
        "Accepted: PDF, PNG, JPEG, GIF, WebP, CSV, Office Open XML and OpenDocument files, "
        "up to `URBANDIPLO_MAX_ATTACHMENT_BYTES` (10 MiB by default; 413 above). The type is "
        "read from the bytes: a file that is not what its `Content-Type` or its name says "
        "is a 415."
        + (
            " `report_id` names the report a document is for: the applicant attaches while "
            "the report is not filed."
            if parts
            else ""
        ),
        status_code=201,
        response_model=Attachment,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": _file_content(),
            }
        },
        responses=problem_responses(401, 403, 404, 409, 413, 415, 422),
    )

    async def store(
        request: Request,
        services: Services,
        principal: Any,
        record_id: Any,
        filename: str | None,
        report_id: Any = None,
    ) -> Response:
        data = await request.body()
        attached: Stored = await run_in_threadpool(
            service(services).attach,
            principal,
            record_id,
            data,
            request.headers.get("content-type", ""),
            filename or "",
            report_id,
        )
        location = f"/v1/{collection}/{record_id}/attachments/{attached.id}"
        return Response(
            dumps(project(attached)),
            status_code=201,
            media_type="application/json",
            headers={"Location": location, **PRIVATE_CACHE},
        )

    async def attach(
        request: Request,
        services: ServicesDep,
        principal: PrincipalDep,
        record_id: RecordId,
        filename: FileName = None,
    ) -> Response:
        return await store(request, services, principal, record_id, filename)

    async def attach_to_part(
        request: Request,
        services: ServicesDep,
        principal: PrincipalDep,
        record_id: RecordId,
        filename: FileName = None,
        report_id: ReportId = None,
    ) -> Response:
        return await store(request, services, principal, record_id, filename, report_id)

    upload(attach if parts is None else attach_to_part)

    @router.get(
        f"{item}/{{attachment_id:uuid}}",
        operation_id=f"{collection}-attachments-get",
        summary=f"Download a {noun}'s document",
        description="The file as it was attached, as a download (`Content-Disposition: "
        "attachment`, `X-Content-Type-Options: nosniff`), for whoever may read the "
        f"{noun}.",
        response_class=Response,
        responses={
            200: {
                "description": "The file",
                "content": _file_content(),
            },
            **problem_responses(401, 403, 404, 422),
        },
    )
    def download(
        services: ServicesDep,
        principal: PrincipalDep,
        record_id: RecordId,
        attachment_id: AttachmentId,
    ) -> Response:
        found, data = service(services).attachment(principal, record_id, attachment_id)
        return Response(
            data,
            media_type=found.content_type,
            headers={
                "Content-Disposition": _disposition(found.filename),
                "X-Content-Type-Options": "nosniff",
                "ETag": f'"{found.sha256}"',
                **PRIVATE_CACHE,
            },
        )

    @router.delete(
        f"{item}/{{attachment_id:uuid}}",
        operation_id=f"{collection}-detach",
        summary=f"Remove a document from a {noun}",
        description="The file is removed from the store when no other attachment has it.",
        status_code=204,
        response_class=Response,
        responses=problem_responses(401, 403, 404, 422),
    )
    def detach(
        services: ServicesDep,
        principal: PrincipalDep,
        record_id: RecordId,
        attachment_id: AttachmentId,
    ) -> Response:
        service(services).detach(principal, record_id, attachment_id)
        return Response(status_code=204)
