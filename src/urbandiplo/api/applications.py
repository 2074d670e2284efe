"""/v1/funding-applications: applications, either direction, their workflow, their reports'
filing and their documents; an applicant from outside (a contributor) for its own."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.responses import Response

from urbandiplo.api import examples, resource
from urbandiplo.api.attachments import add_attachment_routes
from urbandiplo.api.common import (
    LIST_RESPONSES,
    Cursor,
    Day,
    Flag,
    I18nTextOut,
    Id,
    IsoDate,
    Limit,
    ModifiedSince,
    MoneyIn,
    MoneyOut,
    Omittable,
    Page,
    PatchModel,
    RequestModel,
    SearchText,
    ShortText,
    Text,
    Timestamp,
    sort_query,
)
from urbandiplo.api.deps import PrincipalDep, ServicesDep
from urbandiplo.api.funding import ProgrammeRefOut
from urbandiplo.api.http import decode_cursor
from urbandiplo.api.problems import problem_responses
from urbandiplo.api.refs import OrganisationRef
from urbandiplo.api.resource import IfMatch, IfNoneMatch, Views
from urbandiplo.api.routes import Resource, add_item_routes
from urbandiplo.domain.applications import (
    APPLICATION_SORTS,
    ApplicationDirection,
    Disbursement,
    FundingApplicationFields,
    FundingApplicationQuery,
    Report,
    owns,
    today,
)
from urbandiplo.domain.listing import DEFAULT_PAGE_SIZE, PageRequest, Sort
from urbandiplo.domain.values import DatePrecision, Visibility
from urbandiplo.domain.workflow import APPLICATIONS, ApplicationStatus

router = APIRouter(prefix="/v1/funding-applications", tags=["funding"])

Title = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Reference = Annotated[str, StringConstraints(min_length=1, max_length=200)]

EXAMPLE_IN: dict[str, Any] = {
    "title": "Mangroven für Corinto: Waldinventur und Aufforstung",
    "direction": "outgoing",
    "programme_id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4ea1",
    "project_id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4eb0",
    "applicant_id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e60",
    "requested": {"amount": "225000.00", "currency": "EUR"},
    "own_contribution": {"amount": "25000.00", "currency": "EUR"},
}


class DisbursementIn(RequestModel):
    on: IsoDate
    amount: MoneyIn


class ReportIn(RequestModel):
    id: Id | None = Field(
        default=None,
        description="A stored report's id, to keep it (and its documents); none for a new report",
    )
    due_on: IsoDate
    title: ShortText | None = None
    submitted_on: IsoDate | None = None


def _domain_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in {"requested", "own_contribution", "awarded"}:
        return value.to_domain()
    if name == "disbursements":
        return tuple(Disbursement(on=d.on, amount=d.amount.to_domain()) for d in value)
    if name == "reports":
        return tuple(
            Report(id=r.id, due_on=r.due_on, title=r.title, submitted_on=r.submitted_on)
            for r in value
        )
    return value


Disbursements = Annotated[list[DisbursementIn], Field(max_length=100)]
Reports = Annotated[list[ReportIn], Field(max_length=100)]
APPROVAL_ONLY = "Only once the application is approved."


class FundingApplicationCreate(RequestModel):
    """A new application starts as a draft; its status changes by transitions. An
    applicant from outside (a contributor credential) creates an `incoming` application of
    its own organisation (`applicant_id`) to one of the city's own funds (a programme
    whose funder is a department of the home city), and leaves what the office enters
    (`reference`, `notes`, `visibility`) out."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_IN]})

    title: Title
    applicant_id: Id = Field(
        description="The applying organisation: a city department, or an association"
    )
    requested: MoneyIn | None = Field(default=None, description="The amount applied for")
    direction: ApplicationDirection = Field(
        default=ApplicationDirection.OUTGOING,
        description="outgoing: the city applies to a funder; incoming: an association "
        "applies to one of the city's own funds",
    )
    programme_id: Id | None = Field(default=None, description="Or give the call")
    call_id: Id | None = None
    project_id: Id | None = None
    own_contribution: MoneyIn | None = None
    reference: Reference | None = Field(default=None, description="The funder's file number")
    notes: Text | None = Field(default=None, description="Internal note, for staff only")
    visibility: Visibility = Field(
        default=Visibility.INTERNAL, description="Internal unless made public"
    )

    def to_fields(self) -> FundingApplicationFields:
        return FundingApplicationFields(
            **{name: _domain_value(name, getattr(self, name)) for name in type(self).model_fields}
        )


