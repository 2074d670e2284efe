"""Loads the demo data set: validated like API input, stored through the domain services.
Loading twice adds nothing: records found by their natural keys are left as they are."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any, Protocol

from urbandiplo.api.alerts import CallSubscriptionCreate
from urbandiplo.api.applications import FundingApplicationCreate
from urbandiplo.api.cities import CityCreate
from urbandiplo.api.common import MoneyIn
from urbandiplo.api.contributions import ContributionCreate
from urbandiplo.api.delegations import DelegationCreate
from urbandiplo.api.events import EventCreate
from urbandiplo.api.funding import FundingProgrammeCreate
from urbandiplo.api.networks import NetworkCreate
from urbandiplo.api.news import NewsCreate
from urbandiplo.api.organisations import OrganisationCreate
from urbandiplo.api.partnerships import PartnershipCreate
from urbandiplo.api.people import PersonCreate
from urbandiplo.api.projects import ProjectCreate
from urbandiplo.domain.access import SYSTEM, Principal
from urbandiplo.domain.alerts import CallSubscriptionQuery, CallSubscriptionService
from urbandiplo.domain.applications import FundingApplicationService
from urbandiplo.domain.cities import CityService
from urbandiplo.domain.contributions import ContributionService, ContributionStatus
from urbandiplo.domain.delegations import DelegationService
from urbandiplo.domain.events import EventService
from urbandiplo.domain.funding import FundingProgrammeService
from urbandiplo.domain.listing import MAX_PAGE_SIZE, PageRequest, Sort, all_pages
from urbandiplo.domain.networks import NetworkService
from urbandiplo.domain.news import NewsQuery, NewsService
from urbandiplo.domain.organisations import OrganisationService
from urbandiplo.domain.partnerships import PartnershipService
from urbandiplo.domain.people import PersonService
from urbandiplo.domain.projects import ProjectService
from urbandiplo.domain.values import DatePrecision
from urbandiplo.domain.workflow import ApplicationStatus

# Keys in the data files that are not record fields: the record's own key, where a fact comes
# from, and references by key, which the loader turns into ids.
BOOKKEEPING = (
    "key",
    "source",
    "city",
    "partner_city",
    "associations",
    "organisation",
    "partnerships",
    "programme",
    "project",
    "applicant",
    "funder",
)
# An event's other references by key, which the loader turns into ids.
EVENT_REFERENCES = ("organisers", "partners", "networks", "projects")


class DemoServices(Protocol):
    """The domain services the demo data goes through (main.Services has them)."""

    @property
    def cities(self) -> CityService: ...
    @property
    def partnerships(self) -> PartnershipService: ...
    @property
    def organisations(self) -> OrganisationService: ...
    @property
    def people(self) -> PersonService: ...
    @property
    def networks(self) -> NetworkService: ...
    @property
    def delegations(self) -> DelegationService: ...
    @property
    def events(self) -> EventService: ...
    @property
    def funding_programmes(self) -> FundingProgrammeService: ...
    @property
    def projects(self) -> ProjectService: ...
    @property
    def funding_applications(self) -> FundingApplicationService: ...
    @property
    def contributions(self) -> ContributionService: ...
    @property
    def news(self) -> NewsService: ...
    @property
    def call_subscriptions(self) -> CallSubscriptionService: ...


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    existing: dict[str, int] = field(default_factory=dict)

    def count(self, record_type: str, *, created: bool) -> None:
        target = self.created if created else self.existing
        target[record_type] = target.get(record_type, 0) + 1


def read(name: str) -> list[dict[str, Any]]:
    text = resources.files("urbandiplo.demo").joinpath("data", name).read_text("utf-8")
    records: list[dict[str, Any]] = json.loads(text)
    return records


def _fields(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k not in BOOKKEEPING}


def load(services: DemoServices) -> LoadReport:
    cities, partnerships = services.cities, services.partnerships
    organisations, people = services.organisations, services.people
    networks, delegations = services.networks, services.delegations
    report = LoadReport()
    city_ids: dict[str, uuid.UUID] = {}
    for record in read("cities.json"):
        data = CityCreate.model_validate(_fields(record)).to_fields()
        city = cities.find(SYSTEM, data.name, data.country_code)
        report.count("cities", created=city is None)
        if city is None:
            city = cities.create(SYSTEM, data)
        city_ids[record["key"]] = city.id
    organisation_ids: dict[str, uuid.UUID] = {}
    for record in read("organisations.json"):
        values = {**_fields(record), "city_id": _id(city_ids, record.get("city"))}
        organisation = organisations.find_by_name(SYSTEM, record["name"])
        report.count("organisations", created=organisation is None)
        if organisation is None:
            fields = OrganisationCreate.model_validate(values).to_fields()
            organisation = organisations.create(SYSTEM, fields)
        organisation_ids[record["key"]] = organisation.id
    person_ids: dict[str, uuid.UUID] = {}
    for record in read("people.json"):
        values = {
            **_fields(record),
            "organisation_id": _id(organisation_ids, record.get("organisation")),
        }
        person = people.find_by_name(SYSTEM, record["name"])
        report.count("people", created=person is None)
        if person is None:
            person = people.create(SYSTEM, PersonCreate.model_validate(values).to_fields())
        person_ids[record["key"]] = person.id
    network_ids: dict[str, uuid.UUID] = {}
    for record in read("networks.json"):
        values = _fields(record)
        membership = values.get("membership")
        if membership is not None:
            membership["representatives"] = [
                {
                    **{k: v for k, v in seat.items() if k != "person"},
                    "person_id": _id(person_ids, seat.get("person")),
                }
                for seat in membership["representatives"]
            ]
        network = networks.find_by_name(SYSTEM, record["name"])
        report.count("networks", created=network is None)
        if network is None:
            network = networks.create(SYSTEM, NetworkCreate.model_validate(values).to_fields())
        network_ids[record["key"]] = network.id
    partnership_ids: dict[str, uuid.UUID] = {}
    for record in read("partnerships.json"):
        city_id, partner_id = city_ids[record["city"]], city_ids[record["partner_city"]]
        existing = partnerships.find_pair(SYSTEM, city_id, partner_id)
        report.count("partnerships", created=existing is None)
        if existing is not None:
            partnership_ids[record["key"]] = existing
        else:
            values = {
                **_fields(record),
                "city_id": str(city_id),
                "partner_city_id": str(partner_id),
                "association_ids": [str(organisation_ids[k]) for k in record["associations"]],
            }
            created = partnerships.create(
                SYSTEM, PartnershipCreate.model_validate(values).to_fields()
            )
            partnership_ids[record["key"]] = created.id
    project_ids = _load_funding(services, report, city_ids, organisation_ids, partnership_ids)
    event_ids: dict[str, uuid.UUID] = {}
    for record in read("events.json"):
        venue = record["venue"]
        values = {
            **{k: v for k, v in _fields(record).items() if k not in EVENT_REFERENCES},
            "venue": None
            if venue is None
            else {
                **{k: v for k, v in venue.items() if k != "city"},
                "city_id": _id(city_ids, venue["city"]),
            },
            "organiser_ids": [str(organisation_ids[k]) for k in record["organisers"]],
            "partner_ids": [str(organisation_ids[k]) for k in record["partners"]],
            "partnership_ids": [str(partnership_ids[k]) for k in record["partnerships"]],
            "network_ids": [str(network_ids[k]) for k in record["networks"]],
            "project_ids": [str(project_ids[k]) for k in record.get("projects", [])],
        }
        happening = EventCreate.model_validate(values).to_fields()
        found = services.events.find(SYSTEM, happening.title["de"], happening.starts_at)
        report.count("events", created=found is None)
        if found is None:
            found = services.events.create(SYSTEM, happening)
        event_ids[record["key"]] = found.id
    _load_contributions(services, report, organisation_ids, partnership_ids)
    _load_news(services, report, organisation_ids)
    _load_subscriptions(services, report, organisation_ids)
    for record in read("delegations.json"):
        existing_delegation = delegations.find_by_title(SYSTEM, record["title"]["de"])
        report.count("delegations", created=existing_delegation is None)
        if existing_delegation is not None:
            continue

        def delegate(entry: dict[str, Any]) -> dict[str, Any]:
            return {
                "person_id": _id(person_ids, entry.get("person")),
                "name": entry.get("name"),
                "function": entry.get("function"),
                "organisation_id": _id(organisation_ids, entry.get("organisation")),
            }

        values = {
            **{k: v for k, v in _fields(record).items() if k not in {"cities", "events"}},
            "city_ids": [str(city_ids[k]) for k in record["cities"]],
            "partnership_ids": [str(partnership_ids[k]) for k in record["partnerships"]],
            "event_ids": [str(event_ids[k]) for k in record["events"]],
            "head": delegate(record["head"]) if record["head"] else None,
            "members": [delegate(m) for m in record["members"]],
        }
        delegations.create(SYSTEM, DelegationCreate.model_validate(values).to_fields())
    return report


# The moves, and who makes them, that bring a new contribution to the status the data gives.
CONTRIBUTION_ROUTE = {
    ContributionStatus.SUBMITTED: ((ContributionStatus.SUBMITTED, "organisation"),),
    ContributionStatus.PUBLISHED: (
        (ContributionStatus.SUBMITTED, "organisation"),
        (ContributionStatus.PUBLISHED, "office"),
    ),
}


def _load_contributions(
    services: DemoServices,
    report: LoadReport,
    organisation_ids: dict[str, uuid.UUID],
    partnership_ids: dict[str, uuid.UUID],
) -> None:
    """Contributions, written as their organisation's contributor would write them."""
    for record in read("contributions.json"):
        organisation_id = organisation_ids[record["organisation"]]
        contributor = Principal(
            actor=f"demo:{record['organisation']}",
            authenticated=True,
            organisation_id=organisation_id,
        )
        kind = record["kind"]
        proposal = {k: v for k, v in record[kind].items() if k != "partnerships"}
        proposal["partnership_ids"] = [
            str(partnership_ids[k]) for k in record[kind]["partnerships"]
        ]
        values = {"kind": kind, kind: proposal, "message": record["message"]}
        found = services.contributions.find_by_title(contributor, proposal["title"]["de"])
        report.count("contributions", created=found is None)
        if found is not None:
            continue
        created = services.contributions.create(
            contributor, ContributionCreate.model_validate(values).to_fields()
        )
        for step, by in CONTRIBUTION_ROUTE.get(ContributionStatus(record["status"]), ()):
            caller = contributor if by == "organisation" else SYSTEM
            services.contributions.transition(caller, created.id, step, note="demo data")


