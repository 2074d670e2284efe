"""PartnershipService over the in-memory fakes."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from tests.unit.fakes import FakeUnitOfWorkFactory
from tests.unit.support import EDITOR, READER, add_city, add_partnership, utc_today
from urbandiplo.domain import partnerships as partnerships_module
from urbandiplo.domain.access import ANONYMOUS, SYSTEM, Principal
from urbandiplo.domain.cities import City, CityService
from urbandiplo.domain.errors import (
    DuplicatePartnership,
    InvalidData,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    StaleVersion,
)
from urbandiplo.domain.listing import PageRequest, Sort
from urbandiplo.domain.partnerships import (
    Partnership,
    PartnershipFields,
    PartnershipKind,
    PartnershipQuery,
    PartnershipService,
    PartnershipStatus,
    StatusChange,
    anniversary_on,
)
from urbandiplo.domain.taxonomies import FieldOfAction
from urbandiplo.domain.values import DatePrecision, I18nText, Visibility

TWINNING = PartnershipKind.TWINNING
FRIENDSHIP = PartnershipKind.FRIENDSHIP


@pytest.fixture
def home(cities: CityService) -> City:
    return add_city(cities, "Köln", "DE", names={"de": "Köln", "en": "Cologne"})


@pytest.fixture
def lyon(cities: CityService) -> City:
    return add_city(cities, "Lyon", "FR")


def stored(uow_factory: FakeUnitOfWorkFactory) -> dict[uuid.UUID, Partnership]:
    return uow_factory.stores.partnerships


def problem_fields(error: InvalidData) -> set[str]:
    return {problem.field for problem in error.problems}


def listed(service: PartnershipService, principal: Principal, **query: Any) -> list[uuid.UUID]:
    page = service.list_page(
        principal,
        PartnershipQuery(**query),
        Sort("created_at"),
        PageRequest(),
    )
    return [p.id for p in page.items]


# ---- create ----------------------------------------------------------------------------------


def test_editor_creates_a_partnership_of_the_home_city(
    partnerships: PartnershipService, home: City, lyon: City, uow_factory: FakeUnitOfWorkFactory
) -> None:
    created = add_partnership(
        partnerships,
        lyon,
        established_on=date(1958, 9, 1),
        sdgs=(17, 11, 11),
        fields_of_action=(FieldOfAction.CITY_DIPLOMACY, FieldOfAction.SUSTAINABLE_DEVELOPMENT),
        description=I18nText.of({"de": "Städtepartnerschaft seit 1958"}),
    )
    assert created.city_id == home.id
    assert created.partner_city_id == lyon.id
    assert created.city.name == "Köln"
    assert created.partner_city.name == "Lyon"
    assert created.version == 1
    assert created.sdgs == (11, 17)
    assert created.fields_of_action == (
        FieldOfAction.SUSTAINABLE_DEVELOPMENT,
        FieldOfAction.CITY_DIPLOMACY,
    )
    assert stored(uow_factory) == {created.id: created}
    assert partnerships.get(ANONYMOUS, created.id) == created


def test_reader_may_not_create_a_partnership(
    partnerships: PartnershipService, home: City, lyon: City, uow_factory: FakeUnitOfWorkFactory
) -> None:
    with pytest.raises(PermissionDenied):
        partnerships.create(READER, PartnershipFields(partner_city_id=lyon.id, kind=TWINNING))
    assert stored(uow_factory) == {}


def test_anonymous_may_not_create_a_partnership(
    partnerships: PartnershipService, home: City, lyon: City, uow_factory: FakeUnitOfWorkFactory
) -> None:
    with pytest.raises(NotAuthenticated):
        partnerships.create(ANONYMOUS, PartnershipFields(partner_city_id=lyon.id, kind=TWINNING))
    assert stored(uow_factory) == {}


def test_without_a_stored_home_city_city_id_is_required(
    partnerships: PartnershipService, lyon: City, uow_factory: FakeUnitOfWorkFactory
) -> None:
    with pytest.raises(InvalidData) as caught:
        add_partnership(partnerships, lyon)
    assert problem_fields(caught.value) == {"city_id"}
    assert stored(uow_factory) == {}


def test_without_a_home_city_an_explicit_city_id_works(
    partnerships: PartnershipService, cities: CityService, lyon: City
) -> None:
    paris = add_city(cities, "Paris", "FR")
    created = add_partnership(partnerships, lyon, city_id=paris.id)
    assert created.city_id == paris.id
    assert created.city.name == "Paris"


def test_unknown_partner_city_is_invalid(partnerships: PartnershipService, home: City) -> None:
    with pytest.raises(InvalidData) as caught:
        partnerships.create(EDITOR, PartnershipFields(partner_city_id=uuid.uuid4(), kind=TWINNING))
    assert problem_fields(caught.value) == {"partner_city_id"}


def test_partner_city_the_caller_cannot_see_is_unknown(
    partnerships: PartnershipService, cities: CityService, home: City
) -> None:
    secret = add_city(cities, "Lyon", "FR", visibility=Visibility.CONFIDENTIAL)
    with pytest.raises(InvalidData) as caught:
        add_partnership(partnerships, secret)
    assert problem_fields(caught.value) == {"partner_city_id"}


@pytest.mark.parametrize("reverse", [False, True])
def test_a_pair_has_one_partnership_whichever_way_round(
    partnerships: PartnershipService,
    home: City,
    lyon: City,
    uow_factory: FakeUnitOfWorkFactory,
    reverse: bool,
) -> None:
    first = add_partnership(partnerships, lyon)
    again = (
        PartnershipFields(city_id=lyon.id, partner_city_id=home.id, kind=FRIENDSHIP)
        if reverse
        else PartnershipFields(city_id=home.id, partner_city_id=lyon.id, kind=FRIENDSHIP)
    )
    with pytest.raises(DuplicatePartnership) as caught:
        partnerships.create(EDITOR, again)
    assert caught.value.existing_id == first.id
    assert stored(uow_factory) == {first.id: first}


def test_find_pair_is_order_independent(
    partnerships: PartnershipService, home: City, lyon: City, cities: CityService
) -> None:
    created = add_partnership(partnerships, lyon)
    assert partnerships.find_pair(READER, home.id, lyon.id) == created.id
    assert partnerships.find_pair(READER, lyon.id, home.id) == created.id
    paris = add_city(cities, "Paris", "FR")
    assert partnerships.find_pair(READER, home.id, paris.id) is None


def test_a_city_cannot_partner_itself(
    partnerships: PartnershipService, home: City, lyon: City, uow_factory: FakeUnitOfWorkFactory
) -> None:
    with pytest.raises(InvalidData) as explicit:
        partnerships.create(
            EDITOR, PartnershipFields(city_id=lyon.id, partner_city_id=lyon.id, kind=TWINNING)
        )
    assert problem_fields(explicit.value) == {"partner_city_id"}
    with pytest.raises(InvalidData) as implicit:  # the home city, by default
        add_partnership(partnerships, home)
    assert problem_fields(implicit.value) == {"partner_city_id"}
    assert stored(uow_factory) == {}


def test_ended_on_before_established_on_is_invalid(
    partnerships: PartnershipService, home: City, lyon: City
) -> None:
    with pytest.raises(InvalidData) as caught:
        add_partnership(
            partnerships, lyon, established_on=date(1990, 1, 1), ended_on=date(1989, 12, 31)
        )
    assert problem_fields(caught.value) == {"ended_on"}


def test_ended_on_the_day_it_was_established_is_valid(
    partnerships: PartnershipService, home: City, lyon: City
) -> None:
    created = add_partnership(
        partnerships, lyon, established_on=date(1990, 1, 1), ended_on=date(1990, 1, 1)
    )
    assert created.ended_on == date(1990, 1, 1)


def test_invalid_sdg_is_invalid(partnerships: PartnershipService, home: City, lyon: City) -> None:
    with pytest.raises(InvalidData) as caught:
        add_partnership(partnerships, lyon, sdgs=(18,))
    assert problem_fields(caught.value) == {"sdgs"}


def test_status_history_is_kept_oldest_first(
    partnerships: PartnershipService, home: City, lyon: City
) -> None:
    history = (
        StatusChange(changed_on=date(2000, 1, 1), status=PartnershipStatus.ACTIVE),
        StatusChange(changed_on=date(1990, 1, 1), status=PartnershipStatus.PROPOSED),
    )
    created = add_partnership(partnerships, lyon, status_history=history)
    assert [c.changed_on for c in created.status_history] == [date(1990, 1, 1), date(2000, 1, 1)]


def test_status_change_needs_status_or_kind(
    partnerships: PartnershipService, home: City, lyon: City
) -> None:
    with pytest.raises(InvalidData) as caught:
        add_partnership(
            partnerships, lyon, status_history=(StatusChange(changed_on=date(2000, 1, 1)),)
        )
    assert problem_fields(caught.value) == {"status_history.0"}


def test_create_records_the_first_status(
    partnerships: PartnershipService, home: City, lyon: City
) -> None:
    created = add_partnership(
        partnerships,
        lyon,
        kind=FRIENDSHIP,
        status=PartnershipStatus.DORMANT,
        established_on=date(1958, 9, 1),
    )
    assert created.status_history == (
        StatusChange(
            changed_on=date(1958, 9, 1), status=PartnershipStatus.DORMANT, kind=FRIENDSHIP
        ),
    )
    assert partnerships.get(READER, created.id).status_history == created.status_history


def test_create_without_established_on_invents_no_history(
    partnerships: PartnershipService, home: City, lyon: City
) -> None:
    created = add_partnership(partnerships, lyon)
    assert created.status_history == ()


def test_create_with_a_year_only_founding_records_it_as_such(
    partnerships: PartnershipService, home: City, lyon: City
) -> None:
    created = add_partnership(
        partnerships,
        lyon,
        established_on=date(1962, 1, 1),
        established_precision=DatePrecision.YEAR,
    )
    (entry,) = created.status_history
    assert (entry.changed_on, entry.precision) == (date(1962, 1, 1), DatePrecision.YEAR)
    with pytest.raises(InvalidData) as caught:
        add_partnership(
            partnerships,
            lyon,
            established_on=date(1962, 5, 1),
            established_precision=DatePrecision.YEAR,
        )
    assert problem_fields(caught.value) == {"established_on"}


def test_the_history_must_agree_with_kind_and_status(
    partnerships: PartnershipService, home: City, lyon: City
) -> None:
    history = (StatusChange(changed_on=date(1990, 1, 1), kind=PartnershipKind.FRIENDSHIP),)
    with pytest.raises(InvalidData) as caught:
        add_partnership(partnerships, lyon, status_history=history)
    assert problem_fields(caught.value) == {"status_history"}


def test_create_keeps_a_given_status_history(
    partnerships: PartnershipService, home: City, lyon: City
) -> None:
    history = (
        StatusChange(changed_on=date(1955, 1, 1), status=PartnershipStatus.PROPOSED),
        StatusChange(changed_on=date(1958, 9, 1), status=PartnershipStatus.ACTIVE, kind=TWINNING),
    )
    created = add_partnership(partnerships, lyon, status_history=history)
    assert created.status_history == history


def test_a_failed_before_commit_hook_leaves_nothing(
    partnerships: PartnershipService, home: City, lyon: City, uow_factory: FakeUnitOfWorkFactory
) -> None:
    def fail(uow: object, partnership: Partnership) -> None:
        raise RuntimeError("hook failed")

    with pytest.raises(RuntimeError):
        partnerships.create(
            EDITOR, PartnershipFields(partner_city_id=lyon.id, kind=TWINNING), before_commit=fail
        )
    assert stored(uow_factory) == {}


# ---- update ----------------------------------------------------------------------------------


def test_update_changing_kind_appends_a_history_entry_dated_today(
    partnerships: PartnershipService, home: City, lyon: City, uow_factory: FakeUnitOfWorkFactory
) -> None:
    created = add_partnership(partnerships, lyon, kind=FRIENDSHIP, established_on=date(1958, 9, 1))
    before = utc_today()
    changed = partnerships.update(EDITOR, created.id, {"kind": TWINNING})
    after = utc_today()
    assert changed.kind == TWINNING
    assert changed.version == 2
    assert len(changed.status_history) == 2
    assert changed.status_history[0] == created.status_history[0]
    entry = changed.status_history[1]
    assert entry.changed_on in {before, after}
    assert entry.kind == TWINNING
    assert entry.status is None  # the status did not change
    assert stored(uow_factory)[created.id].status_history == changed.status_history


def test_update_changing_status_appends_a_history_entry_dated_today(
    partnerships: PartnershipService, home: City, lyon: City
) -> None:
    created = add_partnership(partnerships, lyon, established_on=date(1958, 9, 1))
    before = utc_today()
    changed = partnerships.update(
        EDITOR, created.id, {"status": PartnershipStatus.ENDED, "ended_on": date(2020, 1, 1)}
    )
    after = utc_today()
    assert changed.status == PartnershipStatus.ENDED
    entry = changed.status_history[-1]
    assert len(changed.status_history) == 2
    assert entry.changed_on in {before, after}
    assert entry.status == PartnershipStatus.ENDED
    assert entry.kind is None


def test_update_of_other_fields_leaves_the_history(
    partnerships: PartnershipService, home: City, lyon: City
) -> None:
    created = add_partnership(partnerships, lyon, established_on=date(1958, 9, 1))
    changed = partnerships.update(EDITOR, created.id, {"notes": "Jumelage", "sdgs": (11, 4)})
    assert changed.status_history == created.status_history
    assert changed.notes == "Jumelage"
    assert changed.sdgs == (4, 11)


def test_update_with_a_given_history_uses_it(
    partnerships: PartnershipService, home: City, lyon: City
) -> None:
    created = add_partnership(partnerships, lyon, established_on=date(1958, 9, 1))
    history = (
        StatusChange(changed_on=date(1958, 9, 1), status=PartnershipStatus.ACTIVE),
        StatusChange(changed_on=date(2001, 1, 1), status=PartnershipStatus.DORMANT),
    )
    changed = partnerships.update(
        EDITOR, created.id, {"status": PartnershipStatus.DORMANT, "status_history": history}
    )
    assert changed.status_history == history


def test_update_with_a_failing_precondition_changes_nothing(
    partnerships: PartnershipService, home: City, lyon: City, uow_factory: FakeUnitOfWorkFactory
) -> None:
    created = add_partnership(partnerships, lyon)
    with pytest.raises(StaleVersion):
        partnerships.update(
            EDITOR,
            created.id,
            {"status": PartnershipStatus.DORMANT, "notes": "x"},
            precondition=lambda p: False,
        )
    assert stored(uow_factory)[created.id] == created
    assert partnerships.get(READER, created.id) == created


def test_update_precondition_gets_the_current_record(
    partnerships: PartnershipService, home: City, lyon: City
) -> None:
    created = add_partnership(partnerships, lyon)
    seen: list[int] = []

    def check(p: Partnership) -> bool:
        seen.append(p.version)
        return p.version == created.version

    partnerships.update(EDITOR, created.id, {"notes": "a"}, precondition=check)
    with pytest.raises(StaleVersion):
        partnerships.update(EDITOR, created.id, {"notes": "b"}, precondition=check)
    assert seen == [1, 2]
    assert partnerships.get(READER, created.id).notes == "a"


def test_update_cannot_make_a_duplicate_pair(
    partnerships: PartnershipService, cities: CityService, home: City, lyon: City
) -> None:
    paris = add_city(cities, "Paris", "FR")
    with_lyon = add_partnership(partnerships, lyon)
    with_paris = add_partnership(partnerships, paris)
    with pytest.raises(DuplicatePartnership) as caught:
        partnerships.update(EDITOR, with_paris.id, {"partner_city_id": lyon.id})
    assert caught.value.existing_id == with_lyon.id
    assert partnerships.get(READER, with_paris.id).partner_city_id == paris.id


def test_update_can_move_to_another_partner(
    partnerships: PartnershipService, cities: CityService, home: City, lyon: City
) -> None:
    paris = add_city(cities, "Paris", "FR")
    created = add_partnership(partnerships, lyon)
    changed = partnerships.update(EDITOR, created.id, {"partner_city_id": paris.id})
    assert changed.partner_city.name == "Paris"
    assert partnerships.find_pair(READER, home.id, paris.id) == created.id
    assert partnerships.find_pair(READER, home.id, lyon.id) is None


def test_update_rejects_unknown_fields_and_emptying_city_id(
    partnerships: PartnershipService, home: City, lyon: City
) -> None:
    created = add_partnership(partnerships, lyon)
    with pytest.raises(InvalidData) as unknown:
        partnerships.update(EDITOR, created.id, {"mayor": "x"})
    assert problem_fields(unknown.value) == {"mayor"}
    with pytest.raises(InvalidData) as emptied:
        partnerships.update(EDITOR, created.id, {"city_id": None})
    assert problem_fields(emptied.value) == {"city_id"}


def test_update_checks_the_dates(partnerships: PartnershipService, home: City, lyon: City) -> None:
    created = add_partnership(partnerships, lyon, established_on=date(1958, 9, 1))
    with pytest.raises(InvalidData) as caught:
        partnerships.update(EDITOR, created.id, {"ended_on": date(1950, 1, 1)})
    assert problem_fields(caught.value) == {"ended_on"}


def test_a_status_change_keeps_the_partnership_editable(
    partnerships: PartnershipService, home: City, lyon: City
) -> None:
    # A proposed partnership to be signed next year: its first history entry is dated then.
    signing = utc_today() + timedelta(days=365)
    created = add_partnership(
        partnerships, lyon, status=PartnershipStatus.PROPOSED, established_on=signing
    )
    partnerships.update(EDITOR, created.id, {"status": PartnershipStatus.ACTIVE})
    # The entry appended for today comes after next year's; the history the service wrote
    # itself is then out of order, and every later update fails on the date-order rule.
    changed = partnerships.update(EDITOR, created.id, {"notes": "signing ceremony planned"})
    assert changed.notes == "signing ceremony planned"
    days = [entry.changed_on for entry in changed.status_history]
    assert days == sorted(days)


def test_reader_may_not_update(partnerships: PartnershipService, home: City, lyon: City) -> None:
    created = add_partnership(partnerships, lyon)
    with pytest.raises(PermissionDenied):
        partnerships.update(READER, created.id, {"notes": "x"})
    assert partnerships.get(READER, created.id).notes is None


# ---- visibility ------------------------------------------------------------------------------


def test_internal_partnership_is_hidden_from_anonymous(
    partnerships: PartnershipService, home: City, lyon: City
) -> None:
    created = add_partnership(partnerships, lyon, visibility=Visibility.INTERNAL)
    with pytest.raises(NotFound):
        partnerships.get(ANONYMOUS, created.id)
    assert listed(partnerships, ANONYMOUS) == []
    assert partnerships.find_pair(ANONYMOUS, home.id, lyon.id) is None
    assert partnerships.get(READER, created.id) == created
    assert listed(partnerships, READER) == [created.id]
    assert partnerships.find_pair(READER, home.id, lyon.id) == created.id


def test_public_partnership_with_an_internal_partner_is_hidden_from_anonymous(
    partnerships: PartnershipService, cities: CityService, home: City
) -> None:
    hidden = add_city(cities, "Lyon", "FR", visibility=Visibility.INTERNAL)
    created = add_partnership(partnerships, hidden)
    assert created.visibility == Visibility.PUBLIC
    with pytest.raises(NotFound):
        partnerships.get(ANONYMOUS, created.id)
    assert listed(partnerships, ANONYMOUS) == []
    assert partnerships.find_pair(ANONYMOUS, home.id, hidden.id) is None
    assert partnerships.get(READER, created.id).partner_city.visibility == Visibility.INTERNAL
    assert listed(partnerships, READER) == [created.id]


def test_partnership_hides_when_its_city_becomes_internal(
    partnerships: PartnershipService, cities: CityService, home: City, lyon: City
) -> None:
    created = add_partnership(partnerships, lyon)
    assert partnerships.get(ANONYMOUS, created.id).id == created.id
    cities.update(EDITOR, home.id, {"visibility": Visibility.INTERNAL})
    with pytest.raises(NotFound):
        partnerships.get(ANONYMOUS, created.id)
    assert partnerships.get(READER, created.id).city.visibility == Visibility.INTERNAL


def test_hidden_partnership_cannot_be_changed_by_who_cannot_see_it(
    partnerships: PartnershipService, home: City, lyon: City
) -> None:
    secret = add_partnership(partnerships, lyon, visibility=Visibility.CONFIDENTIAL)
    with pytest.raises(NotFound):
        partnerships.update(EDITOR, secret.id, {"notes": "x"})
    with pytest.raises(NotFound):
        partnerships.delete(EDITOR, secret.id)
    assert partnerships.get(SYSTEM, secret.id) == secret


# ---- delete ----------------------------------------------------------------------------------


def test_delete_a_partnership_frees_the_pair_and_the_cities(
    partnerships: PartnershipService,
    cities: CityService,
    home: City,
    lyon: City,
    uow_factory: FakeUnitOfWorkFactory,
) -> None:
    created = add_partnership(partnerships, lyon)
    partnerships.delete(EDITOR, created.id)
    assert stored(uow_factory) == {}
    with pytest.raises(NotFound):
        partnerships.get(SYSTEM, created.id)
    cities.delete(EDITOR, lyon.id)
    assert set(uow_factory.stores.cities) == {home.id}


def test_delete_with_a_failing_precondition_keeps_it(
    partnerships: PartnershipService, home: City, lyon: City
) -> None:
    created = add_partnership(partnerships, lyon)
    with pytest.raises(StaleVersion):
        partnerships.delete(EDITOR, created.id, precondition=lambda p: False)
    assert partnerships.get(READER, created.id) == created


# ---- anniversaries ---------------------------------------------------------------------------


def partner_established(
    partnerships: PartnershipService, cities: CityService, name: str, established_on: date
) -> Partnership:
    return add_partnership(
        partnerships, add_city(cities, name, "FR"), established_on=established_on
    )


def test_round_anniversaries_of_a_year(
    partnerships: PartnershipService, cities: CityService, home: City
) -> None:
    fifty = partner_established(partnerships, cities, "Lille", date(1976, 5, 1))
    partner_established(partnerships, cities, "Brest", date(1977, 5, 1))  # 49 years
    twenty_five = partner_established(partnerships, cities, "Nice", date(2001, 12, 31))
    add_partnership(partnerships, add_city(cities, "Metz", "FR"))  # no date

    found = partnerships.anniversaries(ANONYMOUS, 2026)
    assert [(a.partnership.id, a.years, a.on) for a in found] == [
        (fifty.id, 50, date(2026, 5, 1)),
        (twenty_five.id, 25, date(2026, 12, 31)),
    ]


def test_anniversary_of_29_february(
    partnerships: PartnershipService, cities: CityService, home: City
) -> None:
    leap = partner_established(partnerships, cities, "Lille", date(2004, 2, 29))
    (in_leap_year,) = partnerships.anniversaries(READER, 2024)
    assert in_leap_year.partnership.id == leap.id
    assert in_leap_year.years == 20
    assert in_leap_year.on == date(2024, 2, 29)

    millennium = partner_established(partnerships, cities, "Nice", date(2000, 2, 29))
    (in_common_year,) = partnerships.anniversaries(READER, 2025)
    assert in_common_year.partnership.id == millennium.id
    assert in_common_year.years == 25
    assert in_common_year.on == date(2025, 2, 28)


def test_anniversary_on(partnerships: PartnershipService, home: City, lyon: City) -> None:
    created = add_partnership(partnerships, lyon, established_on=date(1976, 5, 1))
    assert anniversary_on(created, 2026) == date(2026, 5, 1)
    leap = replace(created, established_on=date(2004, 2, 29))
    assert anniversary_on(leap, 2024) == date(2024, 2, 29)
    assert anniversary_on(replace(leap, established_on=date(2000, 2, 29)), 2025) == date(
        2025, 2, 28
    )
    year_only = replace(created, established_precision=DatePrecision.YEAR)
    assert anniversary_on(year_only, 2026) is None


def test_ended_partnerships_have_no_anniversaries(
    partnerships: PartnershipService, home: City, lyon: City
) -> None:
    add_partnership(
        partnerships,
        lyon,
        established_on=date(1988, 1, 1),
        status=PartnershipStatus.ENDED,
        ended_on=date(2022, 1, 1),
        status_history=(
            StatusChange(
                changed_on=date(1988, 1, 1), status=PartnershipStatus.ACTIVE, kind=TWINNING
            ),
            StatusChange(changed_on=date(2022, 1, 1), status=PartnershipStatus.ENDED),
        ),
    )
    assert partnerships.anniversaries(READER, 2028) == []


def test_anniversaries_respect_visibility_and_city(
    partnerships: PartnershipService, cities: CityService, home: City
) -> None:
    lille = add_city(cities, "Lille", "FR")
    public = add_partnership(partnerships, lille, established_on=date(1976, 5, 1))
    internal = add_partnership(
        partnerships,
        add_city(cities, "Nice", "FR"),
        established_on=date(1986, 6, 1),
        visibility=Visibility.INTERNAL,
    )
    assert [a.partnership.id for a in partnerships.anniversaries(ANONYMOUS, 2026)] == [public.id]
    assert [a.partnership.id for a in partnerships.anniversaries(READER, 2026)] == [
        public.id,
        internal.id,
    ]
    by_lille = partnerships.anniversaries(READER, 2026, city_id=lille.id)
    assert [a.partnership.id for a in by_lille] == [public.id]


def test_anniversaries_are_capped(
    partnerships: PartnershipService,
    cities: CityService,
    home: City,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(partnerships_module, "MAX_ANNIVERSARIES", 2)
    for i, year in enumerate((1976, 1986, 1996)):
        partner_established(partnerships, cities, f"Partner {i}", date(year, 5, 1))
    found = partnerships.anniversaries(READER, 2026)
    assert len(found) == 2
    assert {a.years for a in found} == {50, 40}  # the oldest partnerships first


def test_anniversaries_sorted_by_day_of_the_year(
    partnerships: PartnershipService, cities: CityService, home: City
) -> None:
    december = partner_established(partnerships, cities, "Lille", date(1976, 12, 1))
    march = partner_established(partnerships, cities, "Nice", date(1996, 3, 1))
    found = partnerships.anniversaries(READER, 2026)
    assert [(a.partnership.id, a.years) for a in found] == [(march.id, 30), (december.id, 50)]


# ---- lists -----------------------------------------------------------------------------------


def test_list_filters(partnerships: PartnershipService, cities: CityService, home: City) -> None:
    managua = add_city(cities, "Managua", "NI")
    lille = add_city(cities, "Lille", "FR")
    with_managua = add_partnership(
        partnerships, managua, kind=PartnershipKind.DEVELOPMENT_PARTNERSHIP, sdgs=(1,)
    )
    with_lille = add_partnership(
        partnerships,
        lille,
        status=PartnershipStatus.DORMANT,
        description=I18nText.of({"de": "Jugendaustausch mit Straßenfest"}),
    )
    assert listed(partnerships, READER, kind=PartnershipKind.DEVELOPMENT_PARTNERSHIP) == [
        with_managua.id
    ]
    assert listed(partnerships, READER, status=PartnershipStatus.DORMANT) == [with_lille.id]
    assert listed(partnerships, READER, country_code="NI") == [with_managua.id]
    assert listed(partnerships, READER, sdg=1) == [with_managua.id]
    assert listed(partnerships, READER, q="strassenfest") == [with_lille.id]
    assert set(listed(partnerships, READER, q="koeln")) == {with_managua.id, with_lille.id}
