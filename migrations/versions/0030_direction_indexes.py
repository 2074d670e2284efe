"""direction, indexed: the lists of funding applications and of cooperation offers filter by
direction (incoming or outgoing) in their default order. Without an index for it the planner
read some other index whole and sorted the rows (tests/db/test_query_plans.py saw it now and
then); (direction, created_at, id) serves the filter and the page's order at once.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = {
    "funding_applications": "ix_funding_applications_direction_created_at_id",
    "cooperation_offers": "ix_cooperation_offers_direction_created_at_id",
}


def upgrade() -> None:
    for table, name in INDEXES.items():
        op.create_index(name, table, ["direction", "created_at", "id"])


def downgrade() -> None:
    for table, name in INDEXES.items():
        op.drop_index(name, table_name=table)
