"""cooperation offers: the exchange's offers and requests, with their SDGs and fields of action

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# JSON documents; JSONB on PostgreSQL.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "cooperation_offers",
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("title", JSON, nullable=False),
        sa.Column("sector", sa.String(length=32), nullable=False),
        sa.Column("description", JSON, nullable=True),
        sa.Column("city_id", sa.Uuid(), nullable=True),
        sa.Column("partnership_id", sa.Uuid(), nullable=True),
        sa.Column("contact_email", sa.String(length=320), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
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
            name=op.f("fk_cooperation_offers_city_id_cities"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_cooperation_offers_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_cooperation_offers_partnership_id_partnerships"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cooperation_offers")),
    )
    with op.batch_alter_table("cooperation_offers", schema=None) as batch_op:
        batch_op.create_index("ix_cooperation_offers_city_id", ["city_id"], unique=False)
        batch_op.create_index(
            "ix_cooperation_offers_created_at_id", ["created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_cooperation_offers_organisation_id", ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "ix_cooperation_offers_partnership_id", ["partnership_id"], unique=False
        )
        batch_op.create_index(
            "ix_cooperation_offers_updated_at_id", ["updated_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_cooperation_offers_valid_until_id", ["valid_until", "id"], unique=False
        )

    op.create_table(
        "cooperation_offer_tags",
        sa.Column("offer_id", sa.Uuid(), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["cooperation_offers.id"],
            name=op.f("fk_cooperation_offer_tags_offer_id_cooperation_offers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("offer_id", "tag", name=op.f("pk_cooperation_offer_tags")),
    )
    with op.batch_alter_table("cooperation_offer_tags", schema=None) as batch_op:
        batch_op.create_index("ix_cooperation_offer_tags_tag", ["tag"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cooperation_offer_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_cooperation_offer_tags_tag")

    op.drop_table("cooperation_offer_tags")
    with op.batch_alter_table("cooperation_offers", schema=None) as batch_op:
        batch_op.drop_index("ix_cooperation_offers_valid_until_id")
        batch_op.drop_index("ix_cooperation_offers_updated_at_id")
        batch_op.drop_index("ix_cooperation_offers_partnership_id")
        batch_op.drop_index("ix_cooperation_offers_organisation_id")
        batch_op.drop_index("ix_cooperation_offers_created_at_id")
        batch_op.drop_index("ix_cooperation_offers_city_id")

    op.drop_table("cooperation_offers")
