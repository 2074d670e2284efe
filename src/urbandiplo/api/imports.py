"""CSV import and export of cities, partnerships, organisations and events.

`GET /v1/{collection}.csv` writes every record the caller may see, with the fields they may
see; `POST /v1/imports/{collection}` reads a CSV file and answers with a report on every row
(`dry_run=true`: what would happen, nothing stored)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response, StreamingResponse

from urbandiplo.api import examples
from urbandiplo.api.common import Id
from urbandiplo.api.deps import PrincipalDep, Services, ServicesDep
from urbandiplo.api.http import PRIVATE_CACHE, PUBLIC_CACHE
from urbandiplo.api.problems import ProblemField, problem, problem_responses
from urbandiplo.api.rendering import dumps
from urbandiplo.api.tables import CSV_MEDIA_TYPE, TABLES, Table, decode, read_rows, write
from urbandiplo.domain.access import Principal
from urbandiplo.domain.imports import ImportReport, Outcome
from urbandiplo.domain.listing import Sort, every_item
from urbandiplo.domain.records import RecordService

router = APIRouter(tags=["imports"])

Count = Annotated[int, Field(ge=0, le=10_000_000, json_schema_extra={"format": "int32"})]
Number = Annotated[int, Field(ge=1, le=10_000_000, json_schema_extra={"format": "int32"})]


class RowResult(BaseModel):
    row: Number = Field(description="1 for the first row after the header")
    line: Number = Field(description="The file's line the row starts on (the header is 1)")
    outcome: Outcome
    id: Id | None = Field(
        description="The record created (null in a dry run), or the one the row duplicates; "
        "null for rejected rows"
    )
    reason: str | None = Field(max_length=2000, description="Why the row was rejected")
    problems: list[ProblemField] = Field(max_length=200)
    cities_created: list[Id] = Field(
        max_length=2,
        description="Cities the row named that were not stored yet (empty in a dry run)",
    )


class ImportReportOut(BaseModel):
    """What became of every row: rows = created + duplicates + rejected."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "collection": "partnerships",
                    "dry_run": False,
                    "rows": 3,
                    "created": 1,
                    "duplicates": 1,
                    "rejected": 1,
                    "cities_created": 1,
                    "results": [
                        {
                            "row": 1,
                            "line": 2,
                            "outcome": "created",
                            "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e60",
                            "reason": None,
                            "problems": [],
                            "cities_created": ["019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e5f"],
                        },
                        {
                            "row": 2,
                            "line": 3,
                            "outcome": "duplicate",
                            "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e61",
                            "reason": None,
                            "problems": [],
                            "cities_created": [],
                        },
                        {
                            "row": 3,
                            "line": 4,
                            "outcome": "rejected",
                            "id": None,
                            "reason": "not valid: partner_city: no country is given for "
                            "'Falkland Islands'",
                            "problems": [
                                {
                                    "field": "partner_city",
                                    "message": "no country is given for 'Falkland Islands'",
                                }
                            ],
                            "cities_created": [],
                        },
                    ],
                }
            ]
        }
    )

    collection: Literal["cities", "partnerships", "organisations", "events"]
    dry_run: bool
    rows: Count
    created: Count
    duplicates: Count
    rejected: Count
    cities_created: Count
    results: list[RowResult] = Field(max_length=10_000_000)


def report_body(report: ImportReport) -> dict[str, Any]:
    return {
        "collection": report.collection,
        "dry_run": report.dry_run,
        "rows": len(report.results),
        "created": report.count(Outcome.CREATED),
        "duplicates": report.count(Outcome.DUPLICATE),
        "rejected": report.count(Outcome.REJECTED),
        "cities_created": report.cities_created,
        "results": [
            {
                "row": r.row,
                "line": r.line,
                "outcome": r.outcome.value,
                "id": str(r.id) if r.id is not None else None,
                "reason": r.reason,
                "problems": [{"field": p.field, "message": p.message} for p in r.problems],
                "cities_created": [str(c) for c in r.cities_created],
            }
            for r in report.results
        ],
    }


def run_import(
    services: Services, principal: Principal, table: Table, data: bytes, *, dry_run: bool
) -> ImportReport:
    """Read the file and import its rows (the CLI's path too)."""
    rows = read_rows(table, decode(data))
    return services.imports.run(principal, table.collection, rows, dry_run=dry_run)


def service_for(services: Services, collection: str) -> RecordService[Any, Any, Any]:
    found: RecordService[Any, Any, Any] = getattr(services, collection)
    return found


def exported(services: Services, principal: Principal, table: Table) -> Iterator[str]:
    """The table's CSV text, page by page: every record the caller may see, oldest first."""
    service = service_for(services, table.collection)
    records = every_item(
        lambda page: service.list_page(principal, service.query_class(), Sort("created_at"), page)
    )
    return write(table, records, staff=not principal.is_anonymous)


DryRun = Annotated[
    bool,
    Query(description="Check every row and report what would happen; store nothing"),
]


def _add_routes(table: Table) -> None:
    collection = table.collection
    columns = ", ".join(f"`{c.name}`" for c in table.columns if c.imported)

    @router.get(
        f"/v1/{collection}.csv",
        operation_id=f"{collection}-export",
        summary=f"Export {collection} as CSV",
        description=f"Every {collection[:-1] if collection != 'cities' else 'city'} the caller "
        "may see, oldest first, with the columns they may see (staff also get notes and "
        "visibility). The same layout imports again.",
        response_class=Response,
        responses={
            200: {
                "description": "The CSV file (RFC 4180, UTF-8, a header row)",
                "content": {
                    CSV_MEDIA_TYPE: {
                        "schema": {"type": "string", "maxLength": 2**31},
                        "example": examples.CSV[collection],
                    }
                },
            },
            **problem_responses(401),
        },
    )
    def export(services: ServicesDep, principal: PrincipalDep) -> Response:
        headers = {
            **(PUBLIC_CACHE if principal.is_anonymous else PRIVATE_CACHE),
            "Content-Disposition": f'attachment; filename="{collection}.csv"',
        }
        return StreamingResponse(
            exported(services, principal, table),
            media_type=f"{CSV_MEDIA_TYPE}; charset=utf-8; header=present",
            headers=headers,
        )

    @router.post(
        f"/v1/imports/{collection}",
        operation_id=f"{collection}-import",
        summary=f"Import {collection} from CSV",
        description=f"Columns: {columns}. {table.note} Countries are ISO codes or names "
        "(English or German). A row whose record is stored already (found by its natural "
        "key) is a duplicate and left as it is, so an import can run again and creates "
        "nothing new. Cities a row names by name and country are found or created (with the "
        "row's visibility).",
        response_model=ImportReportOut,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    CSV_MEDIA_TYPE: {
                        "schema": {"type": "string", "maxLength": 2**31},
                        "example": examples.CSV[collection],
                    }
                },
            }
        },
        responses=problem_responses(401, 403, 422),
    )
    async def import_(
        request: Request,
        services: ServicesDep,
        principal: PrincipalDep,
        dry_run: DryRun = False,
    ) -> Response:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != CSV_MEDIA_TYPE:
            return problem(415, "send the body as text/csv")
        data = await request.body()
        report = await run_in_threadpool(
            run_import, services, principal, table, data, dry_run=dry_run
        )
        return Response(
            dumps(report_body(report)), media_type="application/json", headers=PRIVATE_CACHE
        )

    export.__name__ = f"{collection}_export"
    import_.__name__ = f"{collection}_import"


for _table in TABLES.values():
    _add_routes(_table)
