"""/v1/news: the office's news (and the organisations', once published from a contribution),
with the Markdown body rendered to safe HTML; /v1/news.atom is the same as a feed."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.responses import Response

from urbandiplo.api import atom, examples, resource
from urbandiplo.api.common import (
    GERMAN_REQUIRED,
    LIST_RESPONSES,
    Cursor,
    I18nTextIn,
    I18nTextOut,
    Id,
    IsoDateTime,
    LanguageCode,
    Limit,
    ModifiedSince,
    Omittable,
    Page,
    PatchModel,
    RequestModel,
    SearchText,
    Text,
    Timestamp,
    sort_query,
)
from urbandiplo.api.deps import PrincipalDep, ServicesDep
from urbandiplo.api.http import decode_cursor
from urbandiplo.api.refs import OrganisationRef
from urbandiplo.api.resource import IfNoneMatch, Views
from urbandiplo.api.routes import Resource, add_item_routes
from urbandiplo.domain.access import ANONYMOUS
from urbandiplo.domain.listing import DEFAULT_PAGE_SIZE, PageRequest, Sort, all_pages
from urbandiplo.domain.news import LINK_FIELDS, NEWS_SORTS, NewsFields, NewsQuery
from urbandiplo.domain.news import News as NewsRecord
from urbandiplo.domain.values import I18nText, Visibility

router = APIRouter(prefix="/v1/news", tags=["news"])

MarkdownIn = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(min_length=1, max_length=20_000)]],
    Field(
        max_length=50,
        description="Markdown (CommonMark, with tables) per ISO 639-1 language; German (`de`) "
        "is required. Raw HTML is shown as text, not passed through.",
    ),
    GERMAN_REQUIRED,
]
MarkdownOut = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(max_length=20_000)]],
    Field(description="The Markdown source per language"),
]
HtmlOut = Annotated[
    dict[LanguageCode, Annotated[str, StringConstraints(max_length=400_000)]],
    Field(
        description="The body rendered to HTML per language: safe to show as it is (no "
        "scripts, no raw HTML, no `javascript:` links)"
    ),
]
Ids = Annotated[list[Id], Field(max_length=50)]

EXAMPLE_IN: dict[str, Any] = {
    "title": {
        "de": "Ein Jahr Städtepartnerschaft Köln-Dnipro",
        "en": "One year of the Cologne-Dnipro twinning",
    },
    "summary": {"de": "Rückblick und Ausblick des Freundeskreises"},
    "body": {
        "de": "Am **28. August 2024** schlossen Köln und Dnipro ihre Städtepartnerschaft. "
        "Mehr beim [Freundeskreis](https://example.org)."
    },
    "published_at": "2025-09-25T10:00:00+02:00",
    "author_id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e70",
    "partnership_ids": ["019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e5f"],
}
EXAMPLE_OUT: dict[str, Any] = {
    **EXAMPLE_IN,
    "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4f10",
    "body_html": {
        "de": "<p>Am <strong>28. August 2024</strong> schlossen Köln und Dnipro ihre "
        'Städtepartnerschaft. Mehr beim <a href="https://example.org">Freundeskreis</a>.'
        "</p>\n"
    },
    "published_at": "2025-09-25T08:00:00+00:00",
    "author": {
        "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e70",
        "name": "Freundeskreis Köln-Dnipro e.V.",
        "kind": "association",
        "website": None,
    },
    "network_ids": [],
    "project_ids": [],
    "event_ids": [],
    "funding_call_ids": [],
    "created_at": "2025-09-25T08:00:00+00:00",
    "updated_at": "2025-09-25T08:00:00+00:00",
}


def _domain_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in {"title", "summary", "body"}:
        return I18nText(value)
    if name in LINK_FIELDS:
        return tuple(value)
    return value


class NewsCreate(RequestModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_IN]})

    title: I18nTextIn
    summary: I18nTextIn | None = None
    body: MarkdownIn
    published_at: IsoDateTime | None = Field(
        default=None, description="When it was published; by default when it is created"
    )
    author_id: Id | None = Field(
        default=None, description="The organisation that wrote it; none: the office"
    )
    partnership_ids: Ids = Field(default_factory=list, description="Partnerships it is about")
    network_ids: Ids = Field(default_factory=list, description="City networks it is about")
    project_ids: Ids = Field(default_factory=list, description="Projects it is about")
    event_ids: Ids = Field(default_factory=list, description="Events it is about")
    funding_call_ids: Ids = Field(default_factory=list, description="Funding calls it announces")
    notes: Text | None = Field(default=None, description="Internal note, for staff only")
    visibility: Visibility = Visibility.PUBLIC

    def to_fields(self) -> NewsFields:
        return NewsFields(
            **{name: _domain_value(name, getattr(self, name)) for name in type(self).model_fields}
        )


class NewsUpdate(PatchModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"summary": {"de": "Rückblick auf ein Jahr"}}]},
    )

    title: Omittable[I18nTextIn] = None
    summary: I18nTextIn | None = None
    body: Omittable[MarkdownIn] = None
    published_at: Omittable[IsoDateTime] = None
    author_id: Id | None = None
    partnership_ids: Omittable[Ids] = None
    network_ids: Omittable[Ids] = None
    project_ids: Omittable[Ids] = None
    event_ids: Omittable[Ids] = None
    funding_call_ids: Omittable[Ids] = None
    notes: Text | None = None
    visibility: Omittable[Visibility] = None

    def changes(self) -> dict[str, Any]:
        return {name: _domain_value(name, getattr(self, name)) for name in self.model_fields_set}


class NewsPublic(BaseModel):
    """A news item as the website sees it."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_OUT]})

    id: Id
    title: I18nTextOut
    summary: I18nTextOut | None
    body: MarkdownOut
    body_html: HtmlOut
    published_at: Timestamp
    author_id: Id | None
    author: OrganisationRef | None
    partnership_ids: Ids
    network_ids: Ids
    project_ids: Ids
    event_ids: Ids
    funding_call_ids: Ids
    created_at: Timestamp
    updated_at: Timestamp


