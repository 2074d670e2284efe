"""The domain services over in-memory fakes: no database, no web framework."""

from __future__ import annotations

import pytest

from tests.unit.fakes import FakeUnitOfWorkFactory
from urbandiplo.domain.cities import CityService, HomeCity
from urbandiplo.domain.idempotency import IdempotencyService
from urbandiplo.domain.keys import ApiKeyService
from urbandiplo.domain.partnerships import PartnershipService

HOME = HomeCity("Köln", "DE")


@pytest.fixture
def uow_factory() -> FakeUnitOfWorkFactory:
    return FakeUnitOfWorkFactory()


@pytest.fixture
def cities(uow_factory: FakeUnitOfWorkFactory) -> CityService:
    return CityService(uow_factory, HOME)


@pytest.fixture
def partnerships(uow_factory: FakeUnitOfWorkFactory, cities: CityService) -> PartnershipService:
    return PartnershipService(uow_factory, HOME)


@pytest.fixture
def api_keys(uow_factory: FakeUnitOfWorkFactory) -> ApiKeyService:
    return ApiKeyService(uow_factory)


@pytest.fixture
def idempotency(uow_factory: FakeUnitOfWorkFactory) -> IdempotencyService:
    return IdempotencyService(uow_factory)
