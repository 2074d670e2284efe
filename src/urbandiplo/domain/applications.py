"""Funding applications, either direction: the city applying to a funder, or a local
association applying to one of the city's own funds. Their status moves only by the
transition table of `domain.workflow`, each step recorded with its note."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from urbandiplo.domain.access import Principal, Role
from urbandiplo.domain.audit import AuditOperation
from urbandiplo.domain.errors import FieldProblem, InvalidData, StaleVersion
from urbandiplo.domain.funding import CALL_TIMEZONE, ProgrammeRef
from urbandiplo.domain.ports import Repository, UnitOfWork, UnitOfWorkFactory
from urbandiplo.domain.records import Precondition, RecordService, check_precondition, utcnow
from urbandiplo.domain.refs import OrganisationRef, organisation_ref
from urbandiplo.domain.search import SearchEntry
from urbandiplo.domain.values import (
    DatePrecision,
    I18nText,
    Money,
    Visibility,
    check_precision,
)
from urbandiplo.domain.workflow import ApplicationStatus, Transition, move

APPLICATION_SORTS = ("created_at", "updated_at", "decided_on")


class ApplicationDirection(StrEnum):
    OUTGOING = "outgoing"  # the city applies to a funder
    INCOMING = "incoming"  # an association applies to one of the city's own funds


@dataclass(frozen=True, slots=True, kw_only=True)
class Disbursement:
    on: date
    amount: Money


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """A report owed to the funder: when it is due and when it went in."""

    due_on: date
    title: str | None = None
    submitted_on: date | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class CallRef:
    id: uuid.UUID
    identifier: str | None
    title: I18nText
    visibility: Visibility


@dataclass(frozen=True, slots=True, kw_only=True)
class ProjectRef:
    id: uuid.UUID
    title: I18nText
    visibility: Visibility


@dataclass(frozen=True, slots=True, kw_only=True)
class FundingApplicationFields:
    """What staff enter about an application. The status is not among them: it changes only
    by a transition."""

    title: str
    # An organisation: the city (a department) or an association; empty only where the
    # caller may not see it.
    applicant_id: uuid.UUID | None
    requested: Money | None = None  # None: not known (yet)
    direction: ApplicationDirection = ApplicationDirection.OUTGOING
    programme_id: uuid.UUID | None = None  # given, or taken from the call
    call_id: uuid.UUID | None = None
    project_id: uuid.UUID | None = None
    own_contribution: Money | None = None
    reference: str | None = None  # the funder's file number
    awarded: Money | None = None  # once approved
    decided_on: date | None = None  # once approved or rejected
    decided_precision: DatePrecision = DatePrecision.DAY  # how much of decided_on is known
    disbursements: tuple[Disbursement, ...] = ()
    reports: tuple[Report, ...] = ()
    notes: str | None = None
    visibility: Visibility = Visibility.INTERNAL


@dataclass(frozen=True, slots=True, kw_only=True)
class FundingApplication(FundingApplicationFields):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int
    status: ApplicationStatus
    history: tuple[Transition[ApplicationStatus], ...]
    programme: ProgrammeRef | None  # None only where the caller may not see it
    call: CallRef | None
    project: ProjectRef | None
    applicant: OrganisationRef | None

    @property
    def next_report_due(self) -> date | None:
        """The earliest due day of the reports not yet submitted."""
        return next_report_due(self.reports)

    def reports_overdue_on(self, day: date) -> bool:
        due = self.next_report_due
        return due is not None and due < day


def next_report_due(reports: Sequence[Report]) -> date | None:
    return min((r.due_on for r in reports if r.submitted_on is None), default=None)


def today() -> date:
    """Today in the office's time zone."""
    return utcnow().astimezone(CALL_TIMEZONE).date()


@dataclass(frozen=True, slots=True)
class FundingApplicationQuery:
    direction: ApplicationDirection | None = None
    status: ApplicationStatus | None = None
    programme_id: uuid.UUID | None = None
    call_id: uuid.UUID | None = None
    project_id: uuid.UUID | None = None
    applicant_id: uuid.UUID | None = None
    reports_overdue: bool | None = None  # as of `today`
    today: date | None = None
    q: str | None = None
    modified_since: datetime | None = None


