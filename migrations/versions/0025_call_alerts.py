"""call alerts: organisations' call subscriptions, and each alert once per call and kind

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# JSON documents; JSONB on PostgreSQL.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "call_subscriptions",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("levels", JSON, nullable=False),
        sa.Column("fields_of_action", JSON, nullable=False),
        sa.Column("sdgs", JSON, nullable=False),
        sa.Column("applicant_kinds", JSON, nullable=False),
        sa.Column("lead_days", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_call_subscriptions_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_subscriptions")),
    )
    with op.batch_alter_table("call_subscriptions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_call_subscriptions_created_at_id", ["created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_call_subscriptions_organisation_id_created_at_id",
            ["organisation_id", "created_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_call_subscriptions_updated_at_id", ["updated_at", "id"], unique=False
        )

    op.create_table(
        "call_alerts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("subscription_id", sa.Uuid(), nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["funding_calls.id"],
            name=op.f("fk_call_alerts_call_id_funding_calls"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["call_subscriptions.id"],
            name=op.f("fk_call_alerts_subscription_id_call_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_alerts")),
        sa.UniqueConstraint(
            "subscription_id",
            "call_id",
            "kind",
            name=op.f("uq_call_alerts_subscription_id_call_id_kind"),
        ),
    )
    with op.batch_alter_table("call_alerts", schema=None) as batch_op:
        batch_op.create_index("ix_call_alerts_call_id", ["call_id"], unique=False)
        batch_op.create_index(
            "ix_call_alerts_subscription_id_created_at",
            ["subscription_id", "created_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("call_alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_call_alerts_subscription_id_created_at")
        batch_op.drop_index("ix_call_alerts_call_id")

    op.drop_table("call_alerts")
    with op.batch_alter_table("call_subscriptions", schema=None) as batch_op:
        batch_op.drop_index("ix_call_subscriptions_updated_at_id")
        batch_op.drop_index("ix_call_subscriptions_organisation_id_created_at_id")
        batch_op.drop_index("ix_call_subscriptions_created_at_id")

    op.drop_table("call_subscriptions")
