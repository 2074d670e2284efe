"""The Python client generated from the committed contract (conftest.py) against the real
server, `urbandiplo serve` as a process on SQLite and on PostgreSQL, through the client's own
functions and models only: create a city and a partnership, page through the partnerships
following the cursor, change one with If-Match and meet the 412 of a stale ETag as a problem,
and find the writes in the change feed. Every response is parsed by the generated models; a
response the contract does not describe (a missing field, an unknown enum value, a field the
contract does not name) fails."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import feedparser
import pytest

from tests.clients.conftest import CONTRACT, PACKAGE
from tests.conftest import new_database
from tests.process.server import Server, api_key, start
from urbandiplo.config import Settings
from urbandiplo.db import migrate
from urbandiplo.db.engine import make_engine
from urbandiplo.domain.access import Role
from urbandiplo.main import build_services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

METHODS = ("get", "put", "post", "patch", "delete", "head", "options", "trace")
PARTNERS = 7  # partner cities, one partnership each: 3 pages of PAGE_SIZE
PAGE_SIZE = 3


def contract_operations() -> dict[str, tuple[str, str]]:
    """operationId: (method, path) of every operation in the committed contract."""
    contract = json.loads(CONTRACT.read_text(encoding="utf-8"))
    return {
        operation["operationId"]: (method, path)
        for path, item in contract["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def test_every_operation_of_the_contract_is_in_the_client(python_client: ModuleType) -> None:
    """One module per operationId (`partnerships-list` → `partnerships_list`), sending the
    operation's method to its path, with the functions a client user calls."""
    api = Path(python_client.__file__).parent / "api"
    modules = {module.stem: module for module in api.rglob("*.py") if module.stem != "__init__"}
    operations = contract_operations()
    assert len(operations) > 80
    wanted = {re.sub(r"[^a-z0-9]+", "_", op.lower()): op for op in operations}
    assert sorted(set(wanted) - set(modules)) == [], "operations missing from the client"
    assert sorted(set(modules) - set(wanted)) == [], "client functions for no operation"
    for name, op in wanted.items():
        source = modules[name].read_text(encoding="utf-8")
        method, path = operations[op]
        assert f'"method": "{method}"' in source, op
        assert f'"url": "{path}"' in source, op
        for function in ("sync_detailed", "asyncio_detailed"):
            assert f"def {function}(" in source, f"{op}: no {function}"


def assert_described(value: Any, where: str = "response") -> None:
    """Every object of a parsed response is a model naming all of its fields: nothing the
    generator had to keep in `additional_properties` (its place for fields the contract does
    not name), except in the maps the contract leaves open (texts by language)."""
    if attrs.has(type(value)):
        declared = [f.name for f in attrs.fields(type(value)) if f.name != "additional_properties"]
        if declared:
            assert value.additional_properties == {}, (
                f"{where}: {type(value).__name__} got fields the contract does not name: "
                f"{sorted(value.additional_properties)}"
            )
        for name in declared:
            assert_described(getattr(value, name), f"{where}.{name}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            assert_described(item, f"{where}[{index}]")


def parsed(response: Any, status: int, model: type) -> Any:
    """The parsed body of a response of the expected status, as the expected model (a staff
    response parsed as the narrower public model would mean the staff model did not fit)."""
    assert response.status_code == status, response.content.decode()
    assert isinstance(response.parsed, model), (
        f"{type(response.parsed).__name__} instead of {model.__name__}: {response.content!r}"
    )
    assert_described(response.parsed)
    # Nothing lost or changed on the way through the model and back.
    assert response.parsed.to_dict() == json.loads(response.content)
    return response.parsed


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def live(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Server, str, str]]:
    """A real server on a new database of the backend, and an editor's API key for it
    (created in-process, in the same database, as `urbandiplo keys create` does), and the
    database's URL."""
    with new_database(request.param, tmp_path) as url:
        migrate.upgrade(url)
        plain = api_key(url, Role.EDITOR, "generated client")
        server = start(url, tmp_path / "server.log", env={"URBANDIPLO_LOG_LEVEL": "WARNING"})
        try:
            server.wait_ready()
            yield server, plain, url
        finally:
            server.stop()


