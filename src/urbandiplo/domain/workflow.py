"""The funding application workflow as one explicit transition table.

draft -> submitted -> under_review <-> more_info_requested -> approved | rejected, and
withdrawn from any open state. Every other move is refused with the moves that are allowed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from urbandiplo.domain.errors import Conflict


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    MORE_INFO_REQUESTED = "more_info_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


S = ApplicationStatus

# The one table: from each status, the statuses an application may move to.
TRANSITIONS: Mapping[ApplicationStatus, frozenset[ApplicationStatus]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.UNDER_REVIEW, S.WITHDRAWN}),
    S.UNDER_REVIEW: frozenset({S.MORE_INFO_REQUESTED, S.APPROVED, S.REJECTED, S.WITHDRAWN}),
    S.MORE_INFO_REQUESTED: frozenset({S.UNDER_REVIEW, S.WITHDRAWN}),
    S.APPROVED: frozenset(),
    S.REJECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

OPEN = frozenset(status for status, onward in TRANSITIONS.items() if onward)


class TransitionNotAllowed(Conflict):
    """The move is not in the table; the error names the moves that are."""

    def __init__(self, current: ApplicationStatus, target: ApplicationStatus) -> None:
        allowed = sorted(TRANSITIONS[current])
        names = ", ".join(status.value for status in allowed) or "none (a final status)"
        super().__init__(
            f"an application that is {current.value} cannot become {target.value}; allowed: {names}"
        )
        self.current = current
        self.target = target
        self.allowed = tuple(allowed)


@dataclass(frozen=True, slots=True, kw_only=True)
class Transition:
    """One step in an application's history."""

    from_status: ApplicationStatus
    to_status: ApplicationStatus
    at: datetime
    actor: str
    note: str | None = None


def move(
    current: ApplicationStatus,
    target: ApplicationStatus,
    *,
    at: datetime,
    actor: str,
    note: str | None = None,
) -> Transition:
    """The step from `current` to `target`, if the table allows it."""
    if target not in TRANSITIONS[current]:
        raise TransitionNotAllowed(current, target)
    return Transition(from_status=current, to_status=target, at=at, actor=actor, note=note)
