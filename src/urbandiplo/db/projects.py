"""The project repository: a project with its partner cities, partnerships, organisations,
budget, milestones and indicators."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, and_, exists, or_, select
from sqlalchemy.engine import Row

from urbandiplo.db.models import (
    CityRow,
    DelegationProjectRow,
    EventProjectRow,
    FundingApplicationRow,
    OrganisationRow,
    ProjectCityRow,
    ProjectFieldOfActionRow,
    ProjectOrganisationRow,
    ProjectPartnershipRow,
    ProjectRow,
    ProjectSdgRow,
    table_of,
)
from urbandiplo.db.records import (
    QUERY_ONLY,
    SqlRepository,
    among,
    count_references,
    money_or_none,
    text_or_none,
)
from urbandiplo.db.refs import city_ref_columns, city_ref_from, grouped, partnership_links
from urbandiplo.db.search import contains_folded
from urbandiplo.domain.projects import (
    Budget,
    Indicator,
    Milestone,
    Project,
    ProjectQuery,
    ProjectStatus,
)
from urbandiplo.domain.refs import OrganisationRef
from urbandiplo.domain.taxonomies import FieldOfAction
from urbandiplo.domain.values import (
    DatePrecision,
    I18nText,
    Visibility,
    fold_for_search,
    last_day,
)

projects = table_of(ProjectRow)
project_cities = table_of(ProjectCityRow)
project_partnerships = table_of(ProjectPartnershipRow)
project_organisations = table_of(ProjectOrganisationRow)
project_sdgs = table_of(ProjectSdgRow)
project_fields = table_of(ProjectFieldOfActionRow)
applications = table_of(FundingApplicationRow)
event_links = table_of(EventProjectRow)
delegation_links = table_of(DelegationProjectRow)
cities = table_of(CityRow)
organisations = table_of(OrganisationRow)

PARTNER, DEPARTMENT = "partner", "department"

SORT_COLUMNS: dict[str, tuple[ColumnElement[Any], type]] = {
    "starts_on": (projects.c.starts_on, date),
    "created_at": (projects.c.created_at, datetime),
    "updated_at": (projects.c.updated_at, datetime),
}


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def _number(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


class SqlProjectRepository(SqlRepository[Project, ProjectQuery]):
    table = projects
    sort_columns = SORT_COLUMNS
    child_tables = (
        project_cities,
        project_partnerships,
        project_organisations,
        project_sdgs,
        project_fields,
    )
    child_key = "project_id"

    def select(self) -> Select[Any]:
        return select(*(c for c in projects.c if c.name not in QUERY_ONLY | {"ends_by"}))

    def conditions(self, query: ProjectQuery) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        pid = projects.c.id
        if query.status is not None:
            conditions.append(projects.c.status == query.status.value)
        if query.city_id is not None:
            conditions.append(
                exists().where(
                    project_cities.c.project_id == pid, project_cities.c.city_id == query.city_id
                )
            )
        if query.partnership_id is not None:
            conditions.append(
                exists().where(
                    project_partnerships.c.project_id == pid,
                    project_partnerships.c.partnership_id == query.partnership_id,
                )
            )
        if query.organisation_id is not None:
            conditions.append(
                exists().where(
                    project_organisations.c.project_id == pid,
                    project_organisations.c.organisation_id == query.organisation_id,
                )
            )
        if query.sdg is not None:
            conditions.append(
                exists().where(project_sdgs.c.project_id == pid, project_sdgs.c.sdg == query.sdg)
            )
        if query.field_of_action is not None:
            conditions.append(
                exists().where(
                    project_fields.c.project_id == pid,
                    project_fields.c.field_of_action == query.field_of_action.value,
                )
            )
        # Running in the range: started by its end, not ended before its start (an open end
        # runs on). Projects without a start date are not in any range.
        if query.to_on is not None:
            conditions.append(projects.c.starts_on <= query.to_on)
        if query.from_on is not None:
            conditions.append(
                or_(
                    projects.c.ends_by >= query.from_on,
                    and_(projects.c.ends_by.is_(None), projects.c.starts_on.is_not(None)),
                )
            )
        if query.q:
            conditions.append(contains_folded(projects.c.search_text, query.q))
        if query.modified_since is not None:
            conditions.append(projects.c.updated_at >= query.modified_since)
        return conditions

    def build(self, rows: Sequence[Row[Any]]) -> list[Project]:
        if not rows:
            return []
        ids = [row._mapping["id"] for row in rows]
        partner_cities = grouped(
            self._connection.execute(
                select(project_cities.c.project_id, *city_ref_columns(cities, "city"))
                .join(cities, cities.c.id == project_cities.c.city_id)
                .where(among(self._connection, project_cities.c.project_id, ids))
                .order_by(project_cities.c.project_id, project_cities.c.position)
            ),
            "project_id",
            lambda r: city_ref_from(r._mapping, "city"),
        )
        linked = partnership_links(self._connection, project_partnerships, "project_id", ids)
        involved = grouped(
            self._connection.execute(
                select(
                    project_organisations.c.project_id,
                    project_organisations.c.role,
                    organisations.c.id,
                    organisations.c.name,
                    organisations.c.kind,
                    organisations.c.website,
                    organisations.c.visibility,
                )
                .join(organisations, organisations.c.id == project_organisations.c.organisation_id)
                .where(among(self._connection, project_organisations.c.project_id, ids))
                .order_by(
                    project_organisations.c.project_id,
                    project_organisations.c.role,
                    project_organisations.c.position,
                )
            ),
            "project_id",
            lambda r: (
                r.role,
                OrganisationRef(
                    id=r.id,
                    name=r.name,
                    kind=r.kind,
                    website=r.website,
                    visibility=Visibility(r.visibility),
                ),
            ),
        )
        goals = grouped(
            self._connection.execute(
                select(project_sdgs)
                .where(among(self._connection, project_sdgs.c.project_id, ids))
                .order_by(project_sdgs.c.project_id, project_sdgs.c.sdg)
            ),
            "project_id",
            lambda r: int(r.sdg),
        )
        fields = grouped(
            self._connection.execute(
                select(project_fields).where(
                    among(self._connection, project_fields.c.project_id, ids)
                )
            ),
            "project_id",
            lambda r: FieldOfAction(r.field_of_action),
        )
        order = {f: i for i, f in enumerate(FieldOfAction)}
        result = []
        for row in rows:
            values = row._mapping
            pid = values["id"]
            refs = tuple(partner_cities.get(pid, ()))
            links = tuple(linked.get(pid, ()))
            organised = involved.get(pid, [])
            partners = tuple(ref for role, ref in organised if role == PARTNER)
            departments = tuple(ref for role, ref in organised if role == DEPARTMENT)
            total = money_or_none(values["budget_total_amount"], values["budget_total_currency"])
            own = money_or_none(
                values["own_contribution_amount"], values["own_contribution_currency"]
            )
            result.append(
                Project(
                    id=pid,
                    title=I18nText(values["title"]),
                    summary=text_or_none(values["summary"]),
                    status=ProjectStatus(values["status"]),
                    starts_on=values["starts_on"],
                    ends_on=values["ends_on"],
                    precision=DatePrecision(values["precision"]),
                    city_ids=tuple(c.id for c in refs),
                    cities=refs,
                    partnership_ids=tuple(p.id for p in links),
                    partnerships=links,
                    partner_ids=tuple(o.id for o in partners),
                    partners=partners,
                    department_ids=tuple(o.id for o in departments),
                    departments=departments,
                    budget=Budget(total=total, own_contribution=own) if total or own else None,
                    milestones=tuple(
                        Milestone(
                            title=I18nText(m["title"]),
                            due_on=date.fromisoformat(m["due_on"]) if m.get("due_on") else None,
                            done=bool(m.get("done")),
                        )
                        for m in values["milestones"] or ()
                    ),
                    indicators=tuple(
                        Indicator(
                            name=I18nText(i["name"]),
                            unit=i["unit"],
                            baseline=_decimal(i.get("baseline")),
                            target=_decimal(i.get("target")),
                            actual=_decimal(i.get("actual")),
                            as_of=date.fromisoformat(i["as_of"]) if i.get("as_of") else None,
                        )
                        for i in values["indicators"] or ()
                    ),
                    sdgs=tuple(goals.get(pid, ())),
                    fields_of_action=tuple(sorted(fields.get(pid, ()), key=order.__getitem__)),
                    url=values["url"],
                    notes=values["notes"],
                    visibility=Visibility(values["visibility"]),
                    created_at=values["created_at"],
                    updated_at=values["updated_at"],
                    version=values["version"],
                )
            )
        return result

    def values(self, record: Project) -> dict[str, Any]:
        budget = record.budget or Budget()
        texts = [
            *record.title.values(),
            *(record.summary or {}).values(),
            *(text for i in record.indicators for text in i.name.values()),
        ]
        return {
            "id": record.id,
            "title": dict(record.title),
            "summary": dict(record.summary) if record.summary else None,
            "status": record.status.value,
            "starts_on": record.starts_on,
            "ends_on": record.ends_on,
            "precision": record.precision.value,
            "ends_by": last_day(record.ends_on, record.precision) if record.ends_on else None,
            "budget_total_amount": budget.total.amount if budget.total else None,
            "budget_total_currency": budget.total.currency if budget.total else None,
            "own_contribution_amount": budget.own_contribution.amount
            if budget.own_contribution
            else None,
            "own_contribution_currency": budget.own_contribution.currency
            if budget.own_contribution
            else None,
            "milestones": [
                {
                    "title": dict(m.title),
                    "due_on": m.due_on.isoformat() if m.due_on else None,
                    "done": m.done,
                }
                for m in record.milestones
            ],
            "indicators": [
                {
                    "name": dict(i.name),
                    "unit": i.unit,
                    "baseline": _number(i.baseline),
                    "target": _number(i.target),
                    "actual": _number(i.actual),
                    "as_of": i.as_of.isoformat() if i.as_of else None,
                }
                for i in record.indicators
            ],
            "url": record.url,
            "notes": record.notes,
            "visibility": record.visibility.value,
            "created_at": record.created_at,
            "updated_at": record.updated_at,
            "version": record.version,
            # Public fields only: a `q` filter must not reveal what the caller cannot read.
            "search_text": fold_for_search(" ".join(texts)),
        }

    def child_rows(self, record: Project) -> list[tuple[Table, list[dict[str, Any]]]]:
        pid = record.id
        organised = [(PARTNER, i, o) for i, o in enumerate(record.partner_ids)]
        organised += [(DEPARTMENT, i, o) for i, o in enumerate(record.department_ids)]
        return [
            (
                project_cities,
                [
                    {"project_id": pid, "position": i, "city_id": c}
                    for i, c in enumerate(record.city_ids)
                ],
            ),
            (
                project_partnerships,
                [
                    {"project_id": pid, "position": i, "partnership_id": p}
                    for i, p in enumerate(record.partnership_ids)
                ],
            ),
            (
                project_organisations,
                [
                    {"project_id": pid, "role": role, "position": i, "organisation_id": o}
                    for role, i, o in organised
                ],
            ),
            (project_sdgs, [{"project_id": pid, "sdg": n} for n in record.sdgs]),
            (
                project_fields,
                [{"project_id": pid, "field_of_action": f.value} for f in record.fields_of_action],
            ),
        ]

    def reference_count(self, project_id: uuid.UUID) -> int:
        columns = [
            applications.c.project_id,
            event_links.c.project_id,
            delegation_links.c.project_id,
        ]
        return count_references(self._connection, project_id, columns)

    def find_by_title(self, title_de: str) -> Project | None:
        for row in self._connection.execute(self.select().order_by(projects.c.created_at)).all():
            if (row._mapping["title"] or {}).get("de") == title_de:
                return self.build([row])[0]
        return None
