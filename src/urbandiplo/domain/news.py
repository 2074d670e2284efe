"""News: what the office (and, through contributions, the organisations it works with)
tells the public, in several languages, with a Markdown body rendered to safe HTML when it
is written, and links to the partnerships, networks, projects, events and funding calls it
is about."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Protocol

from urbandiplo.domain.access import Principal
from urbandiplo.domain.errors import FieldProblem, InvalidData
from urbandiplo.domain.markdown import rendered
from urbandiplo.domain.ports import Repository, UnitOfWork, UnitOfWorkFactory
from urbandiplo.domain.records import RecordService, utcnow
from urbandiplo.domain.refs import OrganisationRef, organisation_ref
from urbandiplo.domain.search import SearchEntry
from urbandiplo.domain.values import I18nText, Visibility

NEWS_SORTS = ("published_at", "created_at", "updated_at")

# The records a news item may link to: the field of their ids, and how to find one and
# whom it shows to (its own visibility and, for a partnership or a call, its parents').
LINK_FIELDS: Mapping[str, str] = {
    "partnership_ids": "partnership",
    "network_ids": "network",
    "project_ids": "project",
    "event_ids": "event",
    "funding_call_ids": "funding call",
}


def _partnership(uow: UnitOfWork, record_id: uuid.UUID) -> tuple[Visibility, ...] | None:
    found = uow.partnerships.get(record_id)
    if found is None:
        return None
    return (found.visibility, found.city.visibility, found.partner_city.visibility)


def _call(uow: UnitOfWork, record_id: uuid.UUID) -> tuple[Visibility, ...] | None:
    found = uow.funding_calls.get(record_id)
    return None if found is None else (found.visibility, found.programme.visibility)


def _own(get: Callable[[UnitOfWork], Any]) -> Callable[[UnitOfWork, uuid.UUID], Any]:
    def visibilities(uow: UnitOfWork, record_id: uuid.UUID) -> tuple[Visibility, ...] | None:
        found = get(uow).get(record_id)
        return None if found is None else (found.visibility,)

    return visibilities


LINK_TARGETS: Mapping[str, Callable[[UnitOfWork, uuid.UUID], tuple[Visibility, ...] | None]] = {
    "partnership_ids": _partnership,
    "network_ids": _own(lambda uow: uow.networks),
    "project_ids": _own(lambda uow: uow.projects),
    "event_ids": _own(lambda uow: uow.events),
    "funding_call_ids": _call,
}


@dataclass(frozen=True, slots=True)
class NewsLink:
    """A record a news item links to, with what a caller must be allowed to see to see it."""

    field: str  # one of LINK_FIELDS: "partnership_ids"
    id: uuid.UUID
    visibilities: tuple[Visibility, ...]

    def visible_to(self, principal: Principal) -> bool:
        return all(principal.may_see(v) for v in self.visibilities)


@dataclass(frozen=True, slots=True, kw_only=True)
class NewsFields:
    """What staff (or a contribution) write about a news item."""

    title: I18nText
    body: I18nText  # Markdown
    summary: I18nText | None = None
    published_at: datetime | None = None  # None: when it is created
    author_id: uuid.UUID | None = None  # an organisation; none: the office
    partnership_ids: tuple[uuid.UUID, ...] = ()
    network_ids: tuple[uuid.UUID, ...] = ()
    project_ids: tuple[uuid.UUID, ...] = ()
    event_ids: tuple[uuid.UUID, ...] = ()
    funding_call_ids: tuple[uuid.UUID, ...] = ()
    notes: str | None = None
    visibility: Visibility = Visibility.PUBLIC


@dataclass(frozen=True, slots=True, kw_only=True)
class News(NewsFields):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int
    body_html: I18nText  # rendered from `body` when written
    author: OrganisationRef | None
    links: tuple[NewsLink, ...]


@dataclass(frozen=True, slots=True)
class NewsQuery:
    author_id: uuid.UUID | None = None
    partnership_id: uuid.UUID | None = None
    network_id: uuid.UUID | None = None
    project_id: uuid.UUID | None = None
    event_id: uuid.UUID | None = None
    call_id: uuid.UUID | None = None
    q: str | None = None
    modified_since: datetime | None = None

    def links(self) -> dict[str, uuid.UUID]:
        """The link filters given, by the field of the news item they match."""
        named = {
            "partnership_ids": self.partnership_id,
            "network_ids": self.network_id,
            "project_ids": self.project_id,
            "event_ids": self.event_id,
            "funding_call_ids": self.call_id,
        }
        return {field: value for field, value in named.items() if value is not None}


class NewsRepository(Repository[News, NewsQuery], Protocol):
    pass


class NewsService(RecordService[NewsFields, News, NewsQuery]):
    """Reading and writing news."""

    record_type = "news item"
    fields_type = NewsFields
    record_class = News
    query_class = NewsQuery
    collection = "news"

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        super().__init__(uow_factory)

    def repository(self, uow: UnitOfWork) -> NewsRepository:
        return uow.news

    def search_entry(self, record: News) -> SearchEntry:
        return self.indexed(record, record.title, record.summary, record.body)

    def prepare(
        self,
        uow: UnitOfWork,
        principal: Principal,
        draft: NewsFields,
        current: News | None,
        changed: AbstractSet[str],
    ) -> dict[str, Any]:
        problems: list[FieldProblem] = []
        if draft.published_at is not None and draft.published_at.tzinfo is None:
            problems.append(FieldProblem("published_at", "needs an offset"))
        author = current.author if current is not None else None
        if current is None or "author_id" in changed:
            author = None
            if draft.author_id is not None:
                found = uow.organisations.get(draft.author_id)
                if found is None or not found.visible_to(principal):
                    problems.append(FieldProblem("author_id", "no such organisation"))
                else:
                    author = organisation_ref(found)
        links = [] if current is None else [k for k in current.links if k.field not in changed]
        for field, noun in LINK_FIELDS.items():
            if current is not None and field not in changed:
                continue
            for i, record_id in enumerate(dict.fromkeys(getattr(draft, field))):
                visibilities = LINK_TARGETS[field](uow, record_id)
                if visibilities is None or not all(principal.may_see(v) for v in visibilities):
                    problems.append(FieldProblem(f"{field}.{i}", f"no such {noun}"))
                else:
                    links.append(NewsLink(field, record_id, visibilities))
        if problems:
            raise InvalidData("the news item's data is not valid", problems)
        values = super().prepare(uow, principal, draft, current, changed)
        if values["published_at"] is None:
            values["published_at"] = current.published_at if current is not None else utcnow()
        values["published_at"] = values["published_at"].astimezone(UTC)  # as it is read back
        order = list(LINK_FIELDS)
        values["links"] = tuple(sorted(links, key=lambda k: order.index(k.field)))
        for field in LINK_FIELDS:
            values[field] = tuple(k.id for k in values["links"] if k.field == field)
        values["author"] = author
        values["body_html"] = rendered(draft.body)
        return values

    def shown_to(self, record: News, principal: Principal) -> News:
        """Links to records and an author the caller may not see are left out."""
        links = tuple(k for k in record.links if k.visible_to(principal))
        author = record.author
        if author is not None and not principal.may_see(author.visibility):
            author = None
        if len(links) == len(record.links) and author is record.author:
            return record

        def ids(field: str) -> tuple[uuid.UUID, ...]:
            return tuple(k.id for k in links if k.field == field)

        return replace(
            record,
            links=links,
            author=author,
            author_id=author.id if author is not None else None,
            partnership_ids=ids("partnership_ids"),
            network_ids=ids("network_ids"),
            project_ids=ids("project_ids"),
            event_ids=ids("event_ids"),
            funding_call_ids=ids("funding_call_ids"),
        )
