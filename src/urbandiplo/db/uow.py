"""The unit of work: one connection, one transaction, the repositories on it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine

from urbandiplo.db.access import (
    SqlApiKeyRepository,
    SqlIdempotencyRepository,
    SqlRateCounterRepository,
)
from urbandiplo.db.alerts import SqlCallSubscriptionRepository
from urbandiplo.db.applications import SqlFundingApplicationRepository
from urbandiplo.db.attachments import SqlAttachmentRepository
from urbandiplo.db.audit import SqlAuditRepository
from urbandiplo.db.changes import SqlChangeLog
from urbandiplo.db.cities import SqlCityRepository
from urbandiplo.db.contributions import SqlContributionRepository
from urbandiplo.db.delegations import SqlDelegationRepository
from urbandiplo.db.events import SqlEventRepository
from urbandiplo.db.funding import SqlFundingCallRepository, SqlFundingProgrammeRepository
from urbandiplo.db.networks import SqlNetworkRepository
from urbandiplo.db.news import SqlNewsRepository
from urbandiplo.db.offers import SqlCooperationOfferRepository
from urbandiplo.db.organisations import SqlOrganisationRepository
from urbandiplo.db.partnerships import SqlPartnershipRepository
from urbandiplo.db.people import SqlPersonRepository
from urbandiplo.db.projects import SqlProjectRepository
from urbandiplo.db.search import SqlSearchIndex
from urbandiplo.db.watch import marks_moved
from urbandiplo.db.webhooks import SqlWebhookRepository


class SqlUnitOfWork:
    """Implements domain.ports.UnitOfWork. Leaving the block without commit() rolls back."""

    cities: SqlCityRepository
    partnerships: SqlPartnershipRepository
    organisations: SqlOrganisationRepository
    people: SqlPersonRepository
    networks: SqlNetworkRepository
    delegations: SqlDelegationRepository
    funding_programmes: SqlFundingProgrammeRepository
    funding_calls: SqlFundingCallRepository
    funding_applications: SqlFundingApplicationRepository
    projects: SqlProjectRepository
    contributions: SqlContributionRepository
    news: SqlNewsRepository
    cooperation_offers: SqlCooperationOfferRepository
    call_subscriptions: SqlCallSubscriptionRepository
    attachments: SqlAttachmentRepository
    audit: SqlAuditRepository
    search: SqlSearchIndex
    changes: SqlChangeLog
    webhooks: SqlWebhookRepository
    events: SqlEventRepository
    api_keys: SqlApiKeyRepository
    idempotency: SqlIdempotencyRepository
    rate_counters: SqlRateCounterRepository

    def __init__(self, engine: Engine, *, write: bool = False) -> None:
        self._engine = engine
        self._write = write
        self._connection: Connection | None = None

    def __enter__(self) -> Self:
        connection = self._engine.connect()
        dialect = self._engine.dialect.name
        if self._write and dialect == "sqlite":
            connection.execution_options(sqlite_begin="IMMEDIATE")
        elif not self._write and dialect == "postgresql":
            # A read needs no transaction at READ COMMITTED (each statement sees what was
            # committed when it started): no BEGIN and no ROLLBACK, two round trips fewer.
            connection.execution_options(isolation_level="AUTOCOMMIT")
        connection.begin()
        self._connection = connection
        self.cities = SqlCityRepository(connection)
        self.partnerships = SqlPartnershipRepository(connection)
        self.organisations = SqlOrganisationRepository(connection)
        self.people = SqlPersonRepository(connection)
        self.networks = SqlNetworkRepository(connection)
        self.delegations = SqlDelegationRepository(connection)
        self.funding_programmes = SqlFundingProgrammeRepository(connection)
        self.funding_calls = SqlFundingCallRepository(connection)
        self.funding_applications = SqlFundingApplicationRepository(connection)
        self.projects = SqlProjectRepository(connection)
        self.contributions = SqlContributionRepository(connection)
        self.news = SqlNewsRepository(connection)
        self.cooperation_offers = SqlCooperationOfferRepository(connection)
        self.call_subscriptions = SqlCallSubscriptionRepository(connection)
        self.attachments = SqlAttachmentRepository(connection)
        self.audit = SqlAuditRepository(connection)
        self.search = SqlSearchIndex(connection)
        self.changes = SqlChangeLog(connection)
        self.webhooks = SqlWebhookRepository(connection)
        self.events = SqlEventRepository(connection)
        self.api_keys = SqlApiKeyRepository(connection)
        self.idempotency = SqlIdempotencyRepository(connection)
        self.rate_counters = SqlRateCounterRepository(connection)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection = self._connection
        self._connection = None
        if connection is not None:
            try:
                if connection.in_transaction():
                    connection.rollback()
            finally:
                connection.close()

    def commit(self) -> None:
        if self._connection is None:
            raise RuntimeError("commit() outside the unit of work's block")
        moved = bool(self.changes.pending)
        self.changes.flush()  # numbered last, just before the commit
        self._connection.commit()
        if moved:
            marks_moved(self._engine)  # the response cache keeps no mark of before

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        if self._connection is None:
            raise RuntimeError("savepoint() outside the unit of work's block")
        pending = len(self.changes.pending)
        try:
            with self._connection.begin_nested():
                yield
        except BaseException:
            del self.changes.pending[pending:]  # the changes of what was undone
            raise


class SqlUnitOfWorkFactory:
    """Implements domain.ports.UnitOfWorkFactory over one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self, *, write: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, write=write)