class FundingApplicationUpdate(PatchModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "disbursements": [
                        {"on": "2025-03-01", "amount": {"amount": "5000.00", "currency": "EUR"}}
                    ]
                }
            ]
        },
    )

    title: Omittable[Title] = None
    applicant_id: Omittable[Id] = None
    requested: MoneyIn | None = None
    direction: Omittable[ApplicationDirection] = None
    programme_id: Id | None = None
    call_id: Id | None = None
    project_id: Id | None = None
    own_contribution: MoneyIn | None = None
    reference: Reference | None = None
    awarded: MoneyIn | None = Field(default=None, description=APPROVAL_ONLY)
    decided_on: IsoDate | None = Field(
        default=None, description="Only once the application is approved or rejected."
    )
    decided_precision: Omittable[DatePrecision] = Field(
        default=None, description="How much of decided_on is known"
    )
    disbursements: Omittable[Disbursements] = Field(default=None, description=APPROVAL_ONLY)
    reports: Omittable[Reports] = Field(default=None, description=APPROVAL_ONLY)
    notes: Text | None = None
    visibility: Omittable[Visibility] = None

    def changes(self) -> dict[str, Any]:
        return {name: _domain_value(name, getattr(self, name)) for name in self.model_fields_set}


class CallRefOut(BaseModel):
    model_config = ConfigDict(title="CallRef")

    id: Id
    identifier: Reference | None
    title: I18nTextOut


class ProjectRefOut(BaseModel):
    model_config = ConfigDict(title="ProjectRef")

    id: Id
    title: I18nTextOut


class DisbursementOut(BaseModel):
    model_config = ConfigDict(title="Disbursement")

    on: Day
    amount: MoneyOut


class ReportOut(BaseModel):
    model_config = ConfigDict(title="Report")

    id: Id
    due_on: Day
    title: ShortText | None
    submitted_on: Day | None


class TransitionOut(BaseModel):
    model_config = ConfigDict(title="Transition")

    from_status: ApplicationStatus
    to_status: ApplicationStatus
    at: Timestamp
    actor: str = Field(
        max_length=200, description="Who made the move (`the office`, to an applicant)"
    )
    note: Text | None
    shared: bool = Field(
        description="Whether the applicant of an incoming application reads the note"
    )


class FundingApplicationPublic(BaseModel):
    """An application as the website sees it (public ones only)."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.FUNDING_APPLICATION_PUBLIC]})

    id: Id
    title: Title
    direction: ApplicationDirection
    status: ApplicationStatus
    programme_id: Id | None
    programme: ProgrammeRefOut | None
    call_id: Id | None
    call: CallRefOut | None
    project_id: Id | None
    project: ProjectRefOut | None
    applicant_id: Id | None
    applicant: OrganisationRef | None
    requested: MoneyOut | None
    awarded: MoneyOut | None
    decided_on: Day | None
    decided_precision: DatePrecision
    created_at: Timestamp
    updated_at: Timestamp


class FundingApplication(FundingApplicationPublic):
    """An application as staff see it, with its money, reports and history."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.FUNDING_APPLICATION]})

    own_contribution: MoneyOut | None
    reference: Reference | None
    disbursements: list[DisbursementOut] = Field(max_length=100)
    reports: list[ReportOut] = Field(max_length=100)
    next_report_due: Day | None = Field(
        description="The earliest due day of the reports not submitted yet"
    )
    history: list[TransitionOut] = Field(
        max_length=1000, description="Every status change, oldest first"
    )
    notes: Text | None
    visibility: Visibility


class FundingApplicationPage(Page[FundingApplication]):
    pass


class FundingApplicationPublicPage(Page[FundingApplicationPublic]):
    pass


# An applicant (a contributor) reads its own incoming applications in the staff view, as
# the service shows them to it (no `notes`, only the notes of the history shared with it).
VIEWS = Views(FundingApplication, FundingApplicationPublic, owned=owns)
SortParam = Annotated[str, sort_query(APPLICATION_SORTS, nulls_last=True)]


