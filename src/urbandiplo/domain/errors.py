"""Domain errors: what went wrong in the office's terms, without HTTP status codes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One invalid input field: where it is (dotted path) and what is wrong with it."""

    field: str
    message: str


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    """The record does not exist, or the caller may not know that it exists."""

    def __init__(self, record_type: str, record_id: object) -> None:
        super().__init__(f"{record_type} {record_id} not found")
        self.record_type = record_type
        self.record_id = record_id


class InvalidData(DomainError):
    """Input that is well-formed but breaks a rule of the office (unknown city, wrong dates)."""

    def __init__(self, detail: str, problems: Sequence[FieldProblem] = ()) -> None:
        super().__init__(detail)
        self.problems = tuple(problems)


def invalid_cursor() -> InvalidData:
    return InvalidData(
        "the cursor is not valid for this list",
        [FieldProblem("query.cursor", "not a cursor this list handed out")],
    )


class Conflict(DomainError):
    """The change contradicts what is stored (a duplicate, a record still referred to)."""


class DuplicatePartnership(Conflict):
    """The pair of cities already has a partnership, in either order."""

    def __init__(self, existing_id: object | None = None) -> None:
        """`existing_id` only where the caller may see that partnership."""
        known = f" ({existing_id})" if existing_id is not None else ""
        super().__init__(f"these two cities already have a partnership{known}")
        self.existing_id = existing_id


class StaleVersion(DomainError):
    """The caller's copy is out of date (optimistic concurrency)."""

    def __init__(
        self, detail: str = "the record has changed since you read it; read it again and retry"
    ) -> None:
        super().__init__(detail)


class NotAuthenticated(DomainError):
    """Credentials were required, or the ones given are not valid."""


class PermissionDenied(DomainError):
    """The caller is known but its role does not allow the operation."""
