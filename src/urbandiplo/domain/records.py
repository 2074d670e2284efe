"""What every stored record has (id, timestamps, version, visibility) and the service rules
they share: who sees a record, stale-copy checks, timestamps."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol, TypeVar

from urbandiplo.domain.access import Principal
from urbandiplo.domain.errors import NotFound, PermissionDenied, StaleVersion
from urbandiplo.domain.values import Visibility


class Stored(Protocol):
    @property
    def id(self) -> uuid.UUID: ...

    @property
    def visibility(self) -> Visibility: ...


R = TypeVar("R", bound=Stored)

# A check of the caller's copy of a record (from `If-Match`), run inside the transaction that
# changes it; False means the copy is stale.
Precondition = Callable[[R], bool]


def utcnow() -> datetime:
    return datetime.now(UTC)


def visible_or_404(
    record: R | None, principal: Principal, record_type: str, record_id: object
) -> R:
    """The record if it exists and the caller may see it; otherwise NotFound, never a hint
    that a hidden record exists."""
    if record is None or not principal.may_see(record.visibility):
        raise NotFound(record_type, record_id)
    return record


def check_may_assign(principal: Principal, visibility: Visibility) -> None:
    """Nobody may give a record a visibility they could not see it under."""
    if not principal.may_see(visibility):
        raise PermissionDenied(f"{visibility.value} records need the confidential permission")


def check_precondition(record: R, precondition: Precondition[R] | None) -> None:
    if precondition is not None and not precondition(record):
        raise StaleVersion()
