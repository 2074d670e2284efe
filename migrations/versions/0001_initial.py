"""cities, partnerships, api keys, idempotency keys

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# JSON documents; JSONB on PostgreSQL.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("secret_hash", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_keys_prefix")),
    )
    op.create_table(
        "cities",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("names", JSON, nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("subdivision_code", sa.String(length=6), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("population", sa.BigInteger(), nullable=True),
        sa.Column("wikidata_id", sa.String(length=20), nullable=True),
        sa.Column("geonames_id", sa.BigInteger(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cities")),
    )
    with op.batch_alter_table("cities", schema=None) as batch_op:
        batch_op.create_index("ix_cities_country_code_id", ["country_code", "id"], unique=False)
        batch_op.create_index("ix_cities_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_cities_name_country_code", ["name", "country_code"], unique=False)
        batch_op.create_index("ix_cities_updated_at_id", ["updated_at", "id"], unique=False)

    op.create_table(
        "idempotency_keys",
        sa.Column("principal", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("headers", JSON, nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("principal", "key", name=op.f("pk_idempotency_keys")),
    )
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_idempotency_keys_created_at"), ["created_at"], unique=False
        )

    op.create_table(
        "partnerships",
        sa.Column("city_id", sa.Uuid(), nullable=False),
        sa.Column("partner_city_id", sa.Uuid(), nullable=False),
        sa.Column("pair_low_id", sa.Uuid(), nullable=False),
        sa.Column("pair_high_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("established_on", sa.Date(), nullable=True),
        sa.Column("established_precision", sa.String(length=8), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("responsible_unit", sa.String(length=200), nullable=True),
        sa.Column("associations", JSON, nullable=False),
        sa.Column("economic_profile", JSON, nullable=True),
        sa.Column("description", JSON, nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id"],
            ["cities.id"],
            name=op.f("fk_partnerships_city_id_cities"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["partner_city_id"],
            ["cities.id"],
            name=op.f("fk_partnerships_partner_city_id_cities"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnerships")),
        sa.UniqueConstraint(
            "pair_low_id", "pair_high_id", name=op.f("uq_partnerships_pair_low_id_pair_high_id")
        ),
    )
    with op.batch_alter_table("partnerships", schema=None) as batch_op:
        batch_op.create_index("ix_partnerships_city_id", ["city_id"], unique=False)
        batch_op.create_index("ix_partnerships_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index(
            "ix_partnerships_established_on_id", ["established_on", "id"], unique=False
        )
        batch_op.create_index("ix_partnerships_kind_status", ["kind", "status"], unique=False)
        batch_op.create_index("ix_partnerships_partner_city_id", ["partner_city_id"], unique=False)
        batch_op.create_index("ix_partnerships_updated_at_id", ["updated_at", "id"], unique=False)

    op.create_table(
        "partnership_council_decisions",
        sa.Column("partnership_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("subject", JSON, nullable=True),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_partnership_council_decisions_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "partnership_id", "position", name=op.f("pk_partnership_council_decisions")
        ),
    )
    op.create_table(
        "partnership_fields_of_action",
        sa.Column("partnership_id", sa.Uuid(), nullable=False),
        sa.Column("field_of_action", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_partnership_fields_of_action_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "partnership_id", "field_of_action", name=op.f("pk_partnership_fields_of_action")
        ),
    )
    with op.batch_alter_table("partnership_fields_of_action", schema=None) as batch_op:
        batch_op.create_index(
            "ix_partnership_fields_of_action_field", ["field_of_action"], unique=False
        )

    op.create_table(
        "partnership_sdgs",
        sa.Column("partnership_id", sa.Uuid(), nullable=False),
        sa.Column("sdg", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_partnership_sdgs_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("partnership_id", "sdg", name=op.f("pk_partnership_sdgs")),
    )
    with op.batch_alter_table("partnership_sdgs", schema=None) as batch_op:
        batch_op.create_index("ix_partnership_sdgs_sdg", ["sdg"], unique=False)

    op.create_table(
        "partnership_status_changes",
        sa.Column("partnership_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("changed_on", sa.Date(), nullable=False),
        sa.Column("precision", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=True),
        sa.Column("reason", JSON, nullable=True),
        sa.Column("council_decision", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_partnership_status_changes_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "partnership_id", "position", name=op.f("pk_partnership_status_changes")
        ),
    )


def downgrade() -> None:
    for table in (
        "partnership_status_changes",
        "partnership_sdgs",
        "partnership_fields_of_action",
        "partnership_council_decisions",
        "partnerships",
        "idempotency_keys",
        "cities",
        "api_keys",
    ):
        op.drop_table(table)
