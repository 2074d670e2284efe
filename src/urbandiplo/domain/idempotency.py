"""Idempotent creation: a retried request with the same key gets the first response back,
and the record is created once. Responses are kept in the database for 24 hours."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from urbandiplo.domain.errors import Conflict, FieldProblem, InvalidData
from urbandiplo.domain.ports import StoredResponse, UnitOfWork, UnitOfWorkFactory
from urbandiplo.domain.records import utcnow

KEPT_FOR = timedelta(hours=24)
T = TypeVar("T")


class IdempotencyKeyReused(InvalidData):
    """The key was used before for a different request."""

    def __init__(self) -> None:
        super().__init__(
            "this Idempotency-Key was used for a different request; use a new key",
            [FieldProblem("header.Idempotency-Key", "used before with another request body")],
        )


class IdempotencyKeyInUse(Conflict):
    """A concurrent request with the same key got there first."""

    def __init__(self) -> None:
        super().__init__("a request with this Idempotency-Key is being processed; retry it")


class IdempotencyService:
    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow = uow_factory

    def earlier_response(
        self, principal: str, key: str, request_hash: str
    ) -> StoredResponse | None:
        """The response kept for this key, if it is fresh; IdempotencyKeyReused if the key
        came with another request."""
        with self._uow() as uow:
            stored = uow.idempotency.get(principal, key, not_before=utcnow() - KEPT_FOR)
        if stored is not None and stored.request_hash != request_hash:
            raise IdempotencyKeyReused()
        return stored

    @staticmethod
    def recorder(
        principal: str,
        key: str,
        request_hash: str,
        respond: Callable[[T], tuple[int, dict[str, str], bytes]],
    ) -> Callable[[UnitOfWork, T], None]:
        """A `before_commit` hook that keeps the response in the transaction that creates the
        record, so a record never exists without its kept response or the other way round."""

        def record(uow: UnitOfWork, created: T) -> None:
            status_code, headers, body = respond(created)
            now = utcnow()
            # Expired responses go on the way, so the table holds about a day of writes.
            uow.idempotency.purge(now - KEPT_FOR)
            uow.idempotency.add(
                StoredResponse(
                    key=key,
                    principal=principal,
                    request_hash=request_hash,
                    status_code=status_code,
                    headers=headers,
                    body=body,
                    created_at=now,
                )
            )

        return record
