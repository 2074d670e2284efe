"""Importing lists of records (CSV files, parsed by the caller) row by row, with a report
that accounts for every row: created, duplicate (found by the record's natural key), or
rejected with the reason.

Rows are written in batches, one transaction per batch, each row in a savepoint of its own so
that a rejected row leaves nothing behind; every record created gets its audit entry, change
and search entry as any other write. Cities a row names by name and country are found, or
created with the row's visibility. A dry run does the same work in one transaction that is
rolled back at the end."""

from __future__ import annotations

import logging
import traceback
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from itertools import islice
from typing import Any, Generic, TypeVar

from urbandiplo.domain.access import Principal, Role
from urbandiplo.domain.cities import City, CityFields, CityService
from urbandiplo.domain.countries import Place
from urbandiplo.domain.errors import (
    DomainError,
    DuplicatePartnership,
    FieldProblem,
    InvalidData,
)
from urbandiplo.domain.events import Event, EventFields, EventService
from urbandiplo.domain.organisations import Organisation, OrganisationFields, OrganisationService
from urbandiplo.domain.partnerships import Partnership, PartnershipFields, PartnershipService
from urbandiplo.domain.ports import UnitOfWork, UnitOfWorkFactory
from urbandiplo.domain.records import RecordService, utcnow

# Rows per transaction: a batch holds the change feed's counter (PostgreSQL) or the database's
# write lock (SQLite) while it runs, so other writers wait at most one batch.
BATCH_ROWS = 500
# Stands for the id of a city a row names that is not stored (yet).
UNKNOWN = uuid.UUID(int=0)
UNEXPECTED = "the row could not be stored (an unexpected error, logged); nothing of it was kept"

log = logging.getLogger(__name__)


class Outcome(StrEnum):
    CREATED = "created"
    DUPLICATE = "duplicate"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Row:
    """One row as the file gave it, parsed: the record's fields with the cities it names by
    place (`places`: field name to place; the field's id is filled in on import), or the
    reason it cannot be a record."""

    line: int  # the file's line the row starts on (the header is line 1)
    fields: Any | None = None
    record_id: uuid.UUID | None = None  # the id an exported row carries
    places: Mapping[str, Place] = field(default_factory=dict)
    reason: str | None = None
    problems: tuple[FieldProblem, ...] = ()


@dataclass(frozen=True, slots=True)
class RowResult:
    row: int  # 1 for the first row after the header
    line: int
    outcome: Outcome
    id: uuid.UUID | None = None  # the record created (not in a dry run) or found
    reason: str | None = None
    problems: tuple[FieldProblem, ...] = ()
    cities_created: tuple[uuid.UUID, ...] = ()  # empty in a dry run, as `id`


@dataclass(frozen=True, slots=True)
class ImportReport:
    collection: str
    dry_run: bool
    results: tuple[RowResult, ...]
    cities_created: int

    def count(self, outcome: Outcome) -> int:
        return sum(1 for result in self.results if result.outcome == outcome)


def described(error: InvalidData) -> str:
    """The error's message with its first problems, as one line of a report."""
    shown = "; ".join(f"{p.field}: {p.message}" for p in error.problems[:5])
    more = f" (and {len(error.problems) - 5} more)" if len(error.problems) > 5 else ""
    return f"{error}: {shown}{more}" if shown else str(error)


FieldsT = TypeVar("FieldsT")
RecordT = TypeVar("RecordT")


class Target(ABC, Generic[FieldsT, RecordT]):
    """What an import needs to know of one kind of record."""

    collection: str

    @abstractmethod
    def service(self) -> RecordService[FieldsT, Any, Any]: ...

    @abstractmethod
    def existing(self, uow: UnitOfWork, principal: Principal, data: FieldsT) -> uuid.UUID | None:
        """The stored record the row stands for (its natural key), if the caller may see
        it."""

    def bind(self, data: FieldsT, city_ids: Mapping[str, uuid.UUID]) -> FieldsT:
        """The fields with the ids of the cities the row names."""
        return replace(data, **city_ids) if city_ids else data  # type: ignore[type-var]


