"""CityService over the in-memory fakes."""

from __future__ import annotations

import uuid

import pytest

from tests.unit.fakes import FakeUnitOfWorkFactory
from tests.unit.support import CONFIDANT, EDITOR, READER, add_city, add_partnership
from urbandiplo.domain.access import ANONYMOUS, SYSTEM, Principal
from urbandiplo.domain.cities import City, CityFields, CityQuery, CityService
from urbandiplo.domain.errors import (
    Conflict,
    InvalidData,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    StaleVersion,
)
from urbandiplo.domain.listing import PageRequest, Sort
from urbandiplo.domain.partnerships import PartnershipService
from urbandiplo.domain.values import Visibility


def stored_cities(uow_factory: FakeUnitOfWorkFactory) -> dict[uuid.UUID, City]:
    return uow_factory.stores.cities


def problem_fields(error: InvalidData) -> set[str]:
    return {problem.field for problem in error.problems}


# ---- create ----------------------------------------------------------------------------------


def test_editor_creates_a_city(cities: CityService, uow_factory: FakeUnitOfWorkFactory) -> None:
    created = cities.create(
        EDITOR,
        CityFields(
            name="Köln",
            country_code="DE",
            names={"de": "Köln", "en": "Cologne"},
            subdivision_code="DE-NW",
            latitude=50.94,
            longitude=6.96,
            wikidata_id="Q365",
        ),
    )
    assert created.version == 1
    assert created.created_at == created.updated_at
    assert created.id.version == 7
    assert stored_cities(uow_factory) == {created.id: created}
    assert cities.get(ANONYMOUS, created.id) == created
    assert uow_factory.opened[0] is True  # created in a write unit of work


def test_reader_may_not_create_a_city(
    cities: CityService, uow_factory: FakeUnitOfWorkFactory
) -> None:
    with pytest.raises(PermissionDenied):
        cities.create(READER, CityFields(name="Lyon", country_code="FR"))
    assert stored_cities(uow_factory) == {}


def test_anonymous_may_not_create_a_city(
    cities: CityService, uow_factory: FakeUnitOfWorkFactory
) -> None:
    with pytest.raises(NotAuthenticated):
        cities.create(ANONYMOUS, CityFields(name="Lyon", country_code="FR"))
    assert stored_cities(uow_factory) == {}


@pytest.mark.parametrize("code", ["ZZ", "fr", "FRA", ""])
def test_invalid_country_code_is_invalid_data(
    cities: CityService, uow_factory: FakeUnitOfWorkFactory, code: str
) -> None:
    with pytest.raises(InvalidData) as caught:
        cities.create(EDITOR, CityFields(name="Lyon", country_code=code))
    assert "country_code" in problem_fields(caught.value)
    assert stored_cities(uow_factory) == {}


def test_every_broken_field_is_named(cities: CityService) -> None:
    with pytest.raises(InvalidData) as caught:
        cities.create(
            EDITOR,
            CityFields(
                name=" ",
                country_code="FR",
                names={"FR": "Lyon"},
                subdivision_code="DE-NW",
                latitude=91.0,
                longitude=4.8,
                population=-1,
                wikidata_id="365",
                geonames_id=0,
            ),
        )
    assert problem_fields(caught.value) == {
        "name",
        "names.FR",
        "subdivision_code",
        "latitude",
        "population",
        "wikidata_id",
        "geonames_id",
    }


def test_latitude_needs_longitude(cities: CityService) -> None:
    with pytest.raises(InvalidData) as caught:
        cities.create(EDITOR, CityFields(name="Lyon", country_code="FR", latitude=45.76))
    assert problem_fields(caught.value) == {"longitude"}


def test_kosovo_is_a_country(cities: CityService) -> None:
    prishtina = add_city(cities, "Prishtina", "XK")
    assert prishtina.country_code == "XK"
    assert prishtina.global_south


def test_global_south_follows_the_country(cities: CityService) -> None:
    assert add_city(cities, "Managua", "NI").global_south
    assert not add_city(cities, "Lyon", "FR").global_south


# ---- read ------------------------------------------------------------------------------------


def test_internal_city_is_hidden_from_anonymous(cities: CityService) -> None:
    lyon = add_city(cities, "Lyon", "FR", visibility=Visibility.INTERNAL)
    with pytest.raises(NotFound):
        cities.get(ANONYMOUS, lyon.id)
    assert cities.find(ANONYMOUS, "Lyon", "FR") is None
    assert cities.get(READER, lyon.id) == lyon
    assert cities.find(READER, "Lyon", "FR") == lyon


def test_confidential_city_needs_the_permission(cities: CityService) -> None:
    secret = add_city(cities, "Lyon", "FR", visibility=Visibility.CONFIDENTIAL)
    with pytest.raises(NotFound):
        cities.get(READER, secret.id)
    assert cities.get(CONFIDANT, secret.id) == secret


def test_unknown_city_is_not_found(cities: CityService) -> None:
    missing = uuid.uuid4()
    with pytest.raises(NotFound) as caught:
        cities.get(SYSTEM, missing)
    assert caught.value.record_id == missing


def test_home_city(cities: CityService) -> None:
    assert cities.home_city() is None
    add_city(cities, "Lyon", "FR")
    home = add_city(cities, "Köln", "DE")
    assert cities.home_city() == home
    assert cities.is_home(home)
    assert not cities.is_home(CityFields(name="Köln", country_code="FR"))


