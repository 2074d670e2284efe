"""/v1/projects: projects with partner cities, and how their budget is co-financed."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.responses import Response

from urbandiplo.api import examples, resource
from urbandiplo.api.common import (
    LIST_RESPONSES,
    WHOLE_NUMBER,
    Cursor,
    Day,
    Flag,
    I18nTextIn,
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
    Text,
    Timestamp,
    Url,
    sort_query,
)
from urbandiplo.api.deps import PrincipalDep, ServicesDep
from urbandiplo.api.funding import ProgrammeRefOut
from urbandiplo.api.http import decode_cursor, json_response
from urbandiplo.api.partnerships import Sdg
from urbandiplo.api.problems import problem_responses
from urbandiplo.api.refs import CityRef, OrganisationRef
from urbandiplo.api.rendering import render
from urbandiplo.api.resource import IfNoneMatch, Views
from urbandiplo.api.routes import Resource, add_item_routes
from urbandiplo.domain.funding import FundingLevel
from urbandiplo.domain.listing import DEFAULT_PAGE_SIZE, PageRequest, Sort
from urbandiplo.domain.projects import (
    PROJECT_SORTS,
    Budget,
    Indicator,
    Milestone,
    ProjectFields,
    ProjectQuery,
    ProjectStatus,
)
from urbandiplo.domain.taxonomies import FieldOfAction
from urbandiplo.domain.values import DatePrecision, I18nText, Visibility

router = APIRouter(prefix="/v1/projects", tags=["projects"])

Quantity = Annotated[
    str,
    StringConstraints(pattern=r"^-?[0-9]{1,15}(\.[0-9]{1,6})?$", max_length=23),
    Field(description="An exact number as a decimal string", examples=["9800"]),
]
Unit = Annotated[str, StringConstraints(min_length=1, max_length=100)]

EXAMPLE_IN: dict[str, Any] = {
    "title": {
        "de": "Waldinventur und Aufforstung des Mangrovenwaldes in Corinto",
        "en": "Forest inventory and reforestation of the mangrove forest in Corinto",
    },
    "status": "active",
    "starts_on": "2024-05-31",
    "ends_on": "2026-02-28",
    "city_ids": ["019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e70"],
    "budget": {
        "total": {"amount": "250000.00", "currency": "EUR"},
        "own_contribution": {"amount": "25000.00", "currency": "EUR"},
    },
    "indicators": [
        {
            "name": {"de": "Neu gepflanzte Mangrovensetzlinge", "en": "Mangrove seedlings planted"},
            "unit": "seedlings",
            "actual": "9800",
            "as_of": "2025-12-31",
        }
    ],
    "sdgs": [13, 14, 15],
    "fields_of_action": ["sustainable_development"],
}


class BudgetIn(RequestModel):
    total: MoneyIn | None = None
    own_contribution: MoneyIn | None = Field(
        default=None, description="The city's own funds, in the total's currency"
    )


class MilestoneIn(RequestModel):
    title: I18nTextIn
    due_on: IsoDate | None = None
    done: Flag = False


class IndicatorIn(RequestModel):
    name: I18nTextIn
    unit: Unit = Field(description="What is counted: seedlings, ambulances, participants")
    baseline: Quantity | None = None
    target: Quantity | None = None
    actual: Quantity | None = None
    as_of: IsoDate | None = Field(default=None, description="The day the actual value is for")


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def _domain_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in {"title", "summary"}:
        return I18nText(value)
    if name == "budget":
        return Budget(
            total=value.total.to_domain() if value.total else None,
            own_contribution=value.own_contribution.to_domain() if value.own_contribution else None,
        )
    if name == "milestones":
        return tuple(
            Milestone(title=I18nText(m.title), due_on=m.due_on, done=m.done) for m in value
        )
    if name == "indicators":
        return tuple(
            Indicator(
                name=I18nText(i.name),
                unit=i.unit,
                baseline=_decimal(i.baseline),
                target=_decimal(i.target),
                actual=_decimal(i.actual),
                as_of=i.as_of,
            )
            for i in value
        )
    if name in {"city_ids", "partnership_ids", "partner_ids", "department_ids", "sdgs"}:
        return tuple(value)
    if name == "fields_of_action":
        return tuple(value)
    return value


CityIds = Annotated[list[Id], Field(max_length=50, description="Partner cities")]
PartnershipIds = Annotated[list[Id], Field(max_length=50)]
PartnerIds = Annotated[list[Id], Field(max_length=100, description="Partner organisations")]
DepartmentIds = Annotated[
    list[Id], Field(max_length=50, description="The city's departments involved (organisations)")
]
Milestones = Annotated[list[MilestoneIn], Field(max_length=100)]
Indicators = Annotated[list[IndicatorIn], Field(max_length=100)]
Sdgs = Annotated[list[Sdg], Field(max_length=17)]
Fields = Annotated[list[FieldOfAction], Field(max_length=11)]


class ProjectCreate(RequestModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_IN]})

    title: I18nTextIn
    status: ProjectStatus = ProjectStatus.PLANNED
    summary: I18nTextIn | None = None
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    precision: DatePrecision = Field(
        default=DatePrecision.DAY,
        description="How much of starts_on and ends_on is known; 2023 to 2027 is "
        "2023-01-01 to 2027-01-01 with `year`",
    )
    city_ids: CityIds = Field(default_factory=list)
    partnership_ids: PartnershipIds = Field(default_factory=list)
    partner_ids: PartnerIds = Field(default_factory=list)
    department_ids: DepartmentIds = Field(default_factory=list)
    budget: BudgetIn | None = None
    milestones: Milestones = Field(default_factory=list)
    indicators: Indicators = Field(default_factory=list)
    sdgs: Sdgs = Field(default_factory=list)
    fields_of_action: Fields = Field(default_factory=list)
    url: Url | None = None
    notes: Text | None = Field(default=None, description="Internal note, for staff only")
    visibility: Visibility = Visibility.PUBLIC

    def to_fields(self) -> ProjectFields:
        return ProjectFields(
            **{name: _domain_value(name, getattr(self, name)) for name in type(self).model_fields}
        )


class ProjectUpdate(PatchModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"status": "completed"}]}
    )

    title: Omittable[I18nTextIn] = None
    status: Omittable[ProjectStatus] = None
    summary: I18nTextIn | None = None
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    precision: Omittable[DatePrecision] = None
    city_ids: Omittable[CityIds] = None
    partnership_ids: Omittable[PartnershipIds] = None
    partner_ids: Omittable[PartnerIds] = None
    department_ids: Omittable[DepartmentIds] = None
    budget: BudgetIn | None = None
    milestones: Omittable[Milestones] = None
    indicators: Omittable[Indicators] = None
    sdgs: Omittable[Sdgs] = None
    fields_of_action: Omittable[Fields] = None
    url: Url | None = None
    notes: Text | None = None
    visibility: Omittable[Visibility] = None

    def changes(self) -> dict[str, Any]:
        return {name: _domain_value(name, getattr(self, name)) for name in self.model_fields_set}


class BudgetOut(BaseModel):
    model_config = ConfigDict(title="Budget")

    total: MoneyOut | None
    own_contribution: MoneyOut | None


class MilestoneOut(BaseModel):
    model_config = ConfigDict(title="Milestone")

    title: I18nTextOut
    due_on: Day | None
    done: bool


class IndicatorOut(BaseModel):
    model_config = ConfigDict(title="Indicator")

    name: I18nTextOut
    unit: Unit
    baseline: Quantity | None
    target: Quantity | None
    actual: Quantity | None
    as_of: Day | None


class ProjectPublic(BaseModel):
    """A project as the website sees it: no budget and no notes."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.PROJECT_PUBLIC]})

    id: Id
    title: I18nTextOut
    status: ProjectStatus
    summary: I18nTextOut | None
    starts_on: Day | None
    ends_on: Day | None
    precision: DatePrecision
    city_ids: list[Id] = Field(max_length=50)
    cities: list[CityRef] = Field(max_length=50)
    partnership_ids: list[Id] = Field(max_length=50)
    partner_ids: list[Id] = Field(max_length=100)
    partners: list[OrganisationRef] = Field(max_length=100)
    department_ids: list[Id] = Field(max_length=50)
    departments: list[OrganisationRef] = Field(max_length=50)
    milestones: list[MilestoneOut] = Field(max_length=100)
    indicators: list[IndicatorOut] = Field(max_length=100)
    sdgs: list[Sdg] = Field(max_length=17)
    fields_of_action: list[FieldOfAction] = Field(max_length=11)
    url: Url | None
    created_at: Timestamp
    updated_at: Timestamp


