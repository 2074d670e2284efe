"""Schemas of records shown inside other records, in brief."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, StringConstraints

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


class PersonRef(BaseModel):
    """A person in brief. Where you may not see who it is (a protected or non-public person),
    `withheld` is true and id, name and function are null; after erasure `erased` is true."""

    id: Id | None
    name: ShortText | None
    function: Annotated[str, StringConstraints(max_length=300)] | None
    withheld: bool
    erased: bool
