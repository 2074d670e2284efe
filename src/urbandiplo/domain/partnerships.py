"""Partnerships between two cities: twinning, friendship, project and climate partnerships."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from urbandiplo.domain.access import Principal, Role
from urbandiplo.domain.cities import City, HomeCity
from urbandiplo.domain.errors import (
    DuplicatePartnership,
    FieldProblem,
    InvalidData,
    NotFound,
    StaleVersion,
)
from urbandiplo.domain.ids import new_id
from urbandiplo.domain.listing import Page, PageRequest, Sort
from urbandiplo.domain.ports import UnitOfWork, UnitOfWorkFactory
from urbandiplo.domain.records import (
    Precondition,
    check_may_assign,
    check_precondition,
    utcnow,
)
from urbandiplo.domain.taxonomies import FieldOfAction, check_fields_of_action, check_sdgs
from urbandiplo.domain.values import DatePrecision, I18nText, Visibility, check_precision

PARTNERSHIP_SORTS = ("established_on", "created_at", "updated_at")
ROUND_ANNIVERSARIES = (5, 10, 15, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 100)
# One year's round anniversaries are a short list for one city; a whole registry could have
# thousands, so the answer is capped (and says so by its length).
MAX_ANNIVERSARIES = 500


class PartnershipKind(StrEnum):
    TWINNING = "twinning"
    FRIENDSHIP = "friendship"
    PROJECT_PARTNERSHIP = "project_partnership"
    CLIMATE_PARTNERSHIP = "climate_partnership"
    DEVELOPMENT_PARTNERSHIP = "development_partnership"
    CONTACT = "contact"


class PartnershipStatus(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    DORMANT = "dormant"
    SUSPENDED = "suspended"
    ENDED = "ended"


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusChange:
    """A step in a partnership's history: from this day on, this kind and/or status."""

    changed_on: date
    precision: DatePrecision = DatePrecision.DAY
    status: PartnershipStatus | None = None
    kind: PartnershipKind | None = None
    reason: I18nText | None = None
    council_decision: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CouncilDecision:
    """A decision of the city council, as the council information system files it."""

    reference: str
    decided_on: date | None = None
    url: str | None = None
    subject: I18nText | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Association:
    """A partnership association (Freundeskreis). Becomes a reference to an organisation."""

    name: str
    website: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class EconomicProfile:
    """Where economic cooperation with the partner city can start (seed 004)."""

    sectors: tuple[str, ...] = ()
    clusters: tuple[str, ...] = ()
    entry_point: I18nText | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CityRef:
    """The few facts about a city that a partnership shows with it."""

    id: uuid.UUID
    name: str
    names: Mapping[str, str]
    country_code: str
    visibility: Visibility


@dataclass(frozen=True, slots=True, kw_only=True)
class PartnershipFields:
    """What staff enter about a partnership. `city_id` None means the home city."""

    partner_city_id: uuid.UUID
    kind: PartnershipKind
    city_id: uuid.UUID | None = None
    status: PartnershipStatus = PartnershipStatus.ACTIVE
    established_on: date | None = None
    established_precision: DatePrecision = DatePrecision.DAY
    ended_on: date | None = None
    status_history: tuple[StatusChange, ...] = ()
    council_decisions: tuple[CouncilDecision, ...] = ()
    responsible_unit: str | None = None
    associations: tuple[Association, ...] = ()
    economic_profile: EconomicProfile | None = None
    sdgs: tuple[int, ...] = ()
    fields_of_action: tuple[FieldOfAction, ...] = ()
    description: I18nText | None = None
    notes: str | None = None
    visibility: Visibility = Visibility.PUBLIC


@dataclass(frozen=True, slots=True, kw_only=True)
class Partnership(PartnershipFields):
    city_id: uuid.UUID
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int
    city: CityRef
    partner_city: CityRef

    def visible_to(self, principal: Principal) -> bool:
        """A partnership shows only where the caller may see it and both of its cities."""
        return (
            principal.may_see(self.visibility)
            and principal.may_see(self.city.visibility)
            and principal.may_see(self.partner_city.visibility)
        )


PARTNERSHIP_FIELD_NAMES = frozenset(f.name for f in fields(PartnershipFields))


@dataclass(frozen=True, slots=True)
class PartnershipQuery:
    kind: PartnershipKind | None = None
    status: PartnershipStatus | None = None
    country_code: str | None = None
    city_id: uuid.UUID | None = None
    established_from: date | None = None
    established_to: date | None = None
    sdg: int | None = None
    field_of_action: FieldOfAction | None = None
    q: str | None = None
    modified_since: datetime | None = None


@dataclass(frozen=True, slots=True)
class Anniversary:
    partnership: Partnership
    years: int
    on: date | None  # None where only the year (or month) of the founding is known


def anniversary_on(partnership: Partnership, year: int) -> date | None:
    established = partnership.established_on
    if established is None or partnership.established_precision != DatePrecision.DAY:
        return None
    try:
        return established.replace(year=year)
    except ValueError:  # 29 February in a common year
        return date(year, 2, 28)


