"""report documents: each report of an application gets an id; an application's attachment may
belong to one of its reports

The reports are JSON documents of their application's row: upgrade gives every stored
report a new id; downgrade drops the ids again (and the attachments' report).

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
APPLICATIONS = sa.table(
    "funding_applications",
    sa.column("id", sa.Uuid()),
    sa.column("reports", JSON),
)


def _rewrite(change: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(APPLICATIONS.c.id, APPLICATIONS.c.reports)).all()
    for row in rows:
        if not row.reports:
            continue
        reports = [change(dict(report)) for report in row.reports]
        connection.execute(
            APPLICATIONS.update().where(APPLICATIONS.c.id == row.id).values(reports=reports)
        )


def _with_id(report: dict[str, Any]) -> dict[str, Any]:
    report.setdefault("id", str(uuid.uuid4()))
    return report


def _without_id(report: dict[str, Any]) -> dict[str, Any]:
    report.pop("id", None)
    return report


def upgrade() -> None:
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report_id", sa.Uuid(), nullable=True))
    _rewrite(_with_id)


def downgrade() -> None:
    _rewrite(_without_id)
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_column("report_id")
