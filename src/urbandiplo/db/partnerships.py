"""The partnership repository: a partnership with its two cities, history and classifications."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    Uuid,
    and_,
    any_,
    cast,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from urbandiplo.db.models import (
    CityRow,
    CooperationOfferRow,
    CouncilDecisionRow,
    DelegationPartnershipRow,
    EventPartnershipRow,
    OrganisationRow,
    PartnershipAssociationRow,
    PartnershipFieldOfActionRow,
    PartnershipRow,
    PartnershipSdgRow,
    PartnershipStatusChangeRow,
    ProjectPartnershipRow,
    table_of,
)
from urbandiplo.db.nested import related_rows, unpacked
from urbandiplo.db.records import (
    VISIBILITIES,
    SqlRepository,
    by_value,
    count_references,
    one_of,
    text_or_none,
)
from urbandiplo.db.refs import city_ref_columns, city_ref_from
from urbandiplo.db.search import contains_folded
from urbandiplo.domain.errors import Conflict, DomainError, DuplicatePartnership
from urbandiplo.domain.partnerships import (
    CouncilDecision,
    EconomicProfile,
    PartnerOf,
    Partnership,
    PartnershipKind,
    PartnershipQuery,
    PartnershipStatus,
    StatusChange,
)
from urbandiplo.domain.refs import OrganisationRef
from urbandiplo.domain.taxonomies import FieldOfAction
from urbandiplo.domain.values import DatePrecision, Visibility, fold_for_search

partnerships = table_of(PartnershipRow)
status_changes = table_of(PartnershipStatusChangeRow)
council_decisions = table_of(CouncilDecisionRow)
sdgs = table_of(PartnershipSdgRow)
fields_of_action = table_of(PartnershipFieldOfActionRow)
associations = table_of(PartnershipAssociationRow)
event_links = table_of(EventPartnershipRow)
delegation_links = table_of(DelegationPartnershipRow)
project_links = table_of(ProjectPartnershipRow)
offer_links = table_of(CooperationOfferRow)
organisations = table_of(OrganisationRow)
city = table_of(CityRow).alias("city")
partner = table_of(CityRow).alias("partner")
# A partnership with its two cities: the from-clause of its rows and of a city's partners.
WITH_CITIES = partnerships.join(city, city.c.id == partnerships.c.city_id).join(
    partner, partner.c.id == partnerships.c.partner_city_id
)
changed_city = table_of(CityRow).alias("changed_city")

SELECTED = [
    *(c for c in partnerships.c if c.name not in {"search_text", "pair_low_id", "pair_high_id"}),
    *city_ref_columns(city, "city"),
    *city_ref_columns(partner, "partner"),
]
KIND, STATUS = by_value(PartnershipKind), by_value(PartnershipStatus)
PRECISION, FIELD = by_value(DatePrecision), by_value(FieldOfAction)
FIELD_ORDER = {f: i for i, f in enumerate(FieldOfAction)}
SORT_COLUMNS: dict[str, tuple[ColumnElement[Any], type]] = {
    "established_on": (partnerships.c.established_on, date),
    "created_at": (partnerships.c.created_at, datetime),
    "updated_at": (partnerships.c.updated_at, datetime),
}


def _profile(value: dict[str, Any] | None) -> EconomicProfile | None:
    if value is None:
        return None
    return EconomicProfile(
        sectors=tuple(value.get("sectors", ())),
        clusters=tuple(value.get("clusters", ())),
        entry_point=text_or_none(value.get("entry_point")),
    )


def _profile_value(profile: EconomicProfile | None) -> dict[str, Any] | None:
    if profile is None:
        return None
    return {
        "sectors": list(profile.sectors),
        "clusters": list(profile.clusters),
        "entry_point": dict(profile.entry_point) if profile.entry_point else None,
    }


def _searchtext_or_none(p: Partnership) -> str:
    # Public fields only: a `q` filter must not reveal what the caller cannot read.
    parts: list[str] = [*(p.description or {}).values()]
    return fold_for_search(" ".join(parts))


@cache
def _selected(dialect: str) -> Select[Any]:
    """A partnership's row with its cities and, as JSON columns, its related rows (built
    once per database kind)."""
    own = partnerships.c.id
    related = [
        related_rows(
            dialect,
            status_changes,
            status_changes.c.partnership_id == own,
            [
                status_changes.c.position,
                status_changes.c.changed_on,
                status_changes.c.precision,
                status_changes.c.status,
                status_changes.c.kind,
                status_changes.c.reason,
                status_changes.c.council_decision,
            ],
            [status_changes.c.reason],
        ).label("history"),
        related_rows(
            dialect,
            council_decisions,
            council_decisions.c.partnership_id == own,
            [
                council_decisions.c.position,
                council_decisions.c.reference,
                council_decisions.c.decided_on,
                council_decisions.c.url,
                council_decisions.c.subject,
            ],
            [council_decisions.c.subject],
        ).label("decisions"),
        related_rows(dialect, sdgs, sdgs.c.partnership_id == own, [sdgs.c.sdg]).label("goals"),
        related_rows(
            dialect,
            fields_of_action,
            fields_of_action.c.partnership_id == own,
            [fields_of_action.c.field_of_action],
        ).label("fields"),
        related_rows(
            dialect,
            associations.join(organisations, organisations.c.id == associations.c.organisation_id),
            associations.c.partnership_id == own,
            [
                associations.c.position,
                organisations.c.id,
                organisations.c.name,
                organisations.c.kind,
                organisations.c.website,
                organisations.c.visibility,
            ],
        ).label("linked"),
    ]
    return select(*SELECTED, *related).select_from(WITH_CITIES)


class SqlPartnershipRepository(SqlRepository[Partnership, PartnershipQuery]):
    table = partnerships
    sort_columns = SORT_COLUMNS
    child_tables = (status_changes, council_decisions, sdgs, fields_of_action, associations)
    child_key = "partnership_id"

    def select(self) -> Select[Any]:
        return _selected(self._connection.dialect.name)

    def visible_only(self, statement: Select[Any], visible: Collection[Visibility]) -> Select[Any]:
        """A partnership shows only where the caller may see it and both of its cities."""
        values = [v.value for v in visible]
        return statement.where(
            one_of(partnerships.c.visibility, values),
            one_of(city.c.visibility, values),
            one_of(partner.c.visibility, values),
        )

    def conditions(self, query: PartnershipQuery) -> list[ColumnElement[bool]]:
        return _conditions(query, self._connection.dialect.name)

    def values(self, record: Partnership) -> dict[str, Any]:
        return _values(record)

    def conflict(self, error: IntegrityError) -> DomainError:
        """A concurrent write took the pair, or deleted one of the cities."""
        if "pair_low_id" in str(error.orig):
            return DuplicatePartnership()
        return Conflict("a city of the pair changed meanwhile; read it again and retry")

    def find_pair(self, city_a: uuid.UUID, city_b: uuid.UUID) -> uuid.UUID | None:
        low, high = sorted((city_a, city_b))
        found: uuid.UUID | None = self._connection.execute(
            select(partnerships.c.id).where(
                partnerships.c.pair_low_id == low, partnerships.c.pair_high_id == high
            )
        ).scalar()
        return found

    def own_visibility(self, partnership_id: uuid.UUID) -> Visibility | None:
        found = self._connection.execute(
            select(partnerships.c.visibility).where(partnerships.c.id == partnership_id)
        ).scalar()
        return Visibility(found) if found is not None else None

    def reference_count(self, partnership_id: uuid.UUID) -> int:
        """How many events, delegations, projects and cooperation offers link to the
        partnership."""
        columns = [
            event_links.c.partnership_id,
            delegation_links.c.partnership_id,
            project_links.c.partnership_id,
            offer_links.c.partnership_id,
        ]
        return count_references(self._connection, partnership_id, columns)

    def established_between(
        self,
        ranges: Collection[tuple[date, date]],
        visible: Collection[Visibility],
        city_id: uuid.UUID | None,
        *,
        not_ended_before: date,
        limit: int,
    ) -> list[Partnership]:
        if not ranges:
            return []
        statement = self.visible_only(self.select(), visible).where(
            or_(*(partnerships.c.established_on.between(start, end) for start, end in ranges)),
            partnerships.c.status != PartnershipStatus.ENDED.value,
            or_(partnerships.c.ended_on.is_(None), partnerships.c.ended_on >= not_ended_before),
        )
        if city_id is not None:
            statement = statement.where(_involves(city_id))
        rows = self._connection.execute(
            statement.order_by(partnerships.c.established_on, partnerships.c.id).limit(limit)
        ).all()
        return self.build(rows)

    def partners_of(
        self, city_id: uuid.UUID, visible: Collection[Visibility], limit: int
    ) -> list[PartnerOf]:
        statement = select(
            partnerships.c.id,
            partnerships.c.city_id,
            partnerships.c.partner_city_id,
            partnerships.c.kind,
            partnerships.c.status,
            partnerships.c.established_on,
        ).select_from(WITH_CITIES)
        rows = self._connection.execute(
            self.visible_only(statement, visible)
            .where(_involves(city_id))
            .order_by(partnerships.c.established_on.asc().nulls_last(), partnerships.c.id)
            .limit(limit)
        ).all()
        return [
            PartnerOf(
                partnership_id=row.id,
                partner_city_id=row.partner_city_id if row.city_id == city_id else row.city_id,
                kind=KIND[row.kind],
                status=STATUS[row.status],
                established_on=row.established_on,
            )
            for row in rows
        ]

    def child_rows(self, p: Partnership) -> list[tuple[Table, list[dict[str, Any]]]]:
        children: list[tuple[Table, list[dict[str, Any]]]] = [
            (
                status_changes,
                [
                    {
                        "partnership_id": p.id,
                        "position": i,
                        "changed_on": c.changed_on,
                        "precision": c.precision.value,
                        "status": c.status.value if c.status else None,
                        "kind": c.kind.value if c.kind else None,
                        "reason": dict(c.reason) if c.reason else None,
                        "council_decision": c.council_decision,
                    }
                    for i, c in enumerate(p.status_history)
                ],
            ),
            (
                council_decisions,
                [
                    {
                        "partnership_id": p.id,
                        "position": i,
                        "reference": d.reference,
                        "decided_on": d.decided_on,
                        "url": d.url,
                        "subject": dict(d.subject) if d.subject else None,
                    }
                    for i, d in enumerate(p.council_decisions)
                ],
            ),
            (sdgs, [{"partnership_id": p.id, "sdg": n} for n in p.sdgs]),
            (
                associations,
                [
                    {"partnership_id": p.id, "position": i, "organisation_id": organisation_id}
                    for i, organisation_id in enumerate(p.association_ids)
                ],
            ),
            (
                fields_of_action,
                [{"partnership_id": p.id, "field_of_action": f.value} for f in p.fields_of_action],
            ),
        ]
        return children

    def build(self, rows: Sequence[Row[Any]]) -> list[Partnership]:
        """Partnerships from their rows, related rows included (see `select`)."""
        result = []
        for row in rows:
            values = row._mapping
            linked = [
                OrganisationRef(
                    id=uuid.UUID(str(org_id)),
                    name=name,
                    kind=kind,
                    website=website,
                    visibility=VISIBILITIES[visibility],
                )
                for _, org_id, name, kind, website, visibility in unpacked(values["linked"])
            ]
            fields = [FIELD[f] for (f,) in unpacked(values["fields"])]
            result.append(
                Partnership(
                    id=values["id"],
                    city_id=values["city_id"],
                    partner_city_id=values["partner_city_id"],
                    kind=KIND[values["kind"]],
                    status=STATUS[values["status"]],
                    established_on=values["established_on"],
                    established_precision=PRECISION[values["established_precision"]],
                    ended_on=values["ended_on"],
                    status_history=tuple(
                        StatusChange(
                            changed_on=date.fromisoformat(changed_on),
                            precision=PRECISION[precision],
                            status=STATUS[status] if status else None,
                            kind=KIND[kind] if kind else None,
                            reason=text_or_none(reason),
                            council_decision=decision,
                        )
                        for _, changed_on, precision, status, kind, reason, decision in unpacked(
                            values["history"]
                        )
                    ),
                    council_decisions=tuple(
                        CouncilDecision(
                            reference=reference,
                            decided_on=date.fromisoformat(decided_on) if decided_on else None,
                            url=url,
                            subject=text_or_none(subject),
                        )
                        for _, reference, decided_on, url, subject in unpacked(values["decisions"])
                    ),
                    responsible_unit=values["responsible_unit"],
                    association_ids=tuple(a.id for a in linked),
                    associations=tuple(linked),
                    economic_profile=_profile(values["economic_profile"]),
                    sdgs=tuple(int(goal) for (goal,) in unpacked(values["goals"])),
                    fields_of_action=tuple(sorted(fields, key=FIELD_ORDER.__getitem__)),
                    description=text_or_none(values["description"]),
                    notes=values["notes"],
                    visibility=VISIBILITIES[values["visibility"]],
                    created_at=values["created_at"],
                    updated_at=values["updated_at"],
                    version=values["version"],
                    city=city_ref_from(values, "city"),
                    partner_city=city_ref_from(values, "partner"),
                )
            )
        return result


def _involves(city_id: uuid.UUID) -> ColumnElement[bool]:
    return or_(partnerships.c.city_id == city_id, partnerships.c.partner_city_id == city_id)


def _conditions(query: PartnershipQuery, dialect: str) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.kind is not None:
        conditions.append(partnerships.c.kind == query.kind.value)
    if query.status is not None:
        conditions.append(partnerships.c.status == query.status.value)
    if query.city_id is not None:
        conditions.append(_involves(query.city_id))
    if query.country_code is not None:
        if query.city_id is not None:
            # The country of the city on the other side of `city_id`.
            conditions.append(
                or_(
                    and_(
                        partnerships.c.city_id == query.city_id,
                        partner.c.country_code == query.country_code,
                    ),
                    and_(
                        partnerships.c.partner_city_id == query.city_id,
                        city.c.country_code == query.country_code,
                    ),
                )
            )
        else:
            conditions.append(partner.c.country_code == query.country_code)
    if query.established_from is not None:
        conditions.append(partnerships.c.established_on >= query.established_from)
    if query.established_to is not None:
        conditions.append(partnerships.c.established_on <= query.established_to)
    if query.sdg is not None:
        conditions.append(
            exists().where(sdgs.c.partnership_id == partnerships.c.id, sdgs.c.sdg == query.sdg)
        )
    if query.field_of_action is not None:
        conditions.append(
            exists().where(
                fields_of_action.c.partnership_id == partnerships.c.id,
                fields_of_action.c.field_of_action == query.field_of_action.value,
            )
        )
    if query.q:
        conditions.append(
            or_(
                contains_folded(partnerships.c.search_text, query.q),
                contains_folded(city.c.search_text, query.q),
                contains_folded(partner.c.search_text, query.q),
            )
        )
    if query.modified_since is not None:
        conditions.append(_modified_since(query.modified_since, dialect))
    return conditions


def _modified_since(since: datetime, dialect: str) -> ColumnElement[bool]:
    """Changed since then, or showing a city changed since then (a renamed city changes the
    partnerships that show it). Each part is an index condition: on PostgreSQL the changed
    cities' ids come as one array, so that the three are index scans OR-ed as bitmaps; an
    OR over the joined cities' own columns read every partnership (100 ms at 100,000)."""
    if dialect == "postgresql":
        aggregated = select(func.array_agg(changed_city.c.id)).where(
            changed_city.c.updated_at >= since
        )
        # The cast makes it one array value: `= ANY (SELECT ...)` would compare with rows.
        ids = cast(aggregated.scalar_subquery(), ARRAY(Uuid()))
        return or_(
            partnerships.c.updated_at >= since,
            partnerships.c.city_id == any_(ids),
            partnerships.c.partner_city_id == any_(ids),
        )
    changed = select(changed_city.c.id).where(changed_city.c.updated_at >= since)
    return or_(
        partnerships.c.updated_at >= since,
        partnerships.c.city_id.in_(changed),
        partnerships.c.partner_city_id.in_(changed),
    )


def _values(p: Partnership) -> dict[str, Any]:
    low, high = sorted((p.city_id, p.partner_city_id))
    return {
        "id": p.id,
        "city_id": p.city_id,
        "partner_city_id": p.partner_city_id,
        "pair_low_id": low,
        "pair_high_id": high,
        "kind": p.kind.value,
        "status": p.status.value,
        "established_on": p.established_on,
        "established_precision": p.established_precision.value,
        "ended_on": p.ended_on,
        "responsible_unit": p.responsible_unit,
        "economic_profile": _profile_value(p.economic_profile),
        "description": dict(p.description) if p.description else None,
        "notes": p.notes,
        "visibility": p.visibility.value,
        "created_at": p.created_at,
        "updated_at": p.updated_at,
        "version": p.version,
        "search_text": _searchtext_or_none(p),
    }
