"""Funding applications, either direction: the city applying to a funder, or a local
association applying to one of the city's own funds. Their status moves only by the
transition table of `domain.workflow`, each step recorded with its note.

An association applies from outside too (seed 000: the new application system of the
development-cooperation fund): a contributor creates an incoming application for its own
organisation to a fund of the home city, submits it, answers a request for more information,
and files its reports once it is approved, with documents. The office decides. The
contributor reads its own applications without the office's notes (the `notes` field, and
the history's notes not shared with it); another organisation's are a 404 to it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from urbandiplo.domain.access import EVERYTHING, Principal, Role
from urbandiplo.domain.attachments import DEFAULT_MAX_BYTES, BlobStore
from urbandiplo.domain.audit import AuditOperation
from urbandiplo.domain.cities import HomeCity
from urbandiplo.domain.documents import Documented
from urbandiplo.domain.errors import (
    Conflict,
    FieldProblem,
    InvalidData,
    NotFound,
    PermissionDenied,
    StaleVersion,
)
from urbandiplo.domain.funding import CALL_TIMEZONE, ProgrammeRef
from urbandiplo.domain.ids import new_id
from urbandiplo.domain.listing import Page, PageRequest, Sort
from urbandiplo.domain.organisations import OrganisationKind
from urbandiplo.domain.ports import Repository, UnitOfWork, UnitOfWorkFactory
from urbandiplo.domain.records import (
    Precondition,
    RecordService,
    check_precondition,
    filters_visible,
    utcnow,
)
from urbandiplo.domain.refs import OrganisationRef, organisation_ref
from urbandiplo.domain.search import SearchEntry
from urbandiplo.domain.values import (
    DatePrecision,
    I18nText,
    Money,
    Visibility,
    check_precision,
)
from urbandiplo.domain.workflow import OPEN, ApplicationStatus, Transition, move

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
    """A report owed to the funder: when it is due and when it went in. Its id (given when
    it is first stored) names it for its documents and for filing it."""

    due_on: date
    title: str | None = None
    submitted_on: date | None = None
    id: uuid.UUID | None = None  # None only in a draft not stored yet


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
    """`reachable_by`: a contributor's organisation; the public applications and that
    organisation's own incoming ones, whatever their visibility."""

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
    reachable_by: uuid.UUID | None = None


class FundingApplicationRepository(
    Repository[FundingApplication, FundingApplicationQuery], Protocol
):
    def for_project(self, project_id: uuid.UUID) -> list[FundingApplication]: ...
    def find_by_title(self, title: str) -> FundingApplication | None: ...


DECIDED = frozenset({ApplicationStatus.APPROVED, ApplicationStatus.REJECTED})
S = ApplicationStatus
# The applicant's own moves: submit its draft, answer a request for more information (back
# to review), withdraw while open. The office makes every move, as for its own applications.
BY_APPLICANT = frozenset(
    {
        (S.DRAFT, S.SUBMITTED),
        (S.MORE_INFO_REQUESTED, S.UNDER_REVIEW),
        *((status, S.WITHDRAWN) for status in OPEN),
    }
)
# Where the applicant may still change what it wrote, and its documents.
EDITABLE_BY_APPLICANT = frozenset({S.DRAFT, S.MORE_INFO_REQUESTED})
DELETABLE_BY_APPLICANT = frozenset({S.DRAFT, S.WITHDRAWN})
# What only the office enters (an applicant leaves each as it is).
OFFICE_FIELDS = (
    "reference",
    "awarded",
    "decided_on",
    "decided_precision",
    "disbursements",
    "reports",
    "notes",
    "visibility",
)
OFFICE = "the office"  # the actor an applicant is shown for the office's steps


def owns(record: FundingApplication, principal: Principal) -> bool:
    """Whether the caller is the applicant of this incoming application (a contributor
    acting for the applying organisation)."""
    return record.direction == ApplicationDirection.INCOMING and principal.acts_for(
        record.applicant_id
    )


