"""marks moved, told: on PostgreSQL every statement that writes change_marks notifies the
channel `urbandiplo_marks` at its commit, so that each server process can keep the marks it
read until they move (db.watch.MarkWatch) instead of reading them for every request the
response cache answers. SQLite needs nothing: a process asks the file (PRAGMA data_version).

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "urbandiplo_marks"  # db.watch.CHANNEL


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"""
        CREATE FUNCTION marks_moved() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', '');
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER change_marks_moved"
        " AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON change_marks"
        " FOR EACH STATEMENT EXECUTE FUNCTION marks_moved()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER change_marks_moved ON change_marks")
    op.execute("DROP FUNCTION marks_moved()")
