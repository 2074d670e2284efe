"""The ports the services need: repositories and the unit of work (implemented in `db`)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self, TypeVar

from urbandiplo.domain.access import Role
from urbandiplo.domain.listing import Page, PageRequest, Sort
from urbandiplo.domain.values import Visibility

if TYPE_CHECKING:  # each resource's module defines its repository port and imports this one
    from urbandiplo.domain.alerts import CallSubscriptionRepository
    from urbandiplo.domain.applications import FundingApplicationRepository
    from urbandiplo.domain.attachments import AttachmentRepository
    from urbandiplo.domain.audit import AuditRepository
    from urbandiplo.domain.changes import ChangeLog
    from urbandiplo.domain.cities import CityRepository
    from urbandiplo.domain.contributions import ContributionRepository
    from urbandiplo.domain.delegations import DelegationRepository
    from urbandiplo.domain.events import EventRepository
    from urbandiplo.domain.funding import FundingCallRepository, FundingProgrammeRepository
    from urbandiplo.domain.networks import NetworkRepository
    from urbandiplo.domain.news import NewsRepository
    from urbandiplo.domain.offers import CooperationOfferRepository
    from urbandiplo.domain.organisations import OrganisationRepository
    from urbandiplo.domain.partnerships import PartnershipRepository
    from urbandiplo.domain.people import PersonRepository
    from urbandiplo.domain.projects import ProjectRepository
    from urbandiplo.domain.search import SearchIndex
    from urbandiplo.domain.webhooks import WebhookRepository


RecordT = TypeVar("RecordT")
QueryT_contra = TypeVar("QueryT_contra", contravariant=True)


class Repository(Protocol[RecordT, QueryT_contra]):
    """What every resource's repository offers; a resource's port adds what is special."""

    def get(self, record_id: uuid.UUID) -> RecordT | None: ...
    def list_page(
        self, query: QueryT_contra, visible: Collection[Visibility], sort: Sort, page: PageRequest
    ) -> Page[RecordT]: ...
    def add(self, record: RecordT) -> None: ...
    def update(self, record: RecordT, expected_version: int) -> bool: ...
    def delete(self, record_id: uuid.UUID) -> None: ...
    def many(self, record_ids: Collection[uuid.UUID]) -> list[RecordT]: ...


@dataclass(frozen=True, slots=True)
class StoredApiKey:
    """A staff key (a role), or a contributor's key (no role; its organisation)."""

    id: uuid.UUID
    name: str
    role: Role | None
    prefix: str
    secret_hash: str
    created_at: datetime
    revoked_at: datetime | None
    organisation_id: uuid.UUID | None = None


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
    def forget(self, text: str) -> int:
        """Delete kept responses that mention `text` (an erased person's id)."""


class RateCounterRepository(Protocol):
    def hit(self, bucket: str, window_start: int) -> int:
        """Count one request in the bucket's window; the count so far, this one included."""

    def forget_before(self, window_start: int) -> int:
        """Delete the counts of windows that started before `window_start`."""


class UnitOfWork(Protocol):
    """One transaction; leaving the block without `commit()` rolls it back."""

    @property
    def cities(self) -> CityRepository: ...
    @property
    def partnerships(self) -> PartnershipRepository: ...
    @property
    def organisations(self) -> OrganisationRepository: ...
    @property
    def people(self) -> PersonRepository: ...
    @property
    def networks(self) -> NetworkRepository: ...
    @property
    def delegations(self) -> DelegationRepository: ...
    @property
    def funding_programmes(self) -> FundingProgrammeRepository: ...
    @property
    def funding_calls(self) -> FundingCallRepository: ...
    @property
    def funding_applications(self) -> FundingApplicationRepository: ...
    @property
    def projects(self) -> ProjectRepository: ...
    @property
    def contributions(self) -> ContributionRepository: ...
    @property
    def news(self) -> NewsRepository: ...
    @property
    def cooperation_offers(self) -> CooperationOfferRepository: ...
    @property
    def call_subscriptions(self) -> CallSubscriptionRepository: ...
    @property
    def attachments(self) -> AttachmentRepository: ...
    @property
    def events(self) -> EventRepository: ...
    @property
    def audit(self) -> AuditRepository: ...
    @property
    def search(self) -> SearchIndex: ...
    @property
    def changes(self) -> ChangeLog: ...
    @property
    def webhooks(self) -> WebhookRepository: ...
    @property
    def api_keys(self) -> ApiKeyRepository: ...
    @property
    def idempotency(self) -> IdempotencyRepository: ...
    @property
    def rate_counters(self) -> RateCounterRepository: ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def savepoint(self) -> AbstractContextManager[None]:
        """A nested transaction: leaving it by an exception undoes what was done inside
        it, and only that (one row of an import)."""


class UnitOfWorkFactory(Protocol):
    """Opens a unit of work; `write=True` when the work will change data."""

    def __call__(self, *, write: bool = False) -> UnitOfWork: ...
