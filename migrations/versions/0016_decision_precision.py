"""decision precision: how much of a funding decision's day is known

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("funding_applications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "decided_precision", sa.String(length=8), server_default="day", nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("funding_applications", schema=None) as batch_op:
        batch_op.drop_column("decided_precision")
