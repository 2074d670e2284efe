"""The mark watch: a moment that moves once a change may have committed, in this process or
another, and None while it cannot tell."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Hashable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text

from urbandiplo.db.changes import SqlChangeLog
from urbandiplo.db.engine import make_engine
from urbandiplo.db.watch import CHANNEL, MarkWatch, marks_moved
from urbandiplo.domain.changes import ChangeOperation
from urbandiplo.domain.values import Visibility


@pytest.fixture
def watch(db: Engine) -> Iterator[MarkWatch]:
    with db.connect():  # a new SQLite file's first connection turns on WAL: a write
        pass
    watch = MarkWatch(db)
    watch.start()
    yield watch
    watch.stop()


def until(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def write_a_change(engine: Engine) -> None:
    """What a unit of work writes of a change, on `engine`'s own connection, and committed."""
    with engine.connect() as connection:
        log = SqlChangeLog(connection)
        log.record(
            "cities",
            uuid.uuid4(),
            ChangeOperation.UPSERT,
            None,
            Visibility.PUBLIC,
            datetime.now(UTC),
        )
        log.flush()
        connection.commit()


def test_the_moment_holds_until_a_change_commits(watch: MarkWatch, db: Engine) -> None:
    first = watch.moment()
    assert first is not None, "started: it tells"
    with db.connect() as connection:  # reads commit nothing
        connection.execute(text("SELECT 1")).all()
    time.sleep(0.05)
    assert watch.moment() == first
    marks_moved(db)
    assert watch.moment() != first, "this process's own write: at once"


def test_another_process_write_moves_the_moment(watch: MarkWatch, db: Engine) -> None:
    """Another engine is another pool, as another process has: its commit is not this
    process's; the moment moves by PostgreSQL's notification or SQLite's data version."""
    other = make_engine(db.url.render_as_string(hide_password=False))
    try:
        first = watch.moment()
        write_a_change(other)
        assert until(lambda: watch.moment() != first), "another process's write is told"
        assert watch.moment() is not None
    finally:
        other.dispose()


def test_without_its_connection_the_watch_cannot_tell(watch: MarkWatch, db: Engine) -> None:
    if db.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's listening connection")
    before: Hashable | None = watch.moment()
    with db.connect() as connection:
        ended = connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND query = :listen"
            ),
            {"listen": f"LISTEN {CHANNEL}"},
        ).scalars()
        assert list(ended) == [True], "one listening connection"
    assert until(lambda: watch.moment() is None), "a lost connection: marks are read again"
    assert until(lambda: watch.moment() is not None), "and it listens again"
    assert watch.moment() != before, "nothing kept from before it was lost"
    other = make_engine(db.url.render_as_string(hide_password=False))
    try:
        again = watch.moment()
        write_a_change(other)
        assert until(lambda: watch.moment() != again), "told again"
    finally:
        other.dispose()


def test_a_failing_probe_cannot_tell_and_is_opened_again(watch: MarkWatch, db: Engine) -> None:
    if db.dialect.name != "sqlite":
        pytest.skip("SQLite's probe")
    before = watch.moment()
    probe = watch._probe  # what a file replaced or an I/O error leaves: a probe that fails
    assert probe is not None
    probe.close()
    assert watch.moment() is None, "it cannot tell: the marks are read"
    again = watch.moment()
    assert again is not None, "a new probe"
    assert again != before, "nothing kept from the old probe"
    other = make_engine(db.url.render_as_string(hide_password=False))
    try:
        write_a_change(other)
        assert watch.moment() != again, "and it follows the file"
    finally:
        other.dispose()


def test_an_unstarted_or_stopped_watch_cannot_tell(db: Engine) -> None:
    watch = MarkWatch(db)
    assert watch.moment() is None
    watch.start()
    assert watch.moment() is not None
    watch.stop()
    assert watch.moment() is None
