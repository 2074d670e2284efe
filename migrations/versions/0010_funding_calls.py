"""funding calls

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# JSON documents; JSONB on PostgreSQL.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "funding_calls",
        sa.Column("programme_id", sa.Uuid(), nullable=False),
        sa.Column("identifier", sa.String(length=200), nullable=True),
        sa.Column("title", JSON, nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("budget_amount", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("budget_currency", sa.String(length=3), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("description", JSON, nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["funding_programmes.id"],
            name=op.f("fk_funding_calls_programme_id_funding_programmes"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_calls")),
    )
    with op.batch_alter_table("funding_calls", schema=None) as batch_op:
        batch_op.create_index("ix_funding_calls_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_funding_calls_deadline_id", ["deadline", "id"], unique=False)
        batch_op.create_index("ix_funding_calls_opens_on_id", ["opens_on", "id"], unique=False)
        batch_op.create_index("ix_funding_calls_programme_id", ["programme_id"], unique=False)
        batch_op.create_index("ix_funding_calls_updated_at_id", ["updated_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_table("funding_calls")
