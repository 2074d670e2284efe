"""The event repository: an event with its venue's city, its organisations, links and
classifications, the related rows loaded with one query per table."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Select,
    String,
    Table,
    Uuid,
    and_,
    bindparam,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from urbandiplo.db.models import (
    CityRow,
    DelegationEventRow,
    EventFieldOfActionRow,
    EventNetworkRow,
    EventOrganisationRow,
    EventPartnershipRow,
    EventProjectRow,
    EventRow,
    EventSdgRow,
    OrganisationRow,
    PartnershipRow,
    table_of,
)
from urbandiplo.db.records import (
    SqlRepository,
    among,
    count_references,
    one_of,
    text_or_none,
)
from urbandiplo.db.refs import city_ref_columns, city_ref_from
from urbandiplo.db.search import contains_folded
from urbandiplo.db.types import UTCDateTime
from urbandiplo.domain.errors import Conflict, DomainError
from urbandiplo.domain.events import Audience, Event, EventKind, EventQuery, Link, Venue
from urbandiplo.domain.listing import Sort
from urbandiplo.domain.refs import OrganisationRef
from urbandiplo.domain.taxonomies import FieldOfAction
from urbandiplo.domain.values import DatePrecision, I18nText, Visibility, fold_for_search

events = table_of(EventRow)
delegation_links = table_of(DelegationEventRow)
event_organisations = table_of(EventOrganisationRow)
event_partnerships = table_of(EventPartnershipRow)
event_networks = table_of(EventNetworkRow)
event_projects = table_of(EventProjectRow)
sdgs = table_of(EventSdgRow)
fields_of_action = table_of(EventFieldOfActionRow)
organisations = table_of(OrganisationRow)
partnerships = table_of(PartnershipRow)
venue_city = table_of(CityRow).alias("venue_city")
link_city = table_of(CityRow).alias("link_city")
link_partner = table_of(CityRow).alias("link_partner")
# The networks resource's table, of which only what every record table has is needed here.
networks = table("networks", column("id", Uuid()), column("visibility", String()))
projects = table("projects", column("id", Uuid()), column("visibility", String()))

ORGANISER, PARTNER = "organiser", "partner"
SELECTED = [
    *(c for c in events.c if c.name not in {"search_text", "ends_by"}),
    *city_ref_columns(venue_city, "venue_city"),
]
SORT_COLUMNS: dict[str, tuple[ColumnElement[Any], type]] = {
    "starts_at": (events.c.starts_at, datetime),
    "created_at": (events.c.created_at, datetime),
    "updated_at": (events.c.updated_at, datetime),
}


def _grouped(rows: Iterable[Any], build: Any) -> dict[uuid.UUID, list[Any]]:
    grouped: dict[uuid.UUID, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.event_id].append(build(row))
    return grouped


class SqlEventRepository(SqlRepository[Event, EventQuery]):
    table = events
    sort_columns = SORT_COLUMNS
    child_tables = (
        event_organisations,
        event_partnerships,
        event_networks,
        event_projects,
        sdgs,
        fields_of_action,
    )
    child_key = "event_id"

    def select(self) -> Select[Any]:
        return select(*SELECTED).select_from(
            events.outerjoin(venue_city, venue_city.c.id == events.c.venue_city_id)
        )

    def visible_only(self, statement: Select[Any], visible: Collection[Visibility]) -> Select[Any]:
        """An event shows only where the caller may see it and its venue's city."""
        values = [v.value for v in visible]
        return statement.where(
            one_of(events.c.visibility, values),
            or_(events.c.venue_city_id.is_(None), one_of(venue_city.c.visibility, values)),
        )

    def conditions(self, query: EventQuery) -> list[ColumnElement[bool]]:
        return _conditions(query)

    def ranges(self, query: EventQuery, sort: Sort) -> list[ColumnElement[bool]]:
        """In start order from a day on: first the events already running then, then those
        starting from then on. Both are index ranges (on PostgreSQL the running ones through
        the GiST index of their time spans), so a month costs the same among ten thousand
        events or a million; as one condition, the scan would start at the first event ever."""
        start = query.window()[0]
        if start is None or sort.field != "starts_at":
            return []
        return [_running_at(start, self._connection.dialect.name), events.c.starts_at >= start]

    def values(self, record: Event) -> dict[str, Any]:
        return _values(record)

    def conflict(self, error: IntegrityError) -> DomainError:
        return Conflict(
            "a record the event refers to was deleted meanwhile, or other records still refer "
            "to the event; read it again and retry"
        )

    def starting_at(self, starts_at: datetime) -> list[Event]:
        rows = self._connection.execute(
            self.select().where(events.c.starts_at == starts_at).order_by(events.c.id)
        ).all()
        return self.build(rows)

    def child_rows(self, e: Event) -> list[tuple[Table, list[dict[str, Any]]]]:
        return [
            (
                event_organisations,
                [
                    {"event_id": e.id, "role": role, "position": i, "organisation_id": oid}
                    for role, ids in ((ORGANISER, e.organiser_ids), (PARTNER, e.partner_ids))
                    for i, oid in enumerate(ids)
                ],
            ),
            (
                event_partnerships,
                [
                    {"event_id": e.id, "position": i, "partnership_id": pid}
                    for i, pid in enumerate(e.partnership_ids)
                ],
            ),
            (
                event_networks,
                [
                    {"event_id": e.id, "position": i, "network_id": nid}
                    for i, nid in enumerate(e.network_ids)
                ],
            ),
            (
                event_projects,
                [
                    {"event_id": e.id, "position": i, "project_id": pid}
                    for i, pid in enumerate(e.project_ids)
                ],
            ),
            (sdgs, [{"event_id": e.id, "sdg": n} for n in e.sdgs]),
            (
                fields_of_action,
                [{"event_id": e.id, "field_of_action": f.value} for f in e.fields_of_action],
            ),
        ]

    def reference_count(self, event_id: uuid.UUID) -> int:
        return count_references(self._connection, event_id, [delegation_links.c.event_id])

    def build(self, rows: Sequence[Row[Any]]) -> list[Event]:
        """Events from their rows, with related rows loaded in one query per table."""
        if not rows:
            return []
        ids = [row._mapping["id"] for row in rows]
        linked_organisations = _grouped(
            self._connection.execute(
                select(
                    event_organisations.c.event_id,
                    event_organisations.c.role,
                    organisations.c.id,
                    organisations.c.name,
                    organisations.c.kind,
                    organisations.c.website,
                    organisations.c.visibility,
                )
                .join(organisations, organisations.c.id == event_organisations.c.organisation_id)
                .where(among(self._connection, event_organisations.c.event_id, ids))
                .order_by(
                    event_organisations.c.event_id,
                    event_organisations.c.role,
                    event_organisations.c.position,
                )
            ),
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
        linked_partnerships = _grouped(
            self._connection.execute(
                select(
                    event_partnerships.c.event_id,
                    partnerships.c.id,
                    partnerships.c.visibility,
                    link_city.c.visibility.label("city_visibility"),
                    link_partner.c.visibility.label("partner_visibility"),
                )
                .join(partnerships, partnerships.c.id == event_partnerships.c.partnership_id)
                .join(link_city, link_city.c.id == partnerships.c.city_id)
                .join(link_partner, link_partner.c.id == partnerships.c.partner_city_id)
                .where(among(self._connection, event_partnerships.c.event_id, ids))
                .order_by(event_partnerships.c.event_id, event_partnerships.c.position)
            ),
            lambda r: Link(
                r.id,
                (
                    Visibility(r.visibility),
                    Visibility(r.city_visibility),
                    Visibility(r.partner_visibility),
                ),
            ),
        )
        linked_networks = _grouped(
            self._connection.execute(
                select(event_networks.c.event_id, networks.c.id, networks.c.visibility)
                .join(networks, networks.c.id == event_networks.c.network_id)
                .where(among(self._connection, event_networks.c.event_id, ids))
                .order_by(event_networks.c.event_id, event_networks.c.position)
            ),
            lambda r: Link(r.id, (Visibility(r.visibility),)),
        )
        linked_projects = _grouped(
            self._connection.execute(
                select(event_projects.c.event_id, projects.c.id, projects.c.visibility)
                .join(projects, projects.c.id == event_projects.c.project_id)
                .where(among(self._connection, event_projects.c.event_id, ids))
                .order_by(event_projects.c.event_id, event_projects.c.position)
            ),
            lambda r: Link(r.id, (Visibility(r.visibility),)),
        )
        goals = _grouped(
            self._connection.execute(
                select(sdgs)
                .where(among(self._connection, sdgs.c.event_id, ids))
                .order_by(sdgs.c.sdg)
            ),
            lambda r: int(r.sdg),
        )
        fields = _grouped(
            self._connection.execute(
                select(fields_of_action).where(
                    among(self._connection, fields_of_action.c.event_id, ids)
                )
            ),
            lambda r: FieldOfAction(r.field_of_action),
        )
        order = {f: i for i, f in enumerate(FieldOfAction)}
        result = []
        for row in rows:
            values = row._mapping
            eid = values["id"]
            organised = linked_organisations.get(eid, [])
            organisers = tuple(ref for role, ref in organised if role == ORGANISER)
            partners = tuple(ref for role, ref in organised if role == PARTNER)
            links = tuple(linked_partnerships.get(eid, ()))
            nets = tuple(linked_networks.get(eid, ()))
            project_links = tuple(linked_projects.get(eid, ()))
            zone = ZoneInfo(values["timezone"])
            ends_at = values["ends_at"]
            result.append(
                Event(
                    id=eid,
                    title=I18nText(values["title"]),
                    summary=text_or_none(values["summary"]),
                    kind=EventKind(values["kind"]),
                    starts_at=values["starts_at"].astimezone(zone),
                    ends_at=ends_at.astimezone(zone) if ends_at is not None else None,
                    all_day=values["all_day"],
                    precision=DatePrecision(values["precision"]),
                    timezone=values["timezone"],
                    venue=_venue(values),
                    organiser_ids=tuple(o.id for o in organisers),
                    organisers=organisers,
                    partner_ids=tuple(o.id for o in partners),
                    partners=partners,
                    partnership_ids=tuple(link.id for link in links),
                    partnerships=links,
                    network_ids=tuple(link.id for link in nets),
                    networks=nets,
                    project_ids=tuple(link.id for link in project_links),
                    projects=project_links,
                    audience=Audience(values["audience"]),
                    registration_url=values["registration_url"],
                    capacity=values["capacity"],
                    series=values["series"],
                    sdgs=tuple(goals.get(eid, ())),
                    fields_of_action=tuple(sorted(fields.get(eid, ()), key=order.__getitem__)),
                    notes=values["notes"],
                    visibility=Visibility(values["visibility"]),
                    created_at=values["created_at"],
                    updated_at=values["updated_at"],
                    version=values["version"],
                )
            )
        return result


def _venue(values: Any) -> Venue | None:
    if values["venue_name"] is None:
        return None
    city_id = values["venue_city_id"]
    return Venue(
        name=values["venue_name"],
        address=values["venue_address"],
        city_id=city_id,
        online_url=values["venue_online_url"],
        city=city_ref_from(values, "venue_city") if city_id is not None else None,
    )


# The span an event takes, as the expression the GiST index ix_events_running is built on
# (migration 0019); the bounds are written out, so that the planner matches the index.
SPAN = func.tstzrange(events.c.starts_at, events.c.ends_by, literal_column("'()'"))


def _running_at(instant: datetime, dialect: str) -> ColumnElement[bool]:
    """Events that started before the instant and are not over at it."""
    if dialect == "postgresql":
        return SPAN.op("@>", return_type=Boolean)(bindparam(None, instant, type_=UTCDateTime()))
    return and_(events.c.starts_at < instant, events.c.ends_by > instant)


def _conditions(query: EventQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    start, end = query.window()
    if start is not None:
        # Not over by `start`: an event without an end counts from its start on.
        conditions.append(or_(events.c.ends_by > start, events.c.starts_at >= start))
    if end is not None:
        conditions.append(events.c.starts_at < end)
    if query.kind is not None:
        conditions.append(events.c.kind == query.kind.value)
    if query.city_id is not None:
        conditions.append(events.c.venue_city_id == query.city_id)
    if query.partnership_id is not None:
        conditions.append(
            exists().where(
                event_partnerships.c.event_id == events.c.id,
                event_partnerships.c.partnership_id == query.partnership_id,
            )
        )
    if query.network_id is not None:
        conditions.append(
            exists().where(
                event_networks.c.event_id == events.c.id,
                event_networks.c.network_id == query.network_id,
            )
        )
    if query.project_id is not None:
        conditions.append(
            exists().where(
                event_projects.c.event_id == events.c.id,
                event_projects.c.project_id == query.project_id,
            )
        )
    if query.series is not None:
        conditions.append(events.c.series == query.series)
    if query.audience is not None:
        conditions.append(events.c.audience == query.audience.value)
    if query.sdg is not None:
        conditions.append(exists().where(sdgs.c.event_id == events.c.id, sdgs.c.sdg == query.sdg))
    if query.field_of_action is not None:
        conditions.append(
            exists().where(
                fields_of_action.c.event_id == events.c.id,
                fields_of_action.c.field_of_action == query.field_of_action.value,
            )
        )
    if query.q:
        conditions.append(contains_folded(events.c.search_text, query.q))
    if query.modified_since is not None:
        conditions.append(events.c.updated_at >= query.modified_since)
    return conditions


def _searchtext_or_none(e: Event) -> str:
    # Public fields only: a `q` filter must not reveal what the caller cannot read.
    parts: list[str] = [*e.title.values(), *(e.summary or {}).values()]
    return fold_for_search(" ".join(parts))


def _values(e: Event) -> dict[str, Any]:
    venue = e.venue
    return {
        "id": e.id,
        "title": dict(e.title),
        "summary": dict(e.summary) if e.summary else None,
        "kind": e.kind.value,
        "starts_at": e.starts_at,
        "ends_at": e.ends_at,
        "ends_by": e.ends_by,
        "all_day": e.all_day,
        "precision": e.precision.value,
        "timezone": e.timezone,
        "venue_name": venue.name if venue is not None else None,
        "venue_address": venue.address if venue is not None else None,
        "venue_city_id": venue.city_id if venue is not None else None,
        "venue_online_url": venue.online_url if venue is not None else None,
        "audience": e.audience.value,
        "registration_url": e.registration_url,
        "capacity": e.capacity,
        "series": e.series,
        "notes": e.notes,
        "visibility": e.visibility.value,
        "created_at": e.created_at,
        "updated_at": e.updated_at,
        "version": e.version,
        "search_text": _searchtext_or_none(e),
    }
