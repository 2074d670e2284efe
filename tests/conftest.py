"""Test databases: a migrated SQLite file and a uniquely named PostgreSQL database per session,
emptied after every test. PostgreSQL tests skip with a reason when no server answers, unless
URBANDIPLO_REQUIRE_POSTGRES=1 (as in CI), where they fail instead."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from urbandiplo.config import Settings
from urbandiplo.db import migrate
from urbandiplo.db.engine import make_engine
from urbandiplo.db.models import Base
from urbandiplo.domain.access import SYSTEM, Role
from urbandiplo.domain.cities import CityFields
from urbandiplo.domain.funding import FundingLevel, FundingProgrammeFields
from urbandiplo.domain.organisations import OrganisationFields, OrganisationKind
from urbandiplo.domain.values import Visibility
from urbandiplo.main import build_services, create_app

# Every problem type the API returns in the run must be in the API guide and listed for its
# operation in the contract; the run fails otherwise (see tests/problem_recorder.py).
pytest_plugins = ("tests.problem_recorder",)

POSTGRES_SERVER = os.environ.get(
    "URBANDIPLO_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_POSTGRES = os.environ.get("URBANDIPLO_REQUIRE_POSTGRES") == "1"


def _postgres_unreachable() -> str | None:
    try:
        engine = create_engine(POSTGRES_SERVER, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:
        return f"PostgreSQL at {make_url(POSTGRES_SERVER).render_as_string()} unreachable: {error}"
    return None


@contextmanager
def new_postgres_database() -> Iterator[str]:
    """A new, uniquely named database on the PostgreSQL server, dropped afterwards."""
    problem = _postgres_unreachable()
    if problem is not None:
        if REQUIRE_POSTGRES:
            pytest.fail(problem)
        pytest.skip(problem)
    name = f"urbandiplo_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_SERVER).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def new_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the backend ("sqlite" or "postgres")."""
    if backend == "postgres":
        with new_postgres_database() as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / f'urbandiplo-{uuid.uuid4().hex[:8]}.db'}"


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def migrated_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The session's database, migrated to the newest revision."""
    with new_database(request.param, tmp_path_factory.mktemp("sqlite")) as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of its own for one test, with no tables."""
    with new_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture(scope="session")
def engine(migrated_url: str) -> Iterator[Engine]:
    engine = make_engine(migrated_url)
    yield engine
    engine.dispose()


# Rows the migrations put in place, which the application expects to find.
KEPT = frozenset({"change_clock"})


def empty_tables(engine: Engine, keep: frozenset[str] = KEPT) -> None:
    """Every table emptied but `keep` (and SQLite's FTS5 search table, outside the models)."""
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in keep:
                connection.execute(table.delete())
        if engine.dialect.name == "sqlite":
            connection.execute(text("DELETE FROM search_fts"))


@pytest.fixture
def db(engine: Engine) -> Iterator[Engine]:
    """The session's migrated database, emptied after the test."""
    yield engine
    empty_tables(engine)


@pytest.fixture
def settings(db: Engine, tmp_path: Path) -> Settings:
    """Without rate limits: the tests make many requests a minute from one address (the
    limits have their own tests, tests/api/test_rate_limits.py); attachments in the test's
    own directory."""
    return Settings(
        database_url=db.url.render_as_string(hide_password=False),
        attachments_dir=tmp_path / "attachments",
        rate_limit_contributor_writes=0,
        rate_limit_feeds=0,
    )


@pytest.fixture
def app_client(settings: Settings, db: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db)) as client:
        yield client


@pytest.fixture
def keys(settings: Settings, db: Engine) -> dict[str, dict[str, str]]:
    """Headers with an API key per role."""
    services = build_services(settings, db)
    return {
        role.value: {"X-API-Key": services.api_keys.create(f"test {role.value}", role)[1]}
        for role in Role
    }


@pytest.fixture
def contributors(settings: Settings, db: Engine) -> dict[str, dict[str, str]]:
    """Two organisations, A (public) and B (internal), each with a contributor key:
    {"A": {"X-API-Key": ..., "organisation_id": ...}, "B": ...}; pass `headers(...)`."""
    services = build_services(settings, db)
    found = {}
    for name, visibility in (("A", Visibility.PUBLIC), ("B", Visibility.INTERNAL)):
        organisation = services.organisations.create(
            SYSTEM,
            OrganisationFields(
                name=f"Freundeskreis {name} e.V.",
                kind=OrganisationKind.ASSOCIATION,
                visibility=visibility,
            ),
        )
        _key, plain = services.api_keys.create(f"contributor {name}", None, organisation.id)
        found[name] = {"X-API-Key": plain, "organisation_id": str(organisation.id)}
    return found


@pytest.fixture
def funds(settings: Settings, db: Engine) -> dict[str, str]:
    """The city's own fund (its funder the office, a department of the home city) and a
    fund of another funder."""
    services = build_services(settings, db)
    home = services.cities.create(SYSTEM, CityFields(name="Köln", country_code="DE"))
    office = services.organisations.create(
        SYSTEM,
        OrganisationFields(
            name="Büro für Europa und Internationales",
            kind=OrganisationKind.CITY_DEPARTMENT,
            city_id=home.id,
        ),
    )
    ministry = services.organisations.create(
        SYSTEM, OrganisationFields(name="Ministerium", kind=OrganisationKind.PUBLIC_BODY)
    )
    own = services.funding_programmes.create(
        SYSTEM,
        FundingProgrammeFields(
            name="Fördertopf Kommunale Entwicklungszusammenarbeit",
            level=FundingLevel.MUNICIPAL,
            funder_id=office.id,
        ),
    )
    other = services.funding_programmes.create(
        SYSTEM,
        FundingProgrammeFields(
            name="Landesprogramm", level=FundingLevel.STATE, funder_id=ministry.id
        ),
    )
    return {"own": str(own.id), "other": str(other.id)}


def headers(contributor: dict[str, str]) -> dict[str, str]:
    """The request headers of a contributor from the `contributors` fixture."""
    return {"X-API-Key": contributor["X-API-Key"]}