def test_list_shows_only_what_the_caller_may_see(cities: CityService) -> None:
    add_city(cities, "Lyon", "FR")
    add_city(cities, "Nice", "FR", visibility=Visibility.INTERNAL)
    add_city(cities, "Metz", "FR", visibility=Visibility.CONFIDENTIAL)

    def names(principal: Principal) -> list[str]:
        page = cities.list_page(principal, CityQuery(), Sort("name"), PageRequest())
        return [c.name for c in page.items]

    assert names(ANONYMOUS) == ["Lyon"]
    assert names(READER) == ["Lyon", "Nice"]
    assert names(CONFIDANT) == ["Lyon", "Metz", "Nice"]


def test_search_finds_every_spelling(cities: CityService) -> None:
    koeln = add_city(cities, "Köln", "DE", names={"en": "Cologne"})
    add_city(cities, "Bonn", "DE")
    for q in ["Köln", "Koeln", "koln", "Cologne"]:
        page = cities.list_page(ANONYMOUS, CityQuery(q=q), Sort("name"), PageRequest())
        assert page.items == [koeln], q


# ---- update ----------------------------------------------------------------------------------


def test_update_changes_fields_and_version(
    cities: CityService, uow_factory: FakeUnitOfWorkFactory
) -> None:
    lyon = add_city(cities, "Lyon", "FR")
    changed = cities.update(EDITOR, lyon.id, {"population": 522_250, "notes": "Fête des Lumières"})
    assert changed.population == 522_250
    assert changed.version == 2
    assert changed.updated_at >= lyon.updated_at
    assert changed.created_at == lyon.created_at
    assert stored_cities(uow_factory)[lyon.id] == changed


def test_update_with_stale_precondition_changes_nothing(
    cities: CityService, uow_factory: FakeUnitOfWorkFactory
) -> None:
    lyon = add_city(cities, "Lyon", "FR")
    with pytest.raises(StaleVersion):
        cities.update(EDITOR, lyon.id, {"name": "Lugdunum"}, precondition=lambda c: False)
    assert stored_cities(uow_factory)[lyon.id] == lyon


def test_update_precondition_sees_the_stored_record(cities: CityService) -> None:
    lyon = add_city(cities, "Lyon", "FR")
    cities.update(EDITOR, lyon.id, {"notes": "first"}, precondition=lambda c: c.version == 1)
    with pytest.raises(StaleVersion):
        cities.update(EDITOR, lyon.id, {"notes": "second"}, precondition=lambda c: c.version == 1)
    assert cities.get(READER, lyon.id).notes == "first"


def test_update_rejects_unknown_and_invalid_fields(
    cities: CityService, uow_factory: FakeUnitOfWorkFactory
) -> None:
    lyon = add_city(cities, "Lyon", "FR")
    with pytest.raises(InvalidData) as unknown:
        cities.update(EDITOR, lyon.id, {"mayor": "Grégory Doucet"})
    assert problem_fields(unknown.value) == {"mayor"}
    with pytest.raises(InvalidData) as invalid:
        cities.update(EDITOR, lyon.id, {"country_code": "ZZ"})
    assert problem_fields(invalid.value) == {"country_code"}
    assert stored_cities(uow_factory)[lyon.id] == lyon


def test_reader_may_not_update(cities: CityService) -> None:
    lyon = add_city(cities, "Lyon", "FR")
    with pytest.raises(PermissionDenied):
        cities.update(READER, lyon.id, {"notes": "x"})
    assert cities.get(READER, lyon.id).notes is None


# ---- delete ----------------------------------------------------------------------------------


def test_delete_a_city(cities: CityService, uow_factory: FakeUnitOfWorkFactory) -> None:
    lyon = add_city(cities, "Lyon", "FR")
    cities.delete(EDITOR, lyon.id)
    assert stored_cities(uow_factory) == {}
    with pytest.raises(NotFound):
        cities.get(SYSTEM, lyon.id)


def test_city_with_partnerships_cannot_be_deleted(
    cities: CityService, partnerships: PartnershipService, uow_factory: FakeUnitOfWorkFactory
) -> None:
    home = add_city(cities, "Köln", "DE")
    lyon = add_city(cities, "Lyon", "FR")
    add_partnership(partnerships, lyon)
    for city in (home, lyon):  # either side of the partnership
        with pytest.raises(Conflict):
            cities.delete(EDITOR, city.id)
    assert set(stored_cities(uow_factory)) == {home.id, lyon.id}


def test_delete_with_stale_precondition_keeps_the_city(cities: CityService) -> None:
    lyon = add_city(cities, "Lyon", "FR")
    with pytest.raises(StaleVersion):
        cities.delete(EDITOR, lyon.id, precondition=lambda c: False)
    assert cities.get(READER, lyon.id) == lyon


def test_hidden_city_cannot_be_deleted_by_who_cannot_see_it(cities: CityService) -> None:
    secret = add_city(cities, "Lyon", "FR", visibility=Visibility.CONFIDENTIAL)
    with pytest.raises(NotFound):
        cities.delete(EDITOR, secret.id)
    assert cities.get(SYSTEM, secret.id) == secret


def test_an_editor_without_the_permission_cannot_make_a_city_confidential(
    cities: CityService,
) -> None:
    with pytest.raises(PermissionDenied):
        cities.create(
            EDITOR,
            CityFields(name="Lyon", country_code="FR", visibility=Visibility.CONFIDENTIAL),
        )
    public = add_city(cities, "Lille", "FR")
    with pytest.raises(PermissionDenied):
        cities.update(EDITOR, public.id, {"visibility": Visibility.CONFIDENTIAL})
    assert cities.get(SYSTEM, public.id).visibility == Visibility.PUBLIC