class CityTarget(Target[CityFields, City]):
    collection = "cities"

    def __init__(self, cities: CityService) -> None:
        self._cities = cities

    def service(self) -> CityService:
        return self._cities

    def existing(self, uow: UnitOfWork, principal: Principal, data: CityFields) -> uuid.UUID | None:
        found = uow.cities.find(data.name, data.country_code, principal.visible)
        return found.id if found is not None else None


class PartnershipTarget(Target[PartnershipFields, Partnership]):
    collection = "partnerships"

    def __init__(self, partnerships: PartnershipService) -> None:
        self._partnerships = partnerships

    def service(self) -> PartnershipService:
        return self._partnerships

    def existing(
        self, uow: UnitOfWork, principal: Principal, data: PartnershipFields
    ) -> uuid.UUID | None:
        """The pair's partnership, where the caller may see it; the import gives only cities
        the caller may see, so the partnership's own visibility decides."""
        if data.city_id is None:
            return None  # the home city's: create() finds the pair
        if UNKNOWN in (data.city_id, data.partner_city_id):
            return None  # a city not stored yet has no partnerships
        found = uow.partnerships.find_pair(data.city_id, data.partner_city_id)
        if found is None:
            return None
        visibility = uow.partnerships.own_visibility(found)
        # A hidden one is refused by create() as the API refuses it.
        return found if visibility is not None and principal.may_see(visibility) else None


class OrganisationTarget(Target[OrganisationFields, Organisation]):
    collection = "organisations"

    def __init__(self, organisations: OrganisationService) -> None:
        self._organisations = organisations

    def service(self) -> OrganisationService:
        return self._organisations

    def existing(
        self, uow: UnitOfWork, principal: Principal, data: OrganisationFields
    ) -> uuid.UUID | None:
        found = uow.organisations.find_by_name(data.name, principal.visible)
        return found.id if found is not None else None


class EventTarget(Target[EventFields, Event]):
    """Events are the same where they start at the same instant under the same title (in
    any language both have)."""

    collection = "events"

    def __init__(self, events: EventService) -> None:
        self._events = events

    def service(self) -> EventService:
        return self._events

    def existing(
        self, uow: UnitOfWork, principal: Principal, data: EventFields
    ) -> uuid.UUID | None:
        try:
            data.starts_at.astimezone(UTC)
        except OverflowError:  # beyond what is stored; create() says why
            return None
        for event in uow.events.starting_at(data.starts_at):
            same = any(event.title.get(lang) == text for lang, text in data.title.items())
            if same and self._events.visible_to(event, principal):
                return event.id
        return None

    def bind(self, data: EventFields, city_ids: Mapping[str, uuid.UUID]) -> EventFields:
        venue_city = city_ids.get("venue.city_id")
        if venue_city is None or data.venue is None:
            return data
        return replace(data, venue=replace(data.venue, city_id=venue_city))


