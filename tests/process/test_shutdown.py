"""Graceful shutdown: SIGTERM while a long request runs lets it finish with its whole
response, refuses new connections at once, and the server then ends by itself."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select

from tests.process.server import api_key, start
from urbandiplo.db import migrate
from urbandiplo.db.engine import make_engine
from urbandiplo.db.models import CityRow
from urbandiplo.domain.access import Role

ROWS = 2000  # four transactions of 500 rows: 1.5 to 3 s of work on this machine kind
GRACEFUL = 10  # cli.py: timeout_graceful_shutdown
DEADLINE = 60.0  # for waiting on anything here; no speed is asserted


def test_sigterm_lets_the_request_in_flight_finish(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shutdown.db'}"
    migrate.upgrade(url)
    plain = api_key(url, Role.EDITOR, "shutdown test")
    engine = make_engine(url)
    try:
        server = start(url, tmp_path / "server.log")
        process = server.process
        assert process is not None
        try:
            server.wait_ready()
            cities = "name,country_code\n" + "".join(f"Stadt {n},DE\n" for n in range(ROWS))
            answers: list[httpx.Response] = []
            answered = threading.Event()

            def import_cities() -> None:
                try:
                    with httpx.Client(timeout=DEADLINE) as client:
                        answers.append(
                            client.post(
                                f"{server.url}/v1/imports/cities",
                                content=cities.encode(),
                                headers={"X-API-Key": plain, "Content-Type": "text/csv"},
                            )
                        )
                finally:
                    answered.set()

            importing = threading.Thread(target=import_cities)
            importing.start()

            def stored() -> int:
                with engine.connect() as connection:
                    count: int = connection.execute(
                        select(func.count()).select_from(CityRow)
                    ).scalar_one()
                    return count

            deadline = time.monotonic() + DEADLINE
            while stored() == 0:  # in flight: its first transaction has committed
                assert time.monotonic() < deadline, "the import did not start"
                time.sleep(0.01)
            assert not answered.is_set(), "the import was over before the SIGTERM; make it longer"
            process.send_signal(signal.SIGTERM)

            refusal: Exception | None = None
            while refusal is None:
                try:
                    httpx.get(f"{server.url}/healthz", timeout=5)
                except httpx.ConnectError as error:
                    refusal = error
                except (httpx.ReadError, httpx.RemoteProtocolError):
                    # Taken into the listen backlog just as the listener closed: reset, not
                    # served. Ask again until connections are refused outright.
                    pass
                assert time.monotonic() < deadline, "still accepting connections after SIGTERM"
                time.sleep(0.01)
            refused_in_flight = not answered.is_set()

            importing.join(timeout=DEADLINE)
            assert answers, "the request in flight got no answer"
            report = answers[0].json()
            assert answers[0].status_code == 200, report
            assert (report["rows"], report["created"], len(report["results"])) == (ROWS,) * 3
            assert refused_in_flight, "new connections were refused only after the import ended"
            assert "refused" in str(refusal).lower(), refusal

            code = process.wait(timeout=GRACEFUL + DEADLINE)
            output = server.output()
            # uvicorn raises the SIGTERM again once its graceful shutdown is done, so a single
            # process ends "killed by SIGTERM" after finishing; the log shows it finished.
            assert code in (0, -signal.SIGTERM), output
            assert f"Finished server process [{server.pid}]" in output, output
            assert "Cancel" not in output, output
            assert stored() == ROWS
        finally:
            server.stop()
    finally:
        engine.dispose()