def test_a_scenario_through_the_generated_client(
    python_client: ModuleType, live: tuple[Server, str, str]
) -> None:
    # How a developer imports the generated client (the package is generated per session).
    from urbandiplo_client import AuthenticatedClient
    from urbandiplo_client.api.changes import changes_list
    from urbandiplo_client.api.cities import cities_create
    from urbandiplo_client.api.partnerships import (
        partnerships_create,
        partnerships_get,
        partnerships_list,
        partnerships_update,
    )
    from urbandiplo_client.models import (
        ChangeFeed,
        ChangeOperation,
        ChangeType,
        City,
        CityCreate,
        CityCreateNames,
        Partnership,
        PartnershipCreate,
        PartnershipKind,
        PartnershipPage,
        PartnershipStatus,
        PartnershipUpdate,
        Problem,
        Visibility,
    )
    from urbandiplo_client.types import UNSET

    assert python_client.__name__ == PACKAGE
    server, key, _url = live
    # The API key goes in X-API-Key, as it is, where the client would send a bearer token.
    client = AuthenticatedClient(
        base_url=server.url,
        token=key,
        auth_header_name="X-API-Key",
        prefix="",
        raise_on_unexpected_status=True,  # a status the contract does not list is an error
    )
    with client:
        # The home city (Köln, the default) and a partner city, then their partnership.
        response = cities_create.sync_detailed(
            client=client, body=CityCreate(name="Köln", country_code="DE")
        )
        home = parsed(response, 201, City)
        names = CityCreateNames.from_dict({"sv": "Åbo"})
        response = cities_create.sync_detailed(
            client=client,
            body=CityCreate(name="Turku", country_code="FI", names=names),
            idempotency_key="turku-2026-1",
        )
        turku = parsed(response, 201, City)
        assert (turku.name, turku.country_code, turku.names["sv"]) == ("Turku", "FI", "Åbo")
        assert turku.visibility == Visibility.PUBLIC

        response = partnerships_create.sync_detailed(
            client=client,
            body=PartnershipCreate(
                partner_city_id=turku.id,
                kind=PartnershipKind.CONTACT,
                status=PartnershipStatus.PROPOSED,
                visibility=Visibility.INTERNAL,
            ),
        )
        partnership = parsed(response, 201, Partnership)
        assert (partnership.city_id, partnership.partner_city_id) == (home.id, turku.id)
        assert partnership.partner_city.name == "Turku"
        assert partnership.status == PartnershipStatus.PROPOSED

        # More partner cities, for 3 pages of partnerships.
        cities = [turku]
        partnerships = [partnership]
        for number in range(1, PARTNERS):
            response = cities_create.sync_detailed(
                client=client,
                body=CityCreate(name=f"Partnerstadt {number}", country_code="PL"),
            )
            cities.append(parsed(response, 201, City))
            response = partnerships_create.sync_detailed(
                client=client,
                body=PartnershipCreate(
                    partner_city_id=cities[-1].id, kind=PartnershipKind.FRIENDSHIP
                ),
            )
            partnerships.append(parsed(response, 201, Partnership))

        # Page through the list, following the cursor.
        pages: list[list[Any]] = []
        cursor: Any = UNSET
        while True:
            response = partnerships_list.sync_detailed(
                client=client, limit=PAGE_SIZE, cursor=cursor
            )
            page = parsed(response, 200, PartnershipPage)
            pages.append(page.items)
            if page.next_cursor is None:
                break
            assert f"cursor={page.next_cursor}" in response.headers["Link"]
            cursor = page.next_cursor
        assert [len(items) for items in pages] == [3, 3, 1]
        listed = [item.id for items in pages for item in items]
        assert sorted(listed) == sorted(p.id for p in partnerships)  # each once, none missing

        # Change it only if nobody else did: send the ETag read.
        response = partnerships_get.sync_detailed(partnership.id, client=client)
        assert parsed(response, 200, Partnership).status == PartnershipStatus.PROPOSED
        etag = response.headers["ETag"]
        response = partnerships_update.sync_detailed(
            partnership.id,
            client=client,
            body=PartnershipUpdate(status=PartnershipStatus.ACTIVE),
            if_match=etag,
        )
        updated = parsed(response, 200, Partnership)
        assert updated.status == PartnershipStatus.ACTIVE
        assert response.headers["ETag"] != etag

        # The same ETag again is stale now: a 412 problem, and nothing changed. The client
        # hands it over as a Problem, as it does every problem+json response it documents.
        response = partnerships_update.sync_detailed(
            partnership.id,
            client=client,
            body=PartnershipUpdate(status=PartnershipStatus.DORMANT),
            if_match=etag,
        )
        assert response.headers["Content-Type"] == "application/problem+json"
        problem = parsed(response, 412, Problem)
        assert problem.status == 412
        assert problem.type_.endswith("/precondition-failed"), problem.type_
        assert problem.title
        response = partnerships_get.sync_detailed(partnership.id, client=client)
        assert parsed(response, 200, Partnership).status == PartnershipStatus.ACTIVE

        # The change feed, from the start until it has nothing new.
        changes = []
        since = 0
        while True:
            response = changes_list.sync_detailed(client=client, since=since, limit=5)
            feed = parsed(response, 200, ChangeFeed)
            changes += feed.items
            if not feed.items:
                assert feed.next_since == since
                break
            since = feed.next_since
        assert [change.seq for change in changes] == sorted({change.seq for change in changes})
        assert all(change.operation == ChangeOperation.UPSERT for change in changes)
        seen = {(change.type_, change.id) for change in changes}
        assert {(ChangeType.CITIES, city.id) for city in [home, *cities]} <= seen
        assert {(ChangeType.PARTNERSHIPS, p.id) for p in partnerships} <= seen
        # Each change carries the record as a read gives it now, so the read model parses it.
        last = [c for c in changes if c.id == partnership.id][-1]
        record = Partnership.from_dict(last.record.to_dict())
        assert_described(record, "change record")
        assert record.status == PartnershipStatus.ACTIVE


