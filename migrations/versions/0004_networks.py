"""networks

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# JSON documents; JSONB on PostgreSQL.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "networks",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("acronym", sa.String(length=50), nullable=True),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("themes", JSON, nullable=False),
        sa.Column("website", sa.String(length=2000), nullable=True),
        sa.Column("description", JSON, nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("membership_status", sa.String(length=16), nullable=True),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.Column("joined_precision", sa.String(length=8), nullable=True),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("annual_fee_amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("annual_fee_currency", sa.String(length=3), nullable=True),
        sa.Column("working_groups", JSON, nullable=False),
        sa.Column("commitments", JSON, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_networks")),
    )
    with op.batch_alter_table("networks", schema=None) as batch_op:
        batch_op.create_index("ix_networks_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_networks_membership_status", ["membership_status"], unique=False)
        batch_op.create_index("ix_networks_name", ["name"], unique=False)
        batch_op.create_index("ix_networks_scope", ["scope"], unique=False)
        batch_op.create_index("ix_networks_updated_at_id", ["updated_at", "id"], unique=False)

    op.create_table(
        "network_representatives",
        sa.Column("network_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("role", sa.String(length=300), nullable=True),
        sa.Column("body", sa.String(length=200), nullable=True),
        sa.Column("from_on", sa.Date(), nullable=True),
        sa.Column("to_on", sa.Date(), nullable=True),
        sa.Column("precision", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["networks.id"],
            name=op.f("fk_network_representatives_network_id_networks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_network_representatives_person_id_people"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("network_id", "position", name=op.f("pk_network_representatives")),
    )
    with op.batch_alter_table("network_representatives", schema=None) as batch_op:
        batch_op.create_index("ix_network_representatives_person_id", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_table("network_representatives")
    op.drop_table("networks")
