"""Backup and restore as docs/operations.md tells them: a database filled through the
services, backed up (PostgreSQL: pg_dump; SQLite: `urbandiplo db backup`), restored into a
new database, compared table by table, and then served: reads, writes, and change numbers
going on after the restored ones. SQLite is also backed up while a writer keeps writing."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import stat
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, Select, create_engine, inspect, literal_column, select, table, text
from sqlalchemy.engine import make_url

from tests.conftest import new_postgres_database
from urbandiplo.cli import main
from urbandiplo.config import Settings
from urbandiplo.db import migrate
from urbandiplo.db.engine import make_engine, normalise_url
from urbandiplo.demo.loader import load
from urbandiplo.domain.access import SYSTEM, Role
from urbandiplo.domain.cities import CityFields
from urbandiplo.main import build_services, create_app

REQUIRE_POSTGRES = os.environ.get("URBANDIPLO_REQUIRE_POSTGRES") == "1"


@contextmanager
def engine_for(url: str) -> Iterator[Engine]:
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def cli(*args: str) -> tuple[int, str, str]:
    """`urbandiplo ARGS`: exit status, stdout, stderr. Not through capsys: the app's log
    handler, made by the first create_app, would keep capsys' stream after it is closed."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        status = main(list(args))
    return status, out.getvalue(), err.getvalue()


@dataclass
class Filled:
    editor: dict[str, str]  # headers with an editor's API key, stored in the database
    turku: dict[str, Any]  # the answer to a create with an Idempotency-Key
    last_seq: int  # the newest change's number


def fill(url: str) -> Filled:
    """The demo data set, API keys, a webhook subscription, a create with an idempotency key,
    an update and a delete: every kind of table the service writes has rows."""
    migrate.upgrade(url)
    settings = Settings(database_url=url)
    with engine_for(url) as engine:
        services = build_services(settings, engine)
        load(services)
        admin = {"X-API-Key": services.api_keys.create("backup admin", Role.ADMIN)[1]}
        editor = {"X-API-Key": services.api_keys.create("backup editor", Role.EDITOR)[1]}
        with TestClient(create_app(settings, engine)) as client:
            hook = client.post(
                "/v1/webhooks",
                json={"url": "https://ratsinfo.example.org/hooks", "record_types": ["cities"]},
                headers=admin,
            )
            assert hook.status_code == 201, hook.text
            turku = client.post(
                "/v1/cities",
                json={"name": "Turku", "names": {"sv": "Åbo"}, "country_code": "FI"},
                headers={**editor, "Idempotency-Key": "backup-turku"},
            )
            assert turku.status_code == 201, turku.text
            url_turku = f"/v1/cities/{turku.json()['id']}"
            assert client.patch(url_turku, json={"population": 200000}, headers=editor).is_success
            gone = client.post(
                "/v1/cities", json={"name": "Vaasa", "country_code": "FI"}, headers=editor
            )
            assert client.delete(f"/v1/cities/{gone.json()['id']}", headers=editor).is_success
        with engine.connect() as connection:
            last_seq = connection.execute(text("SELECT value FROM change_clock")).scalar_one()
    return Filled(editor, turku.json(), last_seq)


def _key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple((value is None, type(value).__name__, repr(value)) for value in row)


def everything(name: str) -> Select[Any]:
    return select(literal_column("*")).select_from(table(name))


