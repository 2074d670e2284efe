"""The few facts about a record that other records show with it (embedded references)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from urbandiplo.domain.values import Visibility

if TYPE_CHECKING:
    from urbandiplo.domain.cities import City
    from urbandiplo.domain.organisations import Organisation


@dataclass(frozen=True, slots=True, kw_only=True)
class CityRef:
    """A city in brief."""

    id: uuid.UUID
    name: str
    names: Mapping[str, str]
    country_code: str
    visibility: Visibility


def city_ref(city: City) -> CityRef:
    return CityRef(
        id=city.id,
        name=city.name,
        names=city.names,
        country_code=city.country_code,
        visibility=city.visibility,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class OrganisationRef:
    """An organisation in brief."""

    id: uuid.UUID
    name: str
    kind: str
    website: str | None
    visibility: Visibility


def organisation_ref(organisation: Organisation) -> OrganisationRef:
    return OrganisationRef(
        id=organisation.id,
        name=organisation.name,
        kind=organisation.kind.value,
        website=organisation.website,
        visibility=organisation.visibility,
    )