class FundingApplicationRepository(
    Repository[FundingApplication, FundingApplicationQuery], Protocol
):
    def for_project(self, project_id: uuid.UUID) -> list[FundingApplication]: ...
    def find_by_title(self, title: str) -> FundingApplication | None: ...


DECIDED = frozenset({ApplicationStatus.APPROVED, ApplicationStatus.REJECTED})


def _check_money(draft: FundingApplicationFields, status: ApplicationStatus) -> list[FieldProblem]:
    problems = []
    # Every amount of an application is in one currency: the first one given.
    amounts = [draft.requested, draft.own_contribution, draft.awarded]
    amounts += [d.amount for d in draft.disbursements]
    currency = next((m.currency for m in amounts if m is not None), None)
    if draft.requested is not None and draft.requested.amount <= 0:
        problems.append(FieldProblem("requested.amount", "must be more than 0"))
    if draft.own_contribution is not None:
        if draft.own_contribution.currency != currency:
            problems.append(
                FieldProblem("own_contribution.currency", "not the application's currency")
            )
        if draft.own_contribution.amount < 0:
            problems.append(FieldProblem("own_contribution.amount", "must not be negative"))
    approved = status == ApplicationStatus.APPROVED
    if not approved:
        for name in ("awarded", "disbursements", "reports"):
            if getattr(draft, name):
                problems.append(FieldProblem(name, "only for an approved application"))
    if draft.decided_on is not None and status not in DECIDED:
        problems.append(FieldProblem("decided_on", "only once approved or rejected"))
    if draft.decided_on is not None:
        problems += check_precision(draft.decided_on, draft.decided_precision, "decided_on")
    awarded = draft.awarded
    if awarded is not None:
        if awarded.currency != currency:
            problems.append(FieldProblem("awarded.currency", "not the application's currency"))
        if awarded.amount < 0:
            problems.append(FieldProblem("awarded.amount", "must not be negative"))
    paid = sum((d.amount.amount for d in draft.disbursements), start=Decimal(0))
    for i, disbursement in enumerate(draft.disbursements):
        if disbursement.amount.currency != currency:
            problems.append(
                FieldProblem(f"disbursements.{i}.amount.currency", "not the application's currency")
            )
        if disbursement.amount.amount <= 0:
            problems.append(FieldProblem(f"disbursements.{i}.amount", "must be more than 0"))
    if draft.disbursements and (awarded is None or paid > awarded.amount):
        problems.append(FieldProblem("disbursements", "more than was awarded"))
    return problems


