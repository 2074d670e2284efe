"""Partnerships between two cities: twinning, friendship, project and climate partnerships."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from urbandiplo.domain.access import Principal
from urbandiplo.domain.cities import City, HomeCity
from urbandiplo.domain.errors import (
    Conflict,
    DuplicatePartnership,
    FieldProblem,
    InvalidData,
)
from urbandiplo.domain.ports import Repository, UnitOfWork, UnitOfWorkFactory
from urbandiplo.domain.records import RecordService, utcnow
from urbandiplo.domain.refs import CityRef, OrganisationRef, city_ref, organisation_ref
from urbandiplo.domain.search import SearchEntry, city_names
from urbandiplo.domain.taxonomies import FieldOfAction, check_fields_of_action, check_sdgs
from urbandiplo.domain.values import (
    DatePrecision,
    I18nText,
    Visibility,
    check_precision,
    strictest,
)

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
class EconomicProfile:
    """Where economic cooperation with the partner city can start (seed 004)."""

    sectors: tuple[str, ...] = ()
    clusters: tuple[str, ...] = ()
    entry_point: I18nText | None = None


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
    association_ids: tuple[uuid.UUID, ...] = ()  # partnership associations (organisations)
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
    associations: tuple[OrganisationRef, ...]

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


class PartnershipRepository(Repository[Partnership, PartnershipQuery], Protocol):
    def find_pair(self, city_a: uuid.UUID, city_b: uuid.UUID) -> uuid.UUID | None: ...
    def own_visibility(self, partnership_id: uuid.UUID) -> Visibility | None:
        """The partnership's own visibility (not its cities'), without reading the rest."""

    def reference_count(self, partnership_id: uuid.UUID) -> int: ...
    def established_between(
        self,
        ranges: Collection[tuple[date, date]],
        visible: Collection[Visibility],
        city_id: uuid.UUID | None,
        *,
        not_ended_before: date,
        limit: int,
    ) -> list[Partnership]:
        """Partnerships founded in one of the date ranges, not ended before the given day."""

    def partners_of(
        self, city_id: uuid.UUID, visible: Collection[Visibility], limit: int
    ) -> list[PartnerOf]:
        """The partnerships of `city_id` the caller may see (themselves and both their
        cities), in the order they began: by founding date, then those without one, each
        by id (the list's order by `established_on`)."""


@dataclass(frozen=True, slots=True)
class PartnerOf:
    """A city's partnership as its map shows it: the partner city's id and what the map
    says of the partnership, read without the rest (the map's 900 partners cost 113 ms
    as whole partnerships, whose associations, decisions and history it never shows)."""

    partnership_id: uuid.UUID
    partner_city_id: uuid.UUID
    kind: PartnershipKind
    status: PartnershipStatus
    established_on: date | None


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


class PartnershipService(RecordService[PartnershipFields, Partnership, PartnershipQuery]):
    """Reading and changing partnerships."""

    record_type = "partnership"
    fields_type = PartnershipFields
    record_class = Partnership
    query_class = PartnershipQuery
    collection = "partnerships"

    def __init__(self, uow_factory: UnitOfWorkFactory, home: HomeCity) -> None:
        super().__init__(uow_factory)
        self._home = home

    def repository(self, uow: UnitOfWork) -> PartnershipRepository:
        return uow.partnerships

    def feed_visibility(self, record: Partnership) -> Visibility:
        return strictest(record.visibility, record.city.visibility, record.partner_city.visibility)

    def search_entry(self, record: Partnership) -> SearchEntry:
        a, b = record.city, record.partner_city
        title = I18nText(
            {
                lang: f"{a.names.get(lang) or a.name} \u2013 {b.names.get(lang) or b.name}"
                for lang in ("de", "en")
            }
        )
        visibility = strictest(record.visibility, a.visibility, b.visibility)
        return self.indexed(
            record, title, city_names([a, b]), record.description, visibility=visibility
        )

    def visible_to(self, record: Partnership, principal: Principal) -> bool:
        return record.visible_to(principal)

    def prepare(
        self,
        uow: UnitOfWork,
        principal: Principal,
        draft: PartnershipFields,
        current: Partnership | None,
        changed: AbstractSet[str],
    ) -> dict[str, Any]:
        today = utcnow().date()
        if (
            current is not None
            and "status_history" not in changed
            and (draft.status != current.status or draft.kind != current.kind)
        ):
            # A change of kind or status goes into the history by itself.
            entry = StatusChange(
                changed_on=today,
                status=draft.status if draft.status != current.status else None,
                kind=draft.kind if draft.kind != current.kind else None,
            )
            draft = replace(draft, status_history=(*current.status_history, entry))
        _check_rules(draft)
        values = _normalised(draft)
        if draft.city_id is None:
            if current is not None:
                raise InvalidData(
                    "city_id cannot be emptied", [FieldProblem("city_id", "required")]
                )
            home = uow.cities.find(self._home.name, self._home.country_code)
            if home is None:
                raise InvalidData(
                    "no home city is stored; give city_id",
                    [FieldProblem("city_id", "required while the home city is not stored")],
                )
            values["city_id"] = home.id
        if current is None or {"city_id", "partner_city_id"} & changed:
            city, partner = self._cities_for(
                uow, principal, values["city_id"], values["partner_city_id"]
            )
            existing = uow.partnerships.find_pair(city.id, partner.id)
            if existing is not None and (current is None or existing != current.id):
                raise self._duplicate(uow, principal, existing)
            values["city"], values["partner_city"] = city_ref(city), city_ref(partner)
        else:
            values["city"], values["partner_city"] = current.city, current.partner_city
        if current is None or "association_ids" in changed:
            values["association_ids"] = tuple(dict.fromkeys(draft.association_ids))
            values["associations"] = self._associations(uow, principal, values["association_ids"])
        else:
            values["associations"] = current.associations
        founded = draft.established_on
        if current is None and not values["status_history"] and founded and founded <= today:
            values["status_history"] = (
                StatusChange(
                    changed_on=founded,
                    precision=draft.established_precision,
                    status=draft.status,
                    kind=draft.kind,
                ),
            )
        return values

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

    def before_delete(self, uow: UnitOfWork, record: Partnership) -> None:
        if uow.partnerships.reference_count(record.id):
            raise Conflict("events or delegations still refer to the partnership")

    def shown_to(self, record: Partnership, principal: Principal) -> Partnership:
        """Associations the caller may not see are left out."""
        shown = tuple(a for a in record.associations if principal.may_see(a.visibility))
        if len(shown) == len(record.associations):
            return record
        return replace(record, associations=shown, association_ids=tuple(a.id for a in shown))

    @staticmethod
    def _associations(
        uow: UnitOfWork, principal: Principal, ids: tuple[uuid.UUID, ...]
    ) -> tuple[OrganisationRef, ...]:
        refs = []
        problems = []
        for i, organisation_id in enumerate(ids):
            found = uow.organisations.get(organisation_id)
            if found is None or not principal.may_see(found.visibility):
                problems.append(FieldProblem(f"association_ids.{i}", "no such organisation"))
            else:
                refs.append(organisation_ref(found))
        if problems:
            raise InvalidData("unknown associations", problems)
        return tuple(refs)

    @staticmethod
    def _duplicate(
        uow: UnitOfWork, principal: Principal, existing: uuid.UUID
    ) -> DuplicatePartnership:
        """The conflict, naming the existing partnership only to who may see it."""
        found = uow.partnerships.get(existing)
        shown = found is not None and found.visible_to(principal)
        return DuplicatePartnership(existing if shown else None)

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
