"""events: a GiST index of each event's time span on PostgreSQL, and venue lists by start

The events running at an instant (the first part of a window's list) come from the GiST
index in the time it takes to find them, however many events there are; a venue's events
in start order are one range of (venue_city_id, starts_at, id).

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # The expression must be the one db/events.py queries with (SPAN).
        op.execute(
            "CREATE INDEX ix_events_running ON events "
            "USING gist (tstzrange(starts_at, ends_by, '()'))"
        )
    op.drop_index("ix_events_venue_city_id", table_name="events")
    op.create_index(
        "ix_events_venue_city_id_starts_at_id", "events", ["venue_city_id", "starts_at", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_events_venue_city_id_starts_at_id", table_name="events")
    op.create_index("ix_events_venue_city_id", "events", ["venue_city_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_events_running")
