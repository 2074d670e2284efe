"""The funding programme repository."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.engine import Row

from urbandiplo.db.models import FundingProgrammeRow, OrganisationRow, table_of
from urbandiplo.db.records import QUERY_ONLY, SqlRepository
from urbandiplo.db.search import contains_folded
from urbandiplo.domain.funding import (
    FundingLevel,
    FundingProgramme,
    FundingProgrammeQuery,
)
from urbandiplo.domain.refs import OrganisationRef
from urbandiplo.domain.values import I18nText, Money, Visibility, fold_for_search

programmes = table_of(FundingProgrammeRow)
funder = table_of(OrganisationRow).alias("funder")
FUNDER_REF = ("id", "name", "kind", "website", "visibility")

SORT_COLUMNS: dict[str, tuple[ColumnElement[Any], type]] = {
    "name": (programmes.c.name, str),
    "created_at": (programmes.c.created_at, datetime),
    "updated_at": (programmes.c.updated_at, datetime),
}


def _text(value: dict[str, str] | None) -> I18nText | None:
    return I18nText(value) if value else None


class SqlFundingProgrammeRepository(SqlRepository[FundingProgramme, FundingProgrammeQuery]):
    table = programmes
    sort_columns = SORT_COLUMNS

    def select(self) -> Select[Any]:
        return select(
            *(c for c in programmes.c if c.name not in QUERY_ONLY),
            *(funder.c[n].label(f"funder__{n}") for n in FUNDER_REF),
        ).select_from(programmes.outerjoin(funder, funder.c.id == programmes.c.funder_id))

    def visible_only(self, statement: Select[Any], visible: Collection[Visibility]) -> Select[Any]:
        return statement.where(programmes.c.visibility.in_([v.value for v in visible]))

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
        eligible_applicants=_text(values["eligible_applicants"]),
        contact_point=values["contact_point"],
        url=values["url"],
        description=_text(values["description"]),
        notes=values["notes"],
        visibility=Visibility(values["visibility"]),
        created_at=values["created_at"],
        updated_at=values["updated_at"],
        version=values["version"],
        funder=funder_ref,
    )
