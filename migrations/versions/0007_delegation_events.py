"""delegation events

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delegation_events",
        sa.Column("delegation_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["delegations.id"],
            name=op.f("fk_delegation_events_delegation_id_delegations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_delegation_events_event_id_events"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("delegation_id", "position", name=op.f("pk_delegation_events")),
    )
    with op.batch_alter_table("delegation_events", schema=None) as batch_op:
        batch_op.create_index("ix_delegation_events_event_id", ["event_id"], unique=False)


def downgrade() -> None:
    op.drop_table("delegation_events")