def city_ref(city: City) -> CityRef:
    return CityRef(
        id=city.id,
        name=city.name,
        names=city.names,
        country_code=city.country_code,
        visibility=city.visibility,
    )


def _check_rules(data: PartnershipFields) -> None:
    problems: list[FieldProblem] = []
    if data.city_id is not None and data.city_id == data.partner_city_id:
        problems.append(FieldProblem("partner_city_id", "a city cannot partner itself"))
    if data.established_on and data.ended_on and data.ended_on < data.established_on:
        problems.append(FieldProblem("ended_on", "must not be before established_on"))
    if data.established_on is not None:
        problems += check_precision(
            data.established_on, data.established_precision, "established_on"
        )
    for i, change in enumerate(data.status_history):
        if change.status is None and change.kind is None:
            problems.append(
                FieldProblem(f"status_history.{i}", "names neither a status nor a kind")
            )
        problems += check_precision(
            change.changed_on, change.precision, f"status_history.{i}.changed_on"
        )
    problems += _history_agrees(data)
    try:
        check_sdgs(data.sdgs)
    except InvalidData as error:
        problems.extend(error.problems)
    if problems:
        raise InvalidData("the partnership's data is not valid", problems)


def _history_agrees(data: PartnershipFields) -> list[FieldProblem]:
    """The kind and status the history has reached by today are the partnership's own
    (entries dated later are planned changes)."""
    today = utcnow().date()
    kind = status = None
    for change in sorted(data.status_history, key=lambda c: c.changed_on):
        if change.changed_on > today:
            break
        kind = change.kind or kind
        status = change.status or status
    problems = []
    if kind is not None and kind != data.kind:
        problems.append(
            FieldProblem("status_history", f"its newest kind is {kind}, not {data.kind}")
        )
    if status is not None and status != data.status:
        problems.append(
            FieldProblem(
                "status_history", f"the newest status in it is {status}, not {data.status}"
            )
        )
    return problems


def _normalised(data: PartnershipFields) -> dict[str, Any]:
    values = {name: getattr(data, name) for name in PARTNERSHIP_FIELD_NAMES}
    # Oldest first; entries of the same day keep the order they were given in.
    values["status_history"] = tuple(sorted(data.status_history, key=lambda c: c.changed_on))
    values["sdgs"] = check_sdgs(data.sdgs)
    values["fields_of_action"] = check_fields_of_action(data.fields_of_action)
    return values


