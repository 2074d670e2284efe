"""The fakes behave like the SQL unit of work where the services can tell; otherwise the
service tests would prove nothing."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from tests.unit.fakes import FakeUnitOfWorkFactory
from tests.unit.support import add_city, add_partnership
from urbandiplo.domain.access import ANONYMOUS, SYSTEM, Principal
from urbandiplo.domain.cities import City, CityQuery, CityService
from urbandiplo.domain.errors import InvalidData
from urbandiplo.domain.listing import PageRequest, Position, Sort
from urbandiplo.domain.partnerships import (
    PartnershipFields,
    PartnershipKind,
    PartnershipQuery,
    PartnershipService,
)
from urbandiplo.domain.values import Visibility

NOW = datetime(2025, 1, 1, tzinfo=UTC)


def city(name: str, country_code: str = "FR") -> City:
    return City(
        id=uuid.uuid4(),
        name=name,
        country_code=country_code,
        created_at=NOW,
        updated_at=NOW,
        version=1,
    )


def test_committed_changes_are_seen_by_later_units_of_work(
    uow_factory: FakeUnitOfWorkFactory,
) -> None:
    lyon = city("Lyon")
    with uow_factory(write=True) as uow:
        uow.cities.add(lyon)
        uow.commit()
    with uow_factory() as uow:
        assert uow.cities.get(lyon.id) == lyon
    assert uow_factory.commits == 1


def test_leaving_without_commit_discards_changes(uow_factory: FakeUnitOfWorkFactory) -> None:
    lyon = city("Lyon")
    with uow_factory(write=True) as uow:
        uow.cities.add(lyon)
        assert uow.cities.get(lyon.id) == lyon  # seen inside the transaction
    with uow_factory() as uow:
        assert uow.cities.get(lyon.id) is None


def test_an_exception_discards_changes(uow_factory: FakeUnitOfWorkFactory) -> None:
    lyon = city("Lyon")

    def add_then_fail() -> None:
        with uow_factory(write=True) as uow:
            uow.cities.add(lyon)
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        add_then_fail()
    with uow_factory() as uow:
        assert uow.cities.get(lyon.id) is None


def test_changes_after_a_commit_need_another_commit(uow_factory: FakeUnitOfWorkFactory) -> None:
    lyon, nice = city("Lyon"), city("Nice")
    with uow_factory(write=True) as uow:
        uow.cities.add(lyon)
        uow.commit()
        uow.cities.add(nice)
    with uow_factory() as uow:
        assert uow.cities.get(lyon.id) == lyon
        assert uow.cities.get(nice.id) is None


def test_uncommitted_changes_are_not_seen_by_another_unit_of_work(
    uow_factory: FakeUnitOfWorkFactory,
) -> None:
    lyon = city("Lyon")
    with uow_factory(write=True) as writer:
        writer.cities.add(lyon)
        with uow_factory() as reader:
            assert reader.cities.get(lyon.id) is None


def test_changing_data_needs_a_write_unit_of_work(uow_factory: FakeUnitOfWorkFactory) -> None:
    with uow_factory() as uow, pytest.raises(RuntimeError, match="write=True"):
        uow.cities.add(city("Lyon"))


def test_repositories_only_inside_the_block(uow_factory: FakeUnitOfWorkFactory) -> None:
    uow = uow_factory(write=True)
    with pytest.raises(RuntimeError):
        _ = uow.cities
    with pytest.raises(RuntimeError):
        uow.commit()


def test_update_checks_the_version(uow_factory: FakeUnitOfWorkFactory) -> None:
    lyon = city("Lyon")
    with uow_factory(write=True) as uow:
        uow.cities.add(lyon)
        renamed = replace(lyon, name="Lyons", version=2)
        assert not uow.cities.update(renamed, expected_version=2)
        assert uow.cities.get(lyon.id) == lyon
        assert uow.cities.update(renamed, expected_version=1)
        assert uow.cities.get(lyon.id) == renamed


def test_city_pages_in_name_order(cities: CityService) -> None:
    for name in ["Nice", "Lyon", "Brest", "Metz", "Caen"]:
        add_city(cities, name, "FR")
    sort = Sort("name")
    seen: list[str] = []
    after: Position | None = None
    for _ in range(10):
        page = cities.list_page(SYSTEM, CityQuery(), sort, PageRequest(limit=2, after=after))
        seen.extend(c.name for c in page.items)
        if page.next is None:
            break
        assert page.next.sort == "name"
        assert page.next.value == page.items[-1].name
        assert page.next.id == str(page.items[-1].id)
        after = page.next
    assert seen == ["Brest", "Caen", "Lyon", "Metz", "Nice"]
    descending = cities.list_page(SYSTEM, CityQuery(), Sort("name", True), PageRequest(limit=3))
    assert [c.name for c in descending.items] == ["Nice", "Metz", "Lyon"]
    assert descending.next is not None


def test_last_page_has_no_next_position(cities: CityService) -> None:
    add_city(cities, "Lyon", "FR")
    add_city(cities, "Nice", "FR")
    page = cities.list_page(SYSTEM, CityQuery(), Sort("name"), PageRequest(limit=2))
    assert len(page.items) == 2
    assert page.next is None


def test_cursor_of_another_sort_is_refused(cities: CityService) -> None:
    add_city(cities, "Lyon", "FR")
    wrong = Position("-name", "Lyon", str(uuid.uuid4()))
    with pytest.raises(InvalidData):
        cities.list_page(SYSTEM, CityQuery(), Sort("name"), PageRequest(after=wrong))


def test_city_filters(cities: CityService) -> None:
    add_city(cities, "Köln", "DE", names={"en": "Cologne"})
    add_city(cities, "Managua", "NI")
    add_city(cities, "Lyon", "FR", visibility=Visibility.INTERNAL)

    def names(query: CityQuery, principal: Principal = SYSTEM) -> list[str]:
        page = cities.list_page(principal, query, Sort("name"), PageRequest())
        return [c.name for c in page.items]

    assert names(CityQuery(q="koeln")) == ["Köln"]
    assert names(CityQuery(q="cologne")) == ["Köln"]
    assert names(CityQuery(global_south=True)) == ["Managua"]
    assert names(CityQuery(global_south=False)) == ["Köln", "Lyon"]
    assert names(CityQuery(country_code="FR")) == ["Lyon"]
    assert names(CityQuery(), ANONYMOUS) == ["Köln", "Managua"]


def test_partnerships_sort_missing_dates_last_both_ways(
    cities: CityService, partnerships: PartnershipService
) -> None:
    add_city(cities, "Köln", "DE")
    dates = [date(1958, 9, 1), None, date(1993, 1, 1), None, date(1976, 5, 1)]
    for i, established in enumerate(dates):
        partner = add_city(cities, f"Partner {i}", "FR")
        add_partnership(partnerships, partner, established_on=established)

    def all_pages(sort: Sort) -> list[tuple[date | None, uuid.UUID]]:
        found: list[tuple[date | None, uuid.UUID]] = []
        after: Position | None = None
        while True:
            page = partnerships.list_page(
                SYSTEM, PartnershipQuery(), sort, PageRequest(limit=2, after=after)
            )
            found.extend((p.established_on, p.id) for p in page.items)
            if page.next is None:
                return found
            after = page.next

    ascending = all_pages(Sort("established_on"))
    assert [d for d, _ in ascending[:3]] == [date(1958, 9, 1), date(1976, 5, 1), date(1993, 1, 1)]
    assert [d for d, _ in ascending[3:]] == [None, None]
    assert ascending[3][1] < ascending[4][1]  # ties (and nulls) by id

    descending = all_pages(Sort("established_on", descending=True))
    assert [d for d, _ in descending[:3]] == [date(1993, 1, 1), date(1976, 5, 1), date(1958, 9, 1)]
    assert [d for d, _ in descending[3:]] == [None, None]
    assert descending[3][1] > descending[4][1]


def test_partnership_filters(cities: CityService, partnerships: PartnershipService) -> None:
    home = add_city(cities, "Köln", "DE")
    lyon = add_city(cities, "Lyon", "FR")
    managua = add_city(cities, "Managua", "NI")
    add_partnership(partnerships, lyon, established_on=date(1960, 1, 1), sdgs=(11,))
    add_partnership(partnerships, managua, established_on=date(1988, 1, 1), sdgs=(1, 11))
    paris = add_city(cities, "Paris", "FR")
    partnerships.create(
        SYSTEM,
        PartnershipFields(
            city_id=paris.id, partner_city_id=lyon.id, kind=PartnershipKind.FRIENDSHIP
        ),
    )

    def partners(query: PartnershipQuery) -> set[str]:
        page = partnerships.list_page(SYSTEM, query, Sort("created_at"), PageRequest())
        return {p.partner_city.name for p in page.items}

    assert partners(PartnershipQuery(sdg=1)) == {"Managua"}
    assert partners(PartnershipQuery(sdg=11)) == {"Lyon", "Managua"}
    assert partners(PartnershipQuery(country_code="NI")) == {"Managua"}
    assert partners(PartnershipQuery(city_id=home.id)) == {"Lyon", "Managua"}
    # From Lyon's side, the partner country is the other city's.
    assert partners(PartnershipQuery(city_id=lyon.id, country_code="DE")) == {"Lyon"}
    assert partners(PartnershipQuery(established_from=date(1970, 1, 1))) == {"Managua"}
    assert partners(PartnershipQuery(established_to=date(1970, 1, 1))) == {"Lyon"}
    assert partners(PartnershipQuery(q="managua")) == {"Managua"}
