"""The funding application repository: one row per application, its programme, call,
project and applicant read in the same query; disbursements, reports and the status history
as JSON documents of the row."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.engine import Row

from urbandiplo.db.models import (
    FundingApplicationRow,
    FundingCallRow,
    FundingProgrammeRow,
    OrganisationRow,
    ProjectRow,
    table_of,
)
from urbandiplo.db.records import (
    QUERY_ONLY,
    SqlRepository,
    history_document,
    history_of,
    money_or_none,
    one_of,
)
from urbandiplo.db.search import contains_folded
from urbandiplo.domain.applications import (
    ApplicationDirection,
    CallRef,
    Disbursement,
    FundingApplication,
    FundingApplicationQuery,
    ProjectRef,
    Report,
    next_report_due,
)
from urbandiplo.domain.funding import FundingLevel, ProgrammeRef
from urbandiplo.domain.refs import OrganisationRef
from urbandiplo.domain.values import DatePrecision, I18nText, Money, Visibility, fold_for_search
from urbandiplo.domain.workflow import ApplicationStatus

applications = table_of(FundingApplicationRow)
programme = table_of(FundingProgrammeRow).alias("programme")
call = table_of(FundingCallRow).alias("call")
project = table_of(ProjectRow).alias("project")
applicant = table_of(OrganisationRow).alias("applicant")

SORT_COLUMNS: dict[str, tuple[ColumnElement[Any], type]] = {
    "created_at": (applications.c.created_at, datetime),
    "updated_at": (applications.c.updated_at, datetime),
    "decided_on": (applications.c.decided_on, date),
}
REFERENCED = {
    programme: ("id", "name", "acronym", "level", "visibility"),
    call: ("id", "identifier", "title", "visibility"),
    project: ("id", "title", "visibility"),
    applicant: ("id", "name", "kind", "website", "visibility"),
}


class SqlFundingApplicationRepository(SqlRepository[FundingApplication, FundingApplicationQuery]):
    table = applications
    sort_columns = SORT_COLUMNS

    def select(self) -> Select[Any]:
        return select(
            *(c for c in applications.c if c.name not in QUERY_ONLY | {"next_report_due"}),
            *(
                table.c[name].label(f"{table.name}__{name}")
                for table, names in REFERENCED.items()
                for name in names
            ),
        ).select_from(
            applications.join(programme, programme.c.id == applications.c.programme_id)
            .outerjoin(call, call.c.id == applications.c.call_id)
            .outerjoin(project, project.c.id == applications.c.project_id)
            .join(applicant, applicant.c.id == applications.c.applicant_id)
        )

    def visible_only(self, statement: Select[Any], visible: Collection[Visibility]) -> Select[Any]:
        return statement.where(one_of(applications.c.visibility, (v.value for v in visible)))

    def conditions(self, query: FundingApplicationQuery) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        c = applications.c
        for column, value in (
            (c.programme_id, query.programme_id),
            (c.call_id, query.call_id),
            (c.project_id, query.project_id),
            (c.applicant_id, query.applicant_id),
        ):
            if value is not None:
                conditions.append(column == value)
        if query.direction is not None:
            conditions.append(c.direction == query.direction.value)
        if query.status is not None:
            conditions.append(c.status == query.status.value)
        if query.reports_overdue is not None:
            assert query.today is not None
            if query.reports_overdue:
                conditions.append(c.next_report_due < query.today)
            else:
                conditions.append(
                    or_(c.next_report_due.is_(None), c.next_report_due >= query.today)
                )
        if query.q:
            conditions.append(contains_folded(c.search_text, query.q))
        if query.modified_since is not None:
            conditions.append(c.updated_at >= query.modified_since)
        if query.reachable_by is not None:
            conditions.append(
                or_(
                    c.visibility == Visibility.PUBLIC.value,
                    and_(
                        c.applicant_id == query.reachable_by,
                        c.direction == ApplicationDirection.INCOMING.value,
                    ),
                )
            )
        return conditions

    def build(self, rows: Sequence[Row[Any]]) -> list[FundingApplication]:
        return [_application(row._mapping) for row in rows]

    def values(self, record: FundingApplication) -> dict[str, Any]:
        own, awarded, requested = record.own_contribution, record.awarded, record.requested
        return {
            "id": record.id,
            "title": record.title,
            "direction": record.direction.value,
            "status": record.status.value,
            "programme_id": record.programme_id,
            "call_id": record.call_id,
            "project_id": record.project_id,
            "applicant_id": record.applicant_id,
            "requested_amount": requested.amount if requested else None,
            "requested_currency": requested.currency if requested else None,
            "own_contribution_amount": own.amount if own else None,
            "own_contribution_currency": own.currency if own else None,
            "reference": record.reference,
            "awarded_amount": awarded.amount if awarded else None,
            "awarded_currency": awarded.currency if awarded else None,
            "decided_on": record.decided_on,
            "decided_precision": record.decided_precision.value,
            "disbursements": [
                {
                    "on": d.on.isoformat(),
                    "amount": str(d.amount.amount),
                    "currency": d.amount.currency,
                }
                for d in record.disbursements
            ],
            "reports": [
                {
                    "id": str(r.id),
                    "due_on": r.due_on.isoformat(),
                    "title": r.title,
                    "submitted_on": r.submitted_on.isoformat() if r.submitted_on else None,
                }
                for r in record.reports
            ],
            "next_report_due": next_report_due(record.reports),
            # Public fields only: a `q` filter must not reveal what the caller cannot read.
            "search_text": fold_for_search(record.title),
            "history": history_document(record.history),
            "notes": record.notes,
            "visibility": record.visibility.value,
            "created_at": record.created_at,
            "updated_at": record.updated_at,
            "version": record.version,
        }

    def for_project(self, project_id: uuid.UUID) -> list[FundingApplication]:
        rows = self._connection.execute(
            self.select()
            .where(applications.c.project_id == project_id)
            .order_by(applications.c.created_at, applications.c.id)
        ).all()
        return self.build(rows)

    def find_by_title(self, title: str) -> FundingApplication | None:
        row = self._connection.execute(
            self.select().where(applications.c.title == title).order_by(applications.c.created_at)
        ).first()
        return _application(row._mapping) if row is not None else None


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _application(values: Any) -> FundingApplication:
    call_ref = None
    if values["call_id"] is not None:
        call_ref = CallRef(
            id=values["call_id"],
            identifier=values["call__identifier"],
            title=I18nText(values["call__title"]),
            visibility=Visibility(values["call__visibility"]),
        )
    project_ref = None
    if values["project_id"] is not None:
        project_ref = ProjectRef(
            id=values["project_id"],
            title=I18nText(values["project__title"]),
            visibility=Visibility(values["project__visibility"]),
        )
    return FundingApplication(
        id=values["id"],
        title=values["title"],
        direction=ApplicationDirection(values["direction"]),
        status=ApplicationStatus(values["status"]),
        programme_id=values["programme_id"],
        programme=ProgrammeRef(
            id=values["programme_id"],
            name=values["programme__name"],
            acronym=values["programme__acronym"],
            level=FundingLevel(values["programme__level"]),
            visibility=Visibility(values["programme__visibility"]),
        ),
        call_id=values["call_id"],
        call=call_ref,
        project_id=values["project_id"],
        project=project_ref,
        applicant_id=values["applicant_id"],
        applicant=OrganisationRef(
            id=values["applicant_id"],
            name=values["applicant__name"],
            kind=values["applicant__kind"],
            website=values["applicant__website"],
            visibility=Visibility(values["applicant__visibility"]),
        ),
        requested=money_or_none(values["requested_amount"], values["requested_currency"]),
        own_contribution=money_or_none(
            values["own_contribution_amount"], values["own_contribution_currency"]
        ),
        reference=values["reference"],
        awarded=money_or_none(values["awarded_amount"], values["awarded_currency"]),
        decided_on=values["decided_on"],
        decided_precision=DatePrecision(values["decided_precision"]),
        disbursements=tuple(
            Disbursement(
                on=date.fromisoformat(d["on"]), amount=Money.of(d["amount"], d["currency"])
            )
            for d in values["disbursements"] or ()
        ),
        reports=tuple(
            Report(
                id=uuid.UUID(r["id"]),
                due_on=date.fromisoformat(r["due_on"]),
                title=r.get("title"),
                submitted_on=date.fromisoformat(r["submitted_on"])
                if r.get("submitted_on")
                else None,
            )
            for r in values["reports"] or ()
        ),
        history=history_of(values["history"], ApplicationStatus),
        notes=values["notes"],
        visibility=Visibility(values["visibility"]),
        created_at=values["created_at"],
        updated_at=values["updated_at"],
        version=values["version"],
    )
