"""The person repository, with erasure."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from urbandiplo.db.models import (
    DelegationMemberRow,
    NetworkRepresentativeRow,
    OrganisationRow,
    PersonRow,
    table_of,
)
from urbandiplo.db.records import QUERY_ONLY, SqlRepository, count_references, one_of
from urbandiplo.db.search import contains_folded
from urbandiplo.domain.errors import Conflict, DomainError
from urbandiplo.domain.people import LegalBasis, Person, PersonQuery
from urbandiplo.domain.refs import OrganisationRef
from urbandiplo.domain.values import Visibility, fold_for_search

people = table_of(PersonRow)
seats = table_of(NetworkRepresentativeRow)
members = table_of(DelegationMemberRow)
organisation = table_of(OrganisationRow).alias("organisation")

SORT_COLUMNS: dict[str, tuple[ColumnElement[Any], type]] = {
    "name": (people.c.name, str),
    "created_at": (people.c.created_at, datetime),
    "updated_at": (people.c.updated_at, datetime),
}
ORGANISATION_REF = ("id", "name", "kind", "website", "visibility")


class SqlPersonRepository(SqlRepository[Person, PersonQuery]):
    table = people
    sort_columns = SORT_COLUMNS

    def select(self) -> Select[Any]:
        return select(
            *(c for c in people.c if c.name not in QUERY_ONLY),
            *(organisation.c[n].label(f"organisation__{n}") for n in ORGANISATION_REF),
        ).select_from(people.outerjoin(organisation, organisation.c.id == people.c.organisation_id))

    def visible_only(self, statement: Select[Any], visible: Collection[Visibility]) -> Select[Any]:
        # Erased people leave lists; protected ones are confidential (see PersonService).
        return statement.where(
            one_of(people.c.visibility, (v.value for v in visible)), people.c.erased_on.is_(None)
        )

    def conditions(self, query: PersonQuery) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if query.organisation_id is not None:
            conditions.append(people.c.organisation_id == query.organisation_id)
        if query.q:
            conditions.append(contains_folded(people.c.search_text, query.q))
        if query.modified_since is not None:
            conditions.append(people.c.updated_at >= query.modified_since)
        return conditions

    def build(self, rows: Sequence[Row[Any]]) -> list[Person]:
        return [_person(row._mapping) for row in rows]

    def values(self, record: Person) -> dict[str, Any]:
        return {
            "id": record.id,
            "name": record.name,
            "function": record.function,
            "organisation_id": record.organisation_id,
            "email": record.email,
            "phone": record.phone,
            "languages": list(record.languages),
            "protected": record.protected,
            "legal_basis": record.legal_basis.value,
            "consent_on": record.consent_on,
            "retain_until": record.retain_until,
            "notes": record.notes,
            "erased_on": record.erased_on,
            "visibility": record.visibility.value,
            "created_at": record.created_at,
            "updated_at": record.updated_at,
            "version": record.version,
            "search_text": fold_for_search(" ".join([record.name, record.function or ""])),
        }

    def conflict(self, error: IntegrityError) -> DomainError:
        return Conflict("the person's organisation changed meanwhile; read it again and retry")

    def find_by_name(self, name: str) -> Person | None:
        row = self._connection.execute(
            self.select().where(people.c.name == name).order_by(people.c.created_at)
        ).first()
        return _person(row._mapping) if row is not None else None

    def reference_count(self, person_id: uuid.UUID) -> int:
        """How many records refer to the person (network seats, delegations)."""
        return count_references(
            self._connection, person_id, [seats.c.person_id, members.c.person_id]
        )

    def erase(self, person_id: uuid.UUID, erased_on: date, updated_at: datetime) -> None:
        self._connection.execute(
            update(people)
            .where(people.c.id == person_id)
            .values(
                name="",
                function=None,
                organisation_id=None,
                email=None,
                phone=None,
                languages=[],
                consent_on=None,
                retain_until=None,
                notes=None,
                search_text="",
                erased_on=erased_on,
                updated_at=updated_at,
                version=people.c.version + 1,
            )
        )


def _person(values: Any) -> Person:
    organisation_ref = None
    if values["organisation_id"] is not None:
        organisation_ref = OrganisationRef(
            id=values["organisation__id"],
            name=values["organisation__name"],
            kind=values["organisation__kind"],
            website=values["organisation__website"],
            visibility=Visibility(values["organisation__visibility"]),
        )
    return Person(
        id=values["id"],
        name=values["name"],
        function=values["function"],
        organisation_id=values["organisation_id"],
        email=values["email"],
        phone=values["phone"],
        languages=tuple(values["languages"] or ()),
        protected=values["protected"],
        legal_basis=LegalBasis(values["legal_basis"]),
        consent_on=values["consent_on"],
        retain_until=values["retain_until"],
        notes=values["notes"],
        erased_on=values["erased_on"],
        visibility=Visibility(values["visibility"]),
        created_at=values["created_at"],
        updated_at=values["updated_at"],
        version=values["version"],
        organisation=organisation_ref,
    )