@router.get(
    "",
    operation_id="funding-applications-list",
    summary="List funding applications",
    description="`reports_overdue=true` lists approved applications with a report past its "
    "due day (in Europe/Berlin) and not submitted. An applicant (a contributor credential) "
    "lists the public applications and its own organisation's incoming ones, which it reads "
    "in full but for the office's notes.",
    response_model=FundingApplicationPage | FundingApplicationPublicPage,
    responses=LIST_RESPONSES,
)
def list_applications(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    direction: ApplicationDirection | None = None,
    status: ApplicationStatus | None = None,
    programme_id: Id | None = None,
    call_id: Id | None = None,
    project_id: Id | None = None,
    applicant_id: Id | None = None,
    reports_overdue: Annotated[
        Flag | None,
        Query(description="Applications with (true) or without (false) a report overdue"),
    ] = None,
    q: SearchText = None,
    modified_since: ModifiedSince = None,
    sort: SortParam = "created_at",
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    found = services.funding_applications.list_page(
        principal,
        FundingApplicationQuery(
            direction=direction,
            status=status,
            programme_id=programme_id,
            call_id=call_id,
            project_id=project_id,
            applicant_id=applicant_id,
            reports_overdue=reports_overdue,
            today=today(),
            q=q,
            modified_since=modified_since,
        ),
        Sort.parse(sort, APPLICATION_SORTS),
        PageRequest(limit, decode_cursor(cursor)),
    )
    return resource.page(request, principal, VIEWS, found)


add_item_routes(
    router,
    Resource(
        collection="funding-applications",
        noun="funding application",
        views=VIEWS,
        create_model=FundingApplicationCreate,
        update_model=FundingApplicationUpdate,
        service=lambda services: services.funding_applications,
    ),
)


WORKFLOW = APPLICATIONS.described()
ApplicationId = Annotated[Id, Path(alias="funding_application_id")]


class TransitionIn(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"status": "submitted", "note": "Sent through the funder's portal"},
                {
                    "status": "approved",
                    "awarded": {"amount": "200000.00", "currency": "EUR"},
                    "decided_on": "2024-05-15",
                },
            ]
        },
    )

    status: ApplicationStatus = Field(description="The status to move to")
    note: Text | None = Field(default=None, description="Why; kept in the history")
    shared: bool = Field(
        default=False,
        description="The office's note is for the applicant of an incoming application too "
        "(say what information is missing); internal otherwise. An applicant's own notes "
        "are always shared.",
    )
    awarded: MoneyIn | None = Field(default=None, description="On approval: the amount awarded")
    decided_on: IsoDate | None = Field(
        default=None, description="On approval or rejection: the day of the decision"
    )
    decided_precision: DatePrecision = Field(
        default=DatePrecision.DAY,
        description="How much of decided_on is known (a year: YYYY-01-01 with `year`)",
    )


@router.post(
    "/{funding_application_id:uuid}/transitions",
    operation_id="funding-applications-transition",
    summary="Move an application to another status",
    description="The workflow allows these moves and no others (409, naming the allowed "
    "ones):\n\n" + WORKFLOW + "\n\nEach move is recorded in the application's `history` "
    "with its note, time and actor. The applicant of an incoming application (a contributor "
    "credential) makes its own moves only: `draft` → `submitted`, `more_info_requested` → "
    "`under_review` (its answer, after changing the application or its documents), and "
    "`withdrawn` while open; the office makes every other (403 otherwise).",
    response_model=FundingApplication,
    responses=problem_responses(401, 403, 404, "transition-not-allowed", 412, 422),
)
def transition(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    application_id: ApplicationId,
    body: TransitionIn,
    if_match: IfMatch = None,
) -> Response:
    return resource.update(
        request,
        principal,
        VIEWS,
        lambda precondition: services.funding_applications.transition(
            principal,
            application_id,
            body.status,
            note=body.note,
            shared=body.shared,
            awarded=body.awarded.to_domain() if body.awarded else None,
            decided_on=body.decided_on,
            decided_precision=body.decided_precision,
            precondition=precondition,
        ),
    )


ReportId = Annotated[Id, Path(alias="report_id")]


@router.post(
    "/{funding_application_id:uuid}/reports/{report_id:uuid}/submission",
    operation_id="funding-applications-submit-report",
    summary="File a report of an approved application",
    description="The report counts as submitted today (Europe/Berlin); a report is filed "
    "once (409 after). Attach its documents first (`report_id` on the attach operation): "
    "an applicant's report documents no longer change once it is filed.",
    response_model=FundingApplication,
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
def submit_report(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    application_id: ApplicationId,
    report_id: ReportId,
    if_match: IfMatch = None,
) -> Response:
    return resource.update(
        request,
        principal,
        VIEWS,
        lambda precondition: services.funding_applications.submit_report(
            principal, application_id, report_id, precondition=precondition
        ),
    )


add_attachment_routes(
    router,
    collection="funding-applications",
    noun="funding application",
    service=lambda services: services.funding_applications,
    parts="report",
)
