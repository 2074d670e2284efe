"""The news repository: a news item with its author and its links, whose visibilities are
read with them (a link shows only where the linked record does, as it is now)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, Table, and_, exists, select, union_all
from sqlalchemy.engine import Row

from urbandiplo.db.models import (
    CityRow,
    EventRow,
    FundingCallRow,
    FundingProgrammeRow,
    NetworkRow,
    NewsLinkRow,
    NewsRow,
    OrganisationRow,
    PartnershipRow,
    ProjectRow,
    table_of,
)
from urbandiplo.db.records import QUERY_ONLY, SqlRepository, among, one_of, text_or_none
from urbandiplo.db.refs import grouped, organisation_ref_columns, organisation_ref_from
from urbandiplo.db.search import contains_folded
from urbandiplo.domain.news import LINK_FIELDS, News, NewsLink, NewsQuery
from urbandiplo.domain.values import I18nText, Visibility, fold_for_search

news = table_of(NewsRow)
links = table_of(NewsLinkRow)
author = table_of(OrganisationRow).alias("author")
_partnerships = table_of(PartnershipRow)
_city = table_of(CityRow).alias("news_city")
_partner = table_of(CityRow).alias("news_partner")
_calls = table_of(FundingCallRow)
_programme = table_of(FundingProgrammeRow).alias("news_programme")

SORT_COLUMNS: dict[str, tuple[ColumnElement[Any], type]] = {
    "published_at": (news.c.published_at, datetime),
    "created_at": (news.c.created_at, datetime),
    "updated_at": (news.c.updated_at, datetime),
}


def _visibilities() -> Subquery:
    """Every link with the visibilities its record shows under: one branch per kind, so
    that a link to a deleted record is not read at all."""
    key = (links.c.news_id, links.c.position, links.c.field, links.c.record_id)
    partnership = select(
        *key,
        _partnerships.c.visibility.label("v1"),
        _city.c.visibility.label("v2"),
        _partner.c.visibility.label("v3"),
    ).select_from(
        links.join(
            _partnerships,
            and_(links.c.field == "partnership_ids", _partnerships.c.id == links.c.record_id),
        )
        .join(_city, _city.c.id == _partnerships.c.city_id)
        .join(_partner, _partner.c.id == _partnerships.c.partner_city_id)
    )
    call = select(
        *key,
        _calls.c.visibility.label("v1"),
        _programme.c.visibility.label("v2"),
        _programme.c.visibility.label("v3"),
    ).select_from(
        links.join(
            _calls, and_(links.c.field == "funding_call_ids", _calls.c.id == links.c.record_id)
        ).join(_programme, _programme.c.id == _calls.c.programme_id)
    )
    branches: list[Select[Any]] = [partnership, call]
    for field, model in (
        ("network_ids", NetworkRow),
        ("project_ids", ProjectRow),
        ("event_ids", EventRow),
    ):
        table: Table = table_of(model)
        branches.append(
            select(
                *key,
                table.c.visibility.label("v1"),
                table.c.visibility.label("v2"),
                table.c.visibility.label("v3"),
            ).select_from(
                links.join(table, and_(links.c.field == field, table.c.id == links.c.record_id))
            )
        )
    return union_all(*branches).subquery("linked")


linked = _visibilities()


class SqlNewsRepository(SqlRepository[News, NewsQuery]):
    table = news
    sort_columns = SORT_COLUMNS
    child_tables = (links,)
    child_key = "news_id"

    def select(self) -> Select[Any]:
        return select(
            *(c for c in news.c if c.name not in QUERY_ONLY),
            *organisation_ref_columns(author, "author"),
        ).select_from(news.outerjoin(author, author.c.id == news.c.author_id))

    def conditions(self, query: NewsQuery) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if query.author_id is not None:
            conditions.append(news.c.author_id == query.author_id)
        for field, record_id in query.links().items():
            conditions.append(
                exists().where(
                    links.c.news_id == news.c.id,
                    links.c.record_id == record_id,
                    links.c.field == field,
                )
            )
        if query.q:
            conditions.append(contains_folded(news.c.search_text, query.q))
        if query.modified_since is not None:
            conditions.append(news.c.updated_at >= query.modified_since)
        return conditions

    def visible_only(self, statement: Select[Any], visible: Collection[Visibility]) -> Select[Any]:
        values = [v.value for v in visible]
        return statement.where(one_of(news.c.visibility, values))

    def child_rows(self, record: News) -> list[tuple[Table, list[dict[str, Any]]]]:
        return [
            (
                links,
                [
                    {"news_id": record.id, "position": i, "field": k.field, "record_id": k.id}
                    for i, k in enumerate(record.links)
                ],
            )
        ]

    def build(self, rows: Sequence[Row[Any]]) -> list[News]:
        if not rows:
            return []
        ids = [row.id for row in rows]
        found = grouped(
            self._connection.execute(
                select(linked)
                .where(among(self._connection, linked.c.news_id, ids))
                .order_by(linked.c.position)
            ),
            "news_id",
            lambda r: NewsLink(
                r.field,
                r.record_id,
                (Visibility(r.v1), Visibility(r.v2), Visibility(r.v3)),
            ),
        )
        return [_news(row._mapping, tuple(found.get(row.id, ()))) for row in rows]

    def values(self, record: News) -> dict[str, Any]:
        texts = [*record.title.values(), *(record.summary or {}).values(), *record.body.values()]
        return {
            "id": record.id,
            "title": dict(record.title),
            "summary": dict(record.summary) if record.summary else None,
            "body": dict(record.body),
            "body_html": dict(record.body_html),
            "published_at": record.published_at,
            "author_id": record.author_id,
            "notes": record.notes,
            "visibility": record.visibility.value,
            "created_at": record.created_at,
            "updated_at": record.updated_at,
            "version": record.version,
            "search_text": fold_for_search(" ".join(texts)),
        }


def _news(values: Any, found: tuple[NewsLink, ...]) -> News:
    ids = {field: tuple(k.id for k in found if k.field == field) for field in LINK_FIELDS}
    return News(
        id=values["id"],
        title=I18nText(values["title"]),
        summary=text_or_none(values["summary"]),
        body=I18nText(values["body"]),
        body_html=I18nText(values["body_html"]),
        published_at=values["published_at"],
        author_id=values["author_id"],
        author=None
        if values["author_id"] is None
        else organisation_ref_from(values, "author", values["author_id"]),
        links=found,
        notes=values["notes"],
        visibility=Visibility(values["visibility"]),
        created_at=values["created_at"],
        updated_at=values["updated_at"],
        version=values["version"],
        **ids,
    )