def keyed_client(server: Server, key: str) -> Any:
    from urbandiplo_client import AuthenticatedClient

    return AuthenticatedClient(
        base_url=server.url,
        token=key,
        auth_header_name="X-API-Key",
        prefix="",
        raise_on_unexpected_status=True,
    )


def test_the_contributor_story_through_the_generated_client(
    python_client: ModuleType, live: tuple[Server, str, str]
) -> None:
    """An association drafts an event, submits it; the office asks for a change; the
    association changes it and submits again; the office publishes it: the event is in the
    list, the calendar and the change feed, with the association as its organiser."""
    from urbandiplo_client.api.changes import changes_list
    from urbandiplo_client.api.contributions import (
        contributions_create,
        contributions_get,
        contributions_transition,
        contributions_update,
    )
    from urbandiplo_client.api.events import events_list
    from urbandiplo_client.api.organisations import organisations_create
    from urbandiplo_client.models import (
        ChangeFeed,
        ChangeType,
        Contribution,
        ContributionCreate,
        ContributionKind,
        ContributionStatus,
        ContributionTransitionIn,
        ContributionUpdate,
        EventKind,
        EventProposalIn,
        EventProposalInTitle,
        EventPublicPage,
        Organisation,
        OrganisationCreate,
        OrganisationKind,
        Problem,
    )
    from urbandiplo_client.types import UNSET

    server, editor_key, url = live
    with keyed_client(server, editor_key) as office:
        response = organisations_create.sync_detailed(
            client=office,
            body=OrganisationCreate(
                name="Freundeskreis Köln-Dnipro e.V.", kind=OrganisationKind.ASSOCIATION
            ),
        )
        association = parsed(response, 201, Organisation)
        engine = make_engine(url)
        try:
            services = build_services(Settings(database_url=url), engine)
            _key, contributor_key = services.api_keys.create("verein", None, association.id)
        finally:
            engine.dispose()

        def proposal(title: str) -> EventProposalIn:
            return EventProposalIn(
                title=EventProposalInTitle.from_dict({"de": title}),
                kind=EventKind.EXCHANGE,
                starts_at=datetime.fromisoformat("2026-03-20T19:00:00+01:00"),
            )

        def move(client: Any, record: Any, status: ContributionStatus, note: str = "") -> Any:
            body = ContributionTransitionIn(status=status, note=note or UNSET)
            return contributions_transition.sync_detailed(record.id, client=client, body=body)

        with keyed_client(server, contributor_key) as verein:
            response = contributions_create.sync_detailed(
                client=verein,
                body=ContributionCreate(
                    kind=ContributionKind.EVENT, event=proposal("Kulturabend"), message="Hallo"
                ),
            )
            draft = parsed(response, 201, Contribution)
            assert draft.status == ContributionStatus.DRAFT
            assert draft.organisation_id == association.id
            submitted = parsed(move(verein, draft, ContributionStatus.SUBMITTED), 200, Contribution)
            assert submitted.status == ContributionStatus.SUBMITTED
            refused = move(verein, draft, ContributionStatus.PUBLISHED)
            assert parsed(refused, 403, Problem).status == 403

            asked = move(office, draft, ContributionStatus.CHANGES_REQUESTED, "Bitte mit Ort")
            assert parsed(asked, 200, Contribution).status == ContributionStatus.CHANGES_REQUESTED
            response = contributions_get.sync_detailed(draft.id, client=verein)
            assert parsed(response, 200, Contribution).history[-1].note == "Bitte mit Ort"
            response = contributions_update.sync_detailed(
                draft.id,
                client=verein,
                body=ContributionUpdate.from_dict(
                    {"event": proposal("Kulturabend Köln und Dnipro").to_dict()}
                ),
            )
            parsed(response, 200, Contribution)
            parsed(move(verein, draft, ContributionStatus.SUBMITTED), 200, Contribution)

            published = parsed(move(office, draft, ContributionStatus.PUBLISHED), 200, Contribution)
            assert published.status == ContributionStatus.PUBLISHED
            assert [(s.from_status, s.to_status) for s in published.history] == [
                (ContributionStatus.DRAFT, ContributionStatus.SUBMITTED),
                (ContributionStatus.SUBMITTED, ContributionStatus.CHANGES_REQUESTED),
                (ContributionStatus.CHANGES_REQUESTED, ContributionStatus.SUBMITTED),
                (ContributionStatus.SUBMITTED, ContributionStatus.PUBLISHED),
            ]
            event_id = published.record_id
            assert event_id is not None

    # What the website sees: anonymous, with the client's plain Client.
    from urbandiplo_client import Client

    with Client(base_url=server.url, raise_on_unexpected_status=True) as website:
        page = parsed(events_list.sync_detailed(client=website), 200, EventPublicPage)
        assert [(e.id, e.title["de"]) for e in page.items] == [
            (event_id, "Kulturabend Köln und Dnipro")
        ]
        assert [o.name for o in page.items[0].organisers] == ["Freundeskreis Köln-Dnipro e.V."]
        calendar = website.get_httpx_client().get("/v1/events.ics")
        assert "SUMMARY:Kulturabend Köln und Dnipro" in calendar.text.replace("\r\n ", "")
        feed = parsed(changes_list.sync_detailed(client=website, since=0), 200, ChangeFeed)
        assert (ChangeType.EVENTS, event_id) in {(c.type_, c.id) for c in feed.items}

    # A news item of the association, published by the office, is in the Atom feed.
    with keyed_client(server, contributor_key) as verein:
        response = contributions_create.sync_detailed(
            client=verein,
            body=ContributionCreate.from_dict(
                {
                    "kind": "news",
                    "news": {
                        "title": {"de": "Besuch aus Dnipro"},
                        "body": {"de": "Eine **Delegation** aus Dnipro besucht Köln."},
                    },
                }
            ),
        )
        news = parsed(response, 201, Contribution)
        parsed(move(verein, news, ContributionStatus.SUBMITTED), 200, Contribution)
    with keyed_client(server, editor_key) as office:
        parsed(move(office, news, ContributionStatus.PUBLISHED), 200, Contribution)
    with Client(base_url=server.url, raise_on_unexpected_status=True) as website:
        atom = website.get_httpx_client().get("/v1/news.atom", params={"lang": "de"})
        assert atom.headers["content-type"].startswith("application/atom+xml")
        feed = feedparser.parse(atom.content)
        assert not feed.bozo, feed.get("bozo_exception")
        assert [entry.title for entry in feed.entries] == ["Besuch aus Dnipro"]
        assert [entry.author for entry in feed.entries] == ["Freundeskreis Köln-Dnipro e.V."]


