"""The partner cities of a city, each with its partnership: what the website's map shows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from urbandiplo.domain.access import Principal
from urbandiplo.domain.cities import City, HomeCity
from urbandiplo.domain.errors import NotFound
from urbandiplo.domain.partnerships import PartnerOf
from urbandiplo.domain.ports import UnitOfWorkFactory

MAX_PARTNERS = 10_000  # far beyond any city's partners; a bound, not a page


@dataclass(frozen=True, slots=True)
class PartnerCity:
    city: City
    partnership: PartnerOf


class PartnerMapService:
    def __init__(self, uow_factory: UnitOfWorkFactory, home: HomeCity) -> None:
        self._uow = uow_factory
        self._home = home

    def partner_cities(
        self, principal: Principal, city_id: uuid.UUID | None = None
    ) -> list[PartnerCity]:
        """The partners of `city_id` (the home city by default) the caller may see, in the
        order their partnerships began."""
        with self._uow() as uow:
            if city_id is None:
                home = uow.cities.find(self._home.name, self._home.country_code)
                if home is None or not principal.may_see(home.visibility):
                    return []
                city_id = home.id
            else:
                city = uow.cities.get(city_id)
                if city is None or not principal.may_see(city.visibility):
                    raise NotFound("city", city_id)
            partners = uow.partnerships.partners_of(city_id, principal.visible, MAX_PARTNERS)
            cities = {c.id: c for c in uow.cities.many([p.partner_city_id for p in partners])}
        return [
            PartnerCity(cities[p.partner_city_id], p)
            for p in partners
            if p.partner_city_id in cities
            and principal.may_see(cities[p.partner_city_id].visibility)
        ]
