"""Cities: the home city and its partners, with their names in several languages."""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from urbandiplo.domain.access import Principal
from urbandiplo.domain.errors import Conflict, FieldProblem, InvalidData
from urbandiplo.domain.geography import in_global_south
from urbandiplo.domain.ports import Repository, UnitOfWork, UnitOfWorkFactory
from urbandiplo.domain.records import RecordService
from urbandiplo.domain.search import SearchEntry
from urbandiplo.domain.values import (
    LANGUAGE_CODE,
    I18nText,
    Visibility,
    check_country_code,
    is_subdivision_code,
)

WIKIDATA_ID = re.compile(r"\AQ[1-9][0-9]*\Z")
CITY_SORTS = ("name", "country_code", "created_at", "updated_at")


@dataclass(frozen=True, slots=True, kw_only=True)
class CityFields:
    """What staff enter about a city."""

    name: str
    country_code: str
    names: Mapping[str, str] = field(default_factory=dict)
    subdivision_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    population: int | None = None
    wikidata_id: str | None = None
    geonames_id: int | None = None
    notes: str | None = None
    visibility: Visibility = Visibility.PUBLIC

    def checked(self) -> CityFields:
        """These fields if they obey the rules; InvalidData naming every broken one otherwise."""
        problems: list[FieldProblem] = []
        if not self.name.strip():
            problems.append(FieldProblem("name", "must not be empty"))
        try:
            check_country_code(self.country_code)
        except InvalidData as error:
            problems.extend(error.problems)
        if self.subdivision_code is not None and not is_subdivision_code(
            self.subdivision_code, self.country_code
        ):
            problems.append(
                FieldProblem("subdivision_code", "not an ISO 3166-2 code of the city's country")
            )
        problems.extend(
            FieldProblem(f"names.{lang}", "keys are ISO 639-1 language codes")
            for lang in self.names
            if not LANGUAGE_CODE.match(lang)
        )
        if (self.latitude is None) != (self.longitude is None):
            problems.append(FieldProblem("longitude", "latitude and longitude go together"))
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            problems.append(FieldProblem("latitude", "between -90 and 90"))
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            problems.append(FieldProblem("longitude", "between -180 and 180"))
        if self.population is not None and self.population < 0:
            problems.append(FieldProblem("population", "must not be negative"))
        if self.wikidata_id is not None and not WIKIDATA_ID.match(self.wikidata_id):
            problems.append(FieldProblem("wikidata_id", "a Wikidata item id such as Q365"))
        if self.geonames_id is not None and self.geonames_id <= 0:
            problems.append(FieldProblem("geonames_id", "a positive GeoNames id"))
        if problems:
            raise InvalidData("the city's data is not valid", problems)
        return self


@dataclass(frozen=True, slots=True, kw_only=True)
class City(CityFields):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int

    @property
    def global_south(self) -> bool:
        """On the OECD DAC list of ODA recipients (seed 002's definition)."""
        return in_global_south(self.country_code)


@dataclass(frozen=True, slots=True)
class CityQuery:
    country_code: str | None = None
    q: str | None = None
    modified_since: datetime | None = None
    global_south: bool | None = None


class CityRepository(Repository[City, CityQuery], Protocol):
    def find(
        self, name: str, country_code: str, visible: Collection[Visibility] | None = None
    ) -> City | None:
        """The oldest city of that name and country (of those with a visibility in
        `visible`, where given)."""

    def reference_count(self, city_id: uuid.UUID) -> int: ...


@dataclass(frozen=True, slots=True)
class HomeCity:
    """The configured home city, found by its name and country."""

    name: str
    country_code: str


class CityService(RecordService[CityFields, City, CityQuery]):
    """Reading and changing cities."""

    record_type = "city"
    fields_type = CityFields
    record_class = City
    query_class = CityQuery
    collection = "cities"

    def __init__(self, uow_factory: UnitOfWorkFactory, home: HomeCity) -> None:
        super().__init__(uow_factory)
        self.home = home

    def repository(self, uow: UnitOfWork) -> CityRepository:
        return uow.cities

    def search_entry(self, record: City) -> SearchEntry:
        names = record.names
        title = I18nText(
            {"de": names.get("de") or record.name, "en": names.get("en") or record.name}
        )
        return self.indexed(record, title, record.name, names)

    def prepare(
        self,
        uow: UnitOfWork,
        principal: Principal,
        draft: CityFields,
        current: City | None,
        changed: AbstractSet[str],
    ) -> dict[str, Any]:
        draft.checked()
        return super().prepare(uow, principal, draft, current, changed)

    def before_delete(self, uow: UnitOfWork, record: City) -> None:
        if uow.cities.reference_count(record.id):
            raise Conflict("other records still refer to the city; it cannot be deleted")

    def is_home(self, city: CityFields) -> bool:
        return city.name == self.home.name and city.country_code == self.home.country_code

    def home_city(self) -> City | None:
        with self._uow() as uow:
            return uow.cities.find(self.home.name, self.home.country_code)

    def find(self, principal: Principal, name: str, country_code: str) -> City | None:
        with self._uow() as uow:
            return uow.cities.find(name, country_code, principal.visible)
