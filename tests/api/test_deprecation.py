"""Deprecation on a sample registry: the list of cities deprecated with a sunset, and a field
of the create request deprecated without one. Production deprecates nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from urbandiplo.api.deprecation import DEPRECATIONS, Announce, Deprecation, Deprecations
from urbandiplo.api.ratelimits import HEADER_DOCS
from urbandiplo.config import Settings
from urbandiplo.main import create_app

GUIDE = "https://urbandiplo.example/docs/api-guide#deprecation"
LIST_SINCE = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
LIST_SUNSET = datetime(2026, 9, 1, tzinfo=UTC)
FIELD_SINCE = datetime(2026, 2, 1, tzinfo=UTC)
SAMPLE = Deprecations(
    operations={"cities-list": Deprecation(LIST_SINCE, f"{GUIDE}-cities-list", LIST_SUNSET)},
    fields={"CityCreate.population": Deprecation(FIELD_SINCE, f"{GUIDE}-population")},
)
CORS = "Access-Control-Allow-Origin"  # declared beside them (OWASP API8)
RATE_LIMITS = set(HEADER_DOCS)  # on every success and client-error response
CONTRACT = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
# RFC 9745: a structured field Date; RFC 8594: an HTTP-date in the IMF-fixdate form.
SF_DATE = re.compile(r"^@(-?\d{1,15})$")
IMF_FIXDATE = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$"
)


@pytest.fixture
def client(settings: Settings, db: Engine) -> Iterator[TestClient]:
    with TestClient(create_app(settings, db, SAMPLE)) as client:
        yield client


def _deprecation(response: httpx.Response) -> datetime:
    match = SF_DATE.match(response.headers["Deprecation"])
    assert match, response.headers["Deprecation"]
    return datetime.fromtimestamp(int(match.group(1)), UTC)


def _sunset(response: httpx.Response) -> datetime:
    assert IMF_FIXDATE.match(response.headers["Sunset"]), response.headers["Sunset"]
    return parsedate_to_datetime(response.headers["Sunset"])


def _not_announced(response: httpx.Response) -> None:
    assert "Deprecation" not in response.headers
    assert "Sunset" not in response.headers
    assert not {"deprecation", "sunset"} & response.links.keys()


def test_the_contract_marks_the_sample_and_declares_the_headers(client: TestClient) -> None:
    contract = client.get("/openapi.json").json()
    cities = contract["paths"]["/v1/cities"]
    listing, create = cities["get"], cities["post"]
    assert listing["deprecated"] is True
    assert "Deprecated since 2026-03-01" in listing["description"]
    for response in listing["responses"].values():
        assert set(response["headers"]) - RATE_LIMITS == {"Deprecation", "Sunset", "Link", CORS}
    # The create carries the field: not deprecated itself, but it sends the headers.
    assert "deprecated" not in create
    for response in create["responses"].values():
        assert set(response["headers"]) - RATE_LIMITS == {"Deprecation", "Link", CORS}
    schemas = contract["components"]["schemas"]
    population = schemas["CityCreate"]["properties"]["population"]
    assert population["deprecated"] is True
    assert GUIDE + "-population" in population["description"]
    assert "deprecated" not in schemas["City"]["properties"]["population"]
    assert "deprecated" not in schemas["CityCreate"]["properties"]["name"]
    headers = contract["components"]["headers"]
    assert re.fullmatch(headers["Deprecation"]["schema"]["pattern"], "@1772357400")
    assert re.fullmatch(headers["Sunset"]["schema"]["pattern"], "Tue, 01 Sep 2026 00:00:00 GMT")
    # Everything else is as before.
    for path, operations in contract["paths"].items():
        for method, operation in operations.items():
            if operation["operationId"] in ("cities-list", "cities-create"):
                continue
            assert "deprecated" not in operation, (method, path)
            for response in operation["responses"].values():
                assert "Deprecation" not in response.get("headers", {}), (method, path)


def test_a_deprecated_list_announces_it_beside_its_next_link(
    client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    for name, country in (("Dnipro", "UA"), ("Cluj-Napoca", "RO"), ("Tunis", "TN")):
        created = client.post(
            "/v1/cities", json={"name": name, "country_code": country}, headers=keys["editor"]
        )
        assert created.status_code == 201
        # The field concerns the create whether or not the request used it.
        assert _deprecation(created) == FIELD_SINCE
        assert "Sunset" not in created.headers
        assert created.links["deprecation"]["url"] == f"{GUIDE}-population"

    first = client.get("/v1/cities", params={"limit": 2})
    assert first.status_code == 200
    assert _deprecation(first) == LIST_SINCE
    assert _sunset(first) == LIST_SUNSET
    assert first.headers.get_list("Link") == [first.headers["Link"]]  # one field, both links
    assert first.links["deprecation"]["url"] == f"{GUIDE}-cities-list"
    assert first.links["sunset"]["url"] == f"{GUIDE}-cities-list"
    second = client.get(first.links["next"]["url"])
    assert [city["name"] for city in second.json()["items"]] == ["Tunis"]
    assert _deprecation(second) == LIST_SINCE
    assert "next" not in second.links
    assert second.links["deprecation"]["url"] == f"{GUIDE}-cities-list"

    # The same page again (kept by the list cache), for staff, and a refused request.
    assert (
        client.get("/v1/cities", params={"limit": 2}).headers["Deprecation"]
        == (first.headers["Deprecation"])
    )
    staff = client.get("/v1/cities", params={"limit": 2}, headers=keys["reader"])
    assert _sunset(staff) == LIST_SUNSET
    refused = client.get("/v1/cities", params={"limit": 0})
    assert refused.status_code == 422
    assert _deprecation(refused) == LIST_SINCE

    city_id = first.json()["items"][0]["id"]
    _not_announced(client.get(f"/v1/cities/{city_id}"))
    _not_announced(client.get("/v1/partnerships"))
    _not_announced(client.patch(f"/v1/cities/{city_id}", json={}, headers=keys["editor"]))


def test_nothing_is_deprecated_in_production(settings: Settings, db: Engine) -> None:
    assert not DEPRECATIONS
    app = create_app(settings, db)
    assert Announce not in [middleware.cls for middleware in app.user_middleware]
    contract: dict[str, Any] = json.loads(CONTRACT.read_text(encoding="utf-8"))
    assert '"deprecated"' not in json.dumps(contract)
    # The only headers declared are the rate limits' (api/ratelimits.py).
    assert set(contract["components"]["headers"]) == {*RATE_LIMITS, "Retry-After", CORS}


def test_names_the_contract_lacks_are_refused(settings: Settings, db: Engine) -> None:
    entry = Deprecation(LIST_SINCE, GUIDE)
    with pytest.raises(ValueError, match="cities-lst"):
        create_app(settings, db, Deprecations(operations={"cities-lst": entry}))
    with pytest.raises(ValueError, match=r"CityCreate\.populaton"):
        create_app(settings, db, Deprecations(fields={"CityCreate.populaton": entry}))


def test_dates_need_a_zone_and_an_order() -> None:
    with pytest.raises(ValueError, match="time zone"):
        Deprecation(datetime(2026, 3, 1), GUIDE)
    with pytest.raises(ValueError, match="before"):
        Deprecation(LIST_SUNSET, GUIDE, sunset=LIST_SINCE)
