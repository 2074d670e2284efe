"""projects and funding applications

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-21
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# JSON documents; JSONB on PostgreSQL.
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("title", JSON, nullable=False),
        sa.Column("summary", JSON, nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("precision", sa.String(length=8), nullable=False),
        sa.Column("ends_by", sa.Date(), nullable=True),
        sa.Column("budget_total_amount", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("budget_total_currency", sa.String(length=3), nullable=True),
        sa.Column("own_contribution_amount", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("own_contribution_currency", sa.String(length=3), nullable=True),
        sa.Column("milestones", JSON, nullable=False),
        sa.Column("indicators", JSON, nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.create_index("ix_projects_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_projects_ends_by", ["ends_by"], unique=False)
        batch_op.create_index("ix_projects_starts_on_id", ["starts_on", "id"], unique=False)
        batch_op.create_index("ix_projects_status", ["status"], unique=False)
        batch_op.create_index("ix_projects_updated_at_id", ["updated_at", "id"], unique=False)

    op.create_table(
        "project_cities",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id"],
            ["cities.id"],
            name=op.f("fk_project_cities_city_id_cities"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_cities_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "position", name=op.f("pk_project_cities")),
    )
    with op.batch_alter_table("project_cities", schema=None) as batch_op:
        batch_op.create_index("ix_project_cities_city_id", ["city_id"], unique=False)

    op.create_table(
        "project_fields_of_action",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("field_of_action", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_fields_of_action_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "project_id", "field_of_action", name=op.f("pk_project_fields_of_action")
        ),
    )
    with op.batch_alter_table("project_fields_of_action", schema=None) as batch_op:
        batch_op.create_index(
            "ix_project_fields_of_action_field", ["field_of_action"], unique=False
        )

    op.create_table(
        "project_sdgs",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("sdg", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_sdgs_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "sdg", name=op.f("pk_project_sdgs")),
    )
    with op.batch_alter_table("project_sdgs", schema=None) as batch_op:
        batch_op.create_index("ix_project_sdgs_sdg", ["sdg"], unique=False)

    op.create_table(
        "project_organisations",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_project_organisations_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_organisations_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "project_id", "role", "position", name=op.f("pk_project_organisations")
        ),
    )
    with op.batch_alter_table("project_organisations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_project_organisations_organisation_id", ["organisation_id"], unique=False
        )

    op.create_table(
        "project_partnerships",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("partnership_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_project_partnerships_partnership_id_partnerships"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_partnerships_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "position", name=op.f("pk_project_partnerships")),
    )
    with op.batch_alter_table("project_partnerships", schema=None) as batch_op:
        batch_op.create_index(
            "ix_project_partnerships_partnership_id", ["partnership_id"], unique=False
        )

    op.create_table(
        "funding_applications",
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("programme_id", sa.Uuid(), nullable=False),
        sa.Column("call_id", sa.Uuid(), nullable=True),
        sa.Column("project_id", sa.Uuid(), nullable=True),
        sa.Column("applicant_id", sa.Uuid(), nullable=False),
        sa.Column("requested_amount", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("requested_currency", sa.String(length=3), nullable=True),
        sa.Column("own_contribution_amount", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("own_contribution_currency", sa.String(length=3), nullable=True),
        sa.Column("reference", sa.String(length=200), nullable=True),
        sa.Column("awarded_amount", sa.Numeric(precision=16, scale=2), nullable=True),
        sa.Column("awarded_currency", sa.String(length=3), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("disbursements", JSON, nullable=False),
        sa.Column("reports", JSON, nullable=False),
        sa.Column("next_report_due", sa.Date(), nullable=True),
        sa.Column("history", JSON, nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["organisations.id"],
            name=op.f("fk_funding_applications_applicant_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["funding_calls.id"],
            name=op.f("fk_funding_applications_call_id_funding_calls"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["funding_programmes.id"],
            name=op.f("fk_funding_applications_programme_id_funding_programmes"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_funding_applications_project_id_projects"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_applications")),
    )
    with op.batch_alter_table("funding_applications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_funding_applications_applicant_id", ["applicant_id"], unique=False
        )
        batch_op.create_index("ix_funding_applications_call_id", ["call_id"], unique=False)
        batch_op.create_index(
            "ix_funding_applications_created_at_id", ["created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_funding_applications_decided_on_id", ["decided_on", "id"], unique=False
        )
        batch_op.create_index(
            "ix_funding_applications_next_report_due", ["next_report_due"], unique=False
        )
        batch_op.create_index(
            "ix_funding_applications_programme_id", ["programme_id"], unique=False
        )
        batch_op.create_index("ix_funding_applications_project_id", ["project_id"], unique=False)
        batch_op.create_index("ix_funding_applications_status", ["status"], unique=False)
        batch_op.create_index(
            "ix_funding_applications_updated_at_id", ["updated_at", "id"], unique=False
        )


def downgrade() -> None:
    for table in (
        "funding_applications",
        "project_partnerships",
        "project_organisations",
        "project_sdgs",
        "project_fields_of_action",
        "project_cities",
        "projects",
    ):
        op.drop_table(table)
