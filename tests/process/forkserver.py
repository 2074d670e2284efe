"""A fork server for tests that restart the server many times: it imports the application
once, then forks a fresh process for every start, which runs `urbandiplo serve` exactly as
`python -m urbandiplo.cli serve` does (`urbandiplo.cli.main`), in a process group of its own.
Only the interpreter's start and the imports (about 1.3 s of CPU a start) are shared; this
process opens no database connection and starts no thread, so each child begins with none.

Protocol, one JSON object a line: the test writes {"argv", "env", "log", "cwd"}; the fork
server answers with the child's pid. It exits when its input ends."""

from __future__ import annotations

import json
import os
import signal
import sys
import traceback
from contextlib import suppress
from typing import TypedDict

import uvicorn  # noqa: F401  (loaded here, once, for every child)

import urbandiplo.cli
import urbandiplo.main  # the application, which `serve` loads in every child


class Request(TypedDict):
    argv: list[str]  # after `urbandiplo`
    env: dict[str, str]  # the URBANDIPLO_ settings, the only ones the child gets
    log: str  # the child's stdout and stderr
    cwd: str


def child(request: Request) -> None:
    """In the forked process: a process group of its own, output to the log, then `serve`."""
    code = 1
    try:
        os.setpgid(0, 0)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        os.close(null)
        for name in [name for name in os.environ if name.startswith("URBANDIPLO_")]:
            del os.environ[name]
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        code = urbandiplo.cli.main(request["argv"])
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def main() -> None:
    # Children are reaped as they end; the tests watch them through their process groups.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    print("ready", flush=True)
    for line in sys.stdin:
        request: Request = json.loads(line)
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            child(request)
        # Here too, so that the group is there before the test hears of the child.
        with suppress(ProcessLookupError, PermissionError):
            os.setpgid(pid, pid)
        print(pid, flush=True)


if __name__ == "__main__":
    main()
