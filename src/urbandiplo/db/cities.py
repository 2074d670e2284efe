"""The city repository."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, func, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from urbandiplo.db.listing import paginate
from urbandiplo.db.models import CityRow, PartnershipRow, table_of
from urbandiplo.db.search import contains_folded
from urbandiplo.domain.cities import City, CityQuery
from urbandiplo.domain.errors import Conflict
from urbandiplo.domain.geography import DAC_ODA_RECIPIENTS
from urbandiplo.domain.listing import Page, PageRequest, Sort
from urbandiplo.domain.values import Visibility, fold_for_search

cities = table_of(CityRow)
partnerships = table_of(PartnershipRow)

CITY_COLUMNS = [c for c in cities.c if c.name != "search_text"]
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


class SqlCityRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def get(self, city_id: uuid.UUID) -> City | None:
        row = self._connection.execute(select(*CITY_COLUMNS).where(cities.c.id == city_id)).first()
        return city_from_row(row) if row is not None else None

    def find(self, name: str, country_code: str) -> City | None:
        row = self._connection.execute(
            select(*CITY_COLUMNS)
            .where(cities.c.name == name, cities.c.country_code == country_code)
            .order_by(cities.c.created_at)
            .limit(1)
        ).first()
        return city_from_row(row) if row is not None else None

    def list_page(
        self, query: CityQuery, visible: Collection[Visibility], sort: Sort, page: PageRequest
    ) -> Page[City]:
        statement = select(*CITY_COLUMNS).where(cities.c.visibility.in_([v.value for v in visible]))
        if query.country_code is not None:
            statement = statement.where(cities.c.country_code == query.country_code)
        if query.global_south is not None:
            in_list = cities.c.country_code.in_(sorted(DAC_ODA_RECIPIENTS))
            statement = statement.where(in_list if query.global_south else ~in_list)
        if query.q:
            statement = statement.where(contains_folded(cities.c.search_text, query.q))
        if query.modified_since is not None:
            statement = statement.where(cities.c.updated_at >= query.modified_since)
        return paginate(
            self._connection,
            statement,
            sort=sort,
            columns=SORT_COLUMNS,
            id_column=cities.c.id,
            page=page,
            build=_build,
            position_of=lambda city: (getattr(city, sort.field), city.id),
        )

    def add(self, city: City) -> None:
        self._connection.execute(insert(cities).values(city_values(city)))

    def update(self, city: City, expected_version: int) -> bool:
        result = self._connection.execute(
            update(cities)
            .where(cities.c.id == city.id, cities.c.version == expected_version)
            .values(city_values(city))
        )
        return result.rowcount == 1

    def delete(self, city_id: uuid.UUID) -> None:
        try:
            self._connection.execute(delete(cities).where(cities.c.id == city_id))
        except IntegrityError as error:  # a partnership was added meanwhile
            raise Conflict("other records still refer to the city; it cannot be deleted") from error

    def partnership_count(self, city_id: uuid.UUID) -> int:
        count = self._connection.execute(
            select(func.count())
            .select_from(partnerships)
            .where(
                (partnerships.c.city_id == city_id) | (partnerships.c.partner_city_id == city_id)
            )
        ).scalar_one()
        return int(count)


def _build(rows: Sequence[Row[Any]]) -> list[City]:
    return [city_from_row(row) for row in rows]
