"""/v1/audit-log: every write with who, when, and the record before and after; for admins."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.responses import Response

from urbandiplo.api import resource
from urbandiplo.api.common import (
    LIST_RESPONSES,
    Cursor,
    Id,
    IsoDateTime,
    Limit,
    Page,
    Timestamp,
    sort_query,
)
from urbandiplo.api.deps import PrincipalDep, ServicesDep
from urbandiplo.api.http import decode_cursor
from urbandiplo.api.problems import problem_responses
from urbandiplo.api.resource import IfNoneMatch, Views
from urbandiplo.domain.audit import AUDIT_SORTS, AuditOperation, AuditQuery
from urbandiplo.domain.listing import DEFAULT_PAGE_SIZE, PageRequest, Sort

router = APIRouter(prefix="/v1/audit-log", tags=["audit"])

RecordType = Annotated[str, StringConstraints(min_length=1, max_length=40)]
Actor = Annotated[str, StringConstraints(min_length=1, max_length=200)]

EXAMPLE: dict[str, Any] = {
    "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4f00",
    "at": "2026-03-01T09:30:00Z",
    "actor": "api-key:019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4f01",
    "operation": "update",
    "record_type": "partnership",
    "record_id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e5f",
    "before": {"status": "proposed", "version": 1},
    "after": {"status": "active", "version": 2},
}


class AuditEntry(BaseModel):
    """One write."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})

    id: Id
    at: Timestamp
    actor: Actor = Field(description="`api-key:<id>`, `oidc:<subject>` or `system`")
    operation: AuditOperation
    record_type: RecordType = Field(description="`partnership`, `funding application`, ...")
    record_id: Id
    before: dict[str, Any] | None = Field(
        description="The record before the write (null for a create); embedded people are "
        "left out, an erased person's entries keep only the id and the day of erasure"
    )
    after: dict[str, Any] | None = Field(description="The record after (null for a delete)")


class AuditPage(Page[AuditEntry]):
    pass


VIEWS = Views(AuditEntry, AuditEntry)
SortParam = Annotated[str, sort_query(AUDIT_SORTS)]


@router.get(
    "",
    operation_id="audit-log-list",
    summary="Read the audit log",
    description="Admins only; entries of records you may not see are left out. Newest first.",
    response_model=AuditPage,
    responses={**LIST_RESPONSES, **problem_responses(403)},
)
def list_audit_log(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    record_type: RecordType | None = None,
    record_id: Id | None = None,
    actor: Actor | None = None,
    operation: AuditOperation | None = None,
    from_: Annotated[
        IsoDateTime | None, Query(alias="from", description="Entries at or after this time")
    ] = None,
    to: Annotated[IsoDateTime | None, Query(description="Entries before this time")] = None,
    sort: SortParam = "-at",
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    found = services.audit.list_page(
        principal,
        AuditQuery(
            record_type=record_type,
            record_id=record_id,
            actor=actor,
            operation=operation,
            from_=from_,
            to=to,
        ),
        Sort.parse(sort, AUDIT_SORTS),
        PageRequest(limit, decode_cursor(cursor)),
    )
    return resource.page(request, principal, VIEWS, found)
