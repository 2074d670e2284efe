"""Webhook subscriptions and their delivery log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, or_, select, update

from urbandiplo.db.models import WebhookAttemptRow, WebhookRow, table_of
from urbandiplo.domain.values import Visibility
from urbandiplo.domain.webhooks import DeliveryAttempt, WebhookSubscription

webhooks = table_of(WebhookRow)
attempts = table_of(WebhookAttemptRow)


def _subscription(row: Any) -> WebhookSubscription:
    return WebhookSubscription(
        id=row.id,
        url=row.url,
        record_types=tuple(row.record_types or ()),
        scope=Visibility(row.scope),
        description=row.description,
        secret=row.secret,
        active=row.active,
        created_at=row.created_at,
        position=row.position,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error,
    )


class SqlWebhookRepository:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def add(self, subscription: WebhookSubscription) -> None:
        s = subscription
        self._connection.execute(
            insert(webhooks).values(
                id=s.id,
                url=s.url,
                record_types=list(s.record_types),
                scope=s.scope.value,
                description=s.description,
                secret=s.secret,
                active=s.active,
                created_at=s.created_at,
                position=s.position,
                attempts=s.attempts,
                next_attempt_at=s.next_attempt_at,
                last_error=s.last_error,
            )
        )

    def get(self, webhook_id: uuid.UUID) -> WebhookSubscription | None:
        row = self._connection.execute(select(webhooks).where(webhooks.c.id == webhook_id)).first()
        return _subscription(row) if row is not None else None

    def all(self) -> list[WebhookSubscription]:
        rows = self._connection.execute(select(webhooks).order_by(webhooks.c.created_at))
        return [_subscription(row) for row in rows]

    def delete(self, webhook_id: uuid.UUID) -> None:
        self._connection.execute(delete(webhooks).where(webhooks.c.id == webhook_id))

    def due(self, now: datetime, limit: int) -> list[WebhookSubscription]:
        rows = self._connection.execute(
            select(webhooks)
            .where(
                webhooks.c.active.is_(True),
                or_(webhooks.c.next_attempt_at.is_(None), webhooks.c.next_attempt_at <= now),
            )
            .order_by(webhooks.c.created_at)
            .limit(limit)
        )
        return [_subscription(row) for row in rows]

    def save_progress(self, subscription: WebhookSubscription) -> None:
        s = subscription
        self._connection.execute(
            update(webhooks)
            .where(webhooks.c.id == s.id)
            .values(
                position=s.position,
                attempts=s.attempts,
                next_attempt_at=s.next_attempt_at,
                last_error=s.last_error,
            )
        )

    def log(self, attempt: DeliveryAttempt) -> None:
        a = attempt
        self._connection.execute(
            insert(attempts).values(
                id=a.id,
                webhook_id=a.webhook_id,
                seq=a.seq,
                at=a.at,
                status=a.status,
                error=a.error,
                delivered=a.delivered,
            )
        )

    def attempts(self, webhook_id: uuid.UUID, limit: int) -> list[DeliveryAttempt]:
        rows = self._connection.execute(
            select(attempts)
            .where(attempts.c.webhook_id == webhook_id)
            .order_by(attempts.c.at.desc(), attempts.c.id.desc())
            .limit(limit)
        )
        return [
            DeliveryAttempt(
                id=row.id,
                webhook_id=row.webhook_id,
                seq=row.seq,
                at=row.at,
                status=row.status,
                error=row.error,
                delivered=row.delivered,
            )
            for row in rows
        ]