class HomeFunds:
    """Whether a programme is one of the home city's own funds: its funder a department of
    the home city. The only programmes an applicant from outside applies to."""

    def __init__(self, home: HomeCity) -> None:
        self.home = home

    def __call__(self, uow: UnitOfWork, programme_id: uuid.UUID) -> bool:
        programme = uow.funding_programmes.get(programme_id)
        if programme is None or programme.funder_id is None:
            return False
        funder = uow.organisations.get(programme.funder_id)
        city = uow.cities.find(self.home.name, self.home.country_code)
        return (
            funder is not None
            and city is not None
            and funder.kind == OrganisationKind.CITY_DEPARTMENT
            and funder.city_id == city.id
        )


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
    RecordService[FundingApplicationFields, FundingApplication, FundingApplicationQuery],
    Documented,
):
    """Reading, changing and moving applications through the workflow; the applicant of an
    incoming one (a contributor) reaches its own as well as the public ones."""

    record_type = "funding application"
    owner_type = "funding-applications"  # of its documents
    fields_type = FundingApplicationFields
    record_class = FundingApplication
    query_class = FundingApplicationQuery
    collection = "funding-applications"

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        home_funds: HomeFunds,
        store: BlobStore,
        max_attachment_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        super().__init__(uow_factory)
        self._home_funds = home_funds
        self._store = store
        self._max_attachment_bytes = max_attachment_bytes

    def repository(self, uow: UnitOfWork) -> FundingApplicationRepository:
        return uow.funding_applications

    # -- who reaches what ------------------------------------------------------------------

    def visible_to(self, record: FundingApplication, principal: Principal) -> bool:
        return principal.may_see(record.visibility) or owns(record, principal)

    def documents_visible_to(self, record: FundingApplication, principal: Principal) -> bool:
        """The applicant's and the office's, never the website's, whatever the visibility."""
        if principal.is_contributor:
            return owns(record, principal)
        return principal.role is not None

    def list_page(
        self,
        principal: Principal,
        query: FundingApplicationQuery,
        sort: Sort,
        page: PageRequest,
    ) -> Page[FundingApplication]:
        if not principal.is_contributor:
            return super().list_page(principal, query, sort, page)
        query = replace(query, reachable_by=principal.organisation_id)
        # Its own organisation is a filter it may give, whatever the organisation's visibility.
        checked = query
        if query.applicant_id == principal.organisation_id:
            checked = replace(query, applicant_id=None)
        with self._uow() as uow:
            if not filters_visible(uow, principal, checked):
                return Page([], None)
            found = self.repository(uow).list_page(query, EVERYTHING, sort, page)
        return Page([self.shown_to(record, principal) for record in found.items], found.next)

    def require_writer(self, principal: Principal) -> None:
        principal.require_contributor_or(Role.EDITOR)

    def check_changeable(self, principal: Principal, current: FundingApplication) -> None:
        if not principal.is_contributor:
            return
        if not owns(current, principal):  # a public application of another: not its own
            raise NotFound(self.record_type, current.id)
        if current.status not in EDITABLE_BY_APPLICANT:
            raise PermissionDenied(
                f"an application that is {current.status.value} cannot be changed by its "
                "applicant; only while draft or more_info_requested"
            )

    def check_attachable(
        self, principal: Principal, record: FundingApplication, report_id: uuid.UUID | None
    ) -> None:
        """The application's own documents while the applicant may change it; a report's
        until the report is filed. The office attaches at any time."""
        if report_id is None:
            if principal.is_contributor:
                self.check_changeable(principal, record)
            return
        report = next((r for r in record.reports if r.id == report_id), None)
        if report is None:
            raise InvalidData(
                "no such report", [FieldProblem("query.report_id", "not a report of it")]
            )
        if principal.is_contributor and report.submitted_on is not None:
            raise PermissionDenied("the report is filed; its documents no longer change")

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
        if principal.is_contributor:
            problems += self._check_applicant(uow, principal, draft, current)
        reports = self._identified_reports(uow, draft, current, problems)
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
        if applicant is None or not (
            principal.may_see(applicant.visibility) or principal.acts_for(applicant.id)
        ):
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
            reports=reports,
            disbursements=tuple(sorted(draft.disbursements, key=lambda d: d.on)),
        )
        return values

    def _check_applicant(
        self,
        uow: UnitOfWork,
        principal: Principal,
        draft: FundingApplicationFields,
        current: FundingApplication | None,
    ) -> list[FieldProblem]:
        """An applicant from outside: an incoming application, its own organisation, a fund
        of the home city, and nothing of what the office enters."""
        problems = []
        if draft.direction != ApplicationDirection.INCOMING:
            problems.append(FieldProblem("direction", "incoming: you apply to the city's fund"))
        if draft.applicant_id != principal.organisation_id:
            problems.append(FieldProblem("applicant_id", "your own organisation only"))
        programme_id = draft.programme_id
        if draft.call_id is not None:
            call = uow.funding_calls.get(draft.call_id)
            programme_id = call.programme_id if call is not None else None
        if programme_id is not None and not self._home_funds(uow, programme_id):
            problems.append(FieldProblem("programme_id", "not one of the city's own funds"))
        before = (
            current
            if current is not None
            else FundingApplicationFields(title="", applicant_id=None)
        )
        for name in OFFICE_FIELDS:
            if getattr(draft, name) != getattr(before, name):
                problems.append(FieldProblem(name, "entered by the office"))
        return problems

    def _identified_reports(
        self,
        uow: UnitOfWork,
        draft: FundingApplicationFields,
        current: FundingApplication | None,
        problems: list[FieldProblem],
    ) -> tuple[Report, ...]:
        """The reports, each with its id (a new one for a new report), by due day; a
        report that goes must not have documents."""
        known = {r.id: r for r in current.reports} if current is not None else {}
        seen: set[uuid.UUID] = set()
        reports = []
        for i, report in enumerate(draft.reports):
            if report.id is None:
                report = replace(report, id=new_id())
            elif report.id not in known or report.id in seen:
                problems.append(FieldProblem(f"reports.{i}.id", "not a report of it"))
            assert report.id is not None
            seen.add(report.id)
            reports.append(report)
        gone = set(known) - seen
        if gone and current is not None:
            documented = {a.report_id for a in uow.attachments.of(self.owner_type, current.id)}
            if gone & documented:
                problems.append(
                    FieldProblem("reports", "a report with documents stays; remove them first")
                )
        return tuple(sorted(reports, key=lambda r: r.due_on))

    def transition(
        self,
        principal: Principal,
        application_id: uuid.UUID,
        target: ApplicationStatus,
        *,
        note: str | None = None,
        shared: bool = False,
        awarded: Money | None = None,
        decided_on: date | None = None,
        decided_precision: DatePrecision = DatePrecision.DAY,
        precondition: Precondition[FundingApplication] | None = None,
    ) -> FundingApplication:
        """Move the application to `target` if the transition table allows it (else
        TransitionNotAllowed, a Conflict naming the allowed moves) and record the step. The
        applicant makes its own moves only (BY_APPLICANT), and its notes are shared with
        the office; the office's are shared with the applicant where `shared` says so."""
        principal.require_contributor_or(Role.EDITOR)
        now = utcnow()
        with self._uow(write=True) as uow:
            current = self._to_change(uow, principal, application_id, precondition)
            if principal.is_contributor:
                shared = True
            step = move(
                current.status, target, at=now, actor=principal.actor, note=note, shared=shared
            )
            if principal.is_contributor and (current.status, target) not in BY_APPLICANT:
                raise PermissionDenied(
                    f"only the office moves an application from {current.status.value} "
                    f"to {target.value}"
                )
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
            changed = replace(moved, history=(*current.history, step))
            changed = self._write_version(
                uow, principal, AuditOperation.TRANSITION, current, changed, now
            )
            uow.commit()
        return self.shown_to(changed, principal)

    def submit_report(
        self,
        principal: Principal,
        application_id: uuid.UUID,
        report_id: uuid.UUID,
        *,
        precondition: Precondition[FundingApplication] | None = None,
    ) -> FundingApplication:
        """File a report of an approved application: it counts as submitted today (in the
        office's time zone); filed once."""
        principal.require_contributor_or(Role.EDITOR)
        now = utcnow()
        with self._uow(write=True) as uow:
            current = self._to_change(uow, principal, application_id, precondition)
            report = next((r for r in current.reports if r.id == report_id), None)
            if report is None:
                raise NotFound("report", report_id)
            if report.submitted_on is not None:
                raise Conflict(f"the report was filed on {report.submitted_on.isoformat()}")
            filed = replace(report, submitted_on=now.astimezone(CALL_TIMEZONE).date())
            changed = replace(
                current, reports=tuple(filed if r.id == report_id else r for r in current.reports)
            )
            changed = self._write_version(
                uow, principal, AuditOperation.UPDATE, current, changed, now
            )
            uow.commit()
        return self.shown_to(changed, principal)

    def delete(
        self,
        principal: Principal,
        record_id: uuid.UUID,
        precondition: Precondition[FundingApplication] | None = None,
    ) -> None:
        """The office deletes any application, the applicant its drafts and withdrawn
        ones; their documents go with them."""
        principal.require_contributor_or(Role.EDITOR)
        with self._uow(write=True) as uow:
            current = self._to_change(uow, principal, record_id, precondition)
            if principal.is_contributor and current.status not in DELETABLE_BY_APPLICANT:
                raise PermissionDenied(
                    "withdraw an application before deleting it; a decided one stays"
                )
            digests = self.remove_documents(uow, record_id)
            uow.funding_applications.delete(record_id)
            self.written(uow, principal, AuditOperation.DELETE, record_id, current, None, utcnow())
            uow.commit()
        self.release_documents(digests)

    def _to_change(
        self,
        uow: UnitOfWork,
        principal: Principal,
        application_id: uuid.UUID,
        precondition: Precondition[FundingApplication] | None,
    ) -> FundingApplication:
        """The application the caller is about to change, as it is stored: one it reaches,
        its own where it is the applicant (a public one of another is a 404), as the caller
        last read it."""
        current = self._visible(uow, principal, application_id)
        check_precondition(self.shown_to(current, principal), precondition)
        if principal.is_contributor and not owns(current, principal):
            raise NotFound(self.record_type, application_id)
        return current

    def _write_version(
        self,
        uow: UnitOfWork,
        principal: Principal,
        operation: AuditOperation,
        current: FundingApplication,
        changed: FundingApplication,
        now: datetime,
    ) -> FundingApplication:
        """Write the next version of an application, with its audit entry and change."""
        changed = replace(changed, updated_at=now, version=current.version + 1)
        if not uow.funding_applications.update(changed, expected_version=current.version):
            raise StaleVersion()
        self.written(uow, principal, operation, current.id, current, changed, now)
        return changed

    def shown_to(self, record: FundingApplication, principal: Principal) -> FundingApplication:
        """Programme, call, project and applicant the caller may not see are left out."""

        def seen(ref: Any) -> Any:
            return ref if ref is not None and principal.may_see(ref.visibility) else None

        programme, call, project = seen(record.programme), seen(record.call), seen(record.project)
        # An applicant sees its own organisation, whatever the organisation's visibility.
        applicant = record.applicant if owns(record, principal) else seen(record.applicant)
        if principal.is_contributor:
            # The applicant reads the office's notes only where they are shared with it.
            record = replace(
                record,
                notes=None,
                history=tuple(
                    step if step.shared else replace(step, note=None, actor=OFFICE)
                    for step in record.history
                ),
            )
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
