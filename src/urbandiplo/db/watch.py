"""Whether the change marks may have moved, told without a query.

The response cache (api.revalidation) tags each response with the marks of the kinds of
record it is made of (db.changes.SqlChangeLog): before this, it read them from the database
for every request it answered. A `MarkWatch` lets it keep the marks it read until they may
have moved. `moment()` is a value that differs from every earlier one once a change may have
committed since, or None where the watch cannot tell (not started, its connection lost, an
in-memory database): then the marks are read as before.

- A write of this process moves the moment as soon as its commit returns, before its
  response is sent (`marks_moved`, from the unit of work): a caller reads their own write.
- PostgreSQL: every statement writing change_marks notifies the channel at its commit
  (migration 0029); a thread listens on a connection of its own. Another process's write is
  seen when its notification arrives, in about a millisecond on one machine.
- SQLite: `PRAGMA data_version` on a connection of its own, which changes with every commit
  of any other connection to the file, of any process: a few microseconds, no I/O.
"""

from __future__ import annotations

import logging
import os
import select
import sqlite3
import threading
import weakref
from collections.abc import Hashable

import psycopg
from sqlalchemy import Engine

CHANNEL = "urbandiplo_marks"  # migrations/versions/0029_marks_notify.py
RETRY_SECONDS = 1.0  # after a lost connection, the next try
STOP_SECONDS = 2.0  # the longest `start` waits for it to listen, `stop` for it to end

log = logging.getLogger(__name__)

_moves: weakref.WeakKeyDictionary[Engine, int] = weakref.WeakKeyDictionary()
_moves_lock = threading.Lock()


def marks_moved(engine: Engine) -> None:
    """A unit of work on this engine committed changes: after the commit, before the caller
    hears of it."""
    with _moves_lock:
        _moves[engine] = _moves.get(engine, 0) + 1


def _moved(engine: Engine) -> int:
    return _moves.get(engine, 0)


class MarkWatch:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._told = 0  # notifications heard, and every (re)connection
        self._listening = False
        self._stop = threading.Event()
        self._wake: tuple[int, int] = (-1, -1)  # a pipe: written to stop the listening thread
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()  # set once listening, or having failed to
        self._probe: sqlite3.Connection | None = None
        self._probes = 0  # probes reopened: a new probe's versions are its own

    def start(self) -> None:
        """Listen (PostgreSQL) or open the probe (SQLite); `moment()` is None until then."""
        backend = self._engine.dialect.name
        if backend == "postgresql" and self._thread is None:
            self._stop.clear()
            self._ready.clear()
            self._wake = os.pipe()
            self._thread = threading.Thread(target=self._listen, name="mark-watch", daemon=True)
            self._thread.start()
            # Served from the first request on, unless the database cannot be reached.
            self._ready.wait(timeout=STOP_SECONDS)
        elif backend == "sqlite" and self._probe is None:
            database = self._engine.url.database
            if database in (None, "", ":memory:"):
                return  # one connection shared by all (the contract export): nothing to watch
            self._probe = self._open_probe()

    def stop(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stop.set()
            os.write(self._wake[1], b"!")
            thread.join(timeout=STOP_SECONDS)
            for end in self._wake:
                os.close(end)
        probe, self._probe = self._probe, None
        if probe is not None:
            with self._lock:
                probe.close()

    def moment(self) -> Hashable | None:
        if self._probe is not None:
            with self._lock:
                probe = self._probe
                if probe is None:
                    return None
                try:
                    (version,) = probe.execute("PRAGMA data_version").fetchone()
                except sqlite3.Error as error:
                    # Its version no longer follows the file's: a new probe, and no answer
                    # this once (the marks are read).
                    log.warning("change marks: the probe failed (%s); opened again", error)
                    probe.close()
                    try:
                        self._probe = self._open_probe()
                    except sqlite3.Error:
                        self._probe = None  # for good: read per request
                    self._probes += 1
                    return None
            return (_moved(self._engine), self._probes, version)
        if self._listening:
            return (_moved(self._engine), self._told)
        return None

    def _open_probe(self) -> sqlite3.Connection:
        return sqlite3.connect(
            self._engine.url.database or "", check_same_thread=False, isolation_level=None
        )

    def _listen(self) -> None:
        cargs, cparams = self._engine.dialect.create_connect_args(self._engine.url)
        while not self._stop.is_set():
            try:
                with psycopg.connect(*cargs, **cparams, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._heard(listening=True)  # what was kept before may be stale
                    self._ready.set()
                    while True:
                        ready, _, _ = select.select([connection.fileno(), self._wake[0]], [], [])
                        if self._wake[0] in ready:
                            return
                        for _notice in connection.notifies(timeout=0):
                            self._heard(listening=True)
            except (psycopg.Error, OSError) as error:
                log.warning("change marks: not listening (%s); reading them per request", error)
            finally:
                self._heard(listening=False)
                self._ready.set()
            self._stop.wait(RETRY_SECONDS)

    def _heard(self, *, listening: bool) -> None:
        with self._lock:
            self._told += 1
            self._listening = listening
