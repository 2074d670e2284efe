"""Alembic, driven from code: upgrade, downgrade, current revision, and the readiness check."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from urbandiplo.db.engine import normalise_url


def migrations_dir() -> Path:
    """The migrations: inside the installed package, or at the top of a source checkout."""
    packaged = Path(__file__).resolve().parent.parent / "migrations"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "migrations"


# Indexes the migrations make on PostgreSQL only (see migrations/versions).
POSTGRESQL_ONLY_INDEXES = frozenset({"ix_events_running"})


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """What comparing the models with a database looks at: not SQLite's FTS5 table for
    search and its shadow tables, nor PostgreSQL's GiST index of event spans (an expression
    over a PostgreSQL type), which the models do not describe."""
    if type_ == "index" and name in POSTGRESQL_ONLY_INDEXES:
        return False
    return not (type_ == "table" and (name or "").startswith("search_fts"))


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    # ConfigParser interpolation would read a % in a password as a reference.
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def schema_is_current(engine: Engine) -> bool:
    """The database answers and its schema is at the newest migration."""
    return current_revision(engine) == head_revision()
