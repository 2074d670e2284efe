"""The delegation repository: a visit with its cities, people, programme and follow-ups."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, exists, or_, select
from sqlalchemy.engine import Row

from urbandiplo.db.models import (
    CityRow,
    DelegationCityRow,
    DelegationEventRow,
    DelegationMemberRow,
    DelegationPartnershipRow,
    DelegationProjectRow,
    DelegationRow,
    EventRow,
    OrganisationRow,
    PersonRow,
    ProjectRow,
    table_of,
)
from urbandiplo.db.records import SqlRepository, among, money_or_none, text_or_none
from urbandiplo.db.refs import city_ref_columns, city_ref_from, grouped, partnership_links
from urbandiplo.db.search import contains_folded
from urbandiplo.domain.delegations import (
    Costs,
    Delegate,
    Delegation,
    DelegationQuery,
    DelegationStatus,
    Direction,
    Gift,
    GiftDirection,
    Outcome,
    OutcomeStatus,
    ProgrammeItem,
)
from urbandiplo.domain.refs import LinkRef, OrganisationRef, PersonRef
from urbandiplo.domain.values import (
    DatePrecision,
    I18nText,
    Visibility,
    fold_for_search,
)

delegations = table_of(DelegationRow)
stops = table_of(DelegationCityRow)
members = table_of(DelegationMemberRow)
linked = table_of(DelegationPartnershipRow)
attending = table_of(DelegationEventRow)
serving = table_of(DelegationProjectRow)
projects = table_of(ProjectRow)
events = table_of(EventRow)
cities = table_of(CityRow)
people = table_of(PersonRow)
organisations = table_of(OrganisationRow)

SORT_COLUMNS: dict[str, tuple[ColumnElement[Any], type]] = {
    "starts_on": (delegations.c.starts_on, date),
    "created_at": (delegations.c.created_at, datetime),
    "updated_at": (delegations.c.updated_at, datetime),
}


class SqlDelegationRepository(SqlRepository[Delegation, DelegationQuery]):
    table = delegations
    sort_columns = SORT_COLUMNS
    child_tables = (stops, members, linked, attending, serving)
    child_key = "delegation_id"

    def conditions(self, query: DelegationQuery) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if query.direction is not None:
            conditions.append(delegations.c.direction == query.direction.value)
        if query.status is not None:
            conditions.append(delegations.c.status == query.status.value)
        if query.city_id is not None:
            conditions.append(
                exists().where(
                    stops.c.delegation_id == delegations.c.id, stops.c.city_id == query.city_id
                )
            )
        if query.partnership_id is not None:
            conditions.append(
                exists().where(
                    linked.c.delegation_id == delegations.c.id,
                    linked.c.partnership_id == query.partnership_id,
                )
            )
        if query.project_id is not None:
            conditions.append(
                exists().where(
                    serving.c.delegation_id == delegations.c.id,
                    serving.c.project_id == query.project_id,
                )
            )
        if query.to_on is not None:
            conditions.append(delegations.c.starts_on <= query.to_on)
        if query.from_on is not None:
            # Overlapping the range; a visit without an end lasts its first day.
            conditions.append(
                or_(
                    delegations.c.ends_on >= query.from_on,
                    and_(delegations.c.ends_on.is_(None), delegations.c.starts_on >= query.from_on),
                )
            )
        if query.q:
            conditions.append(contains_folded(delegations.c.search_text, query.q))
        if query.modified_since is not None:
            conditions.append(delegations.c.updated_at >= query.modified_since)
        return conditions

    def build(self, rows: Sequence[Row[Any]]) -> list[Delegation]:
        if not rows:
            return []
        ids = [row._mapping["id"] for row in rows]
        visited = grouped(
            self._connection.execute(
                select(stops.c.delegation_id, *city_ref_columns(cities, "city"))
                .join(cities, cities.c.id == stops.c.city_id)
                .where(among(self._connection, stops.c.delegation_id, ids))
                .order_by(stops.c.delegation_id, stops.c.position)
            ),
            "delegation_id",
            lambda r: city_ref_from(r._mapping, "city"),
        )
        people_on = grouped(
            self._connection.execute(
                select(
                    members,
                    people.c.name.label("person__name"),
                    people.c.function.label("person__function"),
                    people.c.visibility.label("person__visibility"),
                    people.c.protected.label("person__protected"),
                    people.c.erased_on.label("person__erased_on"),
                    organisations.c.name.label("organisation__name"),
                    organisations.c.kind.label("organisation__kind"),
                    organisations.c.website.label("organisation__website"),
                    organisations.c.visibility.label("organisation__visibility"),
                )
                .select_from(
                    members.outerjoin(people, people.c.id == members.c.person_id).outerjoin(
                        organisations, organisations.c.id == members.c.organisation_id
                    )
                )
                .where(among(self._connection, members.c.delegation_id, ids))
                .order_by(members.c.delegation_id, members.c.position)
            ),
            "delegation_id",
            lambda r: (r.is_head, _delegate(r)),
        )
        links = partnership_links(self._connection, linked, "delegation_id", ids)
        attended = grouped(
            self._connection.execute(
                select(attending.c.delegation_id, events.c.id, events.c.visibility)
                .join(events, events.c.id == attending.c.event_id)
                .where(among(self._connection, attending.c.delegation_id, ids))
                .order_by(attending.c.delegation_id, attending.c.position)
            ),
            "delegation_id",
            lambda r: LinkRef(id=r.id, visibility=Visibility(r.visibility)),
        )
        served = grouped(
            self._connection.execute(
                select(serving.c.delegation_id, projects.c.id, projects.c.visibility)
                .join(projects, projects.c.id == serving.c.project_id)
                .where(among(self._connection, serving.c.delegation_id, ids))
                .order_by(serving.c.delegation_id, serving.c.position)
            ),
            "delegation_id",
            lambda r: LinkRef(id=r.id, visibility=Visibility(r.visibility)),
        )
        result = []
        for row in rows:
            values = row._mapping
            did = values["id"]
            on_it = people_on.get(did, [])
            head = next((d for is_head, d in on_it if is_head), None)
            refs = tuple(visited.get(did, ()))
            partnership_refs = tuple(links.get(did, ()))
            result.append(
                Delegation(
                    id=did,
                    direction=Direction(values["direction"]),
                    title=I18nText(values["title"]),
                    purpose=text_or_none(values["purpose"]),
                    starts_on=values["starts_on"],
                    ends_on=values["ends_on"],
                    precision=DatePrecision(values["precision"]),
                    city_ids=tuple(c.id for c in refs),
                    cities=refs,
                    head=head,
                    members=tuple(d for is_head, d in on_it if not is_head),
                    programme=tuple(
                        ProgrammeItem(
                            on=date.fromisoformat(item["on"]),
                            title=I18nText(item["title"]),
                            starts_at=datetime.fromisoformat(item["starts_at"])
                            if item.get("starts_at")
                            else None,
                            place=item.get("place"),
                            counterpart=item.get("counterpart"),
                        )
                        for item in values["programme"] or ()
                    ),
                    gifts=tuple(
                        Gift(
                            direction=GiftDirection(g["direction"]),
                            item=g["item"],
                            counterpart=g.get("counterpart"),
                        )
                        for g in values["gifts"] or ()
                    ),
                    costs=_costs(values),
                    outcomes=tuple(
                        Outcome(
                            description=I18nText(o["description"]),
                            owner=o.get("owner"),
                            due_on=date.fromisoformat(o["due_on"]) if o.get("due_on") else None,
                            status=OutcomeStatus(o["status"]),
                        )
                        for o in values["outcomes"] or ()
                    ),
                    status=DelegationStatus(values["status"]),
                    partnership_ids=tuple(p.id for p in partnership_refs),
                    partnerships=partnership_refs,
                    event_ids=tuple(e.id for e in attended.get(did, ())),
                    events=tuple(attended.get(did, ())),
                    project_ids=tuple(p.id for p in served.get(did, ())),
                    projects=tuple(served.get(did, ())),
                    notes=values["notes"],
                    visibility=Visibility(values["visibility"]),
                    created_at=values["created_at"],
                    updated_at=values["updated_at"],
                    version=values["version"],
                )
            )
        return result

    def values(self, record: Delegation) -> dict[str, Any]:
        costs = record.costs or Costs()
        texts = [*record.title.values(), *(record.purpose or {}).values()]
        return {
            "id": record.id,
            "direction": record.direction.value,
            "title": dict(record.title),
            "purpose": dict(record.purpose) if record.purpose else None,
            "starts_on": record.starts_on,
            "ends_on": record.ends_on,
            "precision": record.precision.value,
            "status": record.status.value,
            "programme": [
                {
                    "on": item.on.isoformat(),
                    "title": dict(item.title),
                    "starts_at": item.starts_at.isoformat() if item.starts_at else None,
                    "place": item.place,
                    "counterpart": item.counterpart,
                }
                for item in record.programme
            ],
            "gifts": [
                {"direction": g.direction.value, "item": g.item, "counterpart": g.counterpart}
                for g in record.gifts
            ],
            "outcomes": [
                {
                    "description": dict(o.description),
                    "owner": o.owner,
                    "due_on": o.due_on.isoformat() if o.due_on else None,
                    "status": o.status.value,
                }
                for o in record.outcomes
            ],
            "costs_planned_amount": costs.planned.amount if costs.planned else None,
            "costs_planned_currency": costs.planned.currency if costs.planned else None,
            "costs_actual_amount": costs.actual.amount if costs.actual else None,
            "costs_actual_currency": costs.actual.currency if costs.actual else None,
            "notes": record.notes,
            "visibility": record.visibility.value,
            "created_at": record.created_at,
            "updated_at": record.updated_at,
            "version": record.version,
            # Public fields only: a `q` filter must not reveal what the caller cannot read.
            "search_text": fold_for_search(" ".join(texts)),
        }

    def child_rows(self, record: Delegation) -> list[tuple[Table, list[dict[str, Any]]]]:
        on_it = [(True, record.head)] if record.head is not None else []
        on_it += [(False, m) for m in record.members]
        return [
            (
                stops,
                [
                    {"delegation_id": record.id, "position": i, "city_id": city_id}
                    for i, city_id in enumerate(record.city_ids)
                ],
            ),
            (
                members,
                [
                    {
                        "delegation_id": record.id,
                        "position": i,
                        "is_head": is_head,
                        "person_id": d.person_id,
                        "name": d.name,
                        "function": d.function,
                        "organisation_id": d.organisation_id,
                    }
                    for i, (is_head, d) in enumerate(on_it)
                ],
            ),
            (
                linked,
                [
                    {"delegation_id": record.id, "position": i, "partnership_id": pid}
                    for i, pid in enumerate(record.partnership_ids)
                ],
            ),
            (
                attending,
                [
                    {"delegation_id": record.id, "position": i, "event_id": eid}
                    for i, eid in enumerate(record.event_ids)
                ],
            ),
            (
                serving,
                [
                    {"delegation_id": record.id, "position": i, "project_id": pid}
                    for i, pid in enumerate(record.project_ids)
                ],
            ),
        ]

    def find_by_title(self, title_de: str) -> Delegation | None:
        for row in self._connection.execute(self.select().order_by(delegations.c.created_at)).all():
            if (row._mapping["title"] or {}).get("de") == title_de:
                return self.build([row])[0]
        return None


def _costs(values: Any) -> Costs | None:
    planned = money_or_none(values["costs_planned_amount"], values["costs_planned_currency"])
    actual = money_or_none(values["costs_actual_amount"], values["costs_actual_currency"])
    return Costs(planned=planned, actual=actual) if planned or actual else None


def _delegate(row: Any) -> Delegate:
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
    organisation = None
    if row.organisation_id is not None:
        organisation = OrganisationRef(
            id=row.organisation_id,
            name=row.organisation__name,
            kind=row.organisation__kind,
            website=row.organisation__website,
            visibility=Visibility(row.organisation__visibility),
        )
    return Delegate(
        person_id=row.person_id,
        name=row.name,
        function=row.function,
        organisation_id=row.organisation_id,
        person=person,
        organisation=organisation,
    )
