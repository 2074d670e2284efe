"""Text matching for `q` filters, the same on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement

from urbandiplo.domain.values import fold_query


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def contains_folded(column: ColumnElement[Any], query: str) -> ColumnElement[bool]:
    """`column` (holding fold_for_search output) contains the folded query."""
    return column.like(like_pattern(fold_query(query)), escape="\\")