class FundingApplicationService(
    RecordService[FundingApplicationFields, FundingApplication, FundingApplicationQuery]
):
    """Reading, changing and moving applications through the workflow."""

    record_type = "funding application"
    fields_type = FundingApplicationFields
    record_class = FundingApplication
    query_class = FundingApplicationQuery
    collection = "funding-applications"

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        super().__init__(uow_factory)

    def repository(self, uow: UnitOfWork) -> FundingApplicationRepository:
        return uow.funding_applications

    def search_entry(self, record: FundingApplication) -> SearchEntry:
        return self.indexed(record, I18nText({"de": record.title}), record.title)

    def prepare(
        self,
        uow: UnitOfWork,
        principal: Principal,
        draft: FundingApplicationFields,
        current: FundingApplication | None,
        changed: AbstractSet[str],
    ) -> dict[str, Any]:
        status = current.status if current is not None else ApplicationStatus.DRAFT
        problems = _check_money(draft, status)
        if not draft.title.strip():
            problems.append(FieldProblem("title", "must not be empty"))
        call = None
        programme_id = draft.programme_id
        if draft.call_id is not None:
            found_call = uow.funding_calls.get(draft.call_id)
            if found_call is None or not principal.may_see(found_call.visibility):
                problems.append(FieldProblem("call_id", "no such call"))
            else:
                call = CallRef(
                    id=found_call.id,
                    identifier=found_call.identifier,
                    title=found_call.title,
                    visibility=found_call.visibility,
                )
                # A call given anew brings its programme, unless another one is given with it.
                if (
                    "programme_id" in changed
                    and programme_id is not None
                    and programme_id != found_call.programme_id
                ):
                    problems.append(FieldProblem("programme_id", "not the programme of the call"))
                programme_id = found_call.programme_id
        programme = None
        if programme_id is None:
            problems.append(FieldProblem("programme_id", "give a programme or a call"))
        else:
            found_programme = uow.funding_programmes.get(programme_id)
            if found_programme is None or not principal.may_see(found_programme.visibility):
                problems.append(FieldProblem("programme_id", "no such programme"))
            else:
                programme = ProgrammeRef(
                    id=found_programme.id,
                    name=found_programme.name,
                    acronym=found_programme.acronym,
                    level=found_programme.level,
                    visibility=found_programme.visibility,
                )
        project = None
        if draft.project_id is not None:
            found_project = uow.projects.get(draft.project_id)
            if found_project is None or not principal.may_see(found_project.visibility):
                problems.append(FieldProblem("project_id", "no such project"))
            else:
                project = ProjectRef(
                    id=found_project.id,
                    title=found_project.title,
                    visibility=found_project.visibility,
                )
        applicant = None
        if draft.applicant_id is not None:
            applicant = uow.organisations.get(draft.applicant_id)
        if applicant is None or not principal.may_see(applicant.visibility):
            problems.append(FieldProblem("applicant_id", "no such organisation"))
        if problems:
            raise InvalidData("the application's data is not valid", problems)
        assert applicant is not None
        values = super().prepare(uow, principal, draft, current, changed)
        values.update(
            programme_id=programme_id,
            programme=programme,
            call=call,
            project=project,
            applicant=organisation_ref(applicant),
            status=status,
            history=current.history if current is not None else (),
            reports=tuple(sorted(draft.reports, key=lambda r: r.due_on)),
            disbursements=tuple(sorted(draft.disbursements, key=lambda d: d.on)),
        )
        return values

    def transition(
        self,
        principal: Principal,
        application_id: uuid.UUID,
        target: ApplicationStatus,
        *,
        note: str | None = None,
        awarded: Money | None = None,
        decided_on: date | None = None,
        decided_precision: DatePrecision = DatePrecision.DAY,
        precondition: Precondition[FundingApplication] | None = None,
    ) -> FundingApplication:
        """Move the application to `target` if the transition table allows it (else
        TransitionNotAllowed, a Conflict naming the allowed moves) and record the step."""
        principal.require(Role.EDITOR)
        now = utcnow()
        with self._uow(write=True) as uow:
            current = self._visible(uow, principal, application_id)
            check_precondition(self.shown_to(current, principal), precondition)
            step = move(current.status, target, at=now, actor=principal.actor, note=note)
            problems = []
            if awarded is not None and target != ApplicationStatus.APPROVED:
                problems.append(FieldProblem("awarded", "only when approving"))
            if decided_on is not None and target not in DECIDED:
                problems.append(FieldProblem("decided_on", "only when approving or rejecting"))
            if problems:
                raise InvalidData("the transition's data is not valid", problems)
            changes: dict[str, Any] = {}
            if decided_on is not None:
                changes["decided_on"] = decided_on
                changes["decided_precision"] = decided_precision
            if awarded is not None:
                changes["awarded"] = awarded
            moved = replace(current, status=target, **changes)
            problems = _check_money(moved, target)
            if problems:
                raise InvalidData("the transition's data is not valid", problems)
            changed = replace(
                moved,
                history=(*current.history, step),
                updated_at=now,
                version=current.version + 1,
            )
            if not uow.funding_applications.update(changed, expected_version=current.version):
                raise StaleVersion()
            self.written(
                uow, principal, AuditOperation.TRANSITION, application_id, current, changed, now
            )
            uow.commit()
        return self.shown_to(changed, principal)

    def shown_to(self, record: FundingApplication, principal: Principal) -> FundingApplication:
        """Programme, call, project and applicant the caller may not see are left out."""

        def seen(ref: Any) -> Any:
            return ref if ref is not None and principal.may_see(ref.visibility) else None

        programme, call, project = seen(record.programme), seen(record.call), seen(record.project)
        applicant = seen(record.applicant)
        return replace(
            record,
            programme=programme,
            programme_id=programme.id if programme is not None else None,
            call=call,
            call_id=call.id if call is not None else None,
            project=project,
            project_id=project.id if project is not None else None,
            applicant=applicant,
            applicant_id=applicant.id if applicant is not None else None,
        )

    def find_by_title(self, principal: Principal, title: str) -> FundingApplication | None:
        with self._uow() as uow:
            found = uow.funding_applications.find_by_title(title)
        return found if found is not None and self.visible_to(found, principal) else None
