"""The funding programme repository."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, exists, or_, select
from sqlalchemy.engine import Row

from urbandiplo.db.models import (
    FundingApplicationRow,
    FundingCallRow,
    FundingCallTagRow,
    FundingProgrammeRow,
    OrganisationRow,
    table_of,
)
from urbandiplo.db.records import QUERY_ONLY, SqlRepository, count_references, one_of, text_or_none
from urbandiplo.db.search import contains_folded
from urbandiplo.db.tags import (
    Tags,
    applicant_tag,
    field_tag,
    read_tags,
    sdg_tag,
    tagged,
    tags_of,
)
from urbandiplo.domain.funding import (
    CallStatus,
    FundingCall,
    FundingCallQuery,
    FundingLevel,
    FundingProgramme,
    FundingProgrammeQuery,
    ProgrammeRef,
    start_of,
)
from urbandiplo.domain.records import utcnow
from urbandiplo.domain.refs import OrganisationRef
from urbandiplo.domain.values import I18nText, Money, Visibility, fold_for_search

programmes = table_of(FundingProgrammeRow)
call_links = table_of(FundingCallRow)
application_links = table_of(FundingApplicationRow)
funder = table_of(OrganisationRow).alias("funder")
FUNDER_REF = ("id", "name", "kind", "website", "visibility")

SORT_COLUMNS: dict[str, tuple[ColumnElement[Any], type]] = {
    "name": (programmes.c.name, str),
    "created_at": (programmes.c.created_at, datetime),
    "updated_at": (programmes.c.updated_at, datetime),
}


class SqlFundingProgrammeRepository(SqlRepository[FundingProgramme, FundingProgrammeQuery]):
    table = programmes
    sort_columns = SORT_COLUMNS

    def select(self) -> Select[Any]:
        return select(
            *(c for c in programmes.c if c.name not in QUERY_ONLY),
            *(funder.c[n].label(f"funder__{n}") for n in FUNDER_REF),
        ).select_from(programmes.outerjoin(funder, funder.c.id == programmes.c.funder_id))

    def visible_only(self, statement: Select[Any], visible: Collection[Visibility]) -> Select[Any]:
        return statement.where(one_of(programmes.c.visibility, (v.value for v in visible)))

    def conditions(self, query: FundingProgrammeQuery) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if query.level is not None:
            conditions.append(programmes.c.level == query.level.value)
        if query.funder_id is not None:
            conditions.append(programmes.c.funder_id == query.funder_id)
        if query.q:
            conditions.append(contains_folded(programmes.c.search_text, query.q))
        if query.modified_since is not None:
            conditions.append(programmes.c.updated_at >= query.modified_since)
        return conditions

    def build(self, rows: Sequence[Row[Any]]) -> list[FundingProgramme]:
        return [_programme(row._mapping) for row in rows]

    def values(self, record: FundingProgramme) -> dict[str, Any]:
        budget = record.total_budget
        texts = [record.name, record.acronym or "", *(record.description or {}).values()]
        return {
            "id": record.id,
            "name": record.name,
            "acronym": record.acronym,
            "level": record.level.value,
            "funder_id": record.funder_id,
            "period_from": record.period_from,
            "period_to": record.period_to,
            "total_budget_amount": budget.amount if budget else None,
            "total_budget_currency": budget.currency if budget else None,
            "co_financing_rate": record.co_financing_rate,
            "eligible_applicants": dict(record.eligible_applicants)
            if record.eligible_applicants
            else None,
            "contact_point": record.contact_point,
            "url": record.url,
            "description": dict(record.description) if record.description else None,
            "notes": record.notes,
            "visibility": record.visibility.value,
            "created_at": record.created_at,
            "updated_at": record.updated_at,
            "version": record.version,
            "search_text": fold_for_search(" ".join(texts)),
        }

    def reference_count(self, programme_id: uuid.UUID) -> int:
        columns = [call_links.c.programme_id, application_links.c.programme_id]
        return count_references(self._connection, programme_id, columns)

    def find_by_name(self, name: str) -> FundingProgramme | None:
        row = self._connection.execute(
            self.select().where(programmes.c.name == name).order_by(programmes.c.created_at)
        ).first()
        return _programme(row._mapping) if row is not None else None


def _programme(values: Any) -> FundingProgramme:
    funder_ref = None
    if values["funder_id"] is not None:
        funder_ref = OrganisationRef(
            id=values["funder__id"],
            name=values["funder__name"],
            kind=values["funder__kind"],
            website=values["funder__website"],
            visibility=Visibility(values["funder__visibility"]),
        )
    budget = None
    if values["total_budget_amount"] is not None:
        budget = Money(values["total_budget_amount"], values["total_budget_currency"])
    return FundingProgramme(
        id=values["id"],
        name=values["name"],
        acronym=values["acronym"],
        level=FundingLevel(values["level"]),
        funder_id=values["funder_id"],
        period_from=values["period_from"],
        period_to=values["period_to"],
        total_budget=budget,
        co_financing_rate=values["co_financing_rate"],
        eligible_applicants=text_or_none(values["eligible_applicants"]),
        contact_point=values["contact_point"],
        url=values["url"],
        description=text_or_none(values["description"]),
        notes=values["notes"],
        visibility=Visibility(values["visibility"]),
        created_at=values["created_at"],
        updated_at=values["updated_at"],
        version=values["version"],
        funder=funder_ref,
    )


calls = table_of(FundingCallRow)
call_tags = table_of(FundingCallTagRow)
programme = table_of(FundingProgrammeRow).alias("programme")

CALL_SORT_COLUMNS: dict[str, tuple[ColumnElement[Any], type]] = {
    "deadline": (calls.c.deadline, datetime),
    "opens_on": (calls.c.opens_on, date),
    "created_at": (calls.c.created_at, datetime),
    "updated_at": (calls.c.updated_at, datetime),
}


class SqlFundingCallRepository(SqlRepository[FundingCall, FundingCallQuery]):
    table = calls
    sort_columns = CALL_SORT_COLUMNS
    child_tables = (call_tags,)
    child_key = "call_id"

    def select(self) -> Select[Any]:
        return select(
            *(c for c in calls.c if c.name not in QUERY_ONLY | {"opens_at"}),
            programme.c.name.label("programme__name"),
            programme.c.acronym.label("programme__acronym"),
            programme.c.level.label("programme__level"),
            programme.c.visibility.label("programme__visibility"),
        ).select_from(calls.join(programme, programme.c.id == calls.c.programme_id))

    def visible_only(self, statement: Select[Any], visible: Collection[Visibility]) -> Select[Any]:
        values = [v.value for v in visible]
        return statement.where(
            one_of(calls.c.visibility, values), one_of(programme.c.visibility, values)
        )

    def conditions(self, query: FundingCallQuery) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if query.programme_id is not None:
            conditions.append(calls.c.programme_id == query.programme_id)
        if query.level is not None:
            conditions.append(programme.c.level == query.level.value)
        if query.open_on is not None:
            # Open at some time of that day: opened by its end, deadline not before its start.
            conditions.append(calls.c.opens_on <= query.open_on)
            conditions.append(calls.c.deadline >= start_of(query.open_on))
        if query.status is not None:
            now = utcnow()
            if query.status == CallStatus.FORTHCOMING:
                conditions.append(calls.c.opens_at > now)
            elif query.status == CallStatus.OPEN:
                conditions.append(calls.c.opens_at <= now)
                conditions.append(calls.c.deadline >= now)
            else:
                conditions.append(calls.c.deadline < now)
        if query.announced:
            conditions.append(calls.c.deadline >= utcnow())
        if query.sdg is not None:
            conditions.append(tagged(call_tags, "call_id", calls.c.id, sdg_tag(query.sdg)))
        if query.field_of_action is not None:
            tag = field_tag(query.field_of_action)
            conditions.append(tagged(call_tags, "call_id", calls.c.id, tag))
        if query.applicant_kind is not None:
            # Open to that kind of applicant: named, or no kind named at all.
            anyone = ~exists().where(
                call_tags.c.call_id == calls.c.id, call_tags.c.tag.startswith("applicant:")
            )
            tag = applicant_tag(query.applicant_kind)
            conditions.append(or_(tagged(call_tags, "call_id", calls.c.id, tag), anyone))
        if query.q:
            conditions.append(contains_folded(calls.c.search_text, query.q))
        if query.modified_since is not None:
            conditions.append(calls.c.updated_at >= query.modified_since)
        return conditions

    def build(self, rows: Sequence[Row[Any]]) -> list[FundingCall]:
        if not rows:
            return []
        found = read_tags(self._connection, call_tags, "call_id", [row.id for row in rows])
        return [_call(row._mapping, found.get(row.id, Tags())) for row in rows]

    def child_rows(self, record: FundingCall) -> list[tuple[Table, list[dict[str, Any]]]]:
        labels = tags_of(record.sdgs, record.fields_of_action, record.applicant_kinds)
        return [(call_tags, [{"call_id": record.id, "tag": tag} for tag in labels])]

    def values(self, record: FundingCall) -> dict[str, Any]:
        budget = record.budget
        texts = [
            *record.title.values(),
            record.identifier or "",
            *(record.description or {}).values(),
        ]
        return {
            "id": record.id,
            "programme_id": record.programme_id,
            "identifier": record.identifier,
            "title": dict(record.title),
            "opens_on": record.opens_on,
            "opens_at": start_of(record.opens_on),
            "deadline": record.deadline,
            "budget_amount": budget.amount if budget else None,
            "budget_currency": budget.currency if budget else None,
            "url": record.url,
            "description": dict(record.description) if record.description else None,
            "notes": record.notes,
            "visibility": record.visibility.value,
            "created_at": record.created_at,
            "updated_at": record.updated_at,
            "version": record.version,
            "search_text": fold_for_search(" ".join(texts)),
        }

    def reference_count(self, call_id: uuid.UUID) -> int:
        return count_references(self._connection, call_id, [application_links.c.call_id])


def _call(values: Any, labels: Tags) -> FundingCall:
    budget = None
    if values["budget_amount"] is not None:
        budget = Money(values["budget_amount"], values["budget_currency"])
    return FundingCall(
        id=values["id"],
        programme_id=values["programme_id"],
        identifier=values["identifier"],
        title=I18nText(values["title"]),
        opens_on=values["opens_on"],
        deadline=values["deadline"],
        budget=budget,
        url=values["url"],
        description=text_or_none(values["description"]),
        sdgs=labels.sdgs,
        fields_of_action=labels.fields_of_action,
        applicant_kinds=labels.applicant_kinds,
        notes=values["notes"],
        visibility=Visibility(values["visibility"]),
        created_at=values["created_at"],
        updated_at=values["updated_at"],
        version=values["version"],
        programme=ProgrammeRef(
            id=values["programme_id"],
            name=values["programme__name"],
            acronym=values["programme__acronym"],
            level=FundingLevel(values["programme__level"]),
            visibility=Visibility(values["programme__visibility"]),
        ),
    )
