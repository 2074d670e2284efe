"""funding programmes

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# JSON documents; JSONB on PostgreSQL.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "funding_programmes",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("acronym", sa.String(length=50), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("funder_id", sa.Uuid(), nullable=True),
        sa.Column("period_from", sa.Integer(), nullable=True),
        sa.Column("period_to", sa.Integer(), nullable=True),
        sa.Column("total_budget_amount", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("total_budget_currency", sa.String(length=3), nullable=True),
        sa.Column("co_financing_rate", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("eligible_applicants", JSON, nullable=True),
        sa.Column("contact_point", sa.String(length=300), nullable=True),
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
            ["funder_id"],
            ["organisations.id"],
            name=op.f("fk_funding_programmes_funder_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_programmes")),
    )
    with op.batch_alter_table("funding_programmes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_funding_programmes_created_at_id", ["created_at", "id"], unique=False
        )
        batch_op.create_index("ix_funding_programmes_funder_id", ["funder_id"], unique=False)
        batch_op.create_index("ix_funding_programmes_level", ["level"], unique=False)
        batch_op.create_index("ix_funding_programmes_name", ["name"], unique=False)
        batch_op.create_index(
            "ix_funding_programmes_updated_at_id", ["updated_at", "id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("funding_programmes")
