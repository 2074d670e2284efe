"""Workflows as explicit transition tables: funding applications and contributions.

Applications: draft -> submitted -> under_review <-> more_info_requested -> approved |
rejected, and withdrawn from any open state. Contributions (domain.contributions): draft ->
submitted -> changes_requested -> submitted -> published | declined, withdrawn while open.
Every other move is refused with the moves that are allowed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar

from urbandiplo.domain.errors import Conflict

StatusT = TypeVar("StatusT", bound=StrEnum)


class TransitionNotAllowed(Conflict):
    """The move is not in the table; the error names the moves that are."""

    def __init__(
        self, noun: str, current: StrEnum, target: StrEnum, allowed: tuple[Any, ...]
    ) -> None:
        names = ", ".join(status.value for status in allowed) or "none (a final status)"
        super().__init__(
            f"{noun} that is {current.value} cannot become {target.value}; allowed: {names}"
        )
        self.current = current
        self.target = target
        self.allowed = allowed


@dataclass(frozen=True, slots=True, kw_only=True)
class Transition(Generic[StatusT]):
    """One step in a record's history."""

    from_status: StatusT
    to_status: StatusT
    at: datetime
    actor: str
    note: str | None = None
    # Whether the note is for the applicant too (an incoming application's): staff's
    # notes are internal unless said otherwise; the applicant's own are shared.
    shared: bool = False


class Workflow(Generic[StatusT]):
    """One transition table: from each status, the statuses a record may move to."""

    def __init__(self, noun: str, transitions: Mapping[StatusT, frozenset[StatusT]]) -> None:
        self.noun = noun  # "an application", in messages
        self.transitions = transitions
        self.open = frozenset(status for status, onward in transitions.items() if onward)

    def move(
        self,
        current: StatusT,
        target: StatusT,
        *,
        at: datetime,
        actor: str,
        note: str | None = None,
        shared: bool = False,
    ) -> Transition[StatusT]:
        """The step from `current` to `target`, if the table allows it."""
        if target not in self.transitions[current]:
            allowed = tuple(sorted(self.transitions[current]))
            raise TransitionNotAllowed(self.noun, current, target, allowed)
        return Transition(
            from_status=current, to_status=target, at=at, actor=actor, note=note, shared=shared
        )

    def described(self) -> str:
        """The table as a Markdown list, for the contract."""
        return "\n".join(
            f"- `{status.value}` → "
            + (", ".join(f"`{t.value}`" for t in sorted(onward)) or "none (final)")
            for status, onward in self.transitions.items()
        )


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
APPLICATIONS = Workflow("an application", TRANSITIONS)
OPEN = APPLICATIONS.open
move = APPLICATIONS.move
