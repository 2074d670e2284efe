"""Schemas of records shown inside other records, in brief."""

from __future__ import annotations

from pydantic import BaseModel

from urbandiplo.api.common import CountryCode, Id, LocalNames, OrganisationName, ShortText, Url
from urbandiplo.domain.organisations import OrganisationKind


class CityRef(BaseModel):
    """A city in brief."""

    id: Id
    name: ShortText
    names: LocalNames
    country_code: CountryCode


class OrganisationRef(BaseModel):
    """An organisation in brief."""

    id: Id
    name: OrganisationName
    kind: OrganisationKind
    website: Url | None