class ImportService:
    """Imports rows into one of the targets."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        cities: CityService,
        targets: Iterable[Target[Any, Any]],
        *,
        batch_rows: int = BATCH_ROWS,
    ) -> None:
        self._uow = uow_factory
        self._cities = cities
        self.targets = {target.collection: target for target in targets}
        self._batch_rows = batch_rows

    def run(
        self, principal: Principal, collection: str, rows: Iterable[Row], *, dry_run: bool
    ) -> ImportReport:
        principal.require(Role.EDITOR)
        target = self.targets[collection]
        work = _Import(self._cities, target, principal, dry_run)
        numbered: Iterator[tuple[int, Row]] = enumerate(rows, start=1)
        if dry_run:
            with self._uow(write=True) as uow:
                work.rows(uow, numbered)
            # Leaving without commit rolls back.
        else:
            while batch := list(islice(numbered, self._batch_rows)):
                with self._uow(write=True) as uow:
                    work.rows(uow, batch)
                    uow.commit()
        return ImportReport(
            collection, dry_run, tuple(work.results), cities_created=work.cities_created
        )


class _Import:
    """One import's state: the report so far and the cities already found or created."""

    def __init__(
        self,
        cities: CityService,
        target: Target[Any, Any],
        principal: Principal,
        dry_run: bool,
    ) -> None:
        self.cities = cities
        self.target = target
        self.principal = principal
        self.dry_run = dry_run
        self.results: list[RowResult] = []
        self.cities_created = 0
        # Cities found or made so far. A batch that fails ends the import, so what is here
        # was committed, or is in the open transaction (all of a dry run's).
        self._cities: dict[Place, uuid.UUID] = {}

    def rows(self, uow: UnitOfWork, rows: Iterable[tuple[int, Row]]) -> None:
        now = utcnow()
        for number, row in rows:
            self.results.append(self._row(uow, number, row, now))

    def _row(self, uow: UnitOfWork, number: int, row: Row, now: datetime) -> RowResult:
        if row.fields is None:
            return RowResult(
                number, row.line, Outcome.REJECTED, reason=row.reason, problems=row.problems
            )
        if row.record_id is not None:
            same = self._same_record(uow, row.record_id)
            if same is not None:
                return RowResult(number, row.line, Outcome.DUPLICATE, id=same)
        stored = {name: self._stored_city(uow, place) for name, place in row.places.items()}
        # A row whose record is stored already is a duplicate, found before anything is
        # written for it (a city not stored yet stands in as UNKNOWN).
        probe = self.target.bind(
            row.fields, {name: found or UNKNOWN for name, found in stored.items()}
        )
        try:
            found = self.target.existing(uow, self.principal, probe)
        except InvalidData as error:
            return self._rejected(number, row, error)
        if found is not None:
            return RowResult(number, row.line, Outcome.DUPLICATE, id=found)
        made: dict[Place, uuid.UUID] = {}
        try:
            with uow.savepoint():  # a row refused halfway leaves no city behind
                ids = {
                    name: found or self._new_city(uow, row.places[name], row, now, made)
                    for name, found in stored.items()
                }
                record = self.target.service().create_in(
                    uow,
                    self.principal,
                    self.target.bind(row.fields, ids),
                    now,
                    bookkeeping=not self.dry_run,
                )
        except DuplicatePartnership as error:
            if error.existing_id is not None:
                return RowResult(
                    number, row.line, Outcome.DUPLICATE, id=uuid.UUID(str(error.existing_id))
                )
            return RowResult(number, row.line, Outcome.REJECTED, reason=str(error))
        except InvalidData as error:
            return self._rejected(number, row, error)
        except DomainError as error:  # refused: a hidden link, a visibility not the caller's
            return RowResult(number, row.line, Outcome.REJECTED, reason=str(error))
        except Exception as error:  # the savepoint undid the row; the others go on
            log.error(
                "import row %d: %s\n%s",
                row.line,
                type(error).__name__,
                "".join(traceback.format_tb(error.__traceback__)),
            )
            return RowResult(number, row.line, Outcome.REJECTED, reason=UNEXPECTED)
        self._cities.update(made)
        self.cities_created += len(made)
        if self.dry_run:
            return RowResult(number, row.line, Outcome.CREATED)
        return RowResult(
            number, row.line, Outcome.CREATED, id=record.id, cities_created=tuple(made.values())
        )

    @staticmethod
    def _rejected(number: int, row: Row, error: InvalidData) -> RowResult:
        return RowResult(
            number, row.line, Outcome.REJECTED, reason=described(error), problems=error.problems
        )

    def _same_record(self, uow: UnitOfWork, record_id: uuid.UUID) -> uuid.UUID | None:
        """The record an exported row's id names, if the caller may see it."""
        service = self.target.service()
        found = service.repository(uow).get(record_id)
        shown = found is not None and service.visible_to(found, self.principal)
        return record_id if shown else None

    def _stored_city(self, uow: UnitOfWork, place: Place) -> uuid.UUID | None:
        """The city at `place` the caller may see, if there is one."""
        known = self._cities.get(place)
        if known is not None:
            return known
        found = uow.cities.find(place.name, place.country_code, self.principal.visible)
        if found is None:
            return None
        self._cities[place] = found.id
        return found.id

    def _new_city(
        self,
        uow: UnitOfWork,
        place: Place,
        row: Row,
        now: datetime,
        made: dict[Place, uuid.UUID],
    ) -> uuid.UUID:
        """A city made for the row, once however often the row names it."""
        if place in made:
            return made[place]
        city = self.cities.create_in(
            uow,
            self.principal,
            CityFields(
                name=place.name,
                country_code=place.country_code,
                visibility=getattr(row.fields, "visibility"),  # noqa: B009
            ),
            now,
            bookkeeping=not self.dry_run,
        )
        made[place] = city.id
        return city.id
