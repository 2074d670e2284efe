"""The few facts about a record that other records show with it (embedded references)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from urbandiplo.domain.access import Permission
from urbandiplo.domain.errors import FieldProblem
from urbandiplo.domain.values import Visibility, strictest

if TYPE_CHECKING:
    from urbandiplo.domain.access import Principal
    from urbandiplo.domain.cities import City
    from urbandiplo.domain.organisations import Organisation
    from urbandiplo.domain.partnerships import Partnership
    from urbandiplo.domain.people import Person

R = TypeVar("R")


def resolve(
    ids: Iterable[uuid.UUID],
    field: str,
    noun: str,
    get: Callable[[uuid.UUID], R | None],
    seen: Callable[[R], bool],
    problems: list[FieldProblem],
) -> list[R]:
    """The records `ids` name (each once, in order), where they exist and `seen` says the
    caller may see them; a problem for each other one, as for an id that does not exist."""
    found = []
    for i, record_id in enumerate(dict.fromkeys(ids)):
        record = get(record_id)
        if record is None or not seen(record):
            problems.append(FieldProblem(f"{field}.{i}", f"no such {noun}"))
        else:
            found.append(record)
    return found


def seen_by(principal: Principal) -> Callable[[Any], bool]:
    """Whether the caller may see a record, by its own visibility."""
    return lambda record: principal.may_see(record.visibility)


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkRef:
    """A linked record in brief: its id and who may see it."""

    id: uuid.UUID
    visibility: Visibility


def partnership_link(partnership: Partnership) -> LinkRef:
    """A partnership shows where it and both its cities do."""
    return LinkRef(
        id=partnership.id,
        visibility=strictest(
            partnership.visibility,
            partnership.city.visibility,
            partnership.partner_city.visibility,
        ),
    )


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


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonRef:
    """A person in brief, as other records (delegations, network seats) show them.

    `withheld`: the caller may not see who this is (a protected or non-public person); id,
    name and function are then empty. `erased`: the person's data was erased."""

    id: uuid.UUID | None
    name: str | None
    function: str | None
    visibility: Visibility = Visibility.CONFIDENTIAL
    protected: bool = False
    erased: bool = False
    withheld: bool = False


WITHHELD = PersonRef(id=None, name=None, function=None, withheld=True)


def person_ref(person: Person) -> PersonRef:
    if person.erased_on is not None:
        return PersonRef(id=person.id, name=None, function=None, erased=True)
    return PersonRef(
        id=person.id,
        name=person.name,
        function=person.function,
        visibility=person.visibility,
        protected=person.protected,
    )


def shown_person(ref: PersonRef, principal: Principal) -> PersonRef:
    """The reference as the caller may see it: a placeholder where they may not see who."""
    if ref.erased or ref.withheld:
        return ref
    if ref.protected and Permission.CONFIDENTIAL not in principal.permissions:
        return WITHHELD
    return ref if principal.may_see(ref.visibility) else WITHHELD


def partnership_links(
    ids: Iterable[uuid.UUID],
    get: Callable[[uuid.UUID], Partnership | None],
    principal: Principal,
    problems: list[FieldProblem],
) -> list[LinkRef]:
    """The partnerships `partnership_ids` name, as links; a problem for each unknown one."""
    found = resolve(
        ids, "partnership_ids", "partnership", get, lambda p: p.visible_to(principal), problems
    )
    return [partnership_link(p) for p in found]
