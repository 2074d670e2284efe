"""Projects with partner cities: who takes part, the budget, milestones and indicators."""

from __future__ import annotations

import uuid
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from urbandiplo.domain.access import Principal
from urbandiplo.domain.errors import Conflict, FieldProblem, InvalidData
from urbandiplo.domain.ports import Repository, UnitOfWork, UnitOfWorkFactory
from urbandiplo.domain.records import RecordService
from urbandiplo.domain.refs import (
    CityRef,
    LinkRef,
    OrganisationRef,
    city_ref,
    organisation_ref,
    partnership_links,
    resolve,
    seen_by,
)
from urbandiplo.domain.search import SearchEntry, city_names, seen_with
from urbandiplo.domain.taxonomies import FieldOfAction, check_fields_of_action, check_sdgs
from urbandiplo.domain.values import (
    DatePrecision,
    I18nText,
    Money,
    Visibility,
    check_precision,
)

PROJECT_SORTS = ("starts_on", "created_at", "updated_at")


class ProjectStatus(StrEnum):
    PLANNED = "planned"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True, kw_only=True)
class Budget:
    """The project's total budget and the city's own contribution to it, in one currency."""

    total: Money | None = None
    own_contribution: Money | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Milestone:
    title: I18nText
    due_on: date | None = None
    done: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Indicator:
    """What the project measures: 9,800 mangrove seedlings planted, 3 of 30 ambulances."""

    name: I18nText
    unit: str
    baseline: Decimal | None = None
    target: Decimal | None = None
    actual: Decimal | None = None
    as_of: date | None = None  # the day (or the end of the period) the actual value is for


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectFields:
    """What staff enter about a project."""

    title: I18nText
    status: ProjectStatus = ProjectStatus.PLANNED
    summary: I18nText | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    precision: DatePrecision = DatePrecision.DAY  # of starts_on and ends_on
    city_ids: tuple[uuid.UUID, ...] = ()  # partner cities
    partnership_ids: tuple[uuid.UUID, ...] = ()
    partner_ids: tuple[uuid.UUID, ...] = ()  # partner organisations
    department_ids: tuple[uuid.UUID, ...] = ()  # the city's departments involved
    budget: Budget | None = None
    milestones: tuple[Milestone, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    sdgs: tuple[int, ...] = ()
    fields_of_action: tuple[FieldOfAction, ...] = ()
    url: str | None = None
    notes: str | None = None
    visibility: Visibility = Visibility.PUBLIC


@dataclass(frozen=True, slots=True, kw_only=True)
class Project(ProjectFields):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int
    cities: tuple[CityRef, ...]
    partnerships: tuple[LinkRef, ...]  # the strictest of it and its cities
    partners: tuple[OrganisationRef, ...]
    departments: tuple[OrganisationRef, ...]


@dataclass(frozen=True, slots=True)
class ProjectQuery:
    status: ProjectStatus | None = None
    city_id: uuid.UUID | None = None
    partnership_id: uuid.UUID | None = None
    organisation_id: uuid.UUID | None = None  # a partner or a department
    sdg: int | None = None
    field_of_action: FieldOfAction | None = None
    from_on: date | None = None  # running on or after this day
    to_on: date | None = None  # running on or before this day
    q: str | None = None
    modified_since: datetime | None = None


class ProjectRepository(Repository[Project, ProjectQuery], Protocol):
    def find_by_title(self, title_de: str) -> Project | None: ...
    def reference_count(self, project_id: uuid.UUID) -> int: ...


def _check(draft: ProjectFields) -> list[FieldProblem]:
    problems = []
    if draft.starts_on and draft.ends_on and draft.ends_on < draft.starts_on:
        problems.append(FieldProblem("ends_on", "must not be before starts_on"))
    for name in ("starts_on", "ends_on"):
        day = getattr(draft, name)
        if day is not None:
            problems += check_precision(day, draft.precision, name)
    budget = draft.budget
    if budget is not None and budget.total is not None and budget.own_contribution is not None:
        if budget.total.currency != budget.own_contribution.currency:
            problems.append(
                FieldProblem("budget.own_contribution.currency", "not the total's currency")
            )
        elif budget.own_contribution.amount > budget.total.amount:
            problems.append(FieldProblem("budget.own_contribution", "more than the total"))
    for i, indicator in enumerate(draft.indicators):
        if not indicator.unit.strip():
            problems.append(FieldProblem(f"indicators.{i}.unit", "must not be empty"))
    return problems


class ProjectService(RecordService[ProjectFields, Project, ProjectQuery]):
    """Reading and changing projects."""

    record_type = "project"
    fields_type = ProjectFields
    record_class = Project
    query_class = ProjectQuery
    collection = "projects"

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        super().__init__(uow_factory)

    def repository(self, uow: UnitOfWork) -> ProjectRepository:
        return uow.projects

    def search_entry(self, record: Project) -> SearchEntry:
        cities = seen_with(record.visibility, record.cities)
        indicators = [text for i in record.indicators for text in i.name.values()]
        return self.indexed(record, record.title, record.summary, city_names(cities), indicators)

    def prepare(
        self,
        uow: UnitOfWork,
        principal: Principal,
        draft: ProjectFields,
        current: Project | None,
        changed: AbstractSet[str],
    ) -> dict[str, Any]:
        problems = _check(draft)
        seen = seen_by(principal)
        cities = [
            city_ref(c)
            for c in resolve(draft.city_ids, "city_ids", "city", uow.cities.get, seen, problems)
        ]
        partnerships = partnership_links(
            draft.partnership_ids, uow.partnerships.get, principal, problems
        )
        organisations = uow.organisations.get
        partners = [
            organisation_ref(o)
            for o in resolve(
                draft.partner_ids, "partner_ids", "organisation", organisations, seen, problems
            )
        ]
        departments = [
            organisation_ref(o)
            for o in resolve(
                draft.department_ids,
                "department_ids",
                "organisation",
                organisations,
                seen,
                problems,
            )
        ]
        for i, department in enumerate(departments):
            if department.kind != "city_department":
                problems.append(FieldProblem(f"department_ids.{i}", "not a city department"))
        try:
            sdgs = check_sdgs(draft.sdgs)
            fields = check_fields_of_action(draft.fields_of_action)
        except InvalidData as error:
            problems += error.problems
        if problems:
            raise InvalidData("the project's data is not valid", problems)
        values = super().prepare(uow, principal, draft, current, changed)
        values.update(
            city_ids=tuple(c.id for c in cities),
            cities=tuple(cities),
            partnership_ids=tuple(p.id for p in partnerships),
            partnerships=tuple(partnerships),
            partner_ids=tuple(o.id for o in partners),
            partners=tuple(partners),
            department_ids=tuple(o.id for o in departments),
            departments=tuple(departments),
            sdgs=sdgs,
            fields_of_action=fields,
        )
        return values

    def before_delete(self, uow: UnitOfWork, record: Project) -> None:
        if uow.projects.reference_count(record.id):
            raise Conflict(
                "funding applications, events or delegations still refer to the project; "
                "it cannot be deleted"
            )

    def shown_to(self, record: Project, principal: Principal) -> Project:
        """Cities, partnerships and organisations the caller may not see are left out."""
        cities = tuple(c for c in record.cities if principal.may_see(c.visibility))
        partnerships = tuple(p for p in record.partnerships if principal.may_see(p.visibility))
        partners = tuple(o for o in record.partners if principal.may_see(o.visibility))
        departments = tuple(o for o in record.departments if principal.may_see(o.visibility))
        return replace(
            record,
            cities=cities,
            city_ids=tuple(c.id for c in cities),
            partnerships=partnerships,
            partnership_ids=tuple(p.id for p in partnerships),
            partners=partners,
            partner_ids=tuple(o.id for o in partners),
            departments=departments,
            department_ids=tuple(o.id for o in departments),
        )

    def find_by_title(self, principal: Principal, title_de: str) -> Project | None:
        with self._uow() as uow:
            found = uow.projects.find_by_title(title_de)
        return found if found is not None and self.visible_to(found, principal) else None
