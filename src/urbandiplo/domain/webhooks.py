"""Webhooks: admin-managed subscriptions that push the change feed to other systems.

A subscription keeps its own position in the change feed; the delivering process sends the
changes after it one by one, in order, signed, and moves the position on only after the
receiver answered 2xx. The position lives in the database, so nothing queued is lost when
the process stops, and a change may arrive twice (at least once), never not at all."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from urbandiplo.domain.access import Permission, Principal, Role
from urbandiplo.domain.errors import FieldProblem, InvalidData, NotFound
from urbandiplo.domain.ids import new_id
from urbandiplo.domain.ports import UnitOfWorkFactory
from urbandiplo.domain.records import utcnow
from urbandiplo.domain.values import Visibility

MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookSubscription:
    id: uuid.UUID
    url: str
    record_types: tuple[str, ...]  # collections ("partnerships"); empty: every type
    scope: Visibility  # the records it may carry: public ones, or internal, or confidential too
    description: str | None
    secret: str  # signs every delivery; shown once, when the subscription is made
    active: bool
    created_at: datetime
    position: int  # the last change delivered
    attempts: int  # failed attempts at the next change
    next_attempt_at: datetime | None
    last_error: str | None

    def principal(self) -> Principal:
        """Whom the deliveries are read as: a reader of the subscription's scope."""
        return Principal(
            actor=f"webhook:{self.id}",
            role=None if self.scope == Visibility.PUBLIC else Role.READER,
            permissions=frozenset({Permission.CONFIDENTIAL})
            if self.scope == Visibility.CONFIDENTIAL
            else frozenset(),
            authenticated=True,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DeliveryAttempt:
    id: uuid.UUID
    webhook_id: uuid.UUID
    seq: int
    at: datetime
    status: int | None  # the receiver's HTTP status; None: no answer
    error: str | None
    delivered: bool


class WebhookRepository(Protocol):
    def add(self, subscription: WebhookSubscription) -> None: ...
    def get(self, webhook_id: uuid.UUID) -> WebhookSubscription | None: ...
    def all(self) -> list[WebhookSubscription]: ...
    def delete(self, webhook_id: uuid.UUID) -> None: ...
    def due(self, now: datetime, limit: int) -> list[WebhookSubscription]:
        """Active subscriptions whose next attempt is due (one delivering process at a time:
        two would send the same change twice, which at-least-once allows but wastes)."""
        ...

    def save_progress(self, subscription: WebhookSubscription) -> None: ...
    def log(self, attempt: DeliveryAttempt) -> None: ...
    def attempts(self, webhook_id: uuid.UUID, limit: int) -> list[DeliveryAttempt]: ...


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 over "<timestamp>.<body>", hex; a receiver recomputes and compares it."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def backoff(attempts: int) -> timedelta:
    """1 s, 2 s, 4 s, ... up to an hour between attempts at the same change."""
    return min(timedelta(seconds=2 ** min(attempts - 1, 20)), MAX_BACKOFF)


class WebhookService:
    def __init__(self, uow_factory: UnitOfWorkFactory, record_types: Sequence[str]) -> None:
        self._uow = uow_factory
        self._record_types = tuple(record_types)

    def create(
        self,
        principal: Principal,
        url: str,
        record_types: Sequence[str],
        scope: Visibility,
        description: str | None = None,
    ) -> WebhookSubscription:
        """A new subscription, starting after the newest change; its secret comes back once."""
        principal.require(Role.ADMIN)
        unknown = sorted(set(record_types) - set(self._record_types))
        if unknown:
            raise InvalidData(
                "unknown record types",
                [FieldProblem("record_types", f"not a record type: {', '.join(unknown)}")],
            )
        if not principal.may_see(scope):
            raise InvalidData(
                "a subscription cannot see more than its maker",
                [FieldProblem("scope", "needs the confidential permission")],
            )
        with self._uow(write=True) as uow:
            newest = uow.changes.newest()
            subscription = WebhookSubscription(
                id=new_id(),
                url=url,
                record_types=tuple(dict.fromkeys(record_types)),
                scope=scope,
                description=description,
                secret=secrets.token_urlsafe(32),
                active=True,
                created_at=utcnow(),
                position=newest,
                attempts=0,
                next_attempt_at=None,
                last_error=None,
            )
            uow.webhooks.add(subscription)
            uow.commit()
        return subscription

    def all(self, principal: Principal) -> list[WebhookSubscription]:
        principal.require(Role.ADMIN)
        with self._uow() as uow:
            return uow.webhooks.all()

    def get(self, principal: Principal, webhook_id: uuid.UUID) -> WebhookSubscription:
        principal.require(Role.ADMIN)
        with self._uow() as uow:
            found = uow.webhooks.get(webhook_id)
        if found is None:
            raise NotFound("webhook", webhook_id)
        return found

    def delete(self, principal: Principal, webhook_id: uuid.UUID) -> None:
        principal.require(Role.ADMIN)
        with self._uow(write=True) as uow:
            if uow.webhooks.get(webhook_id) is None:
                raise NotFound("webhook", webhook_id)
            uow.webhooks.delete(webhook_id)
            uow.commit()

    def attempts(
        self, principal: Principal, webhook_id: uuid.UUID, limit: int = 100
    ) -> list[DeliveryAttempt]:
        self.get(principal, webhook_id)
        with self._uow() as uow:
            return uow.webhooks.attempts(webhook_id, limit)

    def delivered(self, subscription: WebhookSubscription, seq: int, status: int) -> None:
        """The receiver took change `seq`: log it and move the position past it."""
        with self._uow(write=True) as uow:
            uow.webhooks.save_progress(
                replace(
                    subscription, position=seq, attempts=0, next_attempt_at=None, last_error=None
                )
            )
            uow.webhooks.log(self._attempt(subscription, seq, status, None, delivered=True))
            uow.commit()

    def skipped(self, subscription: WebhookSubscription, seq: int) -> None:
        """Nothing to send up to `seq` (other record types): move on."""
        with self._uow(write=True) as uow:
            uow.webhooks.save_progress(replace(subscription, position=seq))
            uow.commit()

    def failed(
        self, subscription: WebhookSubscription, seq: int, status: int | None, error: str
    ) -> WebhookSubscription:
        """The receiver did not take change `seq`: log it and try again later."""
        attempts = subscription.attempts + 1
        later = replace(
            subscription,
            attempts=attempts,
            next_attempt_at=utcnow() + backoff(attempts),
            last_error=error[:500],
        )
        with self._uow(write=True) as uow:
            uow.webhooks.save_progress(later)
            uow.webhooks.log(self._attempt(subscription, seq, status, error, delivered=False))
            uow.commit()
        return later

    @staticmethod
    def _attempt(
        subscription: WebhookSubscription,
        seq: int,
        status: int | None,
        error: str | None,
        *,
        delivered: bool,
    ) -> DeliveryAttempt:
        return DeliveryAttempt(
            id=new_id(),
            webhook_id=subscription.id,
            seq=seq,
            at=utcnow(),
            status=status,
            error=error[:500] if error else None,
            delivered=delivered,
        )

    def due(self, now: datetime, limit: int = 20) -> list[WebhookSubscription]:
        with self._uow() as uow:
            return uow.webhooks.due(now, limit)
