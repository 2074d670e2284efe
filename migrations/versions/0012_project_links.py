"""project links

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "delegation_projects",
        sa.Column("delegation_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["delegation_id"],
            ["delegations.id"],
            name=op.f("fk_delegation_projects_delegation_id_delegations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_delegation_projects_project_id_projects"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("delegation_id", "position", name=op.f("pk_delegation_projects")),
    )
    with op.batch_alter_table("delegation_projects", schema=None) as batch_op:
        batch_op.create_index("ix_delegation_projects_project_id", ["project_id"], unique=False)

    op.create_table(
        "event_projects",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_projects_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_event_projects_project_id_projects"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("event_id", "position", name=op.f("pk_event_projects")),
    )
    with op.batch_alter_table("event_projects", schema=None) as batch_op:
        batch_op.create_index("ix_event_projects_project_id", ["project_id"], unique=False)


def downgrade() -> None:
    op.drop_table("delegation_projects")
    op.drop_table("event_projects")