class News(NewsPublic):
    """A news item as staff see it."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{**EXAMPLE_OUT, "notes": None, "visibility": "public"}]},
    )

    notes: Text | None
    visibility: Visibility


class NewsPage(Page[News]):
    pass


class NewsPublicPage(Page[NewsPublic]):
    pass


VIEWS = Views(News, NewsPublic)
SortParam = Annotated[str, sort_query(NEWS_SORTS)]


def news_filters(
    author_id: Annotated[Id | None, Query(description="News written by this organisation")] = None,
    partnership_id: Annotated[Id | None, Query(description="News about this partnership")] = None,
    network_id: Annotated[Id | None, Query(description="News about this network")] = None,
    project_id: Annotated[Id | None, Query(description="News about this project")] = None,
    event_id: Annotated[Id | None, Query(description="News about this event")] = None,
    call_id: Annotated[Id | None, Query(description="News announcing this funding call")] = None,
    q: SearchText = None,
    modified_since: ModifiedSince = None,
) -> NewsQuery:
    """The news filters, the same for the list and the feed."""
    return NewsQuery(
        author_id=author_id,
        partnership_id=partnership_id,
        network_id=network_id,
        project_id=project_id,
        event_id=event_id,
        call_id=call_id,
        q=q,
        modified_since=modified_since,
    )


NewsFilters = Annotated[NewsQuery, Depends(news_filters)]


@router.get(
    "",
    operation_id="news-list",
    summary="List news",
    description="Newest first by default.",
    response_model=NewsPage | NewsPublicPage,
    responses=LIST_RESPONSES,
)
def list_news(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    query: NewsFilters,
    sort: SortParam = "-published_at",
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    found = services.news.list_page(
        principal,
        query,
        Sort.parse(sort, NEWS_SORTS),
        PageRequest(limit, decode_cursor(cursor)),
    )
    return resource.page(request, principal, VIEWS, found)


FEED_TITLES = {"de": "Neuigkeiten", "en": "News"}


def _entry(item: NewsRecord, lang: str, request: Request) -> atom.Entry:
    return atom.Entry(
        id=item.id,
        title=item.title.in_language(lang),
        updated=item.updated_at,
        published=item.published_at,
        link=f"{request.base_url}v1/news/{item.id}",
        summary=item.summary.in_language(lang) if item.summary else None,
        content_html=item.body_html.in_language(lang),
        authors=(item.author.name,) if item.author is not None else (),
    )


@router.get(
    ".atom",
    operation_id="news-feed",
    summary="Public news as an Atom feed",
    description="RFC 4287, for feed readers and the website: the public news, newest first, "
    "with the list's filters; entry ids are the items' (`urn:uuid:<id>`), the content is "
    f"the body as safe HTML. At most {atom.MAX_ENTRIES} entries.",
    response_class=Response,
    responses=atom.atom_responses(examples.NEWS_ATOM),
)
def news_feed(
    request: Request,
    services: ServicesDep,
    query: NewsFilters,
    lang: Annotated[Literal["de", "en"], Query(description="Language of the entries")] = "de",
    if_none_match: IfNoneMatch = None,
) -> Response:
    items = all_pages(
        lambda page: services.news.list_page(
            ANONYMOUS, query, Sort("published_at", descending=True), page
        ),
        atom.MAX_ENTRIES,
    )
    feed = atom.Feed(
        title=FEED_TITLES[lang],
        lang=lang,
        author=atom.publisher(lang, services.cities.home.name),
        entries=[_entry(item, lang, request) for item in items],
    )
    return atom.atom_response(feed, request)


add_item_routes(
    router,
    Resource(
        collection="news",
        noun="news item",
        views=VIEWS,
        create_model=NewsCreate,
        update_model=NewsUpdate,
        service=lambda services: services.news,
    ),
)
