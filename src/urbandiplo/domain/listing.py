"""Lists: sort orders, keyset cursors and pages, the same for every resource."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Generic, TypeVar

from urbandiplo.domain.errors import FieldProblem, InvalidData

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


@dataclass(frozen=True, slots=True)
class Sort:
    """A sort order: one field, ascending or descending; the record id breaks ties."""

    field: str
    descending: bool = False

    @classmethod
    def parse(cls, text: str, allowed: Sequence[str]) -> Sort:
        descending = text.startswith("-")
        name = text[1:] if descending else text
        if name not in allowed:
            raise InvalidData(
                f"cannot sort by {name!r}",
                [FieldProblem("sort", f"one of {', '.join(allowed)}, optionally prefixed with -")],
            )
        return cls(name, descending)

    def __str__(self) -> str:
        return f"-{self.field}" if self.descending else self.field


@dataclass(frozen=True, slots=True)
class Position:
    """Where a page ends: the sort field's value (as text, or None) and the record id of the
    last item. The next page starts after it."""

    sort: str
    value: str | None
    id: str


@dataclass(frozen=True, slots=True)
class PageRequest:
    limit: int = DEFAULT_PAGE_SIZE
    after: Position | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_PAGE_SIZE:
            raise InvalidData(
                "page size out of range", [FieldProblem("limit", f"between 1 and {MAX_PAGE_SIZE}")]
            )


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    next: Position | None


def every_item(read: Callable[[PageRequest], Page[T]]) -> Iterator[T]:
    """Every item `read` gives, reading the next page only when it is wanted."""
    page = PageRequest(MAX_PAGE_SIZE)
    while True:
        result = read(page)
        yield from result.items
        if result.next is None:
            return
        page = PageRequest(MAX_PAGE_SIZE, result.next)


def all_pages(read: Callable[[PageRequest], Page[T]], at_most: int) -> list[T]:
    """Every item `read` gives, page by page, up to `at_most` (a bound, not a page)."""
    return list(islice(every_item(read), at_most))
