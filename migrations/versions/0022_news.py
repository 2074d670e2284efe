"""news: items with Markdown bodies rendered when written, and the records they link to

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# JSON documents; JSONB on PostgreSQL.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "news",
        sa.Column("title", JSON, nullable=False),
        sa.Column("summary", JSON, nullable=True),
        sa.Column("body", JSON, nullable=False),
        sa.Column("body_html", JSON, nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["organisations.id"],
            name=op.f("fk_news_author_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_news")),
    )
    with op.batch_alter_table("news", schema=None) as batch_op:
        batch_op.create_index("ix_news_author_id", ["author_id"], unique=False)
        batch_op.create_index("ix_news_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_news_published_at_id", ["published_at", "id"], unique=False)
        batch_op.create_index("ix_news_updated_at_id", ["updated_at", "id"], unique=False)

    op.create_table(
        "news_links",
        sa.Column("news_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["news_id"], ["news.id"], name=op.f("fk_news_links_news_id_news"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("news_id", "position", name=op.f("pk_news_links")),
    )
    with op.batch_alter_table("news_links", schema=None) as batch_op:
        batch_op.create_index("ix_news_links_record_id_field", ["record_id", "field"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("news_links", schema=None) as batch_op:
        batch_op.drop_index("ix_news_links_record_id_field")

    op.drop_table("news_links")
    with op.batch_alter_table("news", schema=None) as batch_op:
        batch_op.drop_index("ix_news_updated_at_id")
        batch_op.drop_index("ix_news_published_at_id")
        batch_op.drop_index("ix_news_created_at_id")
        batch_op.drop_index("ix_news_author_id")

    op.drop_table("news")
