"""The real server as a process: `urbandiplo serve` on a free port, in a process group of its
own (so that a SIGKILL reaches every worker), waited for until /readyz answers. Started as
`python -m urbandiplo.cli serve`, or forked from a fork server (forkserver.py) where a test
restarts it many times."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path

import httpx

from urbandiplo.config import Settings
from urbandiplo.db.engine import make_engine
from urbandiplo.domain.access import Role
from urbandiplo.main import build_services

READY_WITHIN = 60.0  # seconds: deadlines for a loaded CI machine, not speed requirements
GONE_WITHIN = 30.0
POLL_EVERY = 0.05
ROOT = Path(__file__).resolve().parents[2]


def api_key(database_url: str, role: Role, name: str) -> str:
    """A new API key of the role in a migrated database, made in-process as
    `urbandiplo keys create` does, for a server started on it."""
    engine = make_engine(database_url)
    try:
        return build_services(Settings(database_url=database_url), engine).api_keys.create(
            name, role
        )[1]
    finally:
        engine.dispose()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """One server's process group (led by `pid`), its port and its log file. `process` is
    there when the test started it itself, with its exit status."""

    def __init__(
        self, pid: int, port: int, log: Path, process: subprocess.Popen[bytes] | None = None
    ) -> None:
        self.pid = pid
        self.port = port
        self.log = log
        self.process = process
        self.url = f"http://127.0.0.1:{port}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def group_alive(self) -> bool:
        """Whether any process of the server's group (workers included) is still there."""
        try:
            os.killpg(self.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def exited(self) -> bool:
        if self.process is not None:
            return self.process.poll() is not None
        return not self.group_alive()  # a fork server's child is reaped as it ends

    def wait_ready(self, within: float = READY_WITHIN) -> None:
        """Polls /readyz until it answers 200; fails with the server's output if the process
        ends first or the deadline passes."""
        deadline = time.monotonic() + within
        with httpx.Client(timeout=2) as client:
            while True:
                try:
                    if client.get(f"{self.url}/readyz").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                assert not self.exited(), f"server exited:\n{self.output()}"
                assert time.monotonic() < deadline, f"not ready in {within} s:\n{self.output()}"
                time.sleep(POLL_EVERY)

    def wait_gone(self, within: float = GONE_WITHIN) -> None:
        """Until no process of the group is left (the leader reaped first, if it is ours)."""
        deadline = time.monotonic() + within
        if self.process is not None:
            self.process.wait(timeout=within)
        while self.group_alive():
            assert time.monotonic() < deadline, "a process of the server outlived it"
            time.sleep(0.01)

    def kill(self) -> None:
        """SIGKILL to the whole process group: the server and every worker it forked."""
        with suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self.wait_gone()

    def stop(self, within: float = GONE_WITHIN) -> int | None:
        """SIGTERM to the server; once it and every process of its group are gone, its exit
        status (None for a fork server's child). Fails if they outlive the deadline; a
        SIGKILL to the group follows in any case, so that nothing outlives a test."""
        with suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
        try:
            self.wait_gone(within)
            return self.process.returncode if self.process is not None else None
        finally:
            self.kill()


def serve_argv(port: int, workers: int, migrate: bool, demo: bool = False) -> list[str]:
    argv = ["serve", "--port", str(port)]
    if workers != 1:
        argv += ["--workers", str(workers)]
    if migrate:
        argv.append("--migrate")
    if demo:
        argv.append("--demo")
    return argv


def start(
    database_url: str | None,
    log: Path,
    *,
    workers: int = 1,
    migrate: bool = False,
    demo: bool = False,
    env: dict[str, str] | None = None,
) -> Server:
    """Starts `python -m urbandiplo.cli serve` (not waiting for it) in the log's directory,
    with only the given URBANDIPLO_ settings (no database URL: the embedded default there),
    output to `log`."""
    port = free_port()
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("URBANDIPLO_", "PROMETHEUS_"))
    }
    if database_url is not None:
        environment["URBANDIPLO_DATABASE_URL"] = database_url
    environment.update(env or {})
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "urbandiplo.cli", *serve_argv(port, workers, migrate, demo)],
            env=environment,
            cwd=log.parent,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(process.pid, port, log, process)


class ForkServer:
    """Starts servers as children of one fork server (see forkserver.py)."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.process.forkserver"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            start_new_session=True,
        )
        self.started: list[Server] = []
        assert self._answer() == "ready"

    def _answer(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline().decode().strip()
        assert line, f"the fork server ended with {self.process.poll()}"
        return line

    def start(self, database_url: str, log: Path, *, env: dict[str, str] | None = None) -> Server:
        """Forks `urbandiplo serve` on a free port (not waiting for it), as `start` does."""
        assert self.process.stdin is not None
        port = free_port()
        request = {
            "argv": serve_argv(port, 1, False),
            "env": {"URBANDIPLO_DATABASE_URL": database_url, **(env or {})},
            "log": str(log),
            "cwd": str(log.parent),
        }
        self.process.stdin.write(json.dumps(request).encode() + b"\n")
        self.process.stdin.flush()
        server = Server(int(self._answer()), port, log)
        self.started.append(server)
        return server

    def close(self) -> None:
        """Ends the fork server, and kills any server it started that is still there."""
        try:
            for server in self.started:
                server.kill()
        finally:
            if self.process.stdin is not None:
                self.process.stdin.close()
            self.process.wait(timeout=GONE_WITHIN)
            if self.process.stdout is not None:
                self.process.stdout.close()
