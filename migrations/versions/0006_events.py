"""events

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# JSON documents; JSONB on PostgreSQL.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# Child tables first: they refer to events.
TABLES = (
    "event_sdgs",
    "event_partnerships",
    "event_organisations",
    "event_networks",
    "event_fields_of_action",
    "events",
)


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("title", JSON, nullable=False),
        sa.Column("summary", JSON, nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("venue_name", sa.String(length=300), nullable=True),
        sa.Column("venue_address", sa.String(length=500), nullable=True),
        sa.Column("venue_city_id", sa.Uuid(), nullable=True),
        sa.Column("venue_online_url", sa.String(length=2000), nullable=True),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("registration_url", sa.String(length=2000), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("series", sa.String(length=200), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["venue_city_id"],
            ["cities.id"],
            name=op.f("fk_events_venue_city_id_cities"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index("ix_events_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_events_ends_by", ["ends_by"], unique=False)
        batch_op.create_index("ix_events_kind", ["kind"], unique=False)
        batch_op.create_index("ix_events_series", ["series"], unique=False)
        batch_op.create_index("ix_events_starts_at_id", ["starts_at", "id"], unique=False)
        batch_op.create_index("ix_events_updated_at_id", ["updated_at", "id"], unique=False)
        batch_op.create_index("ix_events_venue_city_id", ["venue_city_id"], unique=False)

    op.create_table(
        "event_fields_of_action",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("field_of_action", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_fields_of_action_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "event_id", "field_of_action", name=op.f("pk_event_fields_of_action")
        ),
    )
    with op.batch_alter_table("event_fields_of_action", schema=None) as batch_op:
        batch_op.create_index("ix_event_fields_of_action_field", ["field_of_action"], unique=False)

    op.create_table(
        "event_networks",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("network_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_networks_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["networks.id"],
            name=op.f("fk_event_networks_network_id_networks"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("event_id", "position", name=op.f("pk_event_networks")),
    )
    with op.batch_alter_table("event_networks", schema=None) as batch_op:
        batch_op.create_index("ix_event_networks_network_id", ["network_id"], unique=False)

    op.create_table(
        "event_organisations",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_organisations_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_event_organisations_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "event_id", "role", "position", name=op.f("pk_event_organisations")
        ),
    )
    with op.batch_alter_table("event_organisations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_event_organisations_organisation_id", ["organisation_id"], unique=False
        )

    op.create_table(
        "event_partnerships",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_partnerships_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_event_partnerships_partnership_id_partnerships"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("event_id", "position", name=op.f("pk_event_partnerships")),
    )
    with op.batch_alter_table("event_partnerships", schema=None) as batch_op:
        batch_op.create_index(
            "ix_event_partnerships_partnership_id", ["partnership_id"], unique=False
        )

    op.create_table(
        "event_sdgs",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("sdg", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_sdgs_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "sdg", name=op.f("pk_event_sdgs")),
    )
    with op.batch_alter_table("event_sdgs", schema=None) as batch_op:
        batch_op.create_index("ix_event_sdgs_sdg", ["sdg"], unique=False)


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
