"""Events the office runs or co-runs: conferences, receptions, panels, exhibitions, film
evenings, trainings, exchanges, fairs, commemorations.

An event happens at instants, stored in UTC, and is shown in its own time zone (an IANA name,
Europe/Berlin unless said otherwise), so that its times carry the offset in force there on
the day: +02:00 in summer, +01:00 in winter. An all-day event starts at midnight of its first
day there; where it lasts several days, `ends_at` is midnight of its last day, which counts
as included."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import cache
from typing import Any, Protocol
from zoneinfo import ZoneInfo, available_timezones

from urbandiplo.domain.access import Principal
from urbandiplo.domain.errors import Conflict, FieldProblem, InvalidData
from urbandiplo.domain.ports import Repository, UnitOfWork, UnitOfWorkFactory
from urbandiplo.domain.records import RecordService, Stored
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

EVENT_SORTS = ("starts_at", "created_at", "updated_at")
DEFAULT_TIMEZONE = "Europe/Berlin"
# A day given to the from/to filters is that day in this zone.
FILTER_TIMEZONE = "Europe/Berlin"
# Instants outside these bounds are refused: every time zone's local time of them, and the
# day after, must still be a date Python can hold.
EARLIEST = datetime(1000, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
# What a filter bound beyond what a datetime holds stands for.
MIN_INSTANT = datetime.min.replace(tzinfo=UTC)
MAX_INSTANT = datetime.max.replace(tzinfo=UTC)


class EventKind(StrEnum):
    CONFERENCE = "conference"
    RECEPTION = "reception"
    PANEL = "panel"
    EXHIBITION = "exhibition"
    FILM_SCREENING = "film_screening"
    TRAINING = "training"
    WORKSHOP = "workshop"
    EXCHANGE = "exchange"
    FAIR = "fair"
    COMMEMORATION = "commemoration"
    OTHER = "other"


class Audience(StrEnum):
    """Who the event is for: anyone, invited guests, or staff only."""

    PUBLIC = "public"
    INVITATION = "invitation"
    INTERNAL = "internal"


@cache
def timezone_names() -> frozenset[str]:
    """The IANA time zone names known here ("localtime" is a machine's, not a zone)."""
    return frozenset(available_timezones() - {"localtime"})


def is_timezone(name: str) -> bool:
    return name in timezone_names()


def check_timezone(name: str, *, field: str = "timezone") -> str:
    if not is_timezone(name):
        raise InvalidData(
            f"unknown time zone {name!r}",
            [FieldProblem(field, "an IANA time zone name such as Europe/Berlin")],
        )
    return name


@dataclass(frozen=True, slots=True, kw_only=True)
class Venue:
    """Where the event takes place: a named place, in a city, and/or online."""

    name: str
    address: str | None = None
    city_id: uuid.UUID | None = None
    online_url: str | None = None
    # Filled in from city_id; not part of what staff enter, so not compared.
    city: CityRef | None = dataclasses.field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Link:
    """A record the event links to (a partnership, a network), with what a caller must be
    allowed to see to see it: its own visibility and, for a partnership, its cities'."""

    id: uuid.UUID
    visibilities: tuple[Visibility, ...]

    def visible_to(self, principal: Principal) -> bool:
        return all(principal.may_see(v) for v in self.visibilities)


@dataclass(frozen=True, slots=True, kw_only=True)
class EventFields:
    """What staff enter about an event."""

    title: I18nText
    kind: EventKind
    starts_at: datetime
    summary: I18nText | None = None
    ends_at: datetime | None = None
    all_day: bool = False
    # A day, or only its month or year where that is all the sources say ("in December");
    # then the event is all-day, starts on the first day and has no end of its own.
    precision: DatePrecision = DatePrecision.DAY
    timezone: str = DEFAULT_TIMEZONE
    venue: Venue | None = None
    organiser_ids: tuple[uuid.UUID, ...] = ()  # organisations
    partner_ids: tuple[uuid.UUID, ...] = ()  # organisations
    partnership_ids: tuple[uuid.UUID, ...] = ()
    network_ids: tuple[uuid.UUID, ...] = ()
    project_ids: tuple[uuid.UUID, ...] = ()
    audience: Audience = Audience.PUBLIC
    registration_url: str | None = None
    capacity: int | None = None
    series: str | None = None  # a film series, an annual exchange
    sdgs: tuple[int, ...] = ()
    fields_of_action: tuple[FieldOfAction, ...] = ()
    notes: str | None = None
    visibility: Visibility = Visibility.PUBLIC


@dataclass(frozen=True, slots=True, kw_only=True)
class Event(EventFields):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int
    organisers: tuple[OrganisationRef, ...]
    partners: tuple[OrganisationRef, ...]
    partnerships: tuple[Link, ...]
    networks: tuple[Link, ...]
    projects: tuple[Link, ...]

    @property
    def ends_by(self) -> datetime:
        """The instant the event is over: its end, or its start where it has none; an
        all-day event lasts to the end of its last day."""
        return _over_at(self.starts_at, self.ends_at, self.all_day, self.timezone, self.precision)

    def visible_to(self, principal: Principal) -> bool:
        """An event shows only where the caller may see it and its venue's city."""
        city = self.venue.city if self.venue is not None else None
        return principal.may_see(self.visibility) and (
            city is None or principal.may_see(city.visibility)
        )


def _over_at(
    start: datetime,
    end: datetime | None,
    all_day: bool,
    timezone: str,
    precision: DatePrecision = DatePrecision.DAY,
) -> datetime:
    last = end if end is not None else start
    if not all_day:
        return last
    zone = ZoneInfo(timezone)
    day = last.astimezone(zone).date()
    if precision == DatePrecision.YEAR:
        after = date(day.year + 1, 1, 1)
    elif precision == DatePrecision.MONTH:
        after = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    else:
        after = day + timedelta(days=1)
    return datetime.combine(after, time(), zone)


def _in_utc(make: Callable[[], datetime]) -> datetime:
    """`make()` in UTC; the earliest or latest instant where it lies beyond what a
    datetime holds (a filter bound like 0001-01-01 or 9999-12-31)."""
    try:
        value = make()
    except OverflowError:  # the day after 9999-12-31
        return MAX_INSTANT
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return MIN_INSTANT if value.year == 1 else MAX_INSTANT


def range_start(value: date | datetime) -> datetime:
    """The instant a `from` bound stands for: a day starts at its midnight in Berlin."""
    if isinstance(value, datetime):
        return _in_utc(lambda: value)
    return _in_utc(lambda: datetime.combine(value, time(), ZoneInfo(FILTER_TIMEZONE)))


def range_end(value: date | datetime) -> datetime:
    """The first instant after a `to` bound: a day ends at the next midnight in Berlin, a
    time includes itself."""
    if isinstance(value, datetime):
        return _in_utc(lambda: value + timedelta(microseconds=1))
    return _in_utc(
        lambda: datetime.combine(value + timedelta(days=1), time(), ZoneInfo(FILTER_TIMEZONE))
    )


@dataclass(frozen=True, slots=True)
class EventQuery:
    """A list's filters. `from_` and `to` are days (in Berlin) or instants; an event is in
    the range when any part of it is."""

    from_: date | datetime | None = None
    to: date | datetime | None = None
    kind: EventKind | None = None
    city_id: uuid.UUID | None = None  # the venue's city
    partnership_id: uuid.UUID | None = None
    network_id: uuid.UUID | None = None
    project_id: uuid.UUID | None = None
    series: str | None = None
    audience: Audience | None = None
    sdg: int | None = None
    field_of_action: FieldOfAction | None = None
    q: str | None = None
    modified_since: datetime | None = None

    def window(self) -> tuple[datetime | None, datetime | None]:
        """(start, end) in UTC, end exclusive: an event is in range when it starts before
        `end` and is not over by `start`."""
        start = range_start(self.from_) if self.from_ is not None else None
        end = range_end(self.to) if self.to is not None else None
        return start, end

    def checked(self) -> EventQuery:
        start, end = self.window()
        if start is not None and end is not None and end <= start:
            raise InvalidData(
                "the range ends before it starts",
                [FieldProblem("query.to", "must not be before from")],
            )
        return self


class EventRepository(Repository[Event, EventQuery], Protocol):
    def reference_count(self, event_id: uuid.UUID) -> int: ...

    def starting_at(self, starts_at: datetime) -> list[Event]:
        """The events that start at this instant (to find one by its title and start)."""


def _instant(
    value: datetime | None, zone: ZoneInfo | None, field: str, problems: list[FieldProblem]
) -> datetime | None:
    """`value` in the event's time zone, or None with a problem."""
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        problems.append(FieldProblem(field, "needs an offset, e.g. +01:00 or Z"))
        return None
    try:
        utc = value.astimezone(UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc < LATEST:
        problems.append(FieldProblem(field, "between the years 1000 and 8999"))
        return None
    return utc.astimezone(zone) if zone is not None else utc


def _is_midnight(value: datetime) -> bool:
    return value.timetz().replace(tzinfo=None) == time()


def _check_times(draft: EventFields) -> tuple[datetime | None, datetime | None, list[FieldProblem]]:
    problems: list[FieldProblem] = []
    zone = None
    if is_timezone(draft.timezone):
        zone = ZoneInfo(draft.timezone)
    else:
        problems.append(FieldProblem("timezone", "an IANA time zone name such as Europe/Berlin"))
    starts_at = _instant(draft.starts_at, zone, "starts_at", problems)
    ends_at = _instant(draft.ends_at, zone, "ends_at", problems)
    if starts_at is not None and ends_at is not None and ends_at < starts_at:
        problems.append(FieldProblem("ends_at", "must not be before starts_at"))
    if draft.precision != DatePrecision.DAY:
        if not draft.all_day:
            problems.append(FieldProblem("all_day", "a date known to the month or year is all-day"))
        if draft.ends_at is not None:
            problems.append(FieldProblem("ends_at", "none where only the month or year is known"))
        if starts_at is not None and zone is not None:
            local = starts_at.astimezone(zone).date()
            problems += check_precision(local, draft.precision, "starts_at")
    if draft.all_day and zone is not None:
        if starts_at is not None and not _is_midnight(starts_at):
            problems.append(
                FieldProblem("starts_at", "an all-day event starts at midnight in its time zone")
            )
        if ends_at is not None and not _is_midnight(ends_at):
            problems.append(
                FieldProblem(
                    "ends_at", "an all-day event ends with the day that starts at this midnight"
                )
            )
    return starts_at, ends_at, problems


def _check_rules(draft: EventFields) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if draft.audience == Audience.INTERNAL and draft.visibility == Visibility.PUBLIC:
        problems.append(
            FieldProblem("visibility", "an event with the audience internal cannot be public")
        )
    if draft.capacity is not None and draft.capacity < 1:
        problems.append(FieldProblem("capacity", "at least 1"))
    if draft.series is not None and not draft.series.strip():
        problems.append(FieldProblem("series", "must not be empty"))
    if draft.venue is not None and not draft.venue.name.strip():
        problems.append(FieldProblem("venue.name", "must not be empty"))
    try:
        check_sdgs(draft.sdgs)
    except InvalidData as error:
        problems.extend(error.problems)
    return problems


class EventService(RecordService[EventFields, Event, EventQuery]):
    """Reading and changing events."""

    record_type = "event"
    fields_type = EventFields
    record_class = Event
    query_class = EventQuery
    collection = "events"

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        super().__init__(uow_factory)

    def repository(self, uow: UnitOfWork) -> EventRepository:
        return uow.events

    def feed_visibility(self, record: Event) -> Visibility:
        city = record.venue.city if record.venue is not None else None
        return strictest(record.visibility, city.visibility) if city else record.visibility

    def search_entry(self, record: Event) -> SearchEntry:
        venue = record.venue
        city = venue.city if venue is not None else None
        visibility = strictest(record.visibility, city.visibility) if city else record.visibility
        return self.indexed(
            record,
            record.title,
            record.summary,
            venue.name if venue is not None else None,
            city_names([city] if city else []),
            record.series,
            visibility=visibility,
        )

    def before_delete(self, uow: UnitOfWork, record: Event) -> None:
        if uow.events.reference_count(record.id):
            raise Conflict("delegations still refer to the event; it cannot be deleted")

    def visible_to(self, record: Event, principal: Principal) -> bool:
        return record.visible_to(principal)

    def prepare(
        self,
        uow: UnitOfWork,
        principal: Principal,
        draft: EventFields,
        current: Event | None,
        changed: AbstractSet[str],
    ) -> dict[str, Any]:
        starts_at, ends_at, problems = _check_times(draft)
        problems += _check_rules(draft)
        if problems:
            raise InvalidData("the event's data is not valid", problems)
        values = super().prepare(uow, principal, draft, current, changed)
        values["starts_at"], values["ends_at"] = starts_at, ends_at
        values["sdgs"] = check_sdgs(draft.sdgs)
        values["fields_of_action"] = check_fields_of_action(draft.fields_of_action)
        values["venue"] = self._venue(uow, principal, draft.venue, current, changed)
        for role in ("organiser", "partner"):
            name = f"{role}_ids"
            if current is None or name in changed:
                ids = tuple(dict.fromkeys(getattr(draft, name)))
                values[name] = ids
                values[f"{role}s"] = self._organisations(uow, principal, name, ids)
            else:
                values[f"{role}s"] = getattr(current, f"{role}s")
        if current is None or "partnership_ids" in changed:
            values["partnership_ids"] = tuple(dict.fromkeys(draft.partnership_ids))
            values["partnerships"] = self._partnerships(uow, principal, values["partnership_ids"])
        else:
            values["partnerships"] = current.partnerships
        for name, repository in (("network", uow.networks), ("project", uow.projects)):
            field = f"{name}_ids"
            if current is None or field in changed:
                ids = tuple(dict.fromkeys(getattr(draft, field)))
                values[field] = ids
                values[f"{name}s"] = self._links(principal, field, ids, repository.get, name)
            else:
                values[f"{name}s"] = getattr(current, f"{name}s")
        return values

    def shown_to(self, record: Event, principal: Principal) -> Event:
        """Organisations, partnerships, networks and projects the caller may not see are left
        out."""
        organisers = tuple(o for o in record.organisers if principal.may_see(o.visibility))
        partners = tuple(o for o in record.partners if principal.may_see(o.visibility))
        partnerships = tuple(p for p in record.partnerships if p.visible_to(principal))
        networks = tuple(n for n in record.networks if n.visible_to(principal))
        projects = tuple(n for n in record.projects if n.visible_to(principal))
        if (len(organisers), len(partners), len(partnerships), len(networks), len(projects)) == (
            len(record.organisers),
            len(record.partners),
            len(record.partnerships),
            len(record.networks),
            len(record.projects),
        ):
            return record
        return replace(
            record,
            organisers=organisers,
            organiser_ids=tuple(o.id for o in organisers),
            partners=partners,
            partner_ids=tuple(o.id for o in partners),
            partnerships=partnerships,
            partnership_ids=tuple(p.id for p in partnerships),
            networks=networks,
            network_ids=tuple(n.id for n in networks),
            projects=projects,
            project_ids=tuple(n.id for n in projects),
        )

    def find(self, principal: Principal, title: str, starts_at: datetime) -> Event | None:
        """The event with this German title that starts at this instant."""
        with self._uow() as uow:
            found = uow.events.starting_at(starts_at)
        return next(
            (
                self.shown_to(e, principal)
                for e in found
                if e.title.get("de") == title and self.visible_to(e, principal)
            ),
            None,
        )

    @staticmethod
    def _venue(
        uow: UnitOfWork,
        principal: Principal,
        venue: Venue | None,
        current: Event | None,
        changed: AbstractSet[str],
    ) -> Venue | None:
        if current is not None and "venue" not in changed:
            return current.venue
        if venue is None or venue.city_id is None:
            return replace(venue, city=None) if venue is not None else None
        found = uow.cities.get(venue.city_id)
        if found is None or not principal.may_see(found.visibility):
            raise InvalidData("unknown venue city", [FieldProblem("venue.city_id", "no such city")])
        return replace(venue, city=city_ref(found))

    @staticmethod
    def _organisations(
        uow: UnitOfWork, principal: Principal, field: str, ids: tuple[uuid.UUID, ...]
    ) -> tuple[OrganisationRef, ...]:
        refs = []
        problems = []
        for i, organisation_id in enumerate(ids):
            found = uow.organisations.get(organisation_id)
            if found is None or not principal.may_see(found.visibility):
                problems.append(FieldProblem(f"{field}.{i}", "no such organisation"))
            else:
                refs.append(organisation_ref(found))
        if problems:
            raise InvalidData("unknown organisations", problems)
        return tuple(refs)

    @staticmethod
    def _partnerships(
        uow: UnitOfWork, principal: Principal, ids: tuple[uuid.UUID, ...]
    ) -> tuple[Link, ...]:
        links = []
        problems = []
        for i, partnership_id in enumerate(ids):
            found = uow.partnerships.get(partnership_id)
            if found is None or not found.visible_to(principal):
                problems.append(FieldProblem(f"partnership_ids.{i}", "no such partnership"))
            else:
                links.append(
                    Link(
                        found.id,
                        (found.visibility, found.city.visibility, found.partner_city.visibility),
                    )
                )
        if problems:
            raise InvalidData("unknown partnerships", problems)
        return tuple(links)

    @staticmethod
    def _links(
        principal: Principal,
        field: str,
        ids: tuple[uuid.UUID, ...],
        get: Callable[[uuid.UUID], Stored | None],
        noun: str,
    ) -> tuple[Link, ...]:
        """Links to records of one kind (networks, projects) the caller may see."""
        links = []
        problems = []
        for i, record_id in enumerate(ids):
            found = get(record_id)
            if found is None or not principal.may_see(found.visibility):
                problems.append(FieldProblem(f"{field}.{i}", f"no such {noun}"))
            else:
                links.append(Link(found.id, (found.visibility,)))
        if problems:
            raise InvalidData(f"unknown {noun}s", problems)
        return tuple(links)
