"""Every migration goes up, down and up again on SQLite and PostgreSQL, and the schema it
builds is the one the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from urbandiplo.db import migrate
from urbandiplo.db.engine import make_engine
from urbandiplo.db.models import Base


def test_every_revision_up_down_up(empty_url: str) -> None:
    script = ScriptDirectory.from_config(migrate.alembic_config(empty_url))
    revisions = list(reversed(list(script.walk_revisions())))
    assert revisions, "no migrations found"
    for revision in revisions:
        migrate.upgrade(empty_url, revision.revision)
        migrate.downgrade(empty_url, revision.down_revision or "base")
        migrate.upgrade(empty_url, revision.revision)
    engine = make_engine(empty_url)
    try:
        assert migrate.schema_is_current(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_object": migrate.include_object}
            )
            differences = compare_metadata(context, Base.metadata)
        assert differences == [], "models and migrations disagree; write a migration"
    finally:
        engine.dispose()


def test_downgrade_to_base_leaves_no_tables(empty_url: str) -> None:
    migrate.upgrade(empty_url)
    migrate.downgrade(empty_url, "base")
    engine = make_engine(empty_url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
