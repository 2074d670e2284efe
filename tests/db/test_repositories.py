"""The SQL repositories on SQLite and PostgreSQL: keyset pages, filters, visibility, pairs."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine

from urbandiplo.db.uow import SqlUnitOfWorkFactory
from urbandiplo.domain.access import EVERYTHING, PUBLIC_ONLY, SYSTEM
from urbandiplo.domain.cities import City, CityFields, CityQuery, CityService, HomeCity
from urbandiplo.domain.errors import DuplicatePartnership
from urbandiplo.domain.listing import PageRequest, Sort
from urbandiplo.domain.partnerships import (
    Partnership,
    PartnershipFields,
    PartnershipKind,
    PartnershipQuery,
    PartnershipService,
)
from urbandiplo.domain.taxonomies import FieldOfAction
from urbandiplo.domain.values import I18nText, Visibility


@pytest.fixture
def uow(db: Engine) -> SqlUnitOfWorkFactory:
    return SqlUnitOfWorkFactory(db)


@pytest.fixture
def cities(uow: SqlUnitOfWorkFactory) -> CityService:
    return CityService(uow, HomeCity("Köln", "DE"))


@pytest.fixture
def partnerships(uow: SqlUnitOfWorkFactory, cities: CityService) -> PartnershipService:
    return PartnershipService(uow, HomeCity("Köln", "DE"))


def city(service: CityService, name: str, country: str, **fields: object) -> City:
    return service.create(SYSTEM, CityFields(name=name, country_code=country, **fields))  # type: ignore[arg-type]


def partnership(service: PartnershipService, a: City, b: City, **fields: object) -> Partnership:
    values: dict[str, object] = {"kind": PartnershipKind.TWINNING, **fields}
    return service.create(
        SYSTEM,
        PartnershipFields(city_id=a.id, partner_city_id=b.id, **values),  # type: ignore[arg-type]
    )


def walk(
    uow: SqlUnitOfWorkFactory, query: PartnershipQuery, sort: Sort, limit: int
) -> list[uuid.UUID]:
    """Every id of a list, page by page."""
    seen: list[uuid.UUID] = []
    after = None
    while True:
        with uow() as work:
            page = work.partnerships.list_page(query, EVERYTHING, sort, PageRequest(limit, after))
        seen.extend(p.id for p in page.items)
        if page.next is None:
            return seen
        after = page.next


def test_keyset_pages_cover_every_row_once_with_nulls_and_ties(
    uow: SqlUnitOfWorkFactory, cities: CityService, partnerships: PartnershipService
) -> None:
    home = city(cities, "Köln", "DE")
    created = []
    for i in range(23):
        other = city(cities, f"Stadt {i}", "FR")
        # Ties (three per date) and empty dates, which sort last.
        established = None if i % 5 == 0 else date(1990, 1, 1) + timedelta(days=i // 3)
        created.append(partnership(partnerships, home, other, established_on=established))
    by_id = {p.id: p for p in created}
    for sort in (Sort("established_on"), Sort("established_on", descending=True)):
        ids = walk(uow, PartnershipQuery(), sort, limit=4)
        assert sorted(ids) == sorted(by_id), sort
        dates = [by_id[i].established_on for i in ids]
        known = [d for d in dates if d is not None]
        assert known == sorted(known, reverse=sort.descending), sort
        assert dates[len(known) :] == [None] * (len(dates) - len(known)), "empty dates last"
    by_creation = walk(uow, PartnershipQuery(), Sort("created_at"), limit=4)
    assert by_creation == [p.id for p in created]


def test_filters(
    uow: SqlUnitOfWorkFactory, cities: CityService, partnerships: PartnershipService
) -> None:
    home = city(cities, "Köln", "DE", names={"de": "Köln", "en": "Cologne"})
    cluj = city(cities, "Cluj-Napoca", "RO", names={"de": "Klausenburg"})
    kyoto = city(cities, "Kyoto", "JP")
    secret = city(cities, "Geheimstadt", "FR", visibility=Visibility.INTERNAL)
    with_cluj = partnership(
        partnerships,
        home,
        cluj,
        established_on=date(1976, 5, 1),
        sdgs=(4, 11),
        fields_of_action=(FieldOfAction.CITY_DIPLOMACY,),
        description=I18nText({"de": "Partnerschaft mit Straßenfest"}),
    )
    with_kyoto = partnership(partnerships, kyoto, home, established_on=date(1962, 1, 1))
    hidden = partnership(partnerships, home, secret)
    between = partnership(partnerships, cluj, kyoto, kind=PartnershipKind.CONTACT)

    def ids(query: PartnershipQuery, visible: frozenset[Visibility] = EVERYTHING) -> set[uuid.UUID]:
        with uow() as work:
            page = work.partnerships.list_page(query, visible, Sort("created_at"), PageRequest(50))
        return {p.id for p in page.items}

    assert ids(PartnershipQuery(city_id=home.id)) == {with_cluj.id, with_kyoto.id, hidden.id}
    assert ids(PartnershipQuery(city_id=home.id, country_code="JP")) == {with_kyoto.id}
    assert ids(PartnershipQuery(country_code="JP")) == {between.id}
    assert ids(PartnershipQuery(kind=PartnershipKind.CONTACT)) == {between.id}
    assert ids(PartnershipQuery(sdg=11)) == {with_cluj.id}
    assert ids(PartnershipQuery(field_of_action=FieldOfAction.CITY_DIPLOMACY)) == {with_cluj.id}
    assert ids(PartnershipQuery(established_from=date(1970, 1, 1))) == {with_cluj.id}
    assert ids(PartnershipQuery(established_to=date(1970, 1, 1))) == {with_kyoto.id}
    # Text: umlauts and ß match their transliterations, exonyms count.
    assert ids(PartnershipQuery(q="koeln")) == {with_cluj.id, with_kyoto.id, hidden.id}
    assert ids(PartnershipQuery(q="Klausenburg")) == {with_cluj.id, between.id}
    assert ids(PartnershipQuery(q="strassenfest")) == {with_cluj.id}
    assert ids(PartnershipQuery(q="100%_")) == set()
    # A partnership with a hidden city is hidden, and a filter cannot find it.
    assert hidden.id not in ids(PartnershipQuery(), PUBLIC_ONLY)
    assert ids(PartnershipQuery(q="Geheimstadt"), PUBLIC_ONLY) == set()
    later = partnerships.get(SYSTEM, between.id).updated_at
    assert ids(PartnershipQuery(modified_since=later)) == {between.id}
    # A city renamed since then changes the partnerships that show it, on either side.
    renamed = cities.update(SYSTEM, kyoto.id, {"name": "Kyōto"}).updated_at
    assert ids(PartnershipQuery(modified_since=renamed)) == {with_kyoto.id, between.id}
    assert ids(PartnershipQuery(modified_since=renamed, kind=PartnershipKind.CONTACT)) == {
        between.id
    }


def test_pair_is_one_whichever_way_round(
    uow: SqlUnitOfWorkFactory, cities: CityService, partnerships: PartnershipService
) -> None:
    a, b = city(cities, "Köln", "DE"), city(cities, "Lille", "FR")
    first = partnership(partnerships, a, b)
    with uow() as work:
        assert work.partnerships.find_pair(b.id, a.id) == first.id
    with pytest.raises(DuplicatePartnership):
        partnership(partnerships, b, a)


def test_city_list_filters_and_global_south(uow: SqlUnitOfWorkFactory, cities: CityService) -> None:
    city(cities, "Corinto", "NI")
    city(cities, "Köln", "DE")
    with uow() as work:
        south = work.cities.list_page(
            CityQuery(global_south=True), EVERYTHING, Sort("name"), PageRequest(10)
        )
        by_country = work.cities.list_page(
            CityQuery(country_code="DE"), EVERYTHING, Sort("name"), PageRequest(10)
        )
    assert [c.name for c in south.items] == ["Corinto"]
    assert south.items[0].global_south
    assert [c.name for c in by_country.items] == ["Köln"]


def test_a_window_reads_running_events_then_starting_ones_in_one_order(
    uow: SqlUnitOfWorkFactory,
) -> None:
    """From a day on, events come as two ranges (running at its start, then starting in the
    window); pages in either direction give the one order and cross between the ranges."""
    from datetime import UTC, datetime

    from urbandiplo.domain.events import EventFields, EventKind, EventQuery, EventService

    service = EventService(uow)
    start = datetime(2025, 11, 30, 23, tzinfo=UTC)  # 1 December in Köln
    spans = {
        "ended the day before": (start - timedelta(days=2), start - timedelta(days=1)),
        "ends exactly at the start": (start - timedelta(days=1), start),
        "exhibition since October": (start - timedelta(days=50), start + timedelta(days=10)),
        "conference over the first": (start - timedelta(hours=3), start + timedelta(hours=5)),
        "tie with the conference": (start - timedelta(hours=3), start + timedelta(hours=1)),
        "at the start": (start, start + timedelta(hours=2)),
        "without an end, at the start": (start, None),
        **{
            f"december {i}": (start + timedelta(days=i % 7), start + timedelta(days=i % 7, hours=1))
            for i in range(9)
        },
        "january": (start + timedelta(days=40), start + timedelta(days=41)),
    }
    created = {
        service.create(
            SYSTEM,
            EventFields(
                title=I18nText({"de": title}), kind=EventKind.CONFERENCE, starts_at=s, ends_at=e
            ),
        ).id: (title, s, e)
        for title, (s, e) in spans.items()
    }
    query = EventQuery(from_=date(2025, 12, 1), to=date(2025, 12, 31))
    begins, ends = query.window()  # the days in the home time zone: from 23:00 UTC
    assert begins is not None
    assert ends is not None
    expected = sorted(
        (s, i)
        for i, (_title, s, e) in created.items()
        if s < ends and ((e or s) > begins or s >= begins)
    )
    assert len(expected) == 14  # not the two over by the start, nor January
    for descending in (False, True):
        for limit in (1, 2, 3, 50):
            seen: list[uuid.UUID] = []
            after = None
            while True:
                with uow() as work:
                    page = work.events.list_page(
                        query, EVERYTHING, Sort("starts_at", descending), PageRequest(limit, after)
                    )
                seen.extend(e.id for e in page.items)
                if page.next is None:
                    break
                after = page.next
            order = [i for _s, i in (reversed(expected) if descending else expected)]
            assert seen == order, (descending, limit, [created[i][0] for i in seen])
