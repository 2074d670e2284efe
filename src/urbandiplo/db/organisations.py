"""The organisation repository."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from urbandiplo.db.models import (
    CallSubscriptionRow,
    CityRow,
    CooperationOfferRow,
    DelegationMemberRow,
    EventOrganisationRow,
    FundingApplicationRow,
    FundingProgrammeRow,
    NewsRow,
    OrganisationRow,
    PartnershipAssociationRow,
    PersonRow,
    ProjectOrganisationRow,
    table_of,
)
from urbandiplo.db.records import QUERY_ONLY, SqlRepository, count_references, one_of
from urbandiplo.db.refs import city_ref_columns, city_ref_from
from urbandiplo.db.search import contains_folded
from urbandiplo.domain.errors import Conflict, DomainError
from urbandiplo.domain.organisations import Organisation, OrganisationKind, OrganisationQuery
from urbandiplo.domain.values import I18nText, Visibility, fold_for_search

organisations = table_of(OrganisationRow)
associations = table_of(PartnershipAssociationRow)
people = table_of(PersonRow)
members = table_of(DelegationMemberRow)
event_organisations = table_of(EventOrganisationRow)
funded = table_of(FundingProgrammeRow)
project_organisations = table_of(ProjectOrganisationRow)
applied = table_of(FundingApplicationRow)
authored = table_of(NewsRow)
offered = table_of(CooperationOfferRow)
subscribed = table_of(CallSubscriptionRow)
city = table_of(CityRow).alias("city")

SORT_COLUMNS: dict[str, tuple[ColumnElement[Any], type]] = {
    "name": (organisations.c.name, str),
    "created_at": (organisations.c.created_at, datetime),
    "updated_at": (organisations.c.updated_at, datetime),
}


class SqlOrganisationRepository(SqlRepository[Organisation, OrganisationQuery]):
    table = organisations
    sort_columns = SORT_COLUMNS

    def select(self) -> Select[Any]:
        return select(
            *(c for c in organisations.c if c.name not in QUERY_ONLY),
            *city_ref_columns(city, "city"),
        ).select_from(organisations.outerjoin(city, city.c.id == organisations.c.city_id))

    def visible_only(self, statement: Select[Any], visible: Collection[Visibility]) -> Select[Any]:
        values = [v.value for v in visible]
        return statement.where(
            one_of(organisations.c.visibility, values),
            or_(organisations.c.city_id.is_(None), one_of(city.c.visibility, values)),
        )

    def conditions(self, query: OrganisationQuery) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if query.kind is not None:
            conditions.append(organisations.c.kind == query.kind.value)
        if query.city_id is not None:
            conditions.append(organisations.c.city_id == query.city_id)
        if query.q:
            conditions.append(contains_folded(organisations.c.search_text, query.q))
        if query.modified_since is not None:
            conditions.append(organisations.c.updated_at >= query.modified_since)
        return conditions

    def build(self, rows: Sequence[Row[Any]]) -> list[Organisation]:
        return [_organisation(row._mapping) for row in rows]

    def values(self, record: Organisation) -> dict[str, Any]:
        texts = [record.name, *(record.description or {}).values()]
        return {
            "id": record.id,
            "name": record.name,
            "kind": record.kind.value,
            "city_id": record.city_id,
            "website": record.website,
            "email": record.email,
            "description": dict(record.description) if record.description else None,
            "notes": record.notes,
            "visibility": record.visibility.value,
            "created_at": record.created_at,
            "updated_at": record.updated_at,
            "version": record.version,
            # Public fields only: a `q` filter must not reveal what the caller cannot read.
            "search_text": fold_for_search(" ".join(texts)),
        }

    def conflict(self, error: IntegrityError) -> DomainError:
        return Conflict("other records still refer to the organisation; it cannot be deleted")

    def find_by_name(
        self, name: str, visible: Collection[Visibility] | None = None
    ) -> Organisation | None:
        statement = self.select().where(organisations.c.name == name)
        if visible is not None:
            statement = self.visible_only(statement, visible)
        row = self._connection.execute(
            statement.order_by(organisations.c.created_at, organisations.c.id).limit(1)
        ).first()
        return _organisation(row._mapping) if row is not None else None

    def reference_count(self, organisation_id: uuid.UUID) -> int:
        """How many records refer to the organisation (partnerships, people, delegations,
        events, programmes, projects, applications, news, offers,
        call subscriptions)."""
        tables = (associations, people, members, event_organisations, project_organisations)
        columns = [table.c.organisation_id for table in tables]
        columns += [funded.c.funder_id, applied.c.applicant_id, authored.c.author_id]
        columns += [offered.c.organisation_id, subscribed.c.organisation_id]
        return count_references(self._connection, organisation_id, columns)


def _organisation(values: Any) -> Organisation:
    return Organisation(
        id=values["id"],
        name=values["name"],
        kind=OrganisationKind(values["kind"]),
        city_id=values["city_id"],
        website=values["website"],
        email=values["email"],
        description=I18nText(values["description"]) if values["description"] else None,
        notes=values["notes"],
        visibility=Visibility(values["visibility"]),
        created_at=values["created_at"],
        updated_at=values["updated_at"],
        version=values["version"],
        city=city_ref_from(values, "city") if values["city_id"] is not None else None,
    )
