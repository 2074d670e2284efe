"""Nothing hidden leaks on any path: records that must stay hidden carry canary strings, and an
anonymous and a reader client walk every GET operation of the contract, following every page
and every id they find (and the hidden records' ids, as if guessed). No canary may appear in
any response body or header."""

from __future__ import annotations

import itertools
import json
import re
import uuid
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from urbandiplo.config import Settings
from urbandiplo.db.models import Base
from urbandiplo.demo.loader import load
from urbandiplo.domain.access import SYSTEM
from urbandiplo.domain.organisations import OrganisationFields, OrganisationKind
from urbandiplo.main import build_services

CONTRACT = json.loads((Path(__file__).parents[2] / "openapi" / "openapi.json").read_text())
# In confidential records and a protected person: seen by neither client.
SECRET = "Kanarie-Vertraulich-7f3a"
# In internal records and staff-only fields of public ones: not seen by the anonymous client.
INTERNAL = "Kanarie-Intern-9c1e"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Query parameters an operation needs, beyond what the walk finds.
REQUIRED = {"/v1/partnerships/anniversaries": {"year": "2026"}, "/v1/search": {"q": "Projekt"}}


def post(client: TestClient, path: str, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 201, (path, response.text)
    return response.json()


def plant(client: TestClient, admin: dict[str, str]) -> dict[str, str]:
    """Records with canaries, hidden ones and public ones with hidden parts; their ids."""
    hidden_city = post(
        client,
        "/v1/cities",
        admin,
        name=f"Stadt {SECRET}",
        country_code="NI",
        visibility="confidential",
    )
    internal_city = post(
        client,
        "/v1/cities",
        admin,
        name=f"Stadt {INTERNAL}",
        country_code="NI",
        visibility="internal",
    )
    city = post(
        client, "/v1/cities", admin, name="Corinto", country_code="NI", notes=f"n {INTERNAL}"
    )
    partnership = post(
        client,
        "/v1/partnerships",
        admin,
        city_id=city["id"],
        partner_city_id=hidden_city["id"],
        kind="contact",
    )
    association = post(
        client,
        "/v1/organisations",
        admin,
        name=f"Verein {SECRET}",
        kind="association",
        visibility="confidential",
    )
    public_organisation = post(
        client,
        "/v1/organisations",
        admin,
        name="Öffentlich e.V.",
        kind="association",
        email="kontakt@example.org",
        notes=f"n {INTERNAL}",
    )
    defender = post(
        client,
        "/v1/people",
        admin,
        name=f"Verteidigerin {SECRET}",
        protected=True,
        function=f"Aktivistin {SECRET}",
        legal_basis="consent",
    )
    staff_person = post(
        client,
        "/v1/people",
        admin,
        name=f"Mitarbeiter {INTERNAL}",
        legal_basis="consent",
    )
    network = post(
        client,
        "/v1/networks",
        admin,
        name="Netzwerk",
        scope="global",
        notes=f"n {INTERNAL}",
        membership={
            "status": "member",
            "annual_fee": {"amount": "100.00", "currency": "EUR"},
            "representatives": [
                {"person_id": defender["id"]},
                {"person_id": staff_person["id"]},
            ],
        },
    )
    hidden_project = post(
        client,
        "/v1/projects",
        admin,
        title={"de": f"Projekt {SECRET}"},
        visibility="confidential",
    )
    project = post(
        client,
        "/v1/projects",
        admin,
        title={"de": "Projekt"},
        city_ids=[hidden_city["id"]],
        partner_ids=[association["id"], public_organisation["id"]],
        budget={"total": {"amount": "1.00", "currency": "EUR"}},
        notes=f"n {INTERNAL}",
    )
    event = post(
        client,
        "/v1/events",
        admin,
        title={"de": "Treffen"},
        kind="workshop",
        starts_at="2025-12-03T10:00:00+01:00",
        organiser_ids=[association["id"]],
        partnership_ids=[partnership["id"]],
        project_ids=[hidden_project["id"]],
        notes=f"n {INTERNAL}",
    )
    hidden_event = post(
        client,
        "/v1/events",
        admin,
        title={"de": f"Training {SECRET}"},
        kind="training",
        starts_at="2025-12-04T10:00:00+01:00",
        visibility="confidential",
    )
    delegation = post(
        client,
        "/v1/delegations",
        admin,
        direction="incoming",
        title={"de": "Besuch"},
        starts_on="2025-12-01",
        city_ids=[city["id"], hidden_city["id"]],
        head={"person_id": defender["id"]},
        members=[{"person_id": staff_person["id"]}],
        event_ids=[hidden_event["id"]],
        project_ids=[project["id"]],
        visibility="public",
        gifts=[{"direction": "given", "item": f"Geschenk {INTERNAL}"}],
    )
    programme = post(
        client,
        "/v1/funding-programmes",
        admin,
        name=f"Programm {SECRET}",
        level="eu",
        visibility="confidential",
    )
    open_programme = post(
        client,
        "/v1/funding-programmes",
        admin,
        name="CERV",
        level="eu",
        funder_id=association["id"],
        notes=f"n {INTERNAL}",
    )
    call = post(
        client,
        "/v1/funding-calls",
        admin,
        programme_id=programme["id"],
        title={"de": f"Aufruf {SECRET}"},
        opens_on="2026-01-01",
        deadline="2026-03-01T12:00:00+01:00",
    )
    application = post(
        client,
        "/v1/funding-applications",
        admin,
        title=f"Antrag {SECRET}",
        programme_id=open_programme["id"],
        project_id=project["id"],
        applicant_id=association["id"],
        visibility="confidential",
    )
    public_application = post(
        client,
        "/v1/funding-applications",
        admin,
        title="Antrag",
        programme_id=open_programme["id"],
        project_id=hidden_project["id"],
        applicant_id=public_organisation["id"],
        reference=f"AZ {INTERNAL}",
        visibility="public",
    )
    secret_news = post(
        client,
        "/v1/news",
        admin,
        title={"de": f"Nachricht {SECRET}"},
        body={"de": f"**{SECRET}**"},
        visibility="confidential",
    )
    internal_news = post(
        client,
        "/v1/news",
        admin,
        title={"de": f"Nachricht {INTERNAL}"},
        summary={"de": f"Kurz {INTERNAL}"},
        body={"de": f"Text {INTERNAL}"},
        visibility="internal",
    )
    # Public, by a confidential author, about a hidden event and a hidden call.
    public_news = post(
        client,
        "/v1/news",
        admin,
        title={"de": "Nachricht"},
        body={"de": "Text"},
        author_id=association["id"],
        event_ids=[hidden_event["id"]],
        funding_call_ids=[call["id"]],
        notes=f"n {INTERNAL}",
    )
    # Internal, with the office's note: staff only.
    internal_offer = post(
        client,
        "/v1/cooperation-offers",
        admin,
        direction="offer",
        title={"de": f"Angebot {INTERNAL}"},
        sector="education",
        notes=f"n {INTERNAL}",
        visibility="internal",
    )
    # The office's subscription to the feed: administrators only.
    webhook = post(
        client,
        "/v1/webhooks",
        admin,
        url="https://hooks.example.org/urbandiplo",
        description=f"Abo {SECRET}",
    )
    created = dict(locals())  # every record above, by its variable's name
    return {
        name: record["id"]
        for name, record in created.items()
        if isinstance(record, dict) and "id" in record
    }


ITEM_PATHS = {p for p, operations in CONTRACT["paths"].items() if "get" in operations and "{" in p}
# The table of the records a path parameter names (`{person_id}`: people).
TABLES = {"person": "people", "news_item": "news"}


def table_of(parameter: str) -> str:
    name = parameter.removesuffix("_id")
    return TABLES.get(name, re.sub("y$", "ie", name) + "s")


def records(db: Engine) -> dict[str, set[str]]:
    """The ids of the records of every table a path parameter names."""
    parameters = {
        parameter
        for path, operations in CONTRACT["paths"].items()
        if "get" in operations
        for parameter in re.findall(r"\{(\w+)\}", path)
    }
    with db.connect() as connection:
        return {
            parameter: {
                str(row)
                for (row,) in connection.execute(
                    select(Base.metadata.tables[table_of(parameter)].c.id)
                )
            }
            for parameter in parameters
        }


def walk(
    client: TestClient,
    headers: dict[str, str],
    guessed: list[str],
    hidden: tuple[str, ...],
    stored: dict[str, set[str]],
) -> tuple[set[str], str]:
    """GET every operation, every page and every id; the item paths that answered 200 at
    least once, and all that came back, as one text. A search for a `hidden` canary finds
    nothing. Each item path is asked for every id found or guessed of the records it names
    (`stored`: by path parameter), in every combination."""
    seen: list[str] = []
    ids: set[str] = set(guessed)
    requests = 0
    answered: set[str] = set()
    statuses: list[int] = []

    def get(path: str, params: dict[str, str], *, keep: bool = True) -> Any:
        nonlocal requests
        requests += 1
        response = client.get(path, params=params, headers=headers)
        statuses.append(response.status_code)
        if keep:
            seen.append(response.text)
            seen.append(json.dumps(dict(response.headers)))
        if response.headers.get("content-type", "").startswith("application/json"):
            ids.update(UUID.findall(response.text))
            return response.json()
        return None

    paths = [p for p, ops in CONTRACT["paths"].items() if "get" in ops]
    for path in (p for p in paths if "{" not in p):
        params = dict(REQUIRED.get(path, {}))
        while True:
            body = get(path, params)
            cursor = body.get("next_cursor") if isinstance(body, dict) else None
            if not cursor:
                break
            params = {**params, "cursor": cursor}
        parameters = CONTRACT["paths"][path]["get"].get("parameters", [])
        if any(p["name"] == "q" for p in parameters):
            for canary in hidden:
                # Not kept: a search answer may repeat its question (`q`).
                found = get(path, {**REQUIRED.get(path, {}), "q": canary}, keep=False)
                if isinstance(found, dict):
                    assert found["items"] == [], (path, canary)
                else:  # the feeds (calendar, Atom): no entry
                    feed = client.get(path, params={"q": canary}, headers=headers).text
                    assert "BEGIN:VEVENT" not in feed, (path, canary)
                    assert "<entry>" not in feed, (path, canary)
    for path in (p for p in paths if "{" in p):
        parameters = re.findall(r"\{(\w+)\}", path)
        for values in itertools.product(*(sorted(ids & stored[p]) for p in parameters)):
            get(path.format(**dict(zip(parameters, values, strict=True))), {})
            if statuses[-1] == 200:
                answered.add(path)
    assert requests > len(paths)
    return answered, "\n".join(seen)


def test_no_canary_on_any_path(
    app_client: TestClient, settings: Settings, db: Engine, keys: dict[str, dict[str, str]]
) -> None:
    services = build_services(settings, db)
    load(services)
    planted = plant(app_client, keys["admin"])
    # An organisation's contribution, unpublished, with the office's note: its own only.
    _key, owner = services.api_keys.create("owner", None, uuid.UUID(planted["public_organisation"]))
    contribution = post(
        app_client,
        "/v1/contributions",
        {"X-API-Key": owner},
        kind="event",
        event={
            "title": {"de": f"Beitrag {INTERNAL}"},
            "kind": "fair",
            "starts_at": "2026-06-01T10:00:00+02:00",
        },
        message=f"Nachricht {INTERNAL}",
    )
    for caller, status in (
        ({"X-API-Key": owner}, "submitted"),
        (keys["editor"], "changes_requested"),
    ):
        moved = app_client.post(
            f"/v1/contributions/{contribution['id']}/transitions",
            json={"status": status, "note": f"Notiz {INTERNAL}"},
            headers=caller,
        )
        assert moved.status_code == 200, moved.text
    planted["contribution"] = contribution["id"]
    document = app_client.post(
        f"/v1/contributions/{contribution['id']}/attachments",
        params={"filename": f"{INTERNAL}.csv"},
        content=f"Posten;Notiz\nSaal;{INTERNAL}\n".encode(),
        headers={"X-API-Key": owner, "Content-Type": "text/csv"},
    )
    assert document.status_code == 201, document.text
    planted["attachment"] = document.json()["id"]
    news = post(
        app_client,
        "/v1/contributions",
        {"X-API-Key": owner},
        kind="news",
        news={"title": {"de": f"Neuigkeit {INTERNAL}"}, "body": {"de": f"Text {INTERNAL}"}},
    )
    submitted = app_client.post(
        f"/v1/contributions/{news['id']}/transitions",
        json={"status": "submitted"},
        headers={"X-API-Key": owner},
    )
    assert submitted.status_code == 200, submitted.text
    planted["news_contribution"] = news["id"]
    subscription = post(
        app_client, "/v1/call-subscriptions", {"X-API-Key": owner}, name=f"Abo {INTERNAL}"
    )
    planted["subscription"] = subscription["id"]
    # Its application to the city's fund, decided, with documents of its own and a report's.
    fund = app_client.get(
        "/v1/funding-programmes", params={"q": "Kommunale Entwicklungszusammenarbeit"}
    ).json()["items"][0]
    application = post(
        app_client,
        "/v1/funding-applications",
        {"X-API-Key": owner},
        title=f"Antrag {INTERNAL}",
        direction="incoming",
        applicant_id=planted["public_organisation"],
        programme_id=fund["id"],
    )
    url = f"/v1/funding-applications/{application['id']}"
    for caller, status in (({"X-API-Key": owner}, "submitted"), (keys["editor"], "under_review")):
        moved = app_client.post(
            f"{url}/transitions",
            json={"status": status, "note": f"Notiz {INTERNAL}"},
            headers=caller,
        )
        assert moved.status_code == 200, moved.text
    paper = app_client.post(
        f"{url}/attachments",
        params={"filename": f"{INTERNAL}.csv"},
        content=f"Posten;Betrag\n{INTERNAL};100\n".encode(),
        headers={**keys["editor"], "Content-Type": "text/csv"},
    )
    assert paper.status_code == 201, paper.text
    approved = app_client.post(
        f"{url}/transitions", json={"status": "approved"}, headers=keys["editor"]
    )
    assert approved.status_code == 200, approved.text
    reports = app_client.patch(
        url, json={"reports": [{"due_on": "2026-12-31"}]}, headers=keys["editor"]
    )
    assert reports.status_code == 200, reports.text
    report_id = reports.json()["reports"][0]["id"]
    proof = app_client.post(
        f"{url}/attachments",
        params={"filename": f"{INTERNAL}-nachweis.csv", "report_id": report_id},
        content=f"Nachweis\n{INTERNAL}\n".encode(),
        headers={"X-API-Key": owner, "Content-Type": "text/csv"},
    )
    assert proof.status_code == 201, proof.text
    planted.update(
        application=application["id"],
        application_document=paper.json()["id"],
        report=report_id,
        report_document=proof.json()["id"],
    )
    guessed = list(planted.values())
    stored = records(db)
    answered, confidant = walk(app_client, keys["admin"], guessed, (), stored)
    assert SECRET in confidant, "the walk finds the canaries where they may be seen"
    assert answered == ITEM_PATHS, "the walk reached a record on every item path"

    answered, anonymous = walk(app_client, {}, guessed, (SECRET, INTERNAL), stored)
    assert "/v1/events/{event_id}" in answered, "the walk reached the records"
    assert SECRET not in anonymous
    assert INTERNAL not in anonymous
    assert "kontakt@example.org" not in anonymous, "contact details are not public"

    other = services.organisations.create(
        SYSTEM, OrganisationFields(name="Anderer Verein e.V.", kind=OrganisationKind.ASSOCIATION)
    )
    _key, stranger = services.api_keys.create("stranger", None, other.id)
    answered, contributor = walk(
        app_client, {"X-API-Key": stranger}, guessed, (SECRET, INTERNAL), stored
    )
    assert "/v1/partnerships/{partnership_id}" in answered
    assert SECRET not in contributor
    assert INTERNAL not in contributor, "another organisation's contribution is not there"

    _, reader = walk(app_client, keys["reader"], guessed, (SECRET,), stored)
    assert SECRET not in reader
    assert INTERNAL in reader, "staff see internal records"


def test_a_filter_on_a_hidden_record_matches_nothing(
    app_client: TestClient, keys: dict[str, dict[str, str]]
) -> None:
    """Filtering by a hidden record's id must not tell which visible records link to it."""
    planted = plant(app_client, keys["admin"])
    cases = [
        ("/v1/events", {"project_id": planted["hidden_project"]}),
        ("/v1/funding-applications", {"project_id": planted["hidden_project"]}),
        ("/v1/events", {"partnership_id": planted["partnership"]}),
        ("/v1/projects", {"organisation_id": planted["association"]}),
        ("/v1/projects", {"city_id": planted["hidden_city"]}),
        ("/v1/delegations", {"city_id": planted["hidden_city"]}),
        ("/v1/funding-programmes", {"funder_id": planted["association"]}),
    ]
    for path, params in cases:
        as_admin = app_client.get(path, params=params, headers=keys["admin"]).json()
        assert len(as_admin["items"]) == 1, (path, params)
        for caller in ({}, keys["reader"]):
            found = app_client.get(path, params=params, headers=caller)
            assert found.status_code == 200
            assert found.json()["items"] == [], (path, params, caller)
