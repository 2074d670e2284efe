"""change marks: the newest change of each kind, for the response cache to retire only what
a write can change

A kind is a collection (any write of one of its records) or a collection and "/visibility"
(a record of it changed visibility or went away). Upgrade fills them from the changes kept.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each kind's newest change, as change_marks rows (the same rules as SqlChangeLog.flush).
FILL = """
INSERT INTO change_marks (key, seq, at)
SELECT c.record_type {suffix}, c.seq, c.at FROM changes c
WHERE c.seq = (SELECT max(d.seq) FROM changes d WHERE d.record_type = c.record_type {only})
"""
VISIBILITY = (
    "AND d.visibility_before IS NOT NULL"
    " AND (d.visibility_after IS NULL OR d.visibility_after <> d.visibility_before)"
)


def upgrade() -> None:
    op.create_table(
        "change_marks",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_change_marks")),
    )
    op.execute(FILL.format(suffix="", only=""))
    op.execute(FILL.format(suffix="|| '/visibility'", only=VISIBILITY))


def downgrade() -> None:
    op.drop_table("change_marks")