class Project(ProjectPublic):
    """A project as staff see it."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.PROJECT]})

    budget: BudgetOut | None
    notes: Text | None
    visibility: Visibility


class ProjectPage(Page[Project]):
    pass


class ProjectPublicPage(Page[ProjectPublic]):
    pass


VIEWS = Views(Project, ProjectPublic)
SortParam = Annotated[str, sort_query(PROJECT_SORTS, nulls_last=True)]


@router.get(
    "",
    operation_id="projects-list",
    summary="List projects",
    response_model=ProjectPage | ProjectPublicPage,
    responses=LIST_RESPONSES,
)
def list_projects(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    status: ProjectStatus | None = None,
    city_id: Annotated[Id | None, Query(description="Projects with this partner city")] = None,
    partnership_id: Id | None = None,
    organisation_id: Annotated[
        Id | None, Query(description="Projects this organisation (partner or department) is in")
    ] = None,
    sdg: Annotated[
        int | None, Query(ge=1, le=17, json_schema_extra={"format": "int32"}), WHOLE_NUMBER
    ] = None,
    field_of_action: FieldOfAction | None = None,
    from_on: Annotated[
        IsoDate | None, Query(alias="from", description="Projects running on or after this day")
    ] = None,
    to_on: Annotated[
        IsoDate | None, Query(alias="to", description="Projects started on or before this day")
    ] = None,
    q: SearchText = None,
    modified_since: ModifiedSince = None,
    sort: SortParam = "starts_on",
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    found = services.projects.list_page(
        principal,
        ProjectQuery(
            status=status,
            city_id=city_id,
            partnership_id=partnership_id,
            organisation_id=organisation_id,
            sdg=sdg,
            field_of_action=field_of_action,
            from_on=from_on,
            to_on=to_on,
            q=q,
            modified_since=modified_since,
        ),
        Sort.parse(sort, PROJECT_SORTS),
        PageRequest(limit, decode_cursor(cursor)),
    )
    return resource.page(request, principal, VIEWS, found)


add_item_routes(
    router,
    Resource(
        collection="projects",
        noun="project",
        views=VIEWS,
        create_model=ProjectCreate,
        update_model=ProjectUpdate,
        service=lambda services: services.projects,
    ),
)


class ShareOut(BaseModel):
    model_config = ConfigDict(title="FundingShare")

    requested: MoneyOut = Field(description="Requests standing: sent, not refused or withdrawn")
    pending: MoneyOut = Field(description="Requests not decided yet")
    awarded: MoneyOut = Field(description="Awarded on approval")
    applications: int = Field(ge=0, le=1_000_000, json_schema_extra={"format": "int32"})


class ProgrammeShareOut(ShareOut):
    model_config = ConfigDict(title="ProgrammeFundingShare")

    programme: ProgrammeRefOut


class LevelShareOut(ShareOut):
    model_config = ConfigDict(title="LevelFundingShare")

    level: FundingLevel


class ProjectFunding(BaseModel):
    """How a project's budget is covered, in exact sums of one currency."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.PROJECT_FUNDING]})

    project_id: Id
    currency: str | None = Field(
        max_length=3, description="Of every amount here; null while there is nothing to add up"
    )
    budget: MoneyOut | None = Field(description="The project's total budget")
    own_contribution: MoneyOut | None = Field(description="The city's own funds")
    total: ShareOut | None = Field(description="Over all the applications you may see")
    by_programme: list[ProgrammeShareOut] = Field(max_length=1000)
    by_level: list[LevelShareOut] = Field(max_length=6)
    gap: MoneyOut | None = Field(
        description="Budget minus own contribution minus awarded; negative when over-funded"
    )
    gap_if_pending_granted: MoneyOut | None = Field(
        description="The gap if every pending request were granted in full"
    )


@router.get(
    "/{project_id:uuid}/funding",
    operation_id="projects-funding",
    summary="Co-financing of a project",
    description="The awarded and requested amounts of the project's funding applications by "
    "programme and by level, the city's own contribution and the gap to the budget. Sums "
    "are exact; amounts in different currencies are refused (422), never converted.",
    response_model=ProjectFunding,
    responses={
        304: {"description": "Not modified"},
        **problem_responses(401, 403, 404, 422, "currency-mismatch"),
    },
)
def project_funding(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    project_id: Annotated[Id, Path()],
    if_none_match: IfNoneMatch = None,
) -> Response:
    funding = services.co_financing.for_project(principal, project_id)
    return json_response(render(ProjectFunding, funding), request, principal)
