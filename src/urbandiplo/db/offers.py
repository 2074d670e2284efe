"""The cooperation offer repository: an offer with its organisation, partner city and the
partnership's visibilities read in one query, its SDGs and fields of action as tags."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, or_, select
from sqlalchemy.engine import Row

from urbandiplo.db.models import (
    CityRow,
    CooperationOfferRow,
    CooperationOfferTagRow,
    OrganisationRow,
    PartnershipRow,
    table_of,
)
from urbandiplo.db.records import QUERY_ONLY, SqlRepository, text_or_none
from urbandiplo.db.refs import (
    city_ref_columns,
    city_ref_from,
    organisation_ref_columns,
    organisation_ref_from,
)
from urbandiplo.db.search import contains_folded
from urbandiplo.db.tags import Tags, field_tag, read_tags, sdg_tag, tagged, tags_of
from urbandiplo.domain.offers import (
    CooperationOffer,
    CooperationOfferQuery,
    OfferDirection,
    Sector,
)
from urbandiplo.domain.values import I18nText, Visibility, fold_for_search

offers = table_of(CooperationOfferRow)
tags = table_of(CooperationOfferTagRow)
organisation = table_of(OrganisationRow).alias("offer_organisation")
city = table_of(CityRow).alias("offer_city")
partnership = table_of(PartnershipRow).alias("offer_partnership")
partnership_city = table_of(CityRow).alias("offer_partnership_city")
partnership_partner = table_of(CityRow).alias("offer_partnership_partner")

SORT_COLUMNS: dict[str, tuple[ColumnElement[Any], type]] = {
    "created_at": (offers.c.created_at, datetime),
    "updated_at": (offers.c.updated_at, datetime),
}


class SqlCooperationOfferRepository(SqlRepository[CooperationOffer, CooperationOfferQuery]):
    table = offers
    sort_columns = SORT_COLUMNS
    child_tables = (tags,)
    child_key = "offer_id"

    def select(self) -> Select[Any]:
        return select(
            *(c for c in offers.c if c.name not in QUERY_ONLY),
            *organisation_ref_columns(organisation, "organisation"),
            *city_ref_columns(city, "city"),
            partnership.c.visibility.label("partnership__visibility"),
            partnership_city.c.visibility.label("partnership__city_visibility"),
            partnership_partner.c.visibility.label("partnership__partner_visibility"),
        ).select_from(
            offers.outerjoin(organisation, organisation.c.id == offers.c.organisation_id)
            .outerjoin(city, city.c.id == offers.c.city_id)
            .outerjoin(partnership, partnership.c.id == offers.c.partnership_id)
            .outerjoin(partnership_city, partnership_city.c.id == partnership.c.city_id)
            .outerjoin(
                partnership_partner, partnership_partner.c.id == partnership.c.partner_city_id
            )
        )

    def conditions(self, query: CooperationOfferQuery) -> list[ColumnElement[bool]]:
        c = offers.c
        conditions: list[ColumnElement[bool]] = []
        if query.direction is not None:
            conditions.append(c.direction == query.direction.value)
        if query.sector is not None:
            conditions.append(c.sector == query.sector.value)
        if query.city_id is not None:
            conditions.append(c.city_id == query.city_id)
        if query.partnership_id is not None:
            conditions.append(c.partnership_id == query.partnership_id)
        if query.organisation_id is not None:
            conditions.append(c.organisation_id == query.organisation_id)
        if query.sdg is not None:
            conditions.append(tagged(tags, "offer_id", c.id, sdg_tag(query.sdg)))
        if query.field_of_action is not None:
            conditions.append(tagged(tags, "offer_id", c.id, field_tag(query.field_of_action)))
        if query.valid_on is not None:
            conditions.append(or_(c.valid_until.is_(None), c.valid_until >= query.valid_on))
        if query.q:
            conditions.append(contains_folded(c.search_text, query.q))
        if query.modified_since is not None:
            conditions.append(c.updated_at >= query.modified_since)
        return conditions

    def child_rows(self, record: CooperationOffer) -> list[tuple[Table, list[dict[str, Any]]]]:
        labels = tags_of(record.sdgs, record.fields_of_action)
        return [(tags, [{"offer_id": record.id, "tag": tag} for tag in labels])]

    def build(self, rows: Sequence[Row[Any]]) -> list[CooperationOffer]:
        if not rows:
            return []
        found = read_tags(self._connection, tags, "offer_id", [row.id for row in rows])
        return [_offer(row._mapping, found.get(row.id, Tags())) for row in rows]

    def values(self, record: CooperationOffer) -> dict[str, Any]:
        texts = [*record.title.values(), *(record.description or {}).values()]
        return {
            "id": record.id,
            "direction": record.direction.value,
            "title": dict(record.title),
            "sector": record.sector.value,
            "description": dict(record.description) if record.description else None,
            "city_id": record.city_id,
            "partnership_id": record.partnership_id,
            "contact_email": record.contact_email,
            "valid_until": record.valid_until,
            "organisation_id": record.organisation_id,
            "notes": record.notes,
            "visibility": record.visibility.value,
            "created_at": record.created_at,
            "updated_at": record.updated_at,
            "version": record.version,
            "search_text": fold_for_search(" ".join(texts)),
        }


def _offer(values: Any, labels: Tags) -> CooperationOffer:
    partnership_visibilities: tuple[Visibility, ...] = ()
    if values["partnership_id"] is not None:
        partnership_visibilities = tuple(
            Visibility(values[f"partnership__{name}"])
            for name in ("visibility", "city_visibility", "partner_visibility")
        )
    return CooperationOffer(
        id=values["id"],
        direction=OfferDirection(values["direction"]),
        title=I18nText(values["title"]),
        sector=Sector(values["sector"]),
        description=text_or_none(values["description"]),
        city_id=values["city_id"],
        city=city_ref_from(values, "city") if values["city_id"] is not None else None,
        partnership_id=values["partnership_id"],
        partnership_visibilities=partnership_visibilities,
        fields_of_action=labels.fields_of_action,
        sdgs=labels.sdgs,
        contact_email=values["contact_email"],
        valid_until=values["valid_until"],
        organisation_id=values["organisation_id"],
        organisation=None
        if values["organisation_id"] is None
        else organisation_ref_from(values, "organisation", values["organisation_id"]),
        notes=values["notes"],
        visibility=Visibility(values["visibility"]),
        created_at=values["created_at"],
        updated_at=values["updated_at"],
        version=values["version"],
    )
