"""Engines for SQLite (the embedded default) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import select
from typing import Any

import orjson
from psycopg.pq import TransactionStatus
from psycopg.types.json import set_json_loads
from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

IDLE = TransactionStatus.IDLE


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs that name no driver."""
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, *, pool_size: int = 5) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database in (None, "", ":memory:"):
            # One in-memory database shared by every thread (used for the contract export).
            pool: dict[str, Any] = {"poolclass": StaticPool}
        else:
            pool = {"pool_size": pool_size, "max_overflow": 0, "pool_timeout": 30}
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            hide_parameters=True,
            json_deserializer=orjson.loads,
            **pool,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # hide_parameters: a database error in the log shows the statement, never the values
    # written (names of protected people among them).
    engine = create_engine(url, pool_size=pool_size, max_overflow=2, hide_parameters=True)
    event.listen(engine, "connect", _postgres_json)
    event.listen(engine, "checkout", _postgres_alive)
    return engine


def _postgres_alive(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """A pooled connection the server has closed is replaced before it is used: after a
    restart of the database, or a backend terminated, the next request is answered.

    Instead of a round trip (`pool_pre_ping`: about 0.15 ms of CPU for each of a request's
    transactions), the socket is asked: an idle connection has nothing to read unless the
    server has sent its goodbye (an error, then end of file). Something else to read, a
    notice or a changed parameter, costs no more than a new connection. A server that
    vanished without closing (a cable pulled) is seen by neither: the statement times out.
    """
    if dbapi_connection.closed or dbapi_connection.info.transaction_status != IDLE:
        raise exc.DisconnectionError("closed, or not idle")
    poller = select.poll()  # not select(): it refuses a descriptor above 1023
    poller.register(dbapi_connection.fileno(), select.POLLIN)
    if poller.poll(0):
        raise exc.DisconnectionError("the server closed the connection")


def _postgres_json(dbapi_connection: Any, _record: Any) -> None:
    # psycopg parses json and jsonb itself; orjson does it several times faster.
    set_json_loads(orjson.loads, dbapi_connection)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling would defer BEGIN; SQLAlchemy issues it (see below).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # Deleted and overwritten content is zeroed, so erased personal data leaves no trace
    # in the file's free pages.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A transaction that will write takes the write lock at once: upgrading a read
    # transaction later fails without waiting when another writer got in between.
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")