def _load_news(
    services: DemoServices, report: LoadReport, organisation_ids: dict[str, uuid.UUID]
) -> None:
    """The office's news items, found again by their German title."""
    stored = all_pages(
        lambda page: services.news.list_page(SYSTEM, NewsQuery(), Sort("created_at"), page),
        MAX_PAGE_SIZE * 100,
    )
    titles = {item.title["de"] for item in stored}
    for record in read("news.json"):
        report.count("news items", created=record["title"]["de"] not in titles)
        if record["title"]["de"] in titles:
            continue
        values = {
            **{k: v for k, v in _fields(record).items() if k != "author"},
            "author_id": _id(organisation_ids, record.get("author")),
        }
        services.news.create(SYSTEM, NewsCreate.model_validate(values).to_fields())


def _load_subscriptions(
    services: DemoServices, report: LoadReport, organisation_ids: dict[str, uuid.UUID]
) -> None:
    """Call subscriptions, made as their organisation's contributor would make them."""
    for record in read("call_subscriptions.json"):
        contributor = Principal(
            actor=f"demo:{record['organisation']}",
            authenticated=True,
            organisation_id=organisation_ids[record["organisation"]],
        )
        mine = services.call_subscriptions.list_page(
            contributor, CallSubscriptionQuery(), Sort("created_at"), PageRequest(MAX_PAGE_SIZE)
        )
        exists = any(s.name == record["name"] for s in mine.items)
        report.count("call subscriptions", created=not exists)
        if not exists:
            values = CallSubscriptionCreate.model_validate(_fields(record))
            services.call_subscriptions.create(contributor, values.to_fields())


