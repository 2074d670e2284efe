"""Cities: the home city and its partners, with their names in several languages."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any

from urbandiplo.domain.access import Principal, Role
from urbandiplo.domain.errors import Conflict, FieldProblem, InvalidData, StaleVersion
from urbandiplo.domain.geography import in_global_south
from urbandiplo.domain.ids import new_id
from urbandiplo.domain.listing import Page, PageRequest, Sort
from urbandiplo.domain.ports import UnitOfWork, UnitOfWorkFactory
from urbandiplo.domain.records import (
    Precondition,
    check_may_assign,
    check_precondition,
    utcnow,
    visible_or_404,
)
from urbandiplo.domain.values import (
    LANGUAGE_CODE,
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


CITY_FIELD_NAMES = frozenset(f.name for f in fields(CityFields))


@dataclass(frozen=True, slots=True)
class CityQuery:
    country_code: str | None = None
    q: str | None = None
    modified_since: datetime | None = None
    global_south: bool | None = None


@dataclass(frozen=True, slots=True)
class HomeCity:
    """The configured home city, found by its name and country."""

    name: str
    country_code: str


class CityService:
    """Reading and changing cities, one unit of work per call."""

    def __init__(self, uow_factory: UnitOfWorkFactory, home: HomeCity) -> None:
        self._uow = uow_factory
        self.home = home

    def is_home(self, city: CityFields) -> bool:
        return city.name == self.home.name and city.country_code == self.home.country_code

    def home_city(self) -> City | None:
        with self._uow() as uow:
            return uow.cities.find(self.home.name, self.home.country_code)

    def get(self, principal: Principal, city_id: uuid.UUID) -> City:
        with self._uow() as uow:
            return visible_or_404(uow.cities.get(city_id), principal, "city", city_id)

    def find(self, principal: Principal, name: str, country_code: str) -> City | None:
        with self._uow() as uow:
            city = uow.cities.find(name, country_code)
        return city if city is not None and principal.may_see(city.visibility) else None

    def list_page(
        self, principal: Principal, query: CityQuery, sort: Sort, page: PageRequest
    ) -> Page[City]:
        with self._uow() as uow:
            return uow.cities.list_page(query, principal.visible, sort, page)

    def create(
        self,
        principal: Principal,
        data: CityFields,
        *,
        before_commit: Callable[[UnitOfWork, City], None] | None = None,
    ) -> City:
        principal.require(Role.EDITOR)
        check_may_assign(principal, data.visibility)
        data.checked()
        now = utcnow()
        city = City(
            **{name: getattr(data, name) for name in CITY_FIELD_NAMES},
            id=new_id(),
            created_at=now,
            updated_at=now,
            version=1,
        )
        with self._uow(write=True) as uow:
            uow.cities.add(city)
            if before_commit is not None:
                before_commit(uow, city)
            uow.commit()
        return city

    def update(
        self,
        principal: Principal,
        city_id: uuid.UUID,
        changes: Mapping[str, Any],
        precondition: Precondition[City] | None = None,
    ) -> City:
        principal.require(Role.EDITOR)
        unknown = set(changes) - CITY_FIELD_NAMES
        if unknown:
            raise InvalidData(
                "unknown fields", [FieldProblem(name, "not a field of a city") for name in unknown]
            )
        with self._uow(write=True) as uow:
            city = visible_or_404(uow.cities.get(city_id), principal, "city", city_id)
            check_precondition(city, precondition)
            if all(getattr(city, name) == value for name, value in changes.items()):
                return city  # nothing changes: no new version, no new ETag
            changed = replace(city, **changes, updated_at=utcnow(), version=city.version + 1)
            check_may_assign(principal, changed.visibility)
            changed.checked()
            if not uow.cities.update(changed, expected_version=city.version):
                raise StaleVersion()
            uow.commit()
        return changed

    def delete(
        self,
        principal: Principal,
        city_id: uuid.UUID,
        precondition: Precondition[City] | None = None,
    ) -> None:
        principal.require(Role.EDITOR)
        with self._uow(write=True) as uow:
            city = visible_or_404(uow.cities.get(city_id), principal, "city", city_id)
            check_precondition(city, precondition)
            if uow.cities.partnership_count(city_id):
                raise Conflict("other records still refer to the city; it cannot be deleted")
            uow.cities.delete(city_id)
            uow.commit()
