"""Search across all resources: every record's public text in one index, kept with the
record in the same unit of work, queried by full-text search and checked against the
caller's view of each record before it is shown."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from urbandiplo.domain.access import Principal
from urbandiplo.domain.errors import DomainError, FieldProblem, InvalidData
from urbandiplo.domain.values import I18nText, Visibility, fold_for_search, fold_query, strictest

MAX_RESULTS = 50
MAX_TERMS = 8
SNIPPET_WORDS = 24


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchEntry:
    """What the index keeps of a record: its title and its public text, and who may see it
    (a first filter; each hit is checked against the record itself before it is shown)."""

    record_type: str  # the collection: "partnerships", "funding-calls"
    record_id: uuid.UUID
    visibility: Visibility
    title: I18nText
    text: str  # public fields only: a search must not reveal what the caller cannot read

    @property
    def folded(self) -> str:
        return fold_for_search(" ".join([*self.title.values(), self.text]))


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchHit:
    record_type: str
    record_id: uuid.UUID
    title: I18nText
    snippet: str
    rank: float


class SearchIndex(Protocol):
    def put(self, entry: SearchEntry, *, new: bool = False) -> None:
        """Store the record's entry, in place of the one it had (`new`: it has none)."""

    def remove(self, record_type: str, record_id: uuid.UUID) -> None: ...
    def search(
        self,
        terms: Sequence[str],
        visible: frozenset[Visibility],
        record_types: Sequence[str],
        limit: int,
    ) -> list[tuple[SearchEntry, float]]:
        """Entries holding every term (a word beginning with it, or its stem, in German or
        English), best first, with a rank (higher is better)."""
        ...


def terms_of(q: str) -> list[str]:
    """The words of a query, folded (Köln -> koeln) and stripped of operators."""
    words = [w for w in re.split(r"[^\w]+", fold_query(q)) if w]
    return list(dict.fromkeys(words))[:MAX_TERMS]


def snippet(text: str, terms: Sequence[str]) -> str:
    """Some words of `text` around the first one a term matches."""
    words = text.split()
    if not words:
        return ""
    at = next(
        (i for i, word in enumerate(words) if any(term in fold_for_search(word) for term in terms)),
        0,
    )
    start = max(0, at - SNIPPET_WORDS // 3)
    part = words[start : start + SNIPPET_WORDS]
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + SNIPPET_WORDS < len(words) else ""
    return prefix + " ".join(part) + suffix


def joined(*parts: Iterable[str] | str | None) -> str:
    """Text parts, flattened: strings, lists of strings, multilingual texts' values."""
    found: list[str] = []
    for part in parts:
        if part is None:
            continue
        if isinstance(part, str):
            found.append(part)
        elif isinstance(part, Mapping):
            found += [str(v) for v in part.values()]
        else:
            found += [str(p) for p in part]
    return " ".join(p for p in found if p)


def seen_with(visibility: Visibility, refs: Iterable[Any]) -> list[Any]:
    """The linked records everyone who may see a record of `visibility` may see too: only
    their names go into its text, so that a search never matches on a hidden link."""
    return [r for r in refs if strictest(r.visibility, visibility) == visibility]


def city_names(refs: Iterable[Any]) -> list[str]:
    return [name for ref in refs for name in (ref.name, *ref.names.values())]


Reader = Callable[[Principal, uuid.UUID], Any]


class SearchService:
    """`readers` maps each record type to how the caller reads one record (the service's
    `get`): a hit the caller may not read now is left out."""

    def __init__(
        self,
        uow_factory: Any,
        readers: Mapping[str, Reader],
        reindexers: Sequence[Callable[[], int]] = (),
    ) -> None:
        self._uow = uow_factory
        self._readers = dict(readers)
        self._reindexers = list(reindexers)

    def reindex(self) -> int:
        """Every searchable record's entry written anew; how many."""
        return sum(reindex() for reindex in self._reindexers)

    @property
    def record_types(self) -> tuple[str, ...]:
        return tuple(self._readers)

    def search(
        self,
        principal: Principal,
        q: str,
        record_types: Sequence[str] = (),
        limit: int = 20,
    ) -> list[SearchHit]:
        terms = terms_of(q)
        if not terms:
            raise InvalidData("nothing to search for", [FieldProblem("q", "give a word")])
        unknown = set(record_types) - set(self._readers)
        if unknown:
            raise InvalidData(
                "unknown record types", [FieldProblem("type", f"one of {self.record_types}")]
            )
        types = list(record_types) or list(self._readers)
        with self._uow() as uow:
            # A few more than asked for: some may turn out hidden from the caller.
            found = uow.search.search(terms, principal.visible, types, limit * 2 + 5)
        hits = []
        for entry, rank in found:
            try:
                self._readers[entry.record_type](principal, entry.record_id)
            except DomainError:  # hidden from the caller now, or erased
                continue
            hits.append(
                SearchHit(
                    record_type=entry.record_type,
                    record_id=entry.record_id,
                    title=entry.title,
                    snippet=snippet(entry.text, terms),
                    rank=rank,
                )
            )
            if len(hits) == limit:
                break
        return hits