# The moves that bring a new application to the status the data gives.
ROUTE_TO = {
    ApplicationStatus.APPROVED: (
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.UNDER_REVIEW,
        ApplicationStatus.APPROVED,
    ),
}


def _load_funding(
    services: DemoServices,
    report: LoadReport,
    city_ids: dict[str, uuid.UUID],
    organisation_ids: dict[str, uuid.UUID],
    partnership_ids: dict[str, uuid.UUID],
) -> dict[str, uuid.UUID]:
    """Programmes, projects and applications; the projects' ids by key."""
    programme_ids: dict[str, uuid.UUID] = {}
    for record in read("funding_programmes.json"):
        programme = services.funding_programmes.find_by_name(SYSTEM, record["name"])
        report.count("funding programmes", created=programme is None)
        if programme is None:
            values = {
                **_fields(record),
                "funder_id": _id(organisation_ids, record.get("funder")),
            }
            programme = services.funding_programmes.create(
                SYSTEM, FundingProgrammeCreate.model_validate(values).to_fields()
            )
        programme_ids[record["key"]] = programme.id
    project_ids: dict[str, uuid.UUID] = {}
    for record in read("projects.json"):
        project = services.projects.find_by_title(SYSTEM, record["title"]["de"])
        report.count("projects", created=project is None)
        if project is None:
            references = {"cities", "partners", "departments"}
            values = {
                **{k: v for k, v in _fields(record).items() if k not in references},
                "city_ids": [str(city_ids[k]) for k in record["cities"]],
                "partnership_ids": [str(partnership_ids[k]) for k in record["partnerships"]],
                "partner_ids": [str(organisation_ids[k]) for k in record["partners"]],
                "department_ids": [str(organisation_ids[k]) for k in record["departments"]],
            }
            project = services.projects.create(
                SYSTEM, ProjectCreate.model_validate(values).to_fields()
            )
        project_ids[record["key"]] = project.id
    applications = services.funding_applications
    for record in read("funding_applications.json"):
        found = applications.find_by_title(SYSTEM, record["title"])
        report.count("funding applications", created=found is None)
        if found is not None:
            continue
        # The workflow's, and how the application came in: by the office, or by its
        # applicant's contributor with its documents.
        apart = {"awarded", "decided_on", "decided_precision", "status", "by", "documents"}
        values = {
            **{k: v for k, v in _fields(record).items() if k not in apart},
            "programme_id": _id(programme_ids, record.get("programme")),
            "project_id": _id(project_ids, record.get("project")),
            "applicant_id": _id(organisation_ids, record["applicant"]),
        }
        status = ApplicationStatus(record["status"])
        if record.get("by") == "applicant":
            _apply_from_outside(services, record, values, organisation_ids, status)
            continue
        created = applications.create(
            SYSTEM, FundingApplicationCreate.model_validate(values).to_fields()
        )
        for step in ROUTE_TO.get(status, ()):
            final = step == ApplicationStatus.APPROVED
            awarded = record.get("awarded") if final else None
            decided_on = record.get("decided_on") if final else None
            applications.transition(
                SYSTEM,
                created.id,
                step,
                note="demo data",
                awarded=MoneyIn.model_validate(awarded).to_domain() if awarded else None,
                decided_on=date.fromisoformat(decided_on) if decided_on else None,
                decided_precision=DatePrecision(record.get("decided_precision", "day")),
            )
    return project_ids


def _apply_from_outside(
    services: DemoServices,
    record: dict[str, Any],
    values: dict[str, Any],
    organisation_ids: dict[str, uuid.UUID],
    status: ApplicationStatus,
) -> None:
    """An application its applicant's contributor makes: with its documents, submitted."""
    if status not in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED):
        raise ValueError(f"an applicant's demo application is a draft or submitted, not {status}")
    applicant = Principal(
        actor=f"demo:{record['applicant']}",
        authenticated=True,
        organisation_id=organisation_ids[record["applicant"]],
    )
    applications = services.funding_applications
    created = applications.create(
        applicant, FundingApplicationCreate.model_validate(values).to_fields()
    )
    for document in record.get("documents", ()):
        data = resources.files("urbandiplo.demo").joinpath("data", "documents", document["file"])
        applications.attach(
            applicant, created.id, data.read_bytes(), document["content_type"], document["file"]
        )
    if status != ApplicationStatus.DRAFT:
        applications.transition(applicant, created.id, ApplicationStatus.SUBMITTED)


def _id(ids: dict[str, uuid.UUID], key: str | None) -> str | None:
    return str(ids[key]) if key is not None else None
