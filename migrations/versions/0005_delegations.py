"""delegations

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# JSON documents; JSONB on PostgreSQL.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "delegations",
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("title", JSON, nullable=False),
        sa.Column("purpose", JSON, nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("precision", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("programme", JSON, nullable=False),
        sa.Column("gifts", JSON, nullable=False),
        sa.Column("outcomes", JSON, nullable=False),
        sa.Column("costs_planned_amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("costs_planned_currency", sa.String(length=3), nullable=True),
        sa.Column("costs_actual_amount", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("costs_actual_currency", sa.String(length=3), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delegations")),
    )
    with op.batch_alter_table("delegations", schema=None) as batch_op:
        batch_op.create_index("ix_delegations_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index(
            "ix_delegations_direction_status", ["direction", "status"], unique=False
        )
        batch_op.create_index("ix_delegations_starts_on_id", ["starts_on", "id"], unique=False)
        batch_op.create_index("ix_delegations_updated_at_id", ["updated_at", "id"], unique=False)

    op.create_table(
        "delegation_cities",
        sa.Column("delegation_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id"],
            ["cities.id"],
            name=op.f("fk_delegation_cities_city_id_cities"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["delegations.id"],
            name=op.f("fk_delegation_cities_delegation_id_delegations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("delegation_id", "position", name=op.f("pk_delegation_cities")),
    )
    with op.batch_alter_table("delegation_cities", schema=None) as batch_op:
        batch_op.create_index("ix_delegation_cities_city_id", ["city_id"], unique=False)

    op.create_table(
        "delegation_partnerships",
        sa.Column("delegation_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["delegations.id"],
            name=op.f("fk_delegation_partnerships_delegation_id_delegations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_delegation_partnerships_partnership_id_partnerships"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "delegation_id", "position", name=op.f("pk_delegation_partnerships")
        ),
    )
    with op.batch_alter_table("delegation_partnerships", schema=None) as batch_op:
        batch_op.create_index(
            "ix_delegation_partnerships_partnership_id", ["partnership_id"], unique=False
        )

    op.create_table(
        "delegation_members",
        sa.Column("delegation_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_head", sa.Boolean(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("function", sa.String(length=300), nullable=True),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["delegations.id"],
            name=op.f("fk_delegation_members_delegation_id_delegations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_delegation_members_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_delegation_members_person_id_people"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("delegation_id", "position", name=op.f("pk_delegation_members")),
    )
    with op.batch_alter_table("delegation_members", schema=None) as batch_op:
        batch_op.create_index(
            "ix_delegation_members_organisation_id", ["organisation_id"], unique=False
        )
        batch_op.create_index("ix_delegation_members_person_id", ["person_id"], unique=False)


def downgrade() -> None:
    for table in (
        "delegation_partnerships",
        "delegation_members",
        "delegation_cities",
        "delegations",
    ):
        op.drop_table(table)
