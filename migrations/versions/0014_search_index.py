"""search index: every record's public text; FTS5 on SQLite, tsvectors on PostgreSQL

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# JSON documents; JSONB on PostgreSQL.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# SQLite searches an FTS5 table beside the index (folded text, keyed like the index).
FTS = (
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "key UNINDEXED, folded, tokenize = 'unicode61 remove_diacritics 2')"
)


def upgrade() -> None:
    op.create_table(
        "search_index",
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=90), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("title", JSON, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "document", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"), nullable=True
        ),
        sa.PrimaryKeyConstraint("record_type", "record_id", name=op.f("pk_search_index")),
    )
    with op.batch_alter_table("search_index", schema=None) as batch_op:
        batch_op.create_index(
            "ix_search_index_document", ["document"], unique=False, postgresql_using="gin"
        )
        batch_op.create_index("ix_search_index_key", ["key"], unique=True)
    if op.get_bind().dialect.name == "sqlite":
        op.execute(FTS)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE search_fts")
    op.drop_table("search_index")
