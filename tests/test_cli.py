"""The `urbandiplo` command: migrations, demo data, keys, contract export, and `serve`
as the README's first Quickstart command runs it."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.process.server import start
from urbandiplo.cli import contract_text, main
from urbandiplo.db import migrate

CONTRACT = Path(__file__).resolve().parents[1] / "openapi" / "openapi.json"


def test_db_demo_and_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["db", "upgrade", "--database-url", url]) == 0
    head = migrate.head_revision()
    assert f"current: {head}; head: {head}" in capsys.readouterr().out
    assert main(["demo", "load", "--database-url", url]) == 0
    assert "'partnerships': 19" in capsys.readouterr().out
    assert (
        main(["keys", "create", "--name", "script", "--role", "editor", "--database-url", url]) == 0
    )
    key = capsys.readouterr().out.strip()
    assert key.startswith("ud_")
    engine = create_engine(url)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT secret_hash, role FROM api_keys")).one()
    engine.dispose()
    assert stored.role == "editor"
    assert key.split("_", 2)[2] not in stored.secret_hash, "only a hash of the key is stored"
    association = "Freundeskreis Köln-Dnipro e.V."
    contributor = ["keys", "create", "--name", "verein", "--role", "contributor"]
    assert main([*contributor, "--organisation", association, "--database-url", url]) == 0
    assert capsys.readouterr().out.strip().startswith("ud_")
    assert main([*contributor, "--database-url", url]) == 2, "a contributor key needs one"
    assert main([*contributor, "--organisation", "Niemand e.V.", "--database-url", url]) == 2
    assert "no organisation named 'Niemand e.V.'" in capsys.readouterr().err
    with engine.connect() as connection:
        keyed = (
            connection.execute(
                text(
                    "SELECT o.name FROM api_keys k JOIN organisations o ON o.id = k.organisation_id"
                )
            )
            .scalars()
            .all()
        )
    engine.dispose()
    assert keyed == [association]
    with engine.begin() as connection:  # as if the records were stored before the index
        connection.execute(text("DELETE FROM search_index"))
        connection.execute(text("DELETE FROM search_fts"))
    engine.dispose()
    assert main(["search", "reindex", "--database-url", url]) == 0
    rebuilt = capsys.readouterr().err
    with engine.connect() as connection:
        indexed = connection.execute(text("SELECT count(*) FROM search_index")).scalar_one()
        found = connection.execute(
            text("SELECT count(*) FROM search_fts WHERE search_fts MATCH 'dnipro'")
        ).scalar_one()
    engine.dispose()
    assert f"search index rebuilt: {indexed} records" in rebuilt
    assert indexed > 150
    assert found >= 3
    assert main(["db", "downgrade", "base", "--database-url", url]) == 0
    assert "current: (empty)" in capsys.readouterr().out


def test_demo_load_migrates_a_new_sqlite_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    assert main(["demo", "load", "--database-url", url]) == 0
    assert "'partnerships': 19" in capsys.readouterr().out
    assert main(["db", "current", "--database-url", url]) == 0
    head = migrate.head_revision()
    assert f"current: {head}; head: {head}" in capsys.readouterr().out


def test_import_and_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    rows = tmp_path / "twins.csv"
    rows.write_text(
        "city1,country1,city2,country2\n"
        "Köln,Germany,Dnipro,Ukraine\n"
        "Dnipro,Ukraine,Köln,Deutschland\n"  # the same pair, the other way round
        "Portsmouth,England,Falkland Islands,\n",
        encoding="utf-8",
    )
    dry = ["import", "partnerships", str(rows), "--dry-run", "--database-url", url]
    assert main(dry) == 0
    summary = capsys.readouterr()
    assert "3 rows: 1 created, 1 duplicates, 1 rejected; 2 cities created (dry run" in summary.err
    report = tmp_path / "report.csv"
    assert (
        main(["import", "partnerships", str(rows), "--report", str(report), "--database-url", url])
        == 0
    )
    out = capsys.readouterr()
    assert "line 4: rejected: the row is not valid: partner_city: no country is given" in out.out
    assert "3 rows: 1 created, 1 duplicates, 1 rejected; 2 cities created" in out.err
    outcomes = [line.split(",")[2] for line in report.read_text().splitlines()[1:]]
    assert outcomes == ["created", "duplicate", "rejected"]
    assert main(["import", "partnerships", str(rows), "--database-url", url]) == 0
    assert "0 created, 2 duplicates, 1 rejected" in capsys.readouterr().err
    exported = tmp_path / "partnerships.csv"
    assert main(["export", "partnerships", "--output", str(exported), "--database-url", url]) == 0
    lines = exported.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,city,city_country,partner_city,partner_country,kind,")
    assert len(lines) == 2
    assert ",Köln,DE,Dnipro,UA,twinning," in lines[1]
    assert main(["export", "cities", "--database-url", url]) == 0
    cities = capsys.readouterr().out
    assert ",Köln,,DE," in cities
    assert "Portsmouth" not in cities, "a rejected row makes no city"


def test_openapi_export(tmp_path: Path) -> None:
    target = tmp_path / "openapi.json"
    assert main(["openapi", "export", "--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == contract_text()
    assert json.loads(target.read_text(encoding="utf-8"))["info"]["title"] == "urbandiplo"


def test_serve_with_demo_data(tmp_path: Path) -> None:
    """`urbandiplo serve --demo` on the embedded SQLite default, in a working directory."""
    server = start(None, tmp_path / "server.log", demo=True)
    base = server.url
    try:
        server.wait_ready()
        listed = httpx.get(f"{base}/v1/partnerships", timeout=5).json()["items"]
        assert len(listed) >= 15
        assert {p["city"]["name"] for p in listed} == {"Köln"}
        assert (tmp_path / "urbandiplo.db").exists(), "the SQLite default lives in the working dir"
    finally:
        server.stop()
