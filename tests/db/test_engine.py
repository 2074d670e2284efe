"""Written values stay out of error messages the server logs; a connection the server
closed is not handed out."""

from __future__ import annotations

import logging
import time
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, Engine, insert, text
from sqlalchemy.exc import IntegrityError

from urbandiplo.api.problems import log_unexpected
from urbandiplo.db.engine import make_engine
from urbandiplo.db.models import CityRow, table_of


def test_a_database_error_is_logged_without_the_values(
    db: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    canary = "Verteidigerin Kanarie"
    now = datetime.now(UTC)
    row = {
        "id": uuid.uuid4(),
        "name": canary,
        "names": {},
        "country_code": None,  # NOT NULL: fails, and PostgreSQL names the failing row
        "visibility": "public",
        "created_at": now,
        "updated_at": now,
        "version": 1,
        "search_text": "",
    }
    with pytest.raises(IntegrityError) as raised, db.begin() as connection:
        connection.execute(insert(table_of(CityRow)).values(**row))
    with caplog.at_level(logging.ERROR):
        log_unexpected("POST", "/v1/cities", raised.value)
    assert "IntegrityError on POST /v1/cities" in caplog.text
    assert "[SQL parameters hidden due to hide_parameters=True]" in str(raised.value)
    assert canary not in caplog.text


def test_a_pooled_connection_the_server_closed_is_replaced(db: Engine) -> None:
    """A backend terminated (or the database restarted) while its connection sat in the
    pool: the next checkout answers, on a new connection, and nothing fails."""
    if db.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's connections")
    engine = make_engine(db.url.render_as_string(hide_password=False), pool_size=2)
    try:
        with engine.connect() as first, engine.connect() as second:
            pids = {
                c.execute(text("SELECT pg_backend_pid()")).scalar_one() for c in (first, second)
            }
        with db.connect() as other:
            ended = other.execute(
                text("SELECT pg_terminate_backend(pid) FROM unnest(:pids) AS pid"),
                {"pids": list(pids)},
            ).scalars()
            assert list(ended) == [True, True]
            assert until_gone(other, pids), "both backends ended"
        for _ in range(2):  # each pooled connection in turn
            with engine.connect() as again:
                pid = again.execute(text("SELECT pg_backend_pid()")).scalar_one()
                assert pid not in pids, "a new connection"
    finally:
        engine.dispose()


def until_gone(connection: Connection, pids: set[int], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    query = text("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(:pids)")
    while connection.execute(query, {"pids": list(pids)}).scalar_one():
        connection.rollback()  # pg_stat_activity is read once per transaction
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True
