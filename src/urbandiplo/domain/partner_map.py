"""The partner cities of a city, each with its partnership: what the website's map shows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from urbandiplo.domain.access import Principal
from urbandiplo.domain.cities import City, HomeCity
from urbandiplo.domain.errors import NotFound
from urbandiplo.domain.listing import Sort, all_pages
from urbandiplo.domain.partnerships import Partnership, PartnershipQuery
from urbandiplo.domain.ports import UnitOfWorkFactory

MAX_PARTNERS = 10_000  # far beyond any city's partners; a bound, not a page


@dataclass(frozen=True, slots=True)
class PartnerCity:
    city: City
    partnership: Partnership


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
            query = PartnershipQuery(city_id=city_id)
            partnerships = all_pages(
                lambda page: uow.partnerships.list_page(
                    query, principal.visible, Sort("established_on"), page
                ),
                MAX_PARTNERS,
            )
            by_partner = {
                p.partner_city.id if p.city.id == city_id else p.city.id: p for p in partnerships
            }
            cities = {c.id: c for c in uow.cities.many(list(by_partner))}
        return [
            PartnerCity(cities[partner_id], partnership)
            for partner_id, partnership in by_partner.items()
            if partner_id in cities and principal.may_see(cities[partner_id].visibility)
        ]
