"""The city repository."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from urbandiplo.db.models import (
    CityRow,
    CooperationOfferRow,
    DelegationCityRow,
    EventRow,
    OrganisationRow,
    PartnershipRow,
    ProjectCityRow,
    table_of,
)
from urbandiplo.db.records import SqlRepository, count_references
from urbandiplo.db.search import contains_folded
from urbandiplo.domain.cities import City, CityQuery
from urbandiplo.domain.errors import Conflict, DomainError
from urbandiplo.domain.geography import DAC_ODA_RECIPIENTS
from urbandiplo.domain.values import Visibility, fold_for_search

cities = table_of(CityRow)
partnerships = table_of(PartnershipRow)
organisations = table_of(OrganisationRow)
stops = table_of(DelegationCityRow)
events = table_of(EventRow)
project_cities = table_of(ProjectCityRow)
offers = table_of(CooperationOfferRow)

SORT_COLUMNS: dict[str, tuple[ColumnElement[Any], type]] = {
    "name": (cities.c.name, str),
    "country_code": (cities.c.country_code, str),
    "created_at": (cities.c.created_at, datetime),
    "updated_at": (cities.c.updated_at, datetime),
}


def city_from_row(row: Row[Any]) -> City:
    values = row._mapping
    return City(
        id=values["id"],
        name=values["name"],
        names=values["names"] or {},
        country_code=values["country_code"],
        subdivision_code=values["subdivision_code"],
        latitude=values["latitude"],
        longitude=values["longitude"],
        population=values["population"],
        wikidata_id=values["wikidata_id"],
        geonames_id=values["geonames_id"],
        notes=values["notes"],
        visibility=Visibility(values["visibility"]),
        created_at=values["created_at"],
        updated_at=values["updated_at"],
        version=values["version"],
    )


def city_values(city: City) -> dict[str, Any]:
    return {
        "id": city.id,
        "name": city.name,
        "names": dict(city.names),
        "country_code": city.country_code,
        "subdivision_code": city.subdivision_code,
        "latitude": city.latitude,
        "longitude": city.longitude,
        "population": city.population,
        "wikidata_id": city.wikidata_id,
        "geonames_id": city.geonames_id,
        "notes": city.notes,
        "visibility": city.visibility.value,
        "created_at": city.created_at,
        "updated_at": city.updated_at,
        "version": city.version,
        # Public fields only: a `q` filter must not reveal what the caller cannot read.
        "search_text": fold_for_search(" ".join([city.name, *city.names.values()])),
    }


class SqlCityRepository(SqlRepository[City, CityQuery]):
    table = cities
    sort_columns = SORT_COLUMNS

    def build(self, rows: Sequence[Row[Any]]) -> list[City]:
        return [city_from_row(row) for row in rows]

    def values(self, record: City) -> dict[str, Any]:
        return city_values(record)

    def conditions(self, query: CityQuery) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if query.country_code is not None:
            conditions.append(cities.c.country_code == query.country_code)
        if query.global_south is not None:
            in_list = cities.c.country_code.in_(sorted(DAC_ODA_RECIPIENTS))
            conditions.append(in_list if query.global_south else ~in_list)
        if query.q:
            conditions.append(contains_folded(cities.c.search_text, query.q))
        if query.modified_since is not None:
            conditions.append(cities.c.updated_at >= query.modified_since)
        return conditions

    def conflict(self, error: IntegrityError) -> DomainError:
        return Conflict("other records still refer to the city; it cannot be deleted")

    def find(
        self, name: str, country_code: str, visible: Collection[Visibility] | None = None
    ) -> City | None:
        statement = self.select().where(
            cities.c.name == name, cities.c.country_code == country_code
        )
        if visible is not None:
            statement = self.visible_only(statement, visible)
        row = self._connection.execute(
            statement.order_by(cities.c.created_at, cities.c.id).limit(1)
        ).first()
        return city_from_row(row) if row is not None else None

    def reference_count(self, city_id: uuid.UUID) -> int:
        """How many records refer to the city (partnerships, organisations, delegations,
        events, projects, cooperation offers)."""
        columns = [
            partnerships.c.city_id,
            partnerships.c.partner_city_id,
            organisations.c.city_id,
            stops.c.city_id,
            events.c.venue_city_id,
            project_cities.c.city_id,
            offers.c.city_id,
        ]
        return count_references(self._connection, city_id, columns)
