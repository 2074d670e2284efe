"""The ports the services need: repositories and the unit of work (implemented in `db`)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self

from urbandiplo.domain.access import Role
from urbandiplo.domain.listing import Page, PageRequest, Sort
from urbandiplo.domain.values import Visibility

if TYPE_CHECKING:  # the entity modules import this one
    from urbandiplo.domain.cities import City, CityQuery
    from urbandiplo.domain.partnerships import Partnership, PartnershipQuery


class CityRepository(Protocol):
    def get(self, city_id: uuid.UUID) -> City | None: ...
    def find(self, name: str, country_code: str) -> City | None: ...
    def list_page(
        self, query: CityQuery, visible: Collection[Visibility], sort: Sort, page: PageRequest
    ) -> Page[City]: ...
    def add(self, city: City) -> None: ...
    def update(self, city: City, expected_version: int) -> bool: ...
    def delete(self, city_id: uuid.UUID) -> None: ...
    def partnership_count(self, city_id: uuid.UUID) -> int: ...


class PartnershipRepository(Protocol):
    def get(self, partnership_id: uuid.UUID) -> Partnership | None: ...
    def find_pair(self, city_a: uuid.UUID, city_b: uuid.UUID) -> uuid.UUID | None: ...
    def list_page(
        self,
        query: PartnershipQuery,
        visible: Collection[Visibility],
        sort: Sort,
        page: PageRequest,
    ) -> Page[Partnership]: ...
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

    def add(self, partnership: Partnership) -> None: ...
    def update(self, partnership: Partnership, expected_version: int) -> bool: ...
    def delete(self, partnership_id: uuid.UUID) -> None: ...


@dataclass(frozen=True, slots=True)
class StoredApiKey:
    id: uuid.UUID
    name: str
    role: Role
    prefix: str
    secret_hash: str
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyRepository(Protocol):
    def by_prefix(self, prefix: str) -> StoredApiKey | None: ...
    def add(self, key: StoredApiKey) -> None: ...


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """A response kept for an idempotency key, to replay it to a retry."""

    key: str
    principal: str
    request_hash: str
    status_code: int
    headers: dict[str, str]
    body: bytes
    created_at: datetime


class IdempotencyRepository(Protocol):
    def get(self, principal: str, key: str, not_before: datetime) -> StoredResponse | None: ...
    def add(self, response: StoredResponse) -> None: ...
    def purge(self, before: datetime) -> int: ...


class UnitOfWork(Protocol):
    """One transaction; leaving the block without `commit()` rolls it back."""

    @property
    def cities(self) -> CityRepository: ...
    @property
    def partnerships(self) -> PartnershipRepository: ...
    @property
    def api_keys(self) -> ApiKeyRepository: ...
    @property
    def idempotency(self) -> IdempotencyRepository: ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    """Opens a unit of work; `write=True` when the work will change data."""

    def __call__(self, *, write: bool = False) -> UnitOfWork: ...
