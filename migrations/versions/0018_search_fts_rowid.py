"""search index: each entry's row in the SQLite FTS table, so replacing it needs no scan

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("search_index", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fts_rowid", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        # Entries made before: their FTS rows, found once by key through an indexed copy.
        op.execute("CREATE TEMP TABLE fts_keys AS SELECT rowid AS fts_rowid, key FROM search_fts")
        op.execute("CREATE INDEX temp.ix_fts_keys_key ON fts_keys (key)")
        op.execute(
            "UPDATE search_index SET fts_rowid = "
            "(SELECT fts_rowid FROM fts_keys WHERE fts_keys.key = search_index.key)"
        )
        op.execute("DROP TABLE temp.fts_keys")


def downgrade() -> None:
    with op.batch_alter_table("search_index", schema=None) as batch_op:
        batch_op.drop_column("fts_rowid")
