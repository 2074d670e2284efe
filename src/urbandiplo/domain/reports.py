"""The annual report: a year's events, delegations, projects and funding, counted by field of
action, partner city and SDG, with next year's anniversaries; what a report like seed 000 is
written from. Everything in it is what the caller may read."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeVar

from urbandiplo.domain.access import Principal
from urbandiplo.domain.applications import (
    FundingApplication,
    FundingApplicationQuery,
    FundingApplicationService,
)
from urbandiplo.domain.delegations import Delegation, DelegationQuery, DelegationService
from urbandiplo.domain.errors import FieldProblem, InvalidData
from urbandiplo.domain.events import Event, EventQuery, EventService
from urbandiplo.domain.funding import CALL_TIMEZONE
from urbandiplo.domain.listing import Sort, all_pages
from urbandiplo.domain.partnerships import (
    Anniversary,
    Partnership,
    PartnershipQuery,
    PartnershipService,
)
from urbandiplo.domain.projects import Project, ProjectQuery, ProjectService
from urbandiplo.domain.refs import CityRef
from urbandiplo.domain.taxonomies import FIELDS_OF_ACTION, SDGS, FieldOfActionTerm, Sdg
from urbandiplo.domain.values import Money
from urbandiplo.domain.workflow import ApplicationStatus

MAX_ITEMS = 5000  # per kind of record in one year: a bound, far above a city's year

T = TypeVar("T")


@dataclass(slots=True)
class Tally:
    events: int = 0
    delegations: int = 0
    projects: int = 0

    def add(self, kind: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)


@dataclass(frozen=True, slots=True)
class FieldTally:
    field: FieldOfActionTerm
    tally: Tally


@dataclass(frozen=True, slots=True)
class SdgTally:
    sdg: Sdg
    tally: Tally


@dataclass(frozen=True, slots=True)
class CityTally:
    city: CityRef
    tally: Tally


@dataclass(frozen=True, slots=True)
class FundingYear:
    applications_submitted: int
    applications_approved: int
    requested: tuple[Money, ...]  # one sum per currency, never converted
    awarded: tuple[Money, ...]
    approved: tuple[FundingApplication, ...]


@dataclass(frozen=True, slots=True)
class AnnualReport:
    year: int
    events: tuple[Event, ...]
    delegations: tuple[Delegation, ...]
    projects: tuple[Project, ...]
    funding: FundingYear
    by_field_of_action: tuple[FieldTally, ...]
    by_partner_city: tuple[CityTally, ...]
    by_sdg: tuple[SdgTally, ...]
    anniversaries_next_year: tuple[Anniversary, ...]


def _sums(amounts: Iterable[Money | None]) -> tuple[Money, ...]:
    totals: dict[str, Decimal] = {}
    for money in amounts:
        if money is not None:
            totals[money.currency] = totals.get(money.currency, Decimal("0.00")) + money.amount
    return tuple(Money(amount, currency) for currency, amount in sorted(totals.items()))


def _moved_in(application: FundingApplication, status: ApplicationStatus, year: int) -> bool:
    return any(
        step.to_status == status and step.at.astimezone(CALL_TIMEZONE).year == year
        for step in application.history
    )


class AnnualReportService:
    def __init__(
        self,
        events: EventService,
        delegations: DelegationService,
        projects: ProjectService,
        partnerships: PartnershipService,
        applications: FundingApplicationService,
    ) -> None:
        self._events = events
        self._delegations = delegations
        self._projects = projects
        self._partnerships = partnerships
        self._applications = applications

    def annual(self, principal: Principal, year: int) -> AnnualReport:
        if not 1900 <= year <= 2200:
            raise InvalidData("no such year", [FieldProblem("year", "1900 to 2200")])
        first, last = date(year, 1, 1), date(year, 12, 31)
        events = all_pages(
            lambda page: self._events.list_page(
                principal, EventQuery(from_=first, to=last).checked(), Sort("starts_at"), page
            ),
            MAX_ITEMS,
        )
        delegations = all_pages(
            lambda page: self._delegations.list_page(
                principal, DelegationQuery(from_on=first, to_on=last), Sort("starts_on"), page
            ),
            MAX_ITEMS,
        )
        projects = all_pages(
            lambda page: self._projects.list_page(
                principal, ProjectQuery(from_on=first, to_on=last), Sort("starts_on"), page
            ),
            MAX_ITEMS,
        )
        partnerships = all_pages(
            lambda page: self._partnerships.list_page(
                principal, PartnershipQuery(), Sort("established_on"), page
            ),
            MAX_ITEMS,
        )
        applications = all_pages(
            lambda page: self._applications.list_page(
                principal, FundingApplicationQuery(), Sort("created_at"), page
            ),
            MAX_ITEMS,
        )
        submitted = [a for a in applications if _moved_in(a, ApplicationStatus.SUBMITTED, year)]
        approved = [
            a
            for a in applications
            if a.status == ApplicationStatus.APPROVED
            and (
                a.decided_on.year == year
                if a.decided_on is not None
                else _moved_in(a, ApplicationStatus.APPROVED, year)
            )
        ]
        funding = FundingYear(
            applications_submitted=len(submitted),
            applications_approved=len(approved),
            requested=_sums(a.requested for a in submitted),
            awarded=_sums(a.awarded for a in approved),
            approved=tuple(approved),
        )
        return AnnualReport(
            year=year,
            events=tuple(events),
            delegations=tuple(delegations),
            projects=tuple(projects),
            funding=funding,
            by_field_of_action=self._by_field(events, delegations, projects),
            by_partner_city=self._by_city(events, delegations, projects, partnerships),
            by_sdg=self._by_sdg(events, projects),
            anniversaries_next_year=tuple(self._partnerships.anniversaries(principal, year + 1)),
        )

    @staticmethod
    def _by_field(
        events: list[Event], delegations: list[Delegation], projects: list[Project]
    ) -> tuple[FieldTally, ...]:
        tallies = {term.code: Tally() for term in FIELDS_OF_ACTION}
        for kind, records in (("events", events), ("projects", projects)):
            for record in records:
                for code in record.fields_of_action:
                    tallies[code].add(kind)
        return tuple(
            FieldTally(term, tallies[term.code])
            for term in FIELDS_OF_ACTION
            if tallies[term.code] != Tally()
        )

    @staticmethod
    def _by_sdg(events: list[Event], projects: list[Project]) -> tuple[SdgTally, ...]:
        tallies = {sdg.number: Tally() for sdg in SDGS}
        for kind, records in (("events", events), ("projects", projects)):
            for record in records:
                for number in record.sdgs:
                    tallies[number].add(kind)
        return tuple(
            SdgTally(sdg, tallies[sdg.number]) for sdg in SDGS if tallies[sdg.number] != Tally()
        )

    @staticmethod
    def _by_city(
        events: list[Event],
        delegations: list[Delegation],
        projects: list[Project],
        partnerships: list[Partnership],
    ) -> tuple[CityTally, ...]:
        """A record counts for a partner city where it names the city or a partnership
        with it (the partnership's other side than the home city's, both where unclear)."""
        home_counts: dict[uuid.UUID, int] = {}
        for p in partnerships:
            for city in (p.city, p.partner_city):
                home_counts[city.id] = home_counts.get(city.id, 0) + 1
        # The city in most partnerships is the home city; its partners are the others.
        home = max(home_counts, key=lambda c: home_counts[c]) if home_counts else None
        partners: dict[uuid.UUID, CityRef] = {}
        by_partnership: dict[uuid.UUID, list[CityRef]] = {}
        for p in partnerships:
            sides = [c for c in (p.city, p.partner_city) if c.id != home]
            by_partnership[p.id] = sides
            for city in sides:
                partners[city.id] = city
        tallies: dict[uuid.UUID, Tally] = {}

        def count(kind: str, cities: Iterable[CityRef], links: Iterable[uuid.UUID]) -> None:
            named = {c.id for c in cities if c.id in partners}
            for link in links:
                named |= {c.id for c in by_partnership.get(link, ())}
            for city_id in named:
                tallies.setdefault(city_id, Tally()).add(kind)

        for event in events:
            venue_city = event.venue.city if event.venue is not None else None
            count("events", [venue_city] if venue_city else [], event.partnership_ids)
        for delegation in delegations:
            count("delegations", delegation.cities, delegation.partnership_ids)
        for project in projects:
            count("projects", project.cities, project.partnership_ids)
        ranked = sorted(
            tallies.items(),
            key=lambda kv: (
                -(kv[1].events + kv[1].delegations + kv[1].projects),
                partners[kv[0]].name,
            ),
        )
        return tuple(CityTally(partners[city_id], tally) for city_id, tally in ranked)
