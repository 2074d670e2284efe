"""Co-financing: how a project's budget is covered, by programme and by funding level.

Exact sums (Decimal) in one currency; applications in another currency than the project's
are refused (CurrencyMismatch), never converted."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from urbandiplo.domain.access import Principal, Role
from urbandiplo.domain.applications import FundingApplication, FundingApplicationService
from urbandiplo.domain.errors import FieldProblem, NotFound
from urbandiplo.domain.funding import FundingLevel, ProgrammeRef
from urbandiplo.domain.ports import UnitOfWorkFactory
from urbandiplo.domain.projects import Project, ProjectService
from urbandiplo.domain.values import CurrencyMismatch, Money
from urbandiplo.domain.workflow import ApplicationStatus

S = ApplicationStatus
# Applications whose request stands: sent to the funder and neither refused nor withdrawn.
REQUESTED = frozenset({S.SUBMITTED, S.UNDER_REVIEW, S.MORE_INFO_REQUESTED, S.APPROVED})
PENDING = REQUESTED - {S.APPROVED}


@dataclass(frozen=True, slots=True, kw_only=True)
class Share:
    """Sums over some of a project's applications."""

    requested: Money  # standing requests, approved ones included
    pending: Money  # requests not decided yet
    awarded: Money  # approved
    applications: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgrammeShare(Share):
    programme: ProgrammeRef


@dataclass(frozen=True, slots=True, kw_only=True)
class LevelShare(Share):
    level: FundingLevel


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectFunding:
    project_id: uuid.UUID
    currency: str | None  # None: no budget and no applications yet
    budget: Money | None
    own_contribution: Money | None
    total: Share | None
    by_programme: tuple[ProgrammeShare, ...]
    by_level: tuple[LevelShare, ...]
    gap: Money | None  # budget - own contribution - awarded; negative when over-funded
    gap_if_pending_granted: Money | None


def _sums(applications: Sequence[FundingApplication], currency: str) -> dict[str, Any]:
    zero = Decimal("0.00")
    requested = pending = awarded = zero
    for application in applications:
        asked = application.requested.amount if application.requested is not None else zero
        if application.status in REQUESTED:
            requested += asked
        if application.status in PENDING:
            pending += asked
        if application.status == S.APPROVED and application.awarded is not None:
            awarded += application.awarded.amount
    return {
        "requested": Money(requested, currency),
        "pending": Money(pending, currency),
        "awarded": Money(awarded, currency),
        "applications": len(applications),
    }


def _check_currency(
    project: Project, applications: Iterable[FundingApplication]
) -> tuple[str | None, list[FieldProblem]]:
    budget = project.budget
    amounts: list[tuple[str, Money]] = []
    if budget is not None:
        amounts += [
            (f"budget.{n}", m)
            for n in ("total", "own_contribution")
            if (m := getattr(budget, n)) is not None
        ]
    for application in applications:
        if application.requested is not None:
            amounts.append((f"applications.{application.id}.requested", application.requested))
        if application.awarded is not None:
            amounts.append((f"applications.{application.id}.awarded", application.awarded))
    if not amounts:
        return None, []
    currency = amounts[0][1].currency
    problems = [
        FieldProblem(where, f"in {money.currency}, not {currency}")
        for where, money in amounts
        if money.currency != currency
    ]
    return currency, problems


def project_funding(project: Project, applications: Sequence[FundingApplication]) -> ProjectFunding:
    """The co-financing of `project` from its applications (only those the caller may see)."""
    currency, problems = _check_currency(project, applications)
    if problems:
        raise CurrencyMismatch(
            "the project's amounts are in different currencies and are not converted", problems
        )
    budget = project.budget
    total_budget = budget.total if budget is not None else None
    own = budget.own_contribution if budget is not None else None
    if currency is None:
        return ProjectFunding(
            project_id=project.id,
            currency=None,
            budget=None,
            own_contribution=None,
            total=None,
            by_programme=(),
            by_level=(),
            gap=None,
            gap_if_pending_granted=None,
        )
    counted = [a for a in applications if a.programme is not None]
    by_programme: dict[uuid.UUID, list[FundingApplication]] = {}
    by_level: dict[FundingLevel, list[FundingApplication]] = {}
    for application in counted:
        assert application.programme is not None
        by_programme.setdefault(application.programme.id, []).append(application)
        by_level.setdefault(application.programme.level, []).append(application)
    total = Share(**_sums(counted, currency))
    programme_shares = []
    for group in by_programme.values():
        programme = group[0].programme
        assert programme is not None
        programme_shares.append(ProgrammeShare(**_sums(group, currency), programme=programme))
    programme_shares.sort(key=lambda s: (-s.awarded.amount, -s.requested.amount, s.programme.name))
    level_order = list(FundingLevel)
    level_shares = [
        LevelShare(**_sums(group, currency), level=level)
        for level, group in sorted(by_level.items(), key=lambda kv: level_order.index(kv[0]))
    ]
    gap = gap_pending = None
    if total_budget is not None:
        own_amount = own.amount if own is not None else Decimal(0)
        gap_amount = total_budget.amount - own_amount - total.awarded.amount
        gap = Money(gap_amount, currency)
        gap_pending = Money(gap_amount - total.pending.amount, currency)
    return ProjectFunding(
        project_id=project.id,
        currency=currency,
        budget=total_budget,
        own_contribution=own,
        total=total,
        by_programme=tuple(programme_shares),
        by_level=tuple(level_shares),
        gap=gap,
        gap_if_pending_granted=gap_pending,
    )


class CoFinancingService:
    """The co-financing view of a project, for staff."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        projects: ProjectService,
        applications: FundingApplicationService,
    ) -> None:
        self._uow = uow_factory
        self._projects = projects
        self._applications = applications

    def for_project(self, principal: Principal, project_id: uuid.UUID) -> ProjectFunding:
        principal.require(Role.READER)
        with self._uow() as uow:
            project = uow.projects.get(project_id)
            if project is None or not self._projects.visible_to(project, principal):
                raise NotFound("project", project_id)
            found = uow.funding_applications.for_project(project_id)
        seen = self._applications
        applications = [seen.shown_to(a, principal) for a in found if seen.visible_to(a, principal)]
        return project_funding(project, applications)
