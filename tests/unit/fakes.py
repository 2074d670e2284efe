"""In-memory fakes of the domain's ports (domain/ports.py), for unit tests of the services.

They behave like the SQL repositories in `urbandiplo.db` where the services can tell:

- a unit of work works on copies of the stores; `commit()` makes its changes visible to later
  units of work, leaving the block without `commit()` throws them away;
- changing data in a unit of work opened without `write=True` is an error (a test failure);
- a partnership is read with its two cities as they are stored now (the SQL join), and the
  `visible` filters require the partnership and both of its cities to be visible;
- `find_pair` does not care which way round the pair was entered, and a second partnership of
  the same pair is refused (the unique index on the ordered pair);
- `list_page` sorts by the sort field with None last, then by id, and pages with `Position`
  like `db.listing.paginate`.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from urbandiplo.domain.alerts import AlertKind, CallSubscription, CallSubscriptionQuery
from urbandiplo.domain.applications import FundingApplication, FundingApplicationQuery
from urbandiplo.domain.attachments import Attachment
from urbandiplo.domain.audit import AuditEntry, AuditQuery
from urbandiplo.domain.changes import Change, ChangeOperation, kinds_of
from urbandiplo.domain.cities import City, CityQuery
from urbandiplo.domain.contributions import Contribution, ContributionQuery
from urbandiplo.domain.delegations import Delegation, DelegationQuery
from urbandiplo.domain.errors import DuplicatePartnership, FieldProblem, InvalidData
from urbandiplo.domain.events import Event, EventQuery
from urbandiplo.domain.funding import (
    FundingCall,
    FundingCallQuery,
    FundingProgramme,
    FundingProgrammeQuery,
)
from urbandiplo.domain.geography import in_global_south
from urbandiplo.domain.idempotency import IdempotencyKeyInUse
from urbandiplo.domain.listing import Page, PageRequest, Position, Sort
from urbandiplo.domain.networks import Network, NetworkQuery
from urbandiplo.domain.news import News, NewsQuery
from urbandiplo.domain.offers import CooperationOffer, CooperationOfferQuery
from urbandiplo.domain.organisations import Organisation, OrganisationQuery
from urbandiplo.domain.partnerships import (
    PartnerOf,
    Partnership,
    PartnershipQuery,
    PartnershipStatus,
)
from urbandiplo.domain.people import Person, PersonQuery
from urbandiplo.domain.ports import StoredApiKey, StoredResponse, UnitOfWorkFactory
from urbandiplo.domain.projects import Project, ProjectQuery
from urbandiplo.domain.refs import city_ref, organisation_ref
from urbandiplo.domain.search import SearchEntry
from urbandiplo.domain.values import Visibility, fold_for_search, fold_query, strictest
from urbandiplo.domain.webhooks import DeliveryAttempt, WebhookSubscription

T = TypeVar("T")


@dataclass
class Stores:
    """What the fake database holds; one set is committed, each unit of work edits a copy."""

    cities: dict[uuid.UUID, City] = field(default_factory=dict)
    partnerships: dict[uuid.UUID, Partnership] = field(default_factory=dict)
    organisations: dict[uuid.UUID, Organisation] = field(default_factory=dict)
    people: dict[uuid.UUID, Person] = field(default_factory=dict)
    networks: dict[uuid.UUID, Network] = field(default_factory=dict)
    delegations: dict[uuid.UUID, Delegation] = field(default_factory=dict)
    funding_programmes: dict[uuid.UUID, FundingProgramme] = field(default_factory=dict)
    funding_calls: dict[uuid.UUID, FundingCall] = field(default_factory=dict)
    funding_applications: dict[uuid.UUID, FundingApplication] = field(default_factory=dict)
    projects: dict[uuid.UUID, Project] = field(default_factory=dict)
    contributions: dict[uuid.UUID, Contribution] = field(default_factory=dict)
    news: dict[uuid.UUID, News] = field(default_factory=dict)
    attachments: dict[uuid.UUID, Attachment] = field(default_factory=dict)
    call_subscriptions: dict[uuid.UUID, CallSubscription] = field(default_factory=dict)
    call_alerts: dict[tuple[uuid.UUID, uuid.UUID, AlertKind], datetime] = field(
        default_factory=dict
    )
    cooperation_offers: dict[uuid.UUID, CooperationOffer] = field(default_factory=dict)
    events: dict[uuid.UUID, Event] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    search: dict[tuple[str, uuid.UUID], SearchEntry] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    webhooks: dict[uuid.UUID, WebhookSubscription] = field(default_factory=dict)
    webhook_attempts: list[DeliveryAttempt] = field(default_factory=list)
    api_keys: dict[str, StoredApiKey] = field(default_factory=dict)
    idempotency: dict[tuple[str, str], StoredResponse] = field(default_factory=dict)
    rate_counters: dict[tuple[str, int], int] = field(default_factory=dict)

    def copy(self) -> Stores:
        # The values are frozen dataclasses, so copying the dicts isolates a transaction.
        return Stores(
            cities=dict(self.cities),
            partnerships=dict(self.partnerships),
            organisations=dict(self.organisations),
            people=dict(self.people),
            networks=dict(self.networks),
            delegations=dict(self.delegations),
            funding_programmes=dict(self.funding_programmes),
            funding_calls=dict(self.funding_calls),
            funding_applications=dict(self.funding_applications),
            projects=dict(self.projects),
            contributions=dict(self.contributions),
            news=dict(self.news),
            attachments=dict(self.attachments),
            call_subscriptions=dict(self.call_subscriptions),
            call_alerts=dict(self.call_alerts),
            cooperation_offers=dict(self.cooperation_offers),
            events=dict(self.events),
            audit=list(self.audit),
            search=dict(self.search),
            changes=list(self.changes),
            webhooks=dict(self.webhooks),
            webhook_attempts=list(self.webhook_attempts),
            api_keys=dict(self.api_keys),
            idempotency=dict(self.idempotency),
            rate_counters=dict(self.rate_counters),
        )


class _Transaction:
    """The state of one open unit of work, shared by its repositories."""

    def __init__(self, stores: Stores, write: bool) -> None:
        self.stores = stores
        self.write = write

    def check_write(self) -> None:
        if not self.write:
            raise RuntimeError("a change in a unit of work opened without write=True")


# ---- listing ---------------------------------------------------------------------------------


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _parse(value: str | None, kind: type) -> Any:
    if value is None:
        return None
    if kind is datetime:
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError("naive datetime")
        return parsed
    if kind is date:
        return date.fromisoformat(value)
    if kind is int:
        return int(value)
    return value


def _invalid_cursor() -> InvalidData:
    return InvalidData("the cursor is not valid for this list", [FieldProblem("cursor", "invalid")])


def _compare(a: tuple[Any, uuid.UUID], b: tuple[Any, uuid.UUID], descending: bool) -> int:
    """-1, 0 or 1: (value, id) pairs in the order nulls last, value, id."""
    (a_value, a_id), (b_value, b_id) = a, b
    if a_value is None and b_value is not None:
        return 1
    if b_value is None and a_value is not None:
        return -1
    sign = -1 if descending else 1
    if a_value is not None and a_value != b_value:
        return sign * (1 if a_value > b_value else -1)
    if a_id == b_id:
        return 0
    return sign * (1 if a_id > b_id else -1)


def paginate(
    items: Iterable[T],
    *,
    sort: Sort,
    kinds: dict[str, type],
    id_of: Callable[[T], uuid.UUID],
    page: PageRequest,
) -> Page[T]:
    """`items` sorted by `sort` (nulls last, then id), from after `page.after`."""
    if sort.field not in kinds:
        raise InvalidData(f"cannot sort by {sort.field!r}", [FieldProblem("sort", "unknown")])
    kind = kinds[sort.field]

    def key(item: T) -> tuple[Any, uuid.UUID]:
        return getattr(item, sort.field), id_of(item)

    def order(a: T, b: T) -> int:
        return _compare(key(a), key(b), sort.descending)

    ordered = sorted(items, key=functools.cmp_to_key(order))
    if page.after is not None:
        if page.after.sort != str(sort):
            raise _invalid_cursor()
        try:
            after = (_parse(page.after.value, kind), uuid.UUID(page.after.id))
        except ValueError as error:
            raise _invalid_cursor() from error
        ordered = [item for item in ordered if _compare(key(item), after, sort.descending) > 0]
    chosen = ordered[: page.limit]
    next_position = None
    if len(ordered) > page.limit and chosen:
        value, last_id = key(chosen[-1])
        next_position = Position(str(sort), _as_text(value), str(last_id))
    return Page(chosen, next_position)


# ---- repositories ----------------------------------------------------------------------------

CITY_SORT_KINDS: dict[str, type] = {
    "name": str,
    "country_code": str,
    "created_at": datetime,
    "updated_at": datetime,
}
PARTNERSHIP_SORT_KINDS: dict[str, type] = {
    "established_on": date,
    "created_at": datetime,
    "updated_at": datetime,
}


def city_search_text(city: City) -> str:
    return fold_for_search(" ".join([city.name, *city.names.values()]))


def partnership_search_text(partnership: Partnership) -> str:
    return fold_for_search(" ".join((partnership.description or {}).values()))


class FakeCityRepository:
    def __init__(self, transaction: _Transaction) -> None:
        self._tx = transaction

    @property
    def _cities(self) -> dict[uuid.UUID, City]:
        return self._tx.stores.cities

    def get(self, city_id: uuid.UUID) -> City | None:
        return self._cities.get(city_id)

    def find(
        self, name: str, country_code: str, visible: Collection[Visibility] | None = None
    ) -> City | None:
        found = [
            c
            for c in self._cities.values()
            if (c.name, c.country_code) == (name, country_code)
            and (visible is None or c.visibility in visible)
        ]
        return min(found, key=lambda c: (c.created_at, c.id)) if found else None

    def many(self, city_ids: Collection[uuid.UUID]) -> list[City]:
        return [self._cities[i] for i in city_ids if i in self._cities]

    def list_page(
        self, query: CityQuery, visible: Collection[Visibility], sort: Sort, page: PageRequest
    ) -> Page[City]:
        chosen = [
            c for c in self._cities.values() if c.visibility in visible and _city_matches(c, query)
        ]
        return paginate(chosen, sort=sort, kinds=CITY_SORT_KINDS, id_of=lambda c: c.id, page=page)

    def add(self, city: City) -> None:
        self._tx.check_write()
        if city.id in self._cities:
            raise ValueError(f"city {city.id} exists")
        self._cities[city.id] = city

    def update(self, city: City, expected_version: int) -> bool:
        self._tx.check_write()
        stored = self._cities.get(city.id)
        if stored is None or stored.version != expected_version:
            return False
        self._cities[city.id] = city
        return True

    def delete(self, city_id: uuid.UUID) -> None:
        self._tx.check_write()
        if self.reference_count(city_id):
            raise ValueError("foreign key: the city has partnerships")
        self._cities.pop(city_id, None)

    def reference_count(self, city_id: uuid.UUID) -> int:
        return sum(1 for p in self._tx.stores.partnerships.values() if city_id in _pair_of(p))


def _city_matches(city: City, query: CityQuery) -> bool:
    if query.country_code is not None and city.country_code != query.country_code:
        return False
    if query.global_south is not None and in_global_south(city.country_code) != (
        query.global_south
    ):
        return False
    if query.q and fold_query(query.q) not in city_search_text(city):
        return False
    return query.modified_since is None or city.updated_at >= query.modified_since


def _pair_of(partnership: Partnership) -> frozenset[uuid.UUID]:
    return frozenset({partnership.city_id, partnership.partner_city_id})


class FakePartnershipRepository:
    def __init__(self, transaction: _Transaction) -> None:
        self._tx = transaction

    @property
    def _stored(self) -> dict[uuid.UUID, Partnership]:
        return self._tx.stores.partnerships

    def _read(self, stored: Partnership) -> Partnership:
        """The partnership with its cities as they are now (the repository's join)."""
        cities = self._tx.stores.cities
        organisations = self._tx.stores.organisations
        return replace(
            stored,
            city=city_ref(cities[stored.city_id]),
            partner_city=city_ref(cities[stored.partner_city_id]),
            associations=tuple(organisation_ref(organisations[i]) for i in stored.association_ids),
        )

    def _all(self, visible: Collection[Visibility]) -> list[Partnership]:
        read = (self._read(p) for p in self._stored.values())
        return [
            p
            for p in read
            if p.visibility in visible
            and p.city.visibility in visible
            and p.partner_city.visibility in visible
        ]

    def many(self, record_ids: Collection[uuid.UUID]) -> list[Partnership]:
        return [found for i in record_ids if (found := self.get(i)) is not None]

    def get(self, partnership_id: uuid.UUID) -> Partnership | None:
        stored = self._stored.get(partnership_id)
        return self._read(stored) if stored is not None else None

    def reference_count(self, partnership_id: uuid.UUID) -> int:
        stores = self._tx.stores
        events = sum(1 for e in stores.events.values() if partnership_id in e.partnership_ids)
        trips = sum(1 for d in stores.delegations.values() if partnership_id in d.partnership_ids)
        return events + trips

    def find_pair(self, city_a: uuid.UUID, city_b: uuid.UUID) -> uuid.UUID | None:
        wanted = frozenset({city_a, city_b})
        return next((p.id for p in self._stored.values() if _pair_of(p) == wanted), None)

    def own_visibility(self, partnership_id: uuid.UUID) -> Visibility | None:
        found = self._stored.get(partnership_id)
        return found.visibility if found is not None else None

    def list_page(
        self,
        query: PartnershipQuery,
        visible: Collection[Visibility],
        sort: Sort,
        page: PageRequest,
    ) -> Page[Partnership]:
        chosen = [p for p in self._all(visible) if self._matches(p, query)]
        return paginate(
            chosen, sort=sort, kinds=PARTNERSHIP_SORT_KINDS, id_of=lambda p: p.id, page=page
        )

    def established_between(
        self,
        ranges: Collection[tuple[date, date]],
        visible: Collection[Visibility],
        city_id: uuid.UUID | None,
        *,
        not_ended_before: date,
        limit: int,
    ) -> list[Partnership]:
        found = [
            p
            for p in self._all(visible)
            if p.established_on is not None
            and any(start <= p.established_on <= end for start, end in ranges)
            and (city_id is None or city_id in _pair_of(p))
            and p.status != PartnershipStatus.ENDED
            and (p.ended_on is None or p.ended_on >= not_ended_before)
        ]
        return sorted(found, key=lambda p: (p.established_on or date.min, p.id))[:limit]

    def partners_of(
        self, city_id: uuid.UUID, visible: Collection[Visibility], limit: int
    ) -> list[PartnerOf]:
        mine = [p for p in self._all(visible) if city_id in _pair_of(p)]
        mine.sort(key=lambda p: (p.established_on is None, p.established_on or date.min, p.id))
        return [
            PartnerOf(
                partnership_id=p.id,
                partner_city_id=p.partner_city_id if p.city_id == city_id else p.city_id,
                kind=p.kind,
                status=p.status,
                established_on=p.established_on,
            )
            for p in mine[:limit]
        ]

    def add(self, partnership: Partnership) -> None:
        self._tx.check_write()
        if partnership.id in self._stored:
            raise ValueError(f"partnership {partnership.id} exists")
        self._check_cities(partnership)
        if self.find_pair(partnership.city_id, partnership.partner_city_id) is not None:
            raise DuplicatePartnership()  # the unique index on the ordered pair
        self._stored[partnership.id] = partnership

    def update(self, partnership: Partnership, expected_version: int) -> bool:
        self._tx.check_write()
        stored = self._stored.get(partnership.id)
        if stored is None or stored.version != expected_version:
            return False
        self._check_cities(partnership)
        existing = self.find_pair(partnership.city_id, partnership.partner_city_id)
        if existing is not None and existing != partnership.id:
            raise DuplicatePartnership()
        self._stored[partnership.id] = partnership
        return True

    def delete(self, partnership_id: uuid.UUID) -> None:
        self._tx.check_write()
        self._stored.pop(partnership_id, None)

    def _check_cities(self, partnership: Partnership) -> None:
        for city_id in (partnership.city_id, partnership.partner_city_id):
            if city_id not in self._tx.stores.cities:
                raise ValueError(f"foreign key: no city {city_id}")

    @staticmethod
    def _matches(p: Partnership, query: PartnershipQuery) -> bool:
        checks: list[bool] = []
        if query.kind is not None:
            checks.append(p.kind == query.kind)
        if query.status is not None:
            checks.append(p.status == query.status)
        if query.city_id is not None:
            checks.append(query.city_id in _pair_of(p))
        if query.country_code is not None:
            if query.city_id is not None:
                # The country of the city on the other side of `city_id`.
                other = p.partner_city if p.city_id == query.city_id else p.city
                checks.append(other.country_code == query.country_code)
            else:
                checks.append(p.partner_city.country_code == query.country_code)
        if query.established_from is not None:
            checks.append(
                p.established_on is not None and p.established_on >= query.established_from
            )
        if query.established_to is not None:
            checks.append(p.established_on is not None and p.established_on <= query.established_to)
        if query.sdg is not None:
            checks.append(query.sdg in p.sdgs)
        if query.field_of_action is not None:
            checks.append(query.field_of_action in p.fields_of_action)
        if query.q:
            term = fold_query(query.q)
            checks.append(
                term in partnership_search_text(p)
                or term in fold_for_search(" ".join([p.city.name, *p.city.names.values()]))
                or term
                in fold_for_search(" ".join([p.partner_city.name, *p.partner_city.names.values()]))
            )
        if query.modified_since is not None:
            checks.append(p.updated_at >= query.modified_since)
        return all(checks)


ORGANISATION_SORT_KINDS: dict[str, type] = {
    "name": str,
    "created_at": datetime,
    "updated_at": datetime,
}


class FakeRecords(Generic[T]):
    """get, add, update (version-checked) and delete over one store of records; `_read` adds
    what the real repository joins in."""

    def __init__(self, transaction: _Transaction) -> None:
        self._tx = transaction

    @property
    def _stored(self) -> dict[uuid.UUID, T]:
        raise NotImplementedError  # each fake names its store

    def _read(self, stored: T) -> T:
        return stored

    def get(self, record_id: uuid.UUID) -> T | None:
        stored = self._stored.get(record_id)
        return self._read(stored) if stored is not None else None

    def add(self, record: T) -> None:
        self._tx.check_write()
        self._stored[getattr(record, "id")] = record  # noqa: B009

    def update(self, record: T, expected_version: int) -> bool:
        self._tx.check_write()
        stored = self._stored.get(getattr(record, "id"))  # noqa: B009
        if stored is None or getattr(stored, "version") != expected_version:  # noqa: B009
            return False
        self._stored[getattr(record, "id")] = record  # noqa: B009
        return True

    def delete(self, record_id: uuid.UUID) -> None:
        self._tx.check_write()
        self._stored.pop(record_id, None)

    def many(self, record_ids: Collection[uuid.UUID]) -> list[T]:
        return [found for i in record_ids if (found := self.get(i)) is not None]


class FakeOrganisationRepository(FakeRecords[Organisation]):
    @property
    def _stored(self) -> dict[uuid.UUID, Organisation]:
        return self._tx.stores.organisations

    def _read(self, stored: Organisation) -> Organisation:
        cities = self._tx.stores.cities
        city = city_ref(cities[stored.city_id]) if stored.city_id is not None else None
        return replace(stored, city=city)

    def find_by_name(
        self, name: str, visible: Collection[Visibility] | None = None
    ) -> Organisation | None:
        found = [
            o
            for o in map(self._read, self._stored.values())
            if o.name == name
            and (
                visible is None
                or (o.visibility in visible and (o.city is None or o.city.visibility in visible))
            )
        ]
        return min(found, key=lambda o: (o.created_at, o.id)) if found else None

    def list_page(
        self,
        query: OrganisationQuery,
        visible: Collection[Visibility],
        sort: Sort,
        page: PageRequest,
    ) -> Page[Organisation]:
        chosen = [
            o
            for o in map(self._read, self._stored.values())
            if o.visibility in visible
            and (o.city is None or o.city.visibility in visible)
            and (query.kind is None or o.kind == query.kind)
            and (query.city_id is None or o.city_id == query.city_id)
            and (
                not query.q
                or fold_query(query.q)
                in fold_for_search(" ".join([o.name, *(o.description or {}).values()]))
            )
            and (query.modified_since is None or o.updated_at >= query.modified_since)
        ]
        return paginate(
            chosen, sort=sort, kinds=ORGANISATION_SORT_KINDS, id_of=lambda o: o.id, page=page
        )

    def delete(self, record_id: uuid.UUID) -> None:
        self._tx.check_write()
        if self.reference_count(record_id):
            raise ValueError("foreign key: a partnership names the organisation")
        self._stored.pop(record_id, None)

    def reference_count(self, organisation_id: uuid.UUID) -> int:
        return sum(
            1 for p in self._tx.stores.partnerships.values() if organisation_id in p.association_ids
        )


PERSON_SORT_KINDS: dict[str, type] = {"name": str, "created_at": datetime, "updated_at": datetime}


class FakePersonRepository(FakeRecords[Person]):
    @property
    def _stored(self) -> dict[uuid.UUID, Person]:
        return self._tx.stores.people

    def _read(self, stored: Person) -> Person:
        organisations = self._tx.stores.organisations
        organisation = (
            organisation_ref(organisations[stored.organisation_id])
            if stored.organisation_id is not None
            else None
        )
        return replace(stored, organisation=organisation)

    def find_by_name(self, name: str) -> Person | None:
        found = [p for p in self._stored.values() if p.name == name]
        return self._read(min(found, key=lambda p: (p.created_at, p.id))) if found else None

    def list_page(
        self, query: PersonQuery, visible: Collection[Visibility], sort: Sort, page: PageRequest
    ) -> Page[Person]:
        chosen = [
            p
            for p in map(self._read, self._stored.values())
            if p.visibility in visible
            and p.erased_on is None
            and (query.organisation_id is None or p.organisation_id == query.organisation_id)
            and (
                not query.q
                or fold_query(query.q) in fold_for_search(f"{p.name} {p.function or ''}")
            )
            and (query.modified_since is None or p.updated_at >= query.modified_since)
        ]
        return paginate(chosen, sort=sort, kinds=PERSON_SORT_KINDS, id_of=lambda p: p.id, page=page)

    def reference_count(self, person_id: uuid.UUID) -> int:
        return sum(
            1
            for n in self._tx.stores.networks.values()
            for seat in (n.membership.representatives if n.membership else ())
            if seat.person_id == person_id
        )

    def erase(self, person_id: uuid.UUID, erased_on: date, updated_at: datetime) -> None:
        self._tx.check_write()
        stored = self._stored[person_id]
        self._stored[person_id] = replace(
            stored,
            name="",
            function=None,
            organisation_id=None,
            email=None,
            phone=None,
            languages=(),
            consent_on=None,
            retain_until=None,
            notes=None,
            erased_on=erased_on,
            updated_at=updated_at,
            version=stored.version + 1,
        )


class FakeNetworkRepository(FakeRecords[Network]):
    """Networks as stored; only what the network service's tests need."""

    @property
    def _stored(self) -> dict[uuid.UUID, Network]:
        return self._tx.stores.networks

    def reference_count(self, network_id: uuid.UUID) -> int:
        return sum(1 for e in self._tx.stores.events.values() if network_id in e.network_ids)

    def find_by_name(self, name: str) -> Network | None:
        return next((n for n in self._stored.values() if n.name == name), None)

    def list_page(
        self, query: NetworkQuery, visible: Collection[Visibility], sort: Sort, page: PageRequest
    ) -> Page[Network]:
        chosen = [
            n
            for n in self._stored.values()
            if n.visibility in visible and (query.scope is None or n.scope == query.scope)
        ]
        return paginate(chosen, sort=sort, kinds=PERSON_SORT_KINDS, id_of=lambda n: n.id, page=page)


class FakeDelegationRepository(FakeRecords[Delegation]):
    """Delegations as stored; only what the delegation service's tests need."""

    @property
    def _stored(self) -> dict[uuid.UUID, Delegation]:
        return self._tx.stores.delegations

    def find_by_title(self, title_de: str) -> Delegation | None:
        return next((d for d in self._stored.values() if d.title.get("de") == title_de), None)

    def list_page(
        self,
        query: DelegationQuery,
        visible: Collection[Visibility],
        sort: Sort,
        page: PageRequest,
    ) -> Page[Delegation]:
        chosen = [d for d in self._stored.values() if d.visibility in visible]
        kinds: dict[str, type] = {"starts_on": date, "created_at": datetime, "updated_at": datetime}
        return paginate(chosen, sort=sort, kinds=kinds, id_of=lambda d: d.id, page=page)


class FakeEventRepository(FakeRecords[Event]):
    """Events as stored; only what the event service's tests need."""

    @property
    def _stored(self) -> dict[uuid.UUID, Event]:
        return self._tx.stores.events

    def reference_count(self, event_id: uuid.UUID) -> int:
        return sum(1 for d in self._tx.stores.delegations.values() if event_id in d.event_ids)

    def starting_at(self, starts_at: datetime) -> list[Event]:
        return [e for e in self._stored.values() if e.starts_at == starts_at]

    def list_page(
        self, query: EventQuery, visible: Collection[Visibility], sort: Sort, page: PageRequest
    ) -> Page[Event]:
        chosen = [e for e in self._stored.values() if e.visibility in visible]
        kinds: dict[str, type] = {
            "starts_at": datetime,
            "created_at": datetime,
            "updated_at": datetime,
        }
        return paginate(chosen, sort=sort, kinds=kinds, id_of=lambda e: e.id, page=page)


class FakeFundingProgrammeRepository(FakeRecords[FundingProgramme]):
    """Funding programmes as stored; only what the service's tests need."""

    @property
    def _stored(self) -> dict[uuid.UUID, FundingProgramme]:
        return self._tx.stores.funding_programmes

    def find_by_name(self, name: str) -> FundingProgramme | None:
        return next((p for p in self._stored.values() if p.name == name), None)

    def reference_count(self, programme_id: uuid.UUID) -> int:
        calls = self._tx.stores.funding_calls.values()
        applications = self._tx.stores.funding_applications.values()
        return sum(1 for c in calls if c.programme_id == programme_id) + sum(
            1 for a in applications if a.programme_id == programme_id
        )

    def list_page(
        self,
        query: FundingProgrammeQuery,
        visible: Collection[Visibility],
        sort: Sort,
        page: PageRequest,
    ) -> Page[FundingProgramme]:
        chosen = [p for p in self._stored.values() if p.visibility in visible]
        return paginate(chosen, sort=sort, kinds=PERSON_SORT_KINDS, id_of=lambda p: p.id, page=page)


class FakeFundingCallRepository(FakeRecords[FundingCall]):
    """Calls as stored; only what the service's tests need."""

    @property
    def _stored(self) -> dict[uuid.UUID, FundingCall]:
        return self._tx.stores.funding_calls

    def reference_count(self, call_id: uuid.UUID) -> int:
        applications = self._tx.stores.funding_applications.values()
        return sum(1 for a in applications if a.call_id == call_id)

    def list_page(
        self,
        query: FundingCallQuery,
        visible: Collection[Visibility],
        sort: Sort,
        page: PageRequest,
    ) -> Page[FundingCall]:
        chosen = [c for c in self._stored.values() if c.visibility in visible]
        kinds: dict[str, type] = {
            "deadline": datetime,
            "opens_on": date,
            "created_at": datetime,
            "updated_at": datetime,
        }
        return paginate(chosen, sort=sort, kinds=kinds, id_of=lambda c: c.id, page=page)


class FakeProjectRepository(FakeRecords[Project]):
    """Projects as stored; only what the service's tests need."""

    @property
    def _stored(self) -> dict[uuid.UUID, Project]:
        return self._tx.stores.projects

    def find_by_title(self, title_de: str) -> Project | None:
        return next((p for p in self._stored.values() if p.title.get("de") == title_de), None)

    def reference_count(self, project_id: uuid.UUID) -> int:
        stores = self._tx.stores
        return (
            sum(1 for a in stores.funding_applications.values() if a.project_id == project_id)
            + sum(1 for e in stores.events.values() if project_id in e.project_ids)
            + sum(1 for d in stores.delegations.values() if project_id in d.project_ids)
        )

    def list_page(
        self, query: ProjectQuery, visible: Collection[Visibility], sort: Sort, page: PageRequest
    ) -> Page[Project]:
        chosen = [p for p in self._stored.values() if p.visibility in visible]
        kinds: dict[str, type] = {"starts_on": date, "created_at": datetime, "updated_at": datetime}
        return paginate(chosen, sort=sort, kinds=kinds, id_of=lambda p: p.id, page=page)


class FakeContributionRepository(FakeRecords[Contribution]):
    @property
    def _stored(self) -> dict[uuid.UUID, Contribution]:
        return self._tx.stores.contributions

    def list_page(
        self,
        query: ContributionQuery,
        visible: Collection[Visibility],
        sort: Sort,
        page: PageRequest,
    ) -> Page[Contribution]:
        chosen = [
            c
            for c in self._stored.values()
            if c.visibility in visible
            and (query.organisation_id is None or c.organisation_id == query.organisation_id)
            and (query.kind is None or c.kind == query.kind)
            and (query.status is None or c.status == query.status)
        ]
        kinds: dict[str, type] = {"created_at": datetime, "updated_at": datetime}
        return paginate(chosen, sort=sort, kinds=kinds, id_of=lambda c: c.id, page=page)


class FakeNewsRepository(FakeRecords[News]):
    @property
    def _stored(self) -> dict[uuid.UUID, News]:
        return self._tx.stores.news

    def list_page(
        self, query: NewsQuery, visible: Collection[Visibility], sort: Sort, page: PageRequest
    ) -> Page[News]:
        links = query.links()
        chosen = [
            n
            for n in self._stored.values()
            if n.visibility in visible
            and (query.author_id is None or n.author_id == query.author_id)
            and all(record_id in getattr(n, field) for field, record_id in links.items())
        ]
        kinds: dict[str, type] = {
            "published_at": datetime,
            "created_at": datetime,
            "updated_at": datetime,
        }
        return paginate(chosen, sort=sort, kinds=kinds, id_of=lambda n: n.id, page=page)


class FakeCooperationOfferRepository(FakeRecords[CooperationOffer]):
    @property
    def _stored(self) -> dict[uuid.UUID, CooperationOffer]:
        return self._tx.stores.cooperation_offers

    def list_page(
        self,
        query: CooperationOfferQuery,
        visible: Collection[Visibility],
        sort: Sort,
        page: PageRequest,
    ) -> Page[CooperationOffer]:
        chosen = [
            o
            for o in self._stored.values()
            if o.visibility in visible
            and (query.direction is None or o.direction == query.direction)
            and (query.organisation_id is None or o.organisation_id == query.organisation_id)
        ]
        kinds: dict[str, type] = {"created_at": datetime, "updated_at": datetime}
        return paginate(chosen, sort=sort, kinds=kinds, id_of=lambda o: o.id, page=page)


class FakeCallSubscriptionRepository(FakeRecords[CallSubscription]):
    @property
    def _stored(self) -> dict[uuid.UUID, CallSubscription]:
        return self._tx.stores.call_subscriptions

    def list_page(
        self,
        query: CallSubscriptionQuery,
        visible: Collection[Visibility],
        sort: Sort,
        page: PageRequest,
    ) -> Page[CallSubscription]:
        chosen = [
            s
            for s in self._stored.values()
            if query.organisation_id is None or s.organisation_id == query.organisation_id
        ]
        kinds: dict[str, type] = {"created_at": datetime, "updated_at": datetime}
        return paginate(chosen, sort=sort, kinds=kinds, id_of=lambda s: s.id, page=page)

    def add_alerts(self, due: Sequence[tuple[uuid.UUID, uuid.UUID, AlertKind]]) -> int:
        self._tx.check_write()
        stored = self._tx.stores.call_alerts
        new = [key for key in dict.fromkeys(due) if key not in stored]
        for key in new:
            stored[key] = datetime.now().astimezone()
        return len(new)

    def alerts(
        self, subscription_id: uuid.UUID, limit: int
    ) -> list[tuple[uuid.UUID, uuid.UUID, AlertKind, datetime]]:
        found = [
            (uuid.uuid5(uuid.NAMESPACE_OID, str(key)), key[1], key[2], at)
            for key, at in self._tx.stores.call_alerts.items()
            if key[0] == subscription_id
        ]
        return sorted(found, key=lambda a: a[3], reverse=True)[:limit]


class FakeAttachmentRepository(FakeRecords[Attachment]):
    @property
    def _stored(self) -> dict[uuid.UUID, Attachment]:
        return self._tx.stores.attachments

    def of(self, owner_type: str, owner_id: uuid.UUID) -> list[Attachment]:
        return [
            a
            for a in self._stored.values()
            if a.owner_type == owner_type and a.owner_id == owner_id
        ]

    def delete_of(self, owner_type: str, owner_id: uuid.UUID) -> list[str]:
        gone = self.of(owner_type, owner_id)
        for attachment in gone:
            self.delete(attachment.id)
        return [a.sha256 for a in gone]

    def in_use(self, digest: str) -> bool:
        return any(a.sha256 == digest for a in self._stored.values())


class FakeFundingApplicationRepository(FakeRecords[FundingApplication]):
    """Applications as stored; only what the service's tests need."""

    @property
    def _stored(self) -> dict[uuid.UUID, FundingApplication]:
        return self._tx.stores.funding_applications

    def for_project(self, project_id: uuid.UUID) -> list[FundingApplication]:
        found = [a for a in self._stored.values() if a.project_id == project_id]
        return sorted(found, key=lambda a: (a.created_at, a.id))

    def find_by_title(self, title: str) -> FundingApplication | None:
        return next((a for a in self._stored.values() if a.title == title), None)

    def list_page(
        self,
        query: FundingApplicationQuery,
        visible: Collection[Visibility],
        sort: Sort,
        page: PageRequest,
    ) -> Page[FundingApplication]:
        chosen = [
            a
            for a in self._stored.values()
            if a.visibility in visible
            and (query.status is None or a.status == query.status)
            and (
                query.reports_overdue is None
                or query.today is None
                or a.reports_overdue_on(query.today) == query.reports_overdue
            )
        ]
        kinds: dict[str, type] = {
            "decided_on": date,
            "created_at": datetime,
            "updated_at": datetime,
        }
        return paginate(chosen, sort=sort, kinds=kinds, id_of=lambda a: a.id, page=page)


class FakeWebhookRepository:
    def __init__(self, transaction: _Transaction) -> None:
        self._tx = transaction

    def add(self, subscription: WebhookSubscription) -> None:
        self._tx.check_write()
        self._tx.stores.webhooks[subscription.id] = subscription

    def get(self, webhook_id: uuid.UUID) -> WebhookSubscription | None:
        return self._tx.stores.webhooks.get(webhook_id)

    def all(self) -> list[WebhookSubscription]:
        return sorted(self._tx.stores.webhooks.values(), key=lambda s: s.created_at)

    def delete(self, webhook_id: uuid.UUID) -> None:
        self._tx.check_write()
        self._tx.stores.webhooks.pop(webhook_id, None)

    def due(self, now: datetime, limit: int) -> list[WebhookSubscription]:
        return [
            s
            for s in self.all()
            if s.active and (s.next_attempt_at is None or s.next_attempt_at <= now)
        ][:limit]

    def save_progress(self, subscription: WebhookSubscription) -> None:
        self.add(subscription)

    def log(self, attempt: DeliveryAttempt) -> None:
        self._tx.check_write()
        self._tx.stores.webhook_attempts.append(attempt)

    def attempts(self, webhook_id: uuid.UUID, limit: int) -> list[DeliveryAttempt]:
        found = [a for a in self._tx.stores.webhook_attempts if a.webhook_id == webhook_id]
        return list(reversed(found))[:limit]


class FakeChangeLog:
    def __init__(self, transaction: _Transaction) -> None:
        self._tx = transaction

    def record(
        self,
        record_type: str,
        record_id: uuid.UUID,
        operation: ChangeOperation,
        visibility_before: Visibility | None,
        visibility_after: Visibility | None,
        at: datetime,
    ) -> None:
        self._tx.check_write()
        seq = len(self._tx.stores.changes) + 1
        self._tx.stores.changes.append(
            Change(
                seq=seq,
                at=at,
                record_type=record_type,
                record_id=record_id,
                operation=operation,
                visibility_before=visibility_before,
                visibility_after=visibility_after,
            )
        )

    def newest(self) -> int:
        return len(self._tx.stores.changes)

    def latest(self) -> tuple[int, datetime] | None:
        last = self._tx.stores.changes[-1] if self._tx.stores.changes else None
        return (last.seq, last.at) if last is not None else None

    def marks(self, keys: Collection[str]) -> dict[str, tuple[int, datetime]]:
        found: dict[str, tuple[int, datetime]] = {}
        for c in self._tx.stores.changes:
            for kind in kinds_of(c.record_type, c.visibility_before, c.visibility_after):
                found[kind] = (c.seq, c.at)
        return {key: found[key] for key in keys if key in found}

    def since(self, seq: int, visible: Collection[Visibility], limit: int) -> list[Change]:
        return [
            c
            for c in self._tx.stores.changes
            if c.seq > seq and (c.visibility_before in visible or c.visibility_after in visible)
        ][:limit]


class FakeSearchIndex:
    """Every term must begin a word of the entry's folded text; ranked by how many do."""

    def __init__(self, transaction: _Transaction) -> None:
        self._tx = transaction

    def put(self, entry: SearchEntry, *, new: bool = False) -> None:
        self._tx.check_write()
        key = (entry.record_type, entry.record_id)
        if new and key in self._tx.stores.search:
            raise RuntimeError(f"{key} has an entry already (the table's key would refuse it)")
        self._tx.stores.search[key] = entry

    def remove(self, record_type: str, record_id: uuid.UUID) -> None:
        self._tx.check_write()
        self._tx.stores.search.pop((record_type, record_id), None)

    def search(
        self,
        terms: Sequence[str],
        visible: frozenset[Visibility],
        record_types: Sequence[str],
        limit: int,
    ) -> list[tuple[SearchEntry, float]]:
        found = []
        for entry in self._tx.stores.search.values():
            if entry.visibility not in visible or entry.record_type not in record_types:
                continue
            words = entry.folded.split()
            hits = [sum(w.startswith(t) for w in words) for t in terms]
            if all(hits):
                found.append((entry, float(sum(hits))))
        found.sort(key=lambda pair: (-pair[1], str(pair[0].record_id)))
        return found[:limit]


class FakeAuditRepository:
    def __init__(self, transaction: _Transaction) -> None:
        self._tx = transaction

    def add(self, entry: AuditEntry) -> None:
        self._tx.check_write()
        self._tx.stores.audit.append(entry)

    def list_page(
        self, query: AuditQuery, visible: frozenset[Visibility], sort: Sort, page: PageRequest
    ) -> Page[AuditEntry]:
        chosen = [
            e
            for e in self._tx.stores.audit
            if e.visibility in visible
            and (query.record_id is None or e.record_id == query.record_id)
            and (query.record_type is None or e.record_type == query.record_type)
        ]
        kinds: dict[str, type] = {"at": datetime}
        return paginate(chosen, sort=sort, kinds=kinds, id_of=lambda e: e.id, page=page)

    def tighten(self, record_type: str, record_id: uuid.UUID, visibility: Visibility) -> None:
        self._tx.check_write()
        entries = self._tx.stores.audit
        for i, e in enumerate(entries):
            if (e.record_type, e.record_id) == (record_type, record_id):
                entries[i] = replace(e, visibility=strictest(e.visibility, visibility))

    def scrub(self, record_type: str, record_id: uuid.UUID, left: Mapping[str, Any]) -> int:
        self._tx.check_write()
        entries = self._tx.stores.audit
        found = [
            i
            for i, e in enumerate(entries)
            if (e.record_type, e.record_id) == (record_type, record_id)
        ]
        for i in found:
            entries[i] = replace(entries[i], before=dict(left), after=dict(left))
        return len(found)


class FakeApiKeyRepository:
    def __init__(self, transaction: _Transaction) -> None:
        self._tx = transaction

    def by_prefix(self, prefix: str) -> StoredApiKey | None:
        return self._tx.stores.api_keys.get(prefix)

    def add(self, key: StoredApiKey) -> None:
        self._tx.check_write()
        if key.prefix in self._tx.stores.api_keys:
            raise ValueError(f"an API key with prefix {key.prefix} exists")
        self._tx.stores.api_keys[key.prefix] = key


class FakeRateCounterRepository:
    def __init__(self, transaction: _Transaction) -> None:
        self._tx = transaction

    def hit(self, bucket: str, window_start: int) -> int:
        self._tx.check_write()
        counters = self._tx.stores.rate_counters
        counters[bucket, window_start] = counters.get((bucket, window_start), 0) + 1
        return counters[bucket, window_start]

    def forget_before(self, window_start: int) -> int:
        self._tx.check_write()
        counters = self._tx.stores.rate_counters
        old = [slot for slot in counters if slot[1] < window_start]
        for slot in old:
            del counters[slot]
        return len(old)


class FakeIdempotencyRepository:
    def __init__(self, transaction: _Transaction) -> None:
        self._tx = transaction

    @property
    def _stored(self) -> dict[tuple[str, str], StoredResponse]:
        return self._tx.stores.idempotency

    def get(self, principal: str, key: str, not_before: datetime) -> StoredResponse | None:
        stored = self._stored.get((principal, key))
        return stored if stored is not None and stored.created_at >= not_before else None

    def add(self, response: StoredResponse) -> None:
        self._tx.check_write()
        slot = (response.principal, response.key)
        if slot in self._stored:
            raise IdempotencyKeyInUse()
        self._stored[slot] = response

    def forget(self, text: str) -> int:
        self._tx.check_write()
        mentioning = [slot for slot, r in self._stored.items() if text.encode() in r.body]
        for slot in mentioning:
            del self._stored[slot]
        return len(mentioning)

    def purge(self, before: datetime) -> int:
        self._tx.check_write()
        old = [slot for slot, r in self._stored.items() if r.created_at < before]
        for slot in old:
            del self._stored[slot]
        return len(old)


# ---- unit of work ----------------------------------------------------------------------------


class FakeUnitOfWork:
    """Implements domain.ports.UnitOfWork over the factory's stores."""

    def __init__(self, factory: FakeUnitOfWorkFactory, *, write: bool = False) -> None:
        self._factory = factory
        self.write = write
        self._tx: _Transaction | None = None

    def _open(self) -> _Transaction:
        if self._tx is None:
            raise RuntimeError("a repository used outside the unit of work's block")
        return self._tx

    @property
    def cities(self) -> FakeCityRepository:
        return FakeCityRepository(self._open())

    @property
    def partnerships(self) -> FakePartnershipRepository:
        return FakePartnershipRepository(self._open())

    @property
    def organisations(self) -> FakeOrganisationRepository:
        return FakeOrganisationRepository(self._open())

    @property
    def people(self) -> FakePersonRepository:
        return FakePersonRepository(self._open())

    @property
    def networks(self) -> FakeNetworkRepository:
        return FakeNetworkRepository(self._open())

    @property
    def delegations(self) -> FakeDelegationRepository:
        return FakeDelegationRepository(self._open())

    @property
    def events(self) -> FakeEventRepository:
        return FakeEventRepository(self._open())

    @property
    def funding_programmes(self) -> FakeFundingProgrammeRepository:
        return FakeFundingProgrammeRepository(self._open())

    @property
    def funding_calls(self) -> FakeFundingCallRepository:
        return FakeFundingCallRepository(self._open())

    @property
    def funding_applications(self) -> FakeFundingApplicationRepository:
        return FakeFundingApplicationRepository(self._open())

    @property
    def projects(self) -> FakeProjectRepository:
        return FakeProjectRepository(self._open())

    @property
    def contributions(self) -> FakeContributionRepository:
        return FakeContributionRepository(self._open())

    @property
    def news(self) -> FakeNewsRepository:
        return FakeNewsRepository(self._open())

    @property
    def cooperation_offers(self) -> FakeCooperationOfferRepository:
        return FakeCooperationOfferRepository(self._open())

    @property
    def call_subscriptions(self) -> FakeCallSubscriptionRepository:
        return FakeCallSubscriptionRepository(self._open())

    @property
    def attachments(self) -> FakeAttachmentRepository:
        return FakeAttachmentRepository(self._open())

    @property
    def audit(self) -> FakeAuditRepository:
        return FakeAuditRepository(self._open())

    @property
    def search(self) -> FakeSearchIndex:
        return FakeSearchIndex(self._open())

    @property
    def changes(self) -> FakeChangeLog:
        return FakeChangeLog(self._open())

    @property
    def webhooks(self) -> FakeWebhookRepository:
        return FakeWebhookRepository(self._open())

    @property
    def api_keys(self) -> FakeApiKeyRepository:
        return FakeApiKeyRepository(self._open())

    @property
    def idempotency(self) -> FakeIdempotencyRepository:
        return FakeIdempotencyRepository(self._open())

    @property
    def rate_counters(self) -> FakeRateCounterRepository:
        return FakeRateCounterRepository(self._open())

    def __enter__(self) -> Self:
        if self._tx is not None:
            raise RuntimeError("the unit of work is already open")
        self._tx = _Transaction(self._factory.stores.copy(), self.write)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._tx = None  # what was not committed is gone

    def commit(self) -> None:
        tx = self._open()
        self._factory.stores = tx.stores
        self._factory.commits += 1
        tx.stores = tx.stores.copy()  # later changes in the block need another commit

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        tx = self._open()
        saved = tx.stores.copy()
        try:
            yield
        except BaseException:
            tx.stores = saved
            raise


class FakeUnitOfWorkFactory:
    """Implements domain.ports.UnitOfWorkFactory; `stores` holds what is committed."""

    def __init__(self) -> None:
        self.stores = Stores()
        self.commits = 0
        self.opened: list[bool] = []  # the `write` flag of every unit of work opened

    def __call__(self, *, write: bool = False) -> FakeUnitOfWork:
        self.opened.append(write)
        return FakeUnitOfWork(self, write=write)


# mypy checks here that the fakes match the ports.
_check: UnitOfWorkFactory = FakeUnitOfWorkFactory()
