"""Idempotent creation: a retry with the same key gets the first response back."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from tests.unit.fakes import FakeUnitOfWorkFactory
from tests.unit.support import EDITOR
from urbandiplo.domain.cities import City, CityFields, CityService
from urbandiplo.domain.idempotency import (
    KEPT_FOR,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    IdempotencyService,
)
from urbandiplo.domain.records import utcnow


def respond(city: City) -> tuple[int, dict[str, str], bytes]:
    return 201, {"Location": f"/v1/cities/{city.id}"}, city.name.encode()


def create_once(
    cities: CityService, idempotency: IdempotencyService, key: str, request_hash: str, name: str
) -> City:
    return cities.create(
        EDITOR,
        CityFields(name=name, country_code="FR"),
        before_commit=IdempotencyService.recorder("editor", key, request_hash, respond),
    )


def test_the_first_response_is_kept_with_the_record(
    cities: CityService, idempotency: IdempotencyService
) -> None:
    assert idempotency.earlier_response("editor", "k1", "hash-a") is None
    city = create_once(cities, idempotency, "k1", "hash-a", "Lyon")
    stored = idempotency.earlier_response("editor", "k1", "hash-a")
    assert stored is not None
    assert stored.status_code == 201
    assert stored.headers == {"Location": f"/v1/cities/{city.id}"}
    assert stored.body == b"Lyon"


def test_same_key_with_another_request_is_refused(
    cities: CityService, idempotency: IdempotencyService
) -> None:
    create_once(cities, idempotency, "k1", "hash-a", "Lyon")
    with pytest.raises(IdempotencyKeyReused) as caught:
        idempotency.earlier_response("editor", "k1", "hash-b")
    assert {p.field for p in caught.value.problems} == {"header.Idempotency-Key"}


def test_keys_belong_to_their_principal(
    cities: CityService, idempotency: IdempotencyService
) -> None:
    create_once(cities, idempotency, "k1", "hash-a", "Lyon")
    assert idempotency.earlier_response("someone else", "k1", "hash-b") is None


def test_a_key_in_use_rolls_back_the_record(
    cities: CityService, idempotency: IdempotencyService, uow_factory: FakeUnitOfWorkFactory
) -> None:
    first = create_once(cities, idempotency, "k1", "hash-a", "Lyon")
    with pytest.raises(IdempotencyKeyInUse):
        create_once(cities, idempotency, "k1", "hash-a", "Nice")
    assert list(uow_factory.stores.cities) == [first.id]


def test_expired_responses_are_forgotten_and_purged(
    cities: CityService, idempotency: IdempotencyService, uow_factory: FakeUnitOfWorkFactory
) -> None:
    create_once(cities, idempotency, "old", "hash-a", "Lyon")
    create_once(cities, idempotency, "new", "hash-b", "Nice")
    slot = ("editor", "old")
    old = uow_factory.stores.idempotency[slot]
    aged = replace(old, created_at=utcnow() - KEPT_FOR - timedelta(minutes=1))
    uow_factory.stores.idempotency[slot] = aged
    assert idempotency.earlier_response("editor", "old", "another hash") is None
    # An expired key may be used again; the next write purges expired responses.
    uow_factory.stores.idempotency[("editor", "older")] = replace(aged, key="older")
    create_once(cities, idempotency, "old", "hash-c", "Metz")
    assert idempotency.earlier_response("editor", "old", "hash-c") is not None
    assert set(uow_factory.stores.idempotency) == {("editor", "new"), ("editor", "old")}
