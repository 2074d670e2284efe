"""The benchmark harness: the real server as its own process, wrk as the load generator,
and in the same run a baseline over the same rows (bench/baseline.py on PostgreSQL,
bench/baseline_sqlite.py on SQLite).

The server is pinned to core 0 and wrk to core 1 (taskset), both on loopback; every
measurement runs for a fixed time after a warm-up. Each database is made for the run
(a temporary SQLite file; a new PostgreSQL database, dropped after) and filled with a
synthetic data set through the domain services.

    .venv/bin/pip install -e '.[bench]'      # psycopg-pool, for the baseline
    apt-get install wrk
    .venv/bin/python bench/run.py [--seconds 10] [--databases sqlite postgres]

It prints a Markdown table: requests/s, p50 and p99 per scenario and database, and each
figure's ratio to the same database's baseline from the same run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv" / "bin"
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
CONNECTIONS = 32
SERVER_CORE, LOAD_CORE = "0", "1"


@dataclass(frozen=True)
class Result:
    scenario: str
    database: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    rss_mb: float = 0.0  # the largest resident size of one server process during the run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_ready(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


@contextmanager
def process(
    command: list[str], env: dict[str, str], log: Path, cores: str = SERVER_CORE
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("w") as out:
        proc = subprocess.Popen(
            ["taskset", "-c", cores, *command],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


def _family(pid: int) -> list[int]:
    """The process and its descendants (uvicorn's workers are its children)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            found += _family(int(child))
    return found


def _rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else 0.0


class RssSampler:
    """Samples the resident memory of a server and its workers every 0.2 s; `peak` is the
    largest any one process reached."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            for pid in _family(self.pid):
                self.peak = max(self.peak, _rss_mb(pid))

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(
    url: str,
    seconds: int,
    headers: dict[str, str],
    script: Path | None = None,
    *,
    cores: str = LOAD_CORE,
    threads: int = 1,
) -> Result:
    """One wrk run (after a 2 s warm-up); requests/s and latency percentiles."""
    command = ["taskset", "-c", cores, "wrk", f"-t{threads}", f"-c{CONNECTIONS}", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    subprocess.run([*command, "-d2s", url], check=True, capture_output=True)
    out = subprocess.run(
        [*command, f"-d{seconds}s", url], check=True, capture_output=True, text=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    count = int(bad.group(1)) if bad else 0
    if errors:
        count += sum(int(n) for n in re.findall(r"\d+", errors.group(0)))
    return Result("", "", rps, p50, p99, count)


# The writes of the mixed scenario, in turn: a city and an event, through the API.
WRITES = [
    ("/v1/cities", {"name": "Bench", "country_code": "FI"}),
    (
        "/v1/events",
        {"title": {"de": "Bench"}, "kind": "fair", "starts_at": "2026-06-01T18:00:00+02:00"},
    ),
]


class Writer(threading.Thread):
    """Writes at a steady rate (WRITES in turn, as an editor) until stopped; counts the
    writes and those that did not answer 201."""

    def __init__(self, base: str, key: str, per_second: float) -> None:
        super().__init__(daemon=True)
        self.base, self.key, self.interval = base, key, 1 / per_second
        self.stopped = threading.Event()
        self.written = self.errors = 0

    def run(self) -> None:
        with httpx.Client(base_url=self.base, headers={"X-API-Key": self.key}) as client:
            due = time.monotonic()
            while not self.stopped.is_set():
                path, body = WRITES[self.written % len(WRITES)]
                try:
                    ok = client.post(path, json=body, timeout=10).status_code == 201
                except httpx.HTTPError:
                    ok = False
                self.written += 1
                self.errors += not ok
                due += self.interval
                self.stopped.wait(max(0.0, due - time.monotonic()))


def measure_mixed(
    base: str, key: str, seconds: int, database: str, pid: int
) -> tuple[list[Result], list[str]]:
    """The website's kept reads read-only, then under a steady 5 writes/s of cities and
    events: what the writes cost the reads that each retires (a city: the list and the
    map; an event: the calendar)."""
    results, lines = [], []
    for name, path in (
        ("list 50", "/v1/partnerships?limit=50"),
        ("events.ics", "/v1/events.ics"),
        ("map", "/v1/partner-cities.geojson"),
    ):
        with RssSampler(pid) as rss:
            alone = wrk(base + path, seconds, {})
        writer = Writer(base, key, per_second=5)
        writer.start()
        try:
            with RssSampler(pid) as rss_mixed:
                mixed = wrk(base + path, seconds, {})
        finally:
            writer.stopped.set()
            writer.join()
        results += [
            replace(
                alone, scenario=f"mixed: {name}, read-only", database=database, rss_mb=rss.peak
            ),
            replace(
                mixed,
                scenario=f"mixed: {name}, 5 writes/s",
                database=database,
                rss_mb=rss_mixed.peak,
                errors=mixed.errors + writer.errors,
            ),
        ]
        lines.append(
            f"mixed, {database}, {name}: {mixed.rps / alone.rps:.2f} x the read-only "
            f"requests/s, p99 {mixed.p99_ms:.1f} ms, {writer.written} writes "
            f"({writer.errors} failed)"
        )
    return results, lines


def seed(url: str, partnerships: int, events: int) -> str:
    """A synthetic data set through the domain services; an editor's API key."""
    from urbandiplo.config import Settings
    from urbandiplo.db.engine import make_engine
    from urbandiplo.domain.access import SYSTEM, Role
    from urbandiplo.domain.cities import CityFields
    from urbandiplo.domain.events import EventFields, EventKind
    from urbandiplo.domain.partnerships import PartnershipFields, PartnershipKind
    from urbandiplo.domain.values import I18nText, Visibility
    from urbandiplo.main import build_services

    engine = make_engine(url)
    services = build_services(Settings(database_url=url), engine)
    services.cities.create(SYSTEM, CityFields(name="Köln", country_code="DE"))
    countries = ["FR", "PL", "UA", "TR", "IL", "JP", "CN", "BR", "US", "ES", "IT", "GR"]
    for i in range(partnerships):
        city = services.cities.create(
            SYSTEM,
            CityFields(
                name=f"Partnerstadt {i}",
                names={"en": f"Partner town {i}"},
                country_code=countries[i % len(countries)],
                latitude=40 + (i % 20),
                longitude=(i % 60) - 10,
                population=10_000 + i,
            ),
        )
        services.partnerships.create(
            SYSTEM,
            PartnershipFields(
                partner_city_id=city.id,
                kind=list(PartnershipKind)[i % 3],
                established_on=date(1950, 1, 1) + timedelta(days=17 * i),
                description=I18nText({"de": f"Partnerschaft {i}", "en": f"Partnership {i}"}),
                sdgs=(11, 17),
                visibility=Visibility.INTERNAL if i % 10 == 9 else Visibility.PUBLIC,
            ),
        )
    start = datetime(2025, 12, 1, 17, tzinfo=UTC)
    for i in range(events):
        services.events.create(
            SYSTEM,
            EventFields(
                title=I18nText({"de": f"Veranstaltung {i}", "en": f"Event {i}"}),
                kind=list(EventKind)[i % 5],
                starts_at=start + timedelta(hours=7 * i),
                ends_at=start + timedelta(hours=7 * i + 2),
            ),
        )
    _key, plain = services.api_keys.create("bench", Role.EDITOR)
    engine.dispose()
    if url.startswith("postgresql"):
        import psycopg

        # The statistics a running database has. Outside a transaction: an ANALYZE inside
        # one that is then rolled back leaves the planner without statistics (rows=5
        # estimates, a sort of every row before the page's LIMIT).
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
    return plain


CREATE_SCRIPT = """
wrk.method = "POST"
wrk.body = '{"name": "Bench", "country_code": "FI"}'
wrk.headers["Content-Type"] = "application/json"
"""


@dataclass(frozen=True)
class Reference:
    """What urbandiplo answered, for the ceiling to answer byte for byte the same."""

    listing: bytes
    item_id: str
    item: bytes
    key: str  # an editor's API key, for the ceiling's create


def measure_urbandiplo(
    database: str, url: str, seconds: int, work: Path, env: dict[str, str]
) -> tuple[list[Result], Reference, list[str]]:
    from urbandiplo.db import migrate

    migrate.upgrade(url)
    key = seed(url, partnerships=1000, events=400)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [str(VENV / "urbandiplo"), "serve", "--port", str(port), "--database-url", url]
    with process(command, env, work / f"server-{database}.log") as server:
        wait_ready(f"{base}/readyz")
        staff = {"X-API-Key": key}
        listing = f"{base}/v1/partnerships?limit=50"
        first = httpx.get(listing)
        assert len(first.json()["items"]) == 50, first.text
        item = first.json()["items"][0]["id"]
        reference = Reference(
            first.content, item, httpx.get(f"{base}/v1/partnerships/{item}").content, key
        )
        script = work / "create.lua"
        script.write_text(CREATE_SCRIPT)
        scenarios = [
            ("list 50, anonymous", listing, {}, None),
            ("list 50, API key", listing, staff, None),
            ("item", f"{base}/v1/partnerships/{item}", {}, None),
            ("list 50, 304", listing, {"If-None-Match": first.headers["ETag"]}, None),
            ("search", f"{base}/v1/search?q=partner", {}, None),
            ("events.ics", f"{base}/v1/events.ics", {}, None),
            ("create (city)", f"{base}/v1/cities", staff, script),
        ]
        results = []
        for name, target, headers, lua in scenarios:
            with RssSampler(server.pid) as rss:
                measured = wrk(target, seconds, headers, lua)
            results.append(replace(measured, scenario=name, database=database, rss_mb=rss.peak))
        mixed, lines = measure_mixed(base, key, seconds, database, server.pid)
        results += mixed
    # The reads again without the response cache: what reading and rendering costs.
    uncached = {**env, "URBANDIPLO_RESPONSE_CACHE_MB": "0"}
    with process(command, uncached, work / f"server-{database}-uncached.log") as server:
        wait_ready(f"{base}/readyz")
        for name, target, headers in (
            ("list 50, anonymous", listing, {}),
            ("list 50, API key", listing, staff),
            ("item", f"{base}/v1/partnerships/{item}", {}),
        ):
            with RssSampler(server.pid) as rss:
                measured = wrk(target, seconds, headers)
            results.append(
                replace(
                    measured,
                    scenario=f"{name}, no response cache",
                    database=database,
                    rss_mb=rss.peak,
                )
            )
    return results, reference, lines


def measure_workers(url: str, seconds: int, work: Path, env: dict[str, str]) -> list[Result]:
    """The list with 1 and with 2 worker processes, server and wrk (2 threads) sharing both
    cores, with and without the response cache: what a second worker adds."""
    import psycopg

    # The create scenario wrote thousands of cities: let PostgreSQL's housekeeping run now,
    # not as autovacuum in the middle of the measurements that follow.
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    listing = f"{base}/v1/partnerships?limit=50"
    results = []
    for cache in ("32", "0"):
        for workers in (1, 2):
            command = [
                str(VENV / "urbandiplo"),
                *("serve", "--port", str(port), "--database-url", url),
                *("--workers", str(workers)),
            ]
            log = work / f"server-workers-{workers}-{cache}.log"
            with process(
                command, {**env, "URBANDIPLO_RESPONSE_CACHE_MB": cache}, log, cores="0,1"
            ) as server:
                wait_ready(f"{base}/readyz")
                time.sleep(1)  # every worker up, not only the first to answer
                with RssSampler(server.pid) as rss:
                    measured = wrk(listing, seconds, {}, cores="0,1", threads=2)
            scenario = f"list 50, anonymous, {workers} worker{'s' * (workers > 1)}, 2 cores"
            if cache == "0":
                scenario += ", no response cache"
            results.append(
                replace(measured, scenario=scenario, database="postgres", rss_mb=rss.peak)
            )
    return results


def measure_baseline(
    url: str, seconds: int, work: Path, reference: Reference, database: str = "postgres"
) -> list[Result]:
    """The ceiling in each of its shapes (bench/baseline.py on PostgreSQL,
    bench/baseline_sqlite.py on SQLite): the list, an item and a create, each checked to
    answer the very bytes urbandiplo answered."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    module = "bench.baseline:app" if database == "postgres" else "bench.baseline_sqlite:app"
    label = "ceiling" if database == "postgres" else "ceiling sqlite"
    command = [
        str(VENV / "uvicorn"),
        module,
        *("--port", str(port), "--log-level", "warning", "--no-access-log"),
    ]
    script = work / "create-baseline.lua"
    script.write_text(CREATE_SCRIPT)
    results = []
    for shape in ("json_agg", "batched"):
        env = {"BASELINE_DATABASE_URL": url, "BASELINE_SHAPE": shape}
        with process(command, env, work / f"baseline-{database}-{shape}.log"):
            listing = f"{base}/partnerships"
            wait_ready(listing)
            first = httpx.get(listing)
            assert first.content == reference.listing, f"{shape}: not urbandiplo's list"
            item = f"{base}/partnerships/{reference.item_id}"
            assert httpx.get(item).content == reference.item, f"{shape}: not urbandiplo's item"
            measured = {
                "list 50, anonymous": wrk(listing, seconds, {}),
                "list 50, 304": wrk(listing, seconds, {"If-None-Match": first.headers["ETag"]}),
                "item": wrk(item, seconds, {}),
            }
            if shape == "json_agg":  # the kept list does not depend on the shape either
                memory = f"{base}/partnerships-from-memory"
                assert httpx.get(memory).content == reference.listing, "not urbandiplo's list"
                measured["list 50, from memory"] = wrk(memory, seconds, {})
            if shape == "batched":  # the create does not depend on the list's shape
                measured["create (city)"] = wrk(
                    f"{base}/cities", seconds, {"X-API-Key": reference.key}, script
                )
        results += [
            replace(r, scenario=name, database=f"{label} ({shape})") for name, r in measured.items()
        ]
    return results


def explain(url: str) -> str:
    """The ceiling's statements with their plans (EXPLAIN (ANALYZE, BUFFERS)), as Markdown,
    on the database as the run left it."""
    import psycopg

    sys.path.insert(0, str(ROOT))
    from bench import baseline

    with psycopg.connect(url) as connection:
        ids = [row[0] for row in connection.execute(baseline.FLAT_LIST).fetchall()][:50]
        statements = {
            "json_agg list": (baseline.NESTED_LIST, {}),
            "batched list: the page": (baseline.FLAT_LIST, {}),
            **{
                f"batched list: {name}": (statement, {"ids": ids})
                for name, statement in baseline.CHILDREN.items()
            },
        }
        out = []
        for name, (statement, params) in statements.items():
            plan = connection.execute(
                "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement,  # type: ignore[operator]
                params,
            ).fetchall()
            out.append(f"#### {name}\n\n```\n" + "\n".join(r[0] for r in plan) + "\n```\n")
    return "\n".join(out)


def explain_sqlite(url: str) -> str:
    """The SQLite ceiling's statements with their plans (EXPLAIN QUERY PLAN), as Markdown."""
    import sqlite3

    sys.path.insert(0, str(ROOT))
    from bench import baseline_sqlite as b

    connection = sqlite3.connect(url.removeprefix("sqlite:///"))
    try:
        ids = [
            row[0] for row in connection.execute(f"{b.FLAT} WHERE {b.DATED}", {"limit": b.LIMIT})
        ]
        owner = f"IN ({', '.join('?' * len(ids))})"
        statements = {
            "json_agg list (SQLite)": (f"{b.NESTED} WHERE {b.DATED}", {"limit": b.LIMIT + 1}),
            "batched list (SQLite): the page": (f"{b.FLAT} WHERE {b.DATED}", {"limit": 51}),
            **{
                f"batched list (SQLite): {name}": (statement, ids)
                for name, statement in b._children(owner).items()
            },
        }
        out = []
        for name, (statement, params) in statements.items():
            plan = connection.execute("EXPLAIN QUERY PLAN " + statement, params).fetchall()
            lines = "\n".join(f"{row[0]:>3} {row[1]:>3} {row[3]}" for row in plan)
            out.append(f"#### {name}\n\n```\n{lines}\n```\n")
    finally:
        connection.close()
    return "\n" + "\n".join(out)


@contextmanager
def postgres_database() -> Iterator[str]:
    import psycopg

    name = f"urbandiplo_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


CEILING_OF = {  # which of the ceiling's measurements a scenario is held against
    # The cached lists: against the same bytes served from memory.
    "list 50, anonymous": "list 50, from memory",
    "list 50, API key": "list 50, from memory",
    "list 50, 304": "list 50, 304",
    "item": "item",
    "item, no response cache": "item",
    "create (city)": "create (city)",
}


def kind_of(database: str) -> str:
    """The database a result or a ceiling ran on: "ceiling sqlite (batched)" is SQLite's."""
    return "sqlite" if "sqlite" in database else "postgres"


def ceilings(results: list[Result]) -> dict[tuple[str, str], Result]:
    """Per database and kind of request, the fastest of the ceiling's shapes."""
    best: dict[tuple[str, str], Result] = {}
    for r in results:
        key = (kind_of(r.database), r.scenario)
        if r.database.startswith("ceiling") and (key not in best or r.rps > best[key].rps):
            best[key] = r
    return best


def ceiling_of(result: Result, best: dict[tuple[str, str], Result]) -> Result | None:
    """The ceiling a result is held against: the fastest shape of its kind on the same
    database."""
    if result.scenario.startswith("mixed:"):  # held against its own read-only run
        return None
    kind = kind_of(result.database)
    if result.database.startswith("ceiling"):  # a shape against the fastest of its kind
        return best.get((kind, result.scenario))
    return best.get((kind, CEILING_OF.get(result.scenario, "list 50, anonymous")))


def table(results: list[Result]) -> str:
    best = ceilings(results)
    lines = [
        "| scenario | database | requests/s | p50 ms | p99 ms | rps / ceiling rps "
        "| p99 / ceiling p99 | errors | peak RSS MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rss = f"{r.rss_mb:.0f}" if r.rss_mb else ""
        ceiling = ceiling_of(r, best)
        ratio = f"{r.rps / ceiling.rps:.2f}" if ceiling else ""
        p99 = f"{r.p99_ms / ceiling.p99_ms:.2f}" if ceiling else ""
        lines.append(
            f"| {r.scenario} | {r.database} | {r.rps:,.0f} | {r.p50_ms:.2f} | {r.p99_ms:.2f} "
            f"| {ratio} | {p99} | {r.errors} | {rss} |"
        )
    return "\n".join(lines)


def write_results(results: list[Result], path: Path) -> None:
    """bench/results.json: one object per scenario and database, with the run's commit."""
    import json

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    best = ceilings(results)
    rows = []
    for r in results:
        ceiling = ceiling_of(r, best)
        rows.append(
            {
                "scenario": r.scenario,
                "database": r.database,
                "requests_per_s": round(r.rps, 1),
                "p50_ms": r.p50_ms,
                "p99_ms": r.p99_ms,
                "ceiling_ratio": round(r.rps / ceiling.rps, 3) if ceiling else None,
                "peak_rss_mb": round(r.rss_mb, 1) if r.rss_mb else None,
                "errors": r.errors,
                "commit": commit,
            }
        )
    path.write_text(json.dumps(rows, indent=2) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument(
        "--log-level",
        default="INFO",
        help="the server's (INFO writes the access log, as in production)",
    )
    parser.add_argument(
        "--databases", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"]
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    # The feeds' rate limit would refuse the benchmark's own load (one address).
    env = {"URBANDIPLO_LOG_LEVEL": args.log_level, "URBANDIPLO_RATE_LIMIT_FEEDS": "0"}
    results: list[Result] = []
    mixed: list[str] = []  # the mixed scenario's ratios, printed after the table
    plans = ""  # the ceiling's statements with their plans, for bench/plans.md
    with tempfile.TemporaryDirectory() as tmp, postgres_database() as pg_url:
        work = Path(tmp)
        if "postgres" in args.databases:
            measured, reference, lines = measure_urbandiplo(
                "postgres", pg_url, args.seconds, work, env
            )
            results += measured
            mixed += lines
            results += measure_baseline(pg_url, args.seconds, work, reference)
            plans += explain(pg_url)
            results += measure_workers(pg_url, args.seconds, work, env)
        if "sqlite" in args.databases:
            sqlite_url = f"sqlite:///{work / 'bench.db'}"
            measured, reference, lines = measure_urbandiplo(
                "sqlite", sqlite_url, args.seconds, work, env
            )
            results += measured
            mixed += lines
            results += measure_baseline(sqlite_url, args.seconds, work, reference, "sqlite")
            plans += explain_sqlite(sqlite_url)
    if plans:
        (ROOT / "bench" / "plans.md").write_text(plans)
    print(table(results))
    write_results(results, ROOT / "bench" / "results.json")
    for line in mixed:
        print(line)
    by_name = {r.scenario: r for r in results if r.database == "postgres"}
    for suffix in ("", ", no response cache"):
        one = by_name.get(f"list 50, anonymous, 1 worker, 2 cores{suffix}")
        two = by_name.get(f"list 50, anonymous, 2 workers, 2 cores{suffix}")
        if one and two:
            print(f"2 workers / 1 worker{suffix}: {two.rps / one.rps:.2f} x requests/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
