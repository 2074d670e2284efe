"""Migrations that move data: what the foundation stored survives them, both ways."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

from urbandiplo.db import migrate
from urbandiplo.db.engine import make_engine


def test_0002_turns_associations_into_organisations_and_back(empty_url: str) -> None:
    migrate.upgrade(empty_url, "0001")
    engine = make_engine(empty_url)
    cities = sa.table(
        "cities",
        *(sa.column(n) for n in ("name", "names", "country_code", "visibility", "version")),
        sa.column("id", sa.Uuid()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
        sa.column("search_text"),
    )
    partnerships = sa.table(
        "partnerships",
        *(sa.column(n) for n in ("kind", "status", "established_precision", "visibility")),
        *(sa.column(n) for n in ("version", "search_text")),
        *(sa.column(n, sa.Uuid()) for n in ("id", "city_id", "partner_city_id")),
        *(sa.column(n, sa.Uuid()) for n in ("pair_low_id", "pair_high_id")),
        sa.column("associations", sa.JSON()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    now = datetime.now(UTC)
    home, dnipro, rome = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    shared = {"name": "Freundeskreis", "website": None}
    private = {"name": "Stiller Kreis", "website": "https://example.org"}
    try:
        with engine.begin() as connection:
            for city_id, name in ((home, "Köln"), (dnipro, "Dnipro"), (rome, "Roma")):
                connection.execute(
                    cities.insert().values(
                        id=city_id,
                        name=name,
                        names=json.dumps({}),
                        country_code="DE",
                        visibility="public",
                        version=1,
                        created_at=now,
                        updated_at=now,
                        search_text="",
                    )
                )
            for other, listed, visibility in (
                (dnipro, [shared], "public"),
                (rome, [shared, private], "internal"),
            ):
                low, high = sorted((home, other))
                connection.execute(
                    partnerships.insert().values(
                        id=uuid.uuid4(),
                        city_id=home,
                        partner_city_id=other,
                        pair_low_id=low,
                        pair_high_id=high,
                        kind="twinning",
                        status="active",
                        established_precision="day",
                        visibility=visibility,
                        version=1,
                        search_text="",
                        associations=listed,
                        created_at=now,
                        updated_at=now,
                    )
                )
        migrate.upgrade(empty_url, "0002")
        with engine.connect() as connection:
            made = connection.execute(
                sa.text("SELECT name, kind, visibility, website FROM organisations ORDER BY name")
            ).all()
            links = connection.execute(
                sa.text("SELECT COUNT(*) FROM partnership_associations")
            ).scalar_one()
        assert [tuple(row) for row in made] == [
            ("Freundeskreis", "association", "public", None),
            ("Stiller Kreis", "association", "internal", "https://example.org"),
        ]
        assert links == 3
        migrate.downgrade(empty_url, "0001")
        with engine.connect() as connection:
            restored = connection.execute(
                sa.select(partnerships.c.partner_city_id, partnerships.c.associations)
            ).all()
        assert {row.partner_city_id: row.associations for row in restored} == {
            dnipro: [shared],
            rome: [shared, private],
        }
    finally:
        engine.dispose()
