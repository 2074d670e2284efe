"""funding call tags: a call's SDGs, fields of action and eligible applicant kinds

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "funding_call_tags",
        sa.Column("call_id", sa.Uuid(), nullable=False),
        sa.Column("tag", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["funding_calls.id"],
            name=op.f("fk_funding_call_tags_call_id_funding_calls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("call_id", "tag", name=op.f("pk_funding_call_tags")),
    )
    with op.batch_alter_table("funding_call_tags", schema=None) as batch_op:
        batch_op.create_index("ix_funding_call_tags_tag", ["tag"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("funding_call_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_funding_call_tags_tag")

    op.drop_table("funding_call_tags")