def contents(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every table in the database (reflected, not the models': alembic_version, SQLite's
    FTS5 table and its shadow tables too) with its rows, sorted."""
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as connection:
            return {
                name: sorted(
                    (tuple(row) for row in connection.execute(everything(name))),
                    key=_key,
                )
                for name in inspect(connection).get_table_names()
            }
    finally:
        engine.dispose()


def schema(url: str) -> list[Any]:
    """The schema: SQLite's own record of it; on PostgreSQL the reflected columns,
    constraints and indexes, and the sequences with their positions."""
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                found = connection.execute(
                    text("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY 1, 2")
                )
                return [tuple(row) for row in found]
            inspector = inspect(connection)
            described: list[Any] = []
            for table in sorted(inspector.get_table_names()):
                described.append(
                    (
                        table,
                        [
                            (c["name"], str(c["type"]), c["nullable"], c.get("default"))
                            for c in inspector.get_columns(table)
                        ],
                        inspector.get_pk_constraint(table),
                        sorted(map(repr, inspector.get_foreign_keys(table))),
                        sorted(map(repr, inspector.get_indexes(table))),
                        sorted(map(repr, inspector.get_unique_constraints(table))),
                        sorted(map(repr, inspector.get_check_constraints(table))),
                    )
                )
            sequences = connection.execute(
                text(
                    "SELECT sequencename, last_value FROM pg_sequences "
                    "WHERE schemaname = 'public' ORDER BY 1"
                )
            )
            described.append(("sequences", [tuple(row) for row in sequences]))
            return described
    finally:
        engine.dispose()


def assert_equal_databases(original: str, restored: str) -> None:
    before, after = contents(original), contents(restored)
    assert {"alembic_version", "change_clock", "changes", "webhooks", "api_keys"} <= set(before)
    if make_url(original).get_backend_name() == "sqlite":
        assert "search_fts" in before
        assert any(name.startswith("search_fts_") for name in before), "FTS5's shadow tables"
    assert sorted(after) == sorted(before)
    for name, rows in before.items():
        assert after[name] == rows, f"table {name} differs"
    assert len(before["changes"]) > 150  # the demo data set and the writes above
    assert schema(restored) == schema(original)


def assert_restored_database_works(original: str, restored: str, filled: Filled) -> None:
    status, out, _ = cli("db", "current", "--database-url", restored)
    head = migrate.head_revision()
    assert (status, out) == (0, f"current: {head}; head: {head}\n")
    before = Settings(database_url=original)
    with engine_for(original) as source, TestClient(create_app(before, source)) as client:
        listed_before = client.get("/v1/partnerships", params={"limit": 200}).json()["items"]
    settings = Settings(database_url=restored)
    with engine_for(restored) as engine, TestClient(create_app(settings, engine)) as client:
        assert client.get("/readyz").status_code == 200
        listed = client.get("/v1/partnerships", params={"limit": 200}).json()["items"]
        assert listed == listed_before
        assert len(listed) >= 15
        found = client.get("/v1/search", params={"q": "turku"}, headers=filled.editor).json()
        assert [hit["id"] for hit in found["items"]] == [filled.turku["id"]]
        replayed = client.post(  # the idempotency record came along: the first answer again
            "/v1/cities",
            json={"name": "Turku", "names": {"sv": "Åbo"}, "country_code": "FI"},
            headers={**filled.editor, "Idempotency-Key": "backup-turku"},
        )
        assert (replayed.status_code, replayed.json()) == (201, filled.turku)
        created = client.post(
            "/v1/cities", json={"name": "Tampere", "country_code": "FI"}, headers=filled.editor
        )
        assert created.status_code == 201, created.text
        read = client.get(f"/v1/cities/{created.json()['id']}", headers=filled.editor)
        assert read.json()["name"] == "Tampere"
        feed = client.get(
            "/v1/changes", params={"since": filled.last_seq}, headers=filled.editor
        ).json()
        assert [(c["seq"], c["id"]) for c in feed["items"]] == [
            (filled.last_seq + 1, created.json()["id"])
        ]


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        reason = f"{name} is not installed (Debian: postgresql-client)"
        if REQUIRE_POSTGRES:
            pytest.fail(f"{reason}; URBANDIPLO_REQUIRE_POSTGRES=1 requires it")
        pytest.skip(reason)
    return found


def _libpq(url: str) -> tuple[list[str], dict[str, str]]:
    """The connection options of a SQLAlchemy URL for libpq's tools (which know nothing of
    `+psycopg`), the password in the environment rather than on the command line."""
    parsed = make_url(url)
    options = [
        f"--host={parsed.host or 'localhost'}",
        f"--port={parsed.port or 5432}",
        f"--username={parsed.username or 'postgres'}",
        f"--dbname={parsed.database}",
    ]
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = parsed.password
    return options, env


def pg_restore(tool: str, dump: Path, url: str) -> None:
    """The restore docs/operations.md gives, over whatever the database holds."""
    options, env = _libpq(url)
    done = subprocess.run(
        [
            tool,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            *options,
            str(dump),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_postgres_backup_restores_to_an_equal_database(tmp_path: Path) -> None:
    pg_dump, restore = _pg_tool("pg_dump"), _pg_tool("pg_restore")
    with new_postgres_database() as original, new_postgres_database() as restored:
        filled = fill(original)
        dump = tmp_path / "urbandiplo.dump"
        # A server's connection stays open meanwhile.
        with engine_for(original) as running, running.connect() as connection:
            connection.execute(text("SELECT 1"))
            options, env = _libpq(original)
            subprocess.run(
                [pg_dump, "--format=custom", f"--file={dump}", *options],
                env=env,
                check=True,
                capture_output=True,
            )
        pg_restore(restore, dump, restored)  # into a new, empty database
        assert_equal_databases(original, restored)

        # Over the original, written to after the backup: back to the backup's state.
        settings = Settings(database_url=original)
        with engine_for(original) as engine, TestClient(create_app(settings, engine)) as client:
            later = {"name": "Oulu", "country_code": "FI"}
            assert client.post("/v1/cities", json=later, headers=filled.editor).status_code == 201
        pg_restore(restore, dump, original)
        assert_equal_databases(restored, original)

        assert_restored_database_works(original, restored, filled)


def test_sqlite_backup_restores_to_an_equal_database(tmp_path: Path) -> None:
    original = f"sqlite:///{tmp_path / 'urbandiplo.db'}"
    filled = fill(original)
    backup = tmp_path / "backups" / "urbandiplo-backup.db"
    backup.parent.mkdir()
    with engine_for(original) as running, running.connect() as connection:
        connection.execute(text("SELECT 1"))  # a server's connection stays open meanwhile
        status, out, _ = cli("db", "backup", str(backup), "--database-url", original)
    assert status == 0
    assert f"to {backup}" in out
    assert not Path(f"{backup}-wal").exists(), "the backup is one self-contained file"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600, "for the owner's eyes only"
    # Restore (docs/operations.md): with the server stopped, the file put in place.
    target = tmp_path / "restored" / "urbandiplo.db"
    target.parent.mkdir()
    shutil.copyfile(backup, target)
    restored = f"sqlite:///{target}"
    assert_equal_databases(original, restored)
    assert_restored_database_works(original, restored, filled)


def test_sqlite_backup_while_a_writer_keeps_writing(tmp_path: Path) -> None:
    """Each backup is a snapshot between two commits: it passes the integrity check, and
    its change feed runs from 1 to the clock without a gap, one change per stored city."""
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    migrate.upgrade(url)
    written = [0]
    stop = threading.Event()
    failures: list[BaseException] = []
    with engine_for(url) as engine:
        cities = build_services(Settings(database_url=url), engine).cities

        def write() -> None:
            try:
                while not stop.is_set():
                    cities.create(SYSTEM, CityFields(name=f"Stadt {written[0]}", country_code="FI"))
                    written[0] += 1
            except BaseException as error:  # pragma: no cover - reported below
                failures.append(error)

        writer = threading.Thread(target=write)
        writer.start()
        backups: list[Path] = []
        try:
            for n in range(5):
                seen = written[0]
                deadline = time.monotonic() + 30
                while written[0] < seen + 10 and time.monotonic() < deadline:
                    time.sleep(0.01)
                backups.append(tmp_path / f"busy-{n}.db")
                assert main(["db", "backup", str(backups[-1]), "--database-url", url]) == 0
        finally:
            stop.set()
            writer.join(timeout=30)
    assert not failures, failures
    stored = []
    for backup in backups:
        copy = sqlite3.connect(backup)
        try:
            assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
            seqs = [seq for (seq,) in copy.execute("SELECT seq FROM changes ORDER BY seq")]
            (clock,) = copy.execute("SELECT value FROM change_clock").fetchone()
            (count,) = copy.execute("SELECT count(*) FROM cities").fetchone()
            (indexed,) = copy.execute("SELECT count(*) FROM search_fts").fetchone()
        finally:
            copy.close()
        assert seqs == list(range(1, clock + 1)), "no gap in the change feed"
        assert count == clock == indexed, "every city with its change and its search entry"
        stored.append(count)
    assert stored == sorted(stored)
    assert len(set(stored)) == len(stored), "the writer went on between the backups"


def test_backup_of_postgres_says_how() -> None:
    url = "postgresql://office:s3cret@db.example.org:5433/urbandiplo"
    status, _, said = cli("db", "backup", "office.dump", "--database-url", url)
    assert status == 2
    assert (
        "pg_dump --format=custom --host=db.example.org --port=5433 --username=office "
        "--dbname=urbandiplo --file=office.dump"
    ) in said
    assert "s3cret" not in said


def test_backup_of_a_missing_sqlite_file_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    target = tmp_path / "backup.db"
    url = f"sqlite:///{missing}"
    status, _, said = cli("db", "backup", str(target), "--database-url", url)
    assert (status, said) == (1, f"no SQLite database at {missing}\n")
    assert not missing.exists()
    assert not target.exists()


def test_backup_never_overwrites_the_database(tmp_path: Path) -> None:
    database = tmp_path / "urbandiplo.db"
    url = f"sqlite:///{database}"
    migrate.upgrade(url)
    before = database.read_bytes()
    status, _, said = cli("db", "backup", str(database), "--database-url", url)
    assert (status, said) == (2, "the backup must not overwrite the database\n")
    assert database.read_bytes() == before
