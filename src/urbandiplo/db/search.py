"""Text matching for `q` filters, the same on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    String,
    Text,
    bindparam,
    cast,
    column,
    delete,
    func,
    insert,
    literal,
    literal_column,
    select,
    table,
)
from sqlalchemy.dialects.postgresql import REGCONFIG

from urbandiplo.db.models import SearchRow, table_of
from urbandiplo.domain.search import SearchEntry
from urbandiplo.domain.values import I18nText, Visibility, fold_query


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains_folded(column: ColumnElement[Any], query: str) -> ColumnElement[bool]:
    """`column` (holding fold_for_search output) contains the folded query."""
    return column.like(like_pattern(fold_query(query)), escape="\\")


# ---- the search index ----

search_index = table_of(SearchRow)
FTS_TABLE = "search_fts"  # SQLite only: FTS5 over the folded text, made by the migration
fts = table(FTS_TABLE, column("key"), column("folded"))
# What a record's text is indexed as on PostgreSQL: German and English stems, and every
# word as it is, for prefixes ("Dnip" finds Dnipro).
CONFIGS = ("german", "english", "simple")


def _config(name: str) -> ColumnElement[Any]:
    return cast(literal(name, String), REGCONFIG)


def _document(folded: ColumnElement[Any]) -> ColumnElement[Any]:
    vectors = [func.to_tsvector(_config(c), folded) for c in CONFIGS]
    document: ColumnElement[Any] = vectors[0]
    for vector in vectors[1:]:
        document = document.op("||")(vector)
    return document


# PostgreSQL: an entry with its tsvectors made from the `folded` parameter, compiled once.
PUT_DOCUMENT = insert(search_index).values(document=_document(bindparam("folded", type_=Text)))


def _tsquery(terms: Sequence[str]) -> ColumnElement[Any]:
    """Every term, each as a German or English stem or as a word's beginning."""
    query: ColumnElement[Any] | None = None
    for term in terms:
        one: ColumnElement[Any] = func.to_tsquery(_config("german"), literal(term, Text))
        one = one.op("||")(func.to_tsquery(_config("english"), literal(term, Text)))
        one = one.op("||")(func.to_tsquery(_config("simple"), literal(f"{term}:*", Text)))
        query = one if query is None else query.op("&&")(one)
    assert query is not None
    return query


class SqlSearchIndex:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._postgres = connection.dialect.name == "postgresql"

    def put(self, entry: SearchEntry, *, new: bool = False) -> None:
        if not new:
            self.remove(entry.record_type, entry.record_id)
        key = f"{entry.record_type}:{entry.record_id}"
        folded = entry.folded
        values: dict[str, Any] = {
            "record_type": entry.record_type,
            "record_id": entry.record_id,
            "key": key,
            "visibility": entry.visibility.value,
            "title": dict(entry.title),
            "text": entry.text,
        }
        if self._postgres:
            self._connection.execute(PUT_DOCUMENT, {**values, "folded": folded})
        else:
            fts_rowid = self._connection.execute(insert(fts), {"key": key, "folded": folded})
            self._connection.execute(
                insert(search_index), {**values, "fts_rowid": fts_rowid.lastrowid}
            )

    def remove(self, record_type: str, record_id: uuid.UUID) -> None:
        c = search_index.c
        entry = (c.record_type == record_type, c.record_id == record_id)
        if not self._postgres:
            fts_rowid = self._connection.execute(select(c.fts_rowid).where(*entry)).scalar()
            if fts_rowid is not None:
                self._connection.execute(delete(fts).where(literal_column("rowid") == fts_rowid))
        self._connection.execute(delete(search_index).where(*entry))

    def search(
        self,
        terms: Sequence[str],
        visible: frozenset[Visibility],
        record_types: Sequence[str],
        limit: int,
    ) -> list[tuple[SearchEntry, float]]:
        c = search_index.c
        conditions = [
            c.visibility.in_([v.value for v in visible]),
            c.record_type.in_(list(record_types)),
        ]
        if self._postgres:
            query = _tsquery(terms)
            rank = func.ts_rank(c.document, query)
            statement = (
                select(search_index, rank.label("rank"))
                .where(c.document.op("@@")(query), *conditions)
                .order_by(rank.desc(), c.key)
                .limit(limit)
            )
        else:
            match = " AND ".join(f'"{term}"*' for term in terms)
            score = func.bm25(literal_column(FTS_TABLE))
            statement = (
                select(search_index, (-score).label("rank"))
                .select_from(fts.join(search_index, c.key == fts.c.key))
                .where(literal_column(FTS_TABLE).op("MATCH")(match), *conditions)
                .order_by(score, c.key)
                .limit(limit)
            )
        return [
            (
                SearchEntry(
                    record_type=row.record_type,
                    record_id=row.record_id,
                    visibility=Visibility(row.visibility),
                    title=I18nText(row.title),
                    text=row.text,
                ),
                float(row.rank),
            )
            for row in self._connection.execute(statement)
        ]
