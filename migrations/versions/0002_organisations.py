"""organisations; partnership associations become organisations

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

Partnerships kept their associations as a JSON list of {name, website}. Each distinct name
becomes an organisation of kind `association` (public where a public partnership names it,
internal otherwise), and partnerships refer to them through partnership_associations.
Downgrade writes the JSON lists back from the links.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
# The partnership columns this revision reads and writes, as they were then.
PARTNERSHIPS = sa.table(
    "partnerships",
    sa.column("id", sa.Uuid()),
    sa.column("associations", JSON),
    sa.column("visibility", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def _fold(text: str) -> str:
    # The search form of domain.values.fold_for_search, frozen as it was at this revision.
    import unicodedata

    lowered = unicodedata.normalize("NFC", text).casefold()
    spelled = lowered.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    stripped = "".join(
        ch for ch in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(ch)
    )
    return " ".join(dict.fromkeys([lowered, spelled, stripped]))


def upgrade() -> None:
    organisations = op.create_table(
        "organisations",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("city_id", sa.Uuid(), nullable=True),
        sa.Column("website", sa.String(length=2000), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("description", JSON, nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("visibility", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["city_id"],
            ["cities.id"],
            name=op.f("fk_organisations_city_id_cities"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
    )
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.create_index("ix_organisations_city_id", ["city_id"], unique=False)
        batch_op.create_index("ix_organisations_created_at_id", ["created_at", "id"], unique=False)
        batch_op.create_index("ix_organisations_kind", ["kind"], unique=False)
        batch_op.create_index("ix_organisations_name", ["name"], unique=False)
        batch_op.create_index("ix_organisations_updated_at_id", ["updated_at", "id"], unique=False)

    links = op.create_table(
        "partnership_associations",
        sa.Column("partnership_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_partnership_associations_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_partnership_associations_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "partnership_id", "position", name=op.f("pk_partnership_associations")
        ),
    )
    with op.batch_alter_table("partnership_associations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_partnership_associations_organisation_id", ["organisation_id"], unique=False
        )

    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            PARTNERSHIPS.c.id, PARTNERSHIPS.c.associations, PARTNERSHIPS.c.visibility
        ).order_by(PARTNERSHIPS.c.created_at, PARTNERSHIPS.c.id)
    ).all()
    now = datetime.now(UTC)
    made: dict[str, uuid.UUID] = {}
    public_names: set[str] = set()
    link_rows = []
    for row in rows:
        for position, association in enumerate(row.associations or []):
            name = association["name"]
            if row.visibility == "public":
                public_names.add(name)
            if name not in made:
                made[name] = uuid.uuid4()
                connection.execute(
                    organisations.insert().values(
                        id=made[name],
                        name=name,
                        kind="association",
                        website=association.get("website"),
                        visibility="internal",
                        created_at=now,
                        updated_at=now,
                        version=1,
                        search_text=_fold(name),
                    )
                )
            link_rows.append(
                {"partnership_id": row.id, "position": position, "organisation_id": made[name]}
            )
    for name in public_names:
        connection.execute(
            organisations.update()
            .where(organisations.c.id == made[name])
            .values(visibility="public")
        )
    if link_rows:
        connection.execute(links.insert(), link_rows)
    with op.batch_alter_table("partnerships", schema=None) as batch_op:
        batch_op.drop_column("associations")


def downgrade() -> None:
    with op.batch_alter_table("partnerships", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("associations", JSON, nullable=False, server_default=sa.text("'[]'"))
        )
    connection = op.get_bind()
    links = sa.table(
        "partnership_associations",
        sa.column("partnership_id", sa.Uuid()),
        sa.column("position", sa.Integer()),
        sa.column("organisation_id", sa.Uuid()),
    )
    organisations = sa.table(
        "organisations",
        sa.column("id", sa.Uuid()),
        sa.column("name", sa.String()),
        sa.column("website", sa.String()),
    )
    rows = connection.execute(
        sa.select(links.c.partnership_id, organisations.c.name, organisations.c.website)
        .join(organisations, organisations.c.id == links.c.organisation_id)
        .order_by(links.c.partnership_id, links.c.position)
    ).all()
    listed: dict[object, list[dict[str, object]]] = {}
    for row in rows:
        listed.setdefault(row.partnership_id, []).append({"name": row.name, "website": row.website})
    partnerships = sa.table(
        "partnerships", sa.column("id", sa.Uuid()), sa.column("associations", JSON)
    )
    for partnership_id, associations in listed.items():
        connection.execute(
            partnerships.update()
            .where(partnerships.c.id == partnership_id)
            .values(associations=associations)
        )
    op.drop_table("partnership_associations")
    op.drop_table("organisations")