class PartnershipService:
    """Reading and changing partnerships, one unit of work per call."""

    def __init__(self, uow_factory: UnitOfWorkFactory, home: HomeCity) -> None:
        self._uow = uow_factory
        self._home = home

    def get(self, principal: Principal, partnership_id: uuid.UUID) -> Partnership:
        with self._uow() as uow:
            return self._visible(uow, principal, partnership_id)

    def find_pair(
        self, principal: Principal, city_a: uuid.UUID, city_b: uuid.UUID
    ) -> uuid.UUID | None:
        """The partnership of two cities, whichever way round it was entered."""
        with self._uow() as uow:
            found = uow.partnerships.find_pair(city_a, city_b)
            if found is None:
                return None
            partnership = uow.partnerships.get(found)
        return found if partnership is not None and partnership.visible_to(principal) else None

    def list_page(
        self, principal: Principal, query: PartnershipQuery, sort: Sort, page: PageRequest
    ) -> Page[Partnership]:
        with self._uow() as uow:
            return uow.partnerships.list_page(query, principal.visible, sort, page)

    def anniversaries(
        self, principal: Principal, year: int, city_id: uuid.UUID | None = None
    ) -> list[Anniversary]:
        """Round anniversaries (5, 10, ... 100 years) of partnerships in `year`, by date."""
        ranges = [
            (date(year - n, 1, 1), date(year - n, 12, 31))
            for n in ROUND_ANNIVERSARIES
            if year - n >= 1
        ]
        with self._uow() as uow:
            found = uow.partnerships.established_between(
                ranges,
                principal.visible,
                city_id,
                not_ended_before=date(year, 1, 1),
                limit=MAX_ANNIVERSARIES,
            )
        result = [
            Anniversary(p, year - p.established_on.year, anniversary_on(p, year))
            for p in found
            if p.established_on is not None
        ]
        # By day; those known only to the year or month after them.
        return sorted(result, key=lambda a: (a.on or date(year, 12, 31), a.on is None, a.years))

    def create(
        self,
        principal: Principal,
        data: PartnershipFields,
        *,
        before_commit: Callable[[UnitOfWork, Partnership], None] | None = None,
    ) -> Partnership:
        principal.require(Role.EDITOR)
        check_may_assign(principal, data.visibility)
        _check_rules(data)
        values = _normalised(data)
        now = utcnow()
        with self._uow(write=True) as uow:
            if data.city_id is None:
                home = uow.cities.find(self._home.name, self._home.country_code)
                if home is None:
                    raise InvalidData(
                        "no home city is stored; give city_id",
                        [FieldProblem("city_id", "required while the home city is not stored")],
                    )
                values["city_id"] = home.id
            city, partner = self._cities_for(
                uow, principal, values["city_id"], data.partner_city_id
            )
            founded = data.established_on
            if not values["status_history"] and founded is not None and founded <= now.date():
                values["status_history"] = (
                    StatusChange(
                        changed_on=founded,
                        precision=data.established_precision,
                        status=data.status,
                        kind=data.kind,
                    ),
                )
            existing = uow.partnerships.find_pair(city.id, partner.id)
            if existing is not None:
                raise self._duplicate(uow, principal, existing)
            partnership = Partnership(
                **values,
                id=new_id(),
                created_at=now,
                updated_at=now,
                version=1,
                city=city_ref(city),
                partner_city=city_ref(partner),
            )
            uow.partnerships.add(partnership)
            if before_commit is not None:
                before_commit(uow, partnership)
            uow.commit()
        return partnership

    def update(
        self,
        principal: Principal,
        partnership_id: uuid.UUID,
        changes: Mapping[str, Any],
        precondition: Precondition[Partnership] | None = None,
    ) -> Partnership:
        principal.require(Role.EDITOR)
        unknown = set(changes) - PARTNERSHIP_FIELD_NAMES
        if unknown:
            raise InvalidData(
                "unknown fields",
                [FieldProblem(name, "not a field of a partnership") for name in unknown],
            )
        if "city_id" in changes and changes["city_id"] is None:
            raise InvalidData("city_id cannot be emptied", [FieldProblem("city_id", "required")])
        with self._uow(write=True) as uow:
            current = self._visible(uow, principal, partnership_id)
            check_precondition(current, precondition)
            if all(getattr(current, name) == value for name, value in changes.items()):
                return current  # nothing changes: no new version, no new ETag
            draft = replace(current, **changes)
            now = utcnow()
            if "status_history" not in changes and (
                draft.status != current.status or draft.kind != current.kind
            ):
                change = StatusChange(
                    changed_on=now.date(),
                    status=draft.status if draft.status != current.status else None,
                    kind=draft.kind if draft.kind != current.kind else None,
                )
                draft = replace(draft, status_history=(*current.status_history, change))
            check_may_assign(principal, draft.visibility)
            _check_rules(draft)
            values = _normalised(draft)
            city, partner = current.city, current.partner_city
            if {"city_id", "partner_city_id"} & set(changes):
                city_record, partner_record = self._cities_for(
                    uow, principal, values["city_id"], values["partner_city_id"]
                )
                existing = uow.partnerships.find_pair(city_record.id, partner_record.id)
                if existing is not None and existing != current.id:
                    raise self._duplicate(uow, principal, existing)
                city, partner = city_ref(city_record), city_ref(partner_record)
            changed = Partnership(
                **values,
                id=current.id,
                created_at=current.created_at,
                updated_at=now,
                version=current.version + 1,
                city=city,
                partner_city=partner,
            )
            if not uow.partnerships.update(changed, expected_version=current.version):
                raise StaleVersion()
            uow.commit()
        return changed

    def delete(
        self,
        principal: Principal,
        partnership_id: uuid.UUID,
        precondition: Precondition[Partnership] | None = None,
    ) -> None:
        principal.require(Role.EDITOR)
        with self._uow(write=True) as uow:
            current = self._visible(uow, principal, partnership_id)
            check_precondition(current, precondition)
            uow.partnerships.delete(partnership_id)
            uow.commit()

    @staticmethod
    def _duplicate(
        uow: UnitOfWork, principal: Principal, existing: uuid.UUID
    ) -> DuplicatePartnership:
        """The conflict, naming the existing partnership only to who may see it."""
        found = uow.partnerships.get(existing)
        shown = found is not None and found.visible_to(principal)
        return DuplicatePartnership(existing if shown else None)

    @staticmethod
    def _visible(uow: UnitOfWork, principal: Principal, partnership_id: uuid.UUID) -> Partnership:
        partnership = uow.partnerships.get(partnership_id)
        if partnership is None or not partnership.visible_to(principal):
            raise NotFound("partnership", partnership_id)
        return partnership

    @staticmethod
    def _cities_for(
        uow: UnitOfWork, principal: Principal, city_id: uuid.UUID, partner_city_id: uuid.UUID
    ) -> tuple[City, City]:
        found = []
        for field_name, wanted in (("city_id", city_id), ("partner_city_id", partner_city_id)):
            city = uow.cities.get(wanted)
            if city is None or not principal.may_see(city.visibility):
                raise InvalidData(
                    f"there is no city {wanted}", [FieldProblem(field_name, "no such city")]
                )
            found.append(city)
        if found[0].id == found[1].id:
            raise InvalidData(
                "a city cannot partner itself",
                [FieldProblem("partner_city_id", "a city cannot partner itself")],
            )
        return found[0], found[1]