def test_an_association_applies_to_the_citys_fund_through_the_generated_client(
    python_client: ModuleType, live: tuple[Server, str, str]
) -> None:
    """The development-cooperation fund from outside: the association applies with a
    document, the office asks for more, the association answers; once approved it files its
    report with its proof. The office's internal note never reaches it."""
    from urbandiplo_client.api.cities import cities_create
    from urbandiplo_client.api.funding import (
        funding_applications_create,
        funding_applications_get,
        funding_applications_submit_report,
        funding_applications_transition,
        funding_applications_update,
        funding_programmes_create,
    )
    from urbandiplo_client.api.organisations import organisations_create
    from urbandiplo_client.models import (
        ApplicationStatus,
        City,
        CityCreate,
        FundingApplication,
        FundingApplicationCreate,
        FundingApplicationUpdate,
        FundingProgramme,
        FundingProgrammeCreate,
        Organisation,
        OrganisationCreate,
        OrganisationKind,
        Problem,
        TransitionIn,
    )

    server, editor_key, url = live
    with keyed_client(server, editor_key) as office:
        home = parsed(
            cities_create.sync_detailed(
                client=office, body=CityCreate(name="Köln", country_code="DE")
            ),
            201,
            City,
        )
        department = parsed(
            organisations_create.sync_detailed(
                client=office,
                body=OrganisationCreate(
                    name="Büro für Europa und Internationales",
                    kind=OrganisationKind.CITY_DEPARTMENT,
                    city_id=home.id,
                ),
            ),
            201,
            Organisation,
        )
        fund = parsed(
            funding_programmes_create.sync_detailed(
                client=office,
                body=FundingProgrammeCreate.from_dict(
                    {
                        "name": "Fördertopf Kommunale Entwicklungszusammenarbeit",
                        "level": "municipal",
                        "funder_id": str(department.id),
                    }
                ),
            ),
            201,
            FundingProgramme,
        )
        association = parsed(
            organisations_create.sync_detailed(
                client=office,
                body=OrganisationCreate(
                    name="Eine-Welt-Verein Köln e.V.", kind=OrganisationKind.ASSOCIATION
                ),
            ),
            201,
            Organisation,
        )
        engine = make_engine(url)
        try:
            services = build_services(Settings(database_url=url), engine)
            _key, contributor_key = services.api_keys.create("verein", None, association.id)
        finally:
            engine.dispose()

        def move(client: Any, record: Any, body: dict[str, Any]) -> Any:
            return funding_applications_transition.sync_detailed(
                record.id, client=client, body=TransitionIn.from_dict(body)
            )

        with keyed_client(server, contributor_key) as verein:
            response = funding_applications_create.sync_detailed(
                client=verein,
                body=FundingApplicationCreate.from_dict(
                    {
                        "title": "Trinkwasser für Corinto",
                        "direction": "incoming",
                        "applicant_id": str(association.id),
                        "programme_id": str(fund.id),
                        "requested": {"amount": "4800.00", "currency": "EUR"},
                    }
                ),
            )
            draft = parsed(response, 201, FundingApplication)
            assert draft.status == ApplicationStatus.DRAFT
            plan = verein.get_httpx_client().post(
                f"/v1/funding-applications/{draft.id}/attachments",
                params={"filename": "finanzplan.pdf"},
                content=PDF,
                headers={"Content-Type": "application/pdf"},
            )
            assert plan.status_code == 201, plan.text
            parsed(move(verein, draft, {"status": "submitted"}), 200, FundingApplication)
            refused = move(verein, draft, {"status": "under_review"})
            assert parsed(refused, 403, Problem).status == 403

            parsed(
                move(office, draft, {"status": "under_review", "note": "Nur fürs Büro"}),
                200,
                FundingApplication,
            )
            asked = {"status": "more_info_requested", "note": "Bitte Eigenanteil", "shared": True}
            parsed(move(office, draft, asked), 200, FundingApplication)
            seen = parsed(
                funding_applications_get.sync_detailed(draft.id, client=verein),
                200,
                FundingApplication,
            )
            assert [step.note for step in seen.history] == [None, None, "Bitte Eigenanteil"]
            response = funding_applications_update.sync_detailed(
                draft.id,
                client=verein,
                body=FundingApplicationUpdate.from_dict(
                    {"own_contribution": {"amount": "480.00", "currency": "EUR"}}
                ),
            )
            parsed(response, 200, FundingApplication)
            answered = move(verein, draft, {"status": "under_review", "note": "Ergänzt"})
            parsed(answered, 200, FundingApplication)

            approval = {
                "status": "approved",
                "awarded": {"amount": "4000.00", "currency": "EUR"},
                "decided_on": "2026-04-01",
            }
            parsed(move(office, draft, approval), 200, FundingApplication)
            response = funding_applications_update.sync_detailed(
                draft.id,
                client=office,
                body=FundingApplicationUpdate.from_dict(
                    {"reports": [{"due_on": "2026-12-31", "title": "Verwendungsnachweis"}]}
                ),
            )
            report = parsed(response, 200, FundingApplication).reports[0]
            proof = verein.get_httpx_client().post(
                f"/v1/funding-applications/{draft.id}/attachments",
                params={"filename": "nachweis.pdf", "report_id": str(report.id)},
                content=PDF + b"%proof",
                headers={"Content-Type": "application/pdf"},
            )
            assert proof.status_code == 201, proof.text
            response = funding_applications_submit_report.sync_detailed(
                draft.id, report.id, client=verein
            )
            filed = parsed(response, 200, FundingApplication)
            assert filed.reports[0].submitted_on is not None
            assert filed.status == ApplicationStatus.APPROVED
            assert "Nur fürs Büro" not in json.dumps(filed.to_dict())
