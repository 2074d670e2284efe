"""The `urbandiplo` command: serve, db, demo load, keys create, search reindex, webhooks
deliver, alerts scan, import and export (CSV), openapi export."""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url

from urbandiplo.config import Settings
from urbandiplo.db import migrate
from urbandiplo.db.engine import make_engine
from urbandiplo.domain.access import SYSTEM, Role
from urbandiplo.domain.errors import InvalidData
from urbandiplo.domain.keys import CONTRIBUTOR
from urbandiplo.logs import configure as configure_logging
from urbandiplo.logs import uvicorn_log_config

if TYPE_CHECKING:
    from urbandiplo.api.deps import Services

DEFAULT_CONTRACT = Path("openapi") / "openapi.json"


def app_from_env() -> Any:
    """The ASGI app for uvicorn's worker processes (`--factory`), configured from the env."""
    from urbandiplo.main import create_app

    return create_app(Settings())


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {"database_url": args.database_url} if getattr(args, "database_url", None) else {}
    return Settings(**overrides)


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def serve(args: argparse.Namespace) -> int:
    import os
    import shutil
    import tempfile

    import uvicorn

    settings = _settings(args)
    if _is_sqlite(settings.database_url) or args.migrate:
        migrate.upgrade(settings.database_url)
    if args.demo:
        _load_demo(settings)
    os.environ["URBANDIPLO_DATABASE_URL"] = settings.database_url
    # Several workers write their metrics to files in one directory, which /metrics adds
    # up. The workers are spawned as new interpreters with this environment, so the variable
    # is set before they import prometheus_client. A directory the caller set is theirs.
    metrics_dir = None
    if args.workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        metrics_dir = tempfile.mkdtemp(prefix="urbandiplo-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
    try:
        uvicorn.run(
            "urbandiplo.cli:app_from_env",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            log_level=settings.log_level.lower(),
            log_config=uvicorn_log_config(settings.log_format),
            # uvicorn's access log writes query strings (search terms, names); ours does not.
            access_log=False,
            proxy_headers=True,
            timeout_graceful_shutdown=10,
        )
    finally:
        if metrics_dir is not None:
            del os.environ["PROMETHEUS_MULTIPROC_DIR"]
            shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0


def _load_demo(settings: Settings) -> None:
    from urbandiplo.demo.loader import load
    from urbandiplo.main import build_services

    engine = make_engine(settings.database_url)
    try:
        services = build_services(settings, engine)
        report = load(services)
    finally:
        engine.dispose()
    print(f"demo data: created {report.created}, already there {report.existing}")


def backup_sqlite(database: Path, target: Path) -> str | None:
    """Copies the database to `target` through SQLite's online backup: one consistent
    snapshot while the server goes on writing (a copy of the file itself, in WAL mode, is
    not). The copy is a single file (journal mode DELETE, mode 0600), checked, then moved
    into place; its migration revision is returned."""
    import os
    import sqlite3

    partial = target.with_name(f"{target.name}.partial")
    partial.unlink(missing_ok=True)
    # Personal data and webhook secrets: readable by the owner only, from the start.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    source = sqlite3.connect(database, timeout=30)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)  # all pages in one step, under one read transaction
            copy.execute("PRAGMA journal_mode=DELETE")
            checked = copy.execute("PRAGMA integrity_check").fetchall()
            if checked != [("ok",)]:
                raise RuntimeError(f"the copy fails its integrity check: {checked[:5]}")
            revision = copy.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            copy.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    os.replace(partial, target)
    return revision[0] if revision else None


def _backup(url: str, file: str) -> int:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # pg_dump must be of the server's major version (or newer) and is not in the image;
        # it belongs where the backups are kept. Say how instead of wrapping it.
        print(
            "db backup writes SQLite databases only. Back up PostgreSQL with pg_dump "
            "(see docs/operations.md):\n"
            f"  pg_dump --format=custom --host={parsed.host or 'localhost'} "
            f"--port={parsed.port or 5432} --username={parsed.username or 'postgres'} "
            f"--dbname={parsed.database} --file={file}",
            file=sys.stderr,
        )
        return 2
    database = Path(parsed.database or "")
    if not parsed.database or parsed.database == ":memory:" or not database.is_file():
        print(f"no SQLite database at {parsed.database or '(in memory)'}", file=sys.stderr)
        return 1
    target = Path(file)
    if target.resolve() == database.resolve():
        print("the backup must not overwrite the database", file=sys.stderr)
        return 2
    revision = backup_sqlite(database, target)
    print(f"backed up {database} to {target} ({target.stat().st_size} bytes, revision {revision})")
    return 0


def db(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.action == "backup":
        if not args.revision:
            print("backup needs the file to write", file=sys.stderr)
            return 2
        return _backup(settings.database_url, args.revision)
    if args.action == "upgrade":
        migrate.upgrade(settings.database_url, args.revision or "head")
    elif args.action == "downgrade":
        if not args.revision:
            print("downgrade needs a revision (e.g. -1 or base)", file=sys.stderr)
            return 2
        migrate.downgrade(settings.database_url, args.revision)
    engine = make_engine(settings.database_url)
    try:
        current = migrate.current_revision(engine)
    finally:
        engine.dispose()
    head = migrate.head_revision()
    print(f"current: {current or '(empty)'}; head: {head}")
    return 0


def demo(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if _is_sqlite(settings.database_url):  # as `serve` does: a new SQLite file works at once
        migrate.upgrade(settings.database_url)
    _load_demo(settings)
    return 0


def keys(args: argparse.Namespace) -> int:
    from urbandiplo.main import build_services

    settings = _settings(args)
    engine = make_engine(settings.database_url)
    try:
        services = build_services(settings, engine)
        role = None if args.role == CONTRIBUTOR else Role(args.role)
        organisation = _organisation(services, args.organisation)
        _key, plain = services.api_keys.create(args.name, role, organisation)
    except InvalidData as error:
        print(f"error: {error.detail}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(plain)
    print(
        f"API key '{args.name}' ({args.role}) created. It is shown only this once; "
        "send it in the X-API-Key header.",
        file=sys.stderr,
    )
    return 0


def _organisation(services: Services, given: str | None) -> uuid.UUID | None:
    """An organisation named by its id or its exact name."""
    if given is None:
        return None
    try:
        return uuid.UUID(given)
    except ValueError:
        found = services.organisations.find_by_name(SYSTEM, given)
        if found is None:
            raise InvalidData(f"no organisation named {given!r}", []) from None
        return found.id


def search(args: argparse.Namespace) -> int:
    from urbandiplo.main import build_services

    settings = _settings(args)
    engine = make_engine(settings.database_url)
    try:
        count = build_services(settings, engine).search.reindex()
    finally:
        engine.dispose()
    print(f"search index rebuilt: {count} records", file=sys.stderr)
    return 0


def webhooks(args: argparse.Namespace) -> int:
    from urbandiplo import delivery
    from urbandiplo.main import build_services

    settings = _settings(args)
    configure_logging(settings.log_level, settings.log_format)
    engine = make_engine(settings.database_url)
    try:
        services = build_services(settings, engine)
        if args.once:
            print(f"delivered {delivery.deliver_once(services)}", file=sys.stderr)
        else:
            delivery.run(services, interval=args.interval)
    finally:
        engine.dispose()
    return 0


def alerts(args: argparse.Namespace) -> int:
    from urbandiplo import delivery
    from urbandiplo.main import build_services

    settings = _settings(args)
    configure_logging(settings.log_level, settings.log_format)
    engine = make_engine(settings.database_url)
    try:
        subscriptions = build_services(settings, engine).call_subscriptions
        if args.once:
            print(f"alerts made: {subscriptions.scan()}", file=sys.stderr)
        else:
            delivery.repeat(subscriptions.scan, "call alert scan", args.interval)
    finally:
        engine.dispose()
    return 0


def import_csv(args: argparse.Namespace) -> int:
    import csv
    import time

    from urbandiplo.api.imports import run_import
    from urbandiplo.api.tables import TABLES
    from urbandiplo.domain.access import SYSTEM
    from urbandiplo.domain.errors import InvalidData
    from urbandiplo.domain.imports import Outcome
    from urbandiplo.main import build_services

    settings = _settings(args)
    if _is_sqlite(settings.database_url):
        migrate.upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    started = time.perf_counter()
    try:
        services = build_services(settings, engine)
        data = Path(args.file).read_bytes()
        report = run_import(services, SYSTEM, TABLES[args.collection], data, dry_run=args.dry_run)
    except InvalidData as error:
        print(f"{args.file}: {error}", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem.field}: {problem.message}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    seconds = time.perf_counter() - started
    for result in report.results:
        if result.outcome == Outcome.REJECTED:
            print(f"line {result.line}: rejected: {result.reason}")
    if args.report:
        with Path(args.report).open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["row", "line", "outcome", "id", "reason", "cities_created"])
            for r in report.results:
                writer.writerow(
                    [
                        r.row,
                        r.line,
                        r.outcome.value,
                        r.id or "",
                        r.reason or "",
                        ";".join(str(c) for c in r.cities_created),
                    ]
                )
    print(
        f"{args.collection}: {len(report.results)} rows: "
        f"{report.count(Outcome.CREATED)} created, "
        f"{report.count(Outcome.DUPLICATE)} duplicates, "
        f"{report.count(Outcome.REJECTED)} rejected; "
        f"{report.cities_created} cities created"
        f"{' (dry run: nothing stored)' if args.dry_run else ''}; {seconds:.1f} s",
        file=sys.stderr,
    )
    return 0


def export_csv(args: argparse.Namespace) -> int:
    from urbandiplo.api.imports import exported
    from urbandiplo.api.tables import TABLES
    from urbandiplo.domain.access import SYSTEM
    from urbandiplo.main import build_services

    settings = _settings(args)
    engine = make_engine(settings.database_url)
    try:
        services = build_services(settings, engine)
        chunks = exported(services, SYSTEM, TABLES[args.collection])
        if args.output == "-":
            for chunk in chunks:
                sys.stdout.write(chunk)
        else:
            with Path(args.output).open("w", newline="", encoding="utf-8") as out:
                out.writelines(chunks)
    finally:
        engine.dispose()
    return 0


def contract_text() -> str:
    """The OpenAPI document as committed: stable key order, two-space indent, final newline."""
    from urbandiplo.main import create_app

    app = create_app(Settings(database_url="sqlite://"))
    return json.dumps(app.openapi(), indent=2, ensure_ascii=False) + "\n"


def openapi(args: argparse.Namespace) -> int:
    text = contract_text()
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="urbandiplo", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)

    def with_db(sub: argparse.ArgumentParser) -> argparse.ArgumentParser:
        sub.add_argument(
            "--database-url", help="overrides URBANDIPLO_DATABASE_URL (default: SQLite file)"
        )
        return sub

    run = with_db(commands.add_parser("serve", help="run the API server"))
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--workers", type=int, default=1)
    run.add_argument("--demo", action="store_true", help="load the demo data set first")
    run.add_argument(
        "--migrate",
        action="store_true",
        help="migrate a PostgreSQL database on start (SQLite is always migrated)",
    )
    run.set_defaults(handler=serve)

    database = with_db(commands.add_parser("db", help="database migrations and backup"))
    database.add_argument("action", choices=["upgrade", "downgrade", "current", "backup"])
    database.add_argument(
        "revision",
        nargs="?",
        metavar="REVISION|FILE",
        help="target revision (default: head); for backup, the file to write (SQLite)",
    )
    database.set_defaults(handler=db)

    demo_cmd = with_db(commands.add_parser("demo", help="demo data"))
    demo_cmd.add_argument("action", choices=["load"])
    demo_cmd.set_defaults(handler=demo)

    key_cmd = with_db(commands.add_parser("keys", help="API keys"))
    key_cmd.add_argument("action", choices=["create"])
    key_cmd.add_argument("--name", required=True)
    key_cmd.add_argument("--role", required=True, choices=[*(r.value for r in Role), CONTRIBUTOR])
    key_cmd.add_argument(
        "--organisation",
        metavar="ID|NAME",
        help="for a contributor key: the organisation it acts for, by id or exact name",
    )
    key_cmd.set_defaults(handler=keys)

    search_cmd = with_db(commands.add_parser("search", help="the search index"))
    search_cmd.add_argument("action", choices=["reindex"])
    search_cmd.set_defaults(handler=search)

    hooks_cmd = with_db(commands.add_parser("webhooks", help="webhook deliveries"))
    hooks_cmd.add_argument("action", choices=["deliver"])
    hooks_cmd.add_argument("--once", action="store_true", help="one round, then stop")
    hooks_cmd.add_argument("--interval", type=float, default=1.0, help="seconds between rounds")
    hooks_cmd.set_defaults(handler=webhooks)

    alerts_cmd = with_db(commands.add_parser("alerts", help="call alerts"))
    alerts_cmd.add_argument("action", choices=["scan"])
    alerts_cmd.add_argument("--once", action="store_true", help="one scan, then stop")
    alerts_cmd.add_argument(
        "--interval", type=float, default=300.0, help="seconds between scans (default 300)"
    )
    alerts_cmd.set_defaults(handler=alerts)

    collections = ["cities", "partnerships", "organisations", "events"]
    import_cmd = with_db(commands.add_parser("import", help="import a CSV file"))
    import_cmd.add_argument("collection", choices=collections)
    import_cmd.add_argument("file", help="the CSV file (UTF-8, a header row)")
    import_cmd.add_argument("--dry-run", action="store_true", help="report only; store nothing")
    import_cmd.add_argument("--report", help="write what became of every row to this CSV file")
    import_cmd.set_defaults(handler=import_csv)

    export_cmd = with_db(commands.add_parser("export", help="export a CSV file"))
    export_cmd.add_argument("collection", choices=collections)
    export_cmd.add_argument("--output", default="-", help="file, or - for stdout (default)")
    export_cmd.set_defaults(handler=export_csv)

    contract_cmd = commands.add_parser("openapi", help="the OpenAPI contract")
    contract_cmd.add_argument("action", choices=["export"])
    contract_cmd.add_argument(
        "--output", default=str(DEFAULT_CONTRACT), help="file, or - for stdout"
    )
    contract_cmd.set_defaults(handler=openapi)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    handler = args.handler
    result: int = handler(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
