"""The network repository: a network, the city's membership and its seats."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, select
from sqlalchemy.engine import Row

from urbandiplo.db.models import (
    EventNetworkRow,
    NetworkRepresentativeRow,
    NetworkRow,
    PersonRow,
    table_of,
)
from urbandiplo.db.records import SqlRepository, among, count_references, text_or_none
from urbandiplo.db.refs import grouped
from urbandiplo.db.search import contains_folded
from urbandiplo.domain.networks import (
    Commitment,
    Membership,
    MembershipStatus,
    Network,
    NetworkQuery,
    NetworkScope,
    Representative,
    WorkingGroup,
)
from urbandiplo.domain.refs import PersonRef
from urbandiplo.domain.values import DatePrecision, I18nText, Money, Visibility, fold_for_search

networks = table_of(NetworkRow)
seats = table_of(NetworkRepresentativeRow)
people = table_of(PersonRow)
event_links = table_of(EventNetworkRow)

SORT_COLUMNS: dict[str, tuple[ColumnElement[Any], type]] = {
    "name": (networks.c.name, str),
    "created_at": (networks.c.created_at, datetime),
    "updated_at": (networks.c.updated_at, datetime),
}


class SqlNetworkRepository(SqlRepository[Network, NetworkQuery]):
    table = networks
    sort_columns = SORT_COLUMNS
    child_tables = (seats,)
    child_key = "network_id"

    def conditions(self, query: NetworkQuery) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if query.scope is not None:
            conditions.append(networks.c.scope == query.scope.value)
        if query.membership_status is not None:
            conditions.append(networks.c.membership_status == query.membership_status.value)
        if query.q:
            conditions.append(contains_folded(networks.c.search_text, query.q))
        if query.modified_since is not None:
            conditions.append(networks.c.updated_at >= query.modified_since)
        return conditions

    def build(self, rows: Sequence[Row[Any]]) -> list[Network]:
        if not rows:
            return []
        ids = [row._mapping["id"] for row in rows]
        seated = grouped(
            self._connection.execute(
                select(
                    seats,
                    people.c.name.label("person__name"),
                    people.c.function.label("person__function"),
                    people.c.visibility.label("person__visibility"),
                    people.c.protected.label("person__protected"),
                    people.c.erased_on.label("person__erased_on"),
                )
                .select_from(seats.outerjoin(people, people.c.id == seats.c.person_id))
                .where(among(self._connection, seats.c.network_id, ids))
                .order_by(seats.c.network_id, seats.c.position)
            ),
            "network_id",
            _seat,
        )
        return [_network(row._mapping, tuple(seated.get(row._mapping["id"], ()))) for row in rows]

    def values(self, record: Network) -> dict[str, Any]:
        membership = record.membership
        fee = membership.annual_fee if membership else None
        texts = [record.name, record.acronym or "", *(record.description or {}).values()]
        return {
            "id": record.id,
            "name": record.name,
            "acronym": record.acronym,
            "scope": record.scope.value,
            "themes": list(record.themes),
            "website": record.website,
            "description": dict(record.description) if record.description else None,
            "notes": record.notes,
            "membership_status": membership.status.value if membership else None,
            "joined_on": membership.joined_on if membership else None,
            "joined_precision": membership.joined_precision.value if membership else None,
            "left_on": membership.left_on if membership else None,
            "annual_fee_amount": fee.amount if fee else None,
            "annual_fee_currency": fee.currency if fee else None,
            "working_groups": [
                {"name": g.name, "participating_unit": g.participating_unit}
                for g in (membership.working_groups if membership else ())
            ],
            "commitments": [
                {
                    "title": dict(c.title),
                    "description": dict(c.description) if c.description else None,
                }
                for c in (membership.commitments if membership else ())
            ],
            "visibility": record.visibility.value,
            "created_at": record.created_at,
            "updated_at": record.updated_at,
            "version": record.version,
            "search_text": fold_for_search(" ".join(texts)),
        }

    def child_rows(self, record: Network) -> list[tuple[Table, list[dict[str, Any]]]]:
        representatives = record.membership.representatives if record.membership else ()
        return [
            (
                seats,
                [
                    {
                        "network_id": record.id,
                        "position": i,
                        "person_id": seat.person_id,
                        "name": seat.name,
                        "role": seat.role,
                        "body": seat.body,
                        "from_on": seat.from_on,
                        "to_on": seat.to_on,
                        "precision": seat.precision.value,
                    }
                    for i, seat in enumerate(representatives)
                ],
            )
        ]

    def reference_count(self, network_id: uuid.UUID) -> int:
        return count_references(self._connection, network_id, [event_links.c.network_id])

    def find_by_name(self, name: str) -> Network | None:
        row = self._connection.execute(
            self.select().where(networks.c.name == name).order_by(networks.c.created_at)
        ).first()
        return self.build([row])[0] if row is not None else None


def _seat(row: Any) -> Representative:
    person = None
    if row.person_id is not None:
        erased = row.person__erased_on is not None
        person = PersonRef(
            id=row.person_id,
            name=None if erased else row.person__name,
            function=None if erased else row.person__function,
            visibility=Visibility(row.person__visibility),
            protected=row.person__protected,
            erased=erased,
        )
    return Representative(
        person_id=row.person_id,
        name=row.name,
        role=row.role,
        body=row.body,
        from_on=row.from_on,
        to_on=row.to_on,
        precision=DatePrecision(row.precision),
        person=person,
    )


def _network(values: Any, representatives: tuple[Representative, ...]) -> Network:
    membership = None
    if values["membership_status"] is not None:
        fee = None
        if values["annual_fee_amount"] is not None:
            fee = Money(values["annual_fee_amount"], values["annual_fee_currency"])
        membership = Membership(
            status=MembershipStatus(values["membership_status"]),
            joined_on=values["joined_on"],
            joined_precision=DatePrecision(values["joined_precision"] or "day"),
            left_on=values["left_on"],
            annual_fee=fee,
            representatives=representatives,
            working_groups=tuple(
                WorkingGroup(name=g["name"], participating_unit=g.get("participating_unit"))
                for g in values["working_groups"] or ()
            ),
            commitments=tuple(
                Commitment(
                    title=I18nText(c["title"]), description=text_or_none(c.get("description"))
                )
                for c in values["commitments"] or ()
            ),
        )
    return Network(
        id=values["id"],
        name=values["name"],
        acronym=values["acronym"],
        scope=NetworkScope(values["scope"]),
        themes=tuple(values["themes"] or ()),
        website=values["website"],
        description=text_or_none(values["description"]),
        membership=membership,
        notes=values["notes"],
        visibility=Visibility(values["visibility"]),
        created_at=values["created_at"],
        updated_at=values["updated_at"],
        version=values["version"],
    )
