"""contributions: what organisations propose for the public register, and contributor keys

A contributor's API key (role "contributor") acts for one organisation.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# JSON documents; JSONB on PostgreSQL.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "contributions",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=True),
        sa.Column("content", JSON, nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("history", JSON, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_contributions_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contributions")),
    )
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contributions_organisation_id_created_at_id",
            ["organisation_id", "created_at", "id"],
            unique=False,
        )
        batch_op.create_index("ix_contributions_status", ["status"], unique=False)
        batch_op.create_index("ix_contributions_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_contributions_updated_at_id", ["updated_at", "id"], unique=False)
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_api_keys_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_api_keys_organisation_id_organisations"),
            "organisations",
            ["organisation_id"],
            ["id"],
            ondelete="RESTRICT",
        )


def downgrade() -> None:
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_api_keys_organisation_id_organisations"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_api_keys_organisation_id"))
        batch_op.drop_column("organisation_id")
    op.drop_table("contributions")
