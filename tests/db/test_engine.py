"""Written values stay out of error messages the server logs."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, insert
from sqlalchemy.exc import IntegrityError

from urbandiplo.api.problems import log_unexpected
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
