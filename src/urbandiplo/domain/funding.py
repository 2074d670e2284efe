"""Where money comes from: funding programmes (EU, federal, state, the city's own funds)."""

from __future__ import annotations

import uuid
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from urbandiplo.domain.access import Principal
from urbandiplo.domain.errors import Conflict, FieldProblem, InvalidData
from urbandiplo.domain.organisations import OrganisationKind
from urbandiplo.domain.ports import Repository, UnitOfWork, UnitOfWorkFactory
from urbandiplo.domain.records import RecordService, utcnow
from urbandiplo.domain.refs import OrganisationRef, organisation_ref
from urbandiplo.domain.search import SearchEntry
from urbandiplo.domain.taxonomies import FieldOfAction, check_fields_of_action, check_sdgs
from urbandiplo.domain.values import I18nText, Money, Visibility, strictest

PROGRAMME_SORTS = ("name", "created_at", "updated_at")


class FundingLevel(StrEnum):
    EU = "eu"
    FEDERAL = "federal"
    STATE = "state"
    MUNICIPAL = "municipal"
    FOUNDATION = "foundation"
    OTHER = "other"


@dataclass(frozen=True, slots=True, kw_only=True)
class FundingProgrammeFields:
    """What staff enter about a programme. The city's own funds are programmes too, with
    the city (one of its departments) as funder."""

    name: str
    level: FundingLevel
    acronym: str | None = None
    funder_id: uuid.UUID | None = None  # an organisation
    period_from: int | None = None  # first year, e.g. 2021
    period_to: int | None = None  # last year, e.g. 2027
    total_budget: Money | None = None
    co_financing_rate: Decimal | None = None  # percent of eligible costs the programme pays
    eligible_applicants: I18nText | None = None
    contact_point: str | None = None
    url: str | None = None
    description: I18nText | None = None
    notes: str | None = None
    visibility: Visibility = Visibility.PUBLIC


@dataclass(frozen=True, slots=True, kw_only=True)
class FundingProgramme(FundingProgrammeFields):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int
    funder: OrganisationRef | None


@dataclass(frozen=True, slots=True)
class FundingProgrammeQuery:
    level: FundingLevel | None = None
    funder_id: uuid.UUID | None = None
    q: str | None = None
    modified_since: datetime | None = None


class FundingProgrammeRepository(Repository[FundingProgramme, FundingProgrammeQuery], Protocol):
    def find_by_name(self, name: str) -> FundingProgramme | None: ...
    def reference_count(self, programme_id: uuid.UUID) -> int: ...


class FundingProgrammeService(
    RecordService[FundingProgrammeFields, FundingProgramme, FundingProgrammeQuery]
):
    """Reading and changing funding programmes."""

    record_type = "funding programme"
    fields_type = FundingProgrammeFields
    record_class = FundingProgramme
    query_class = FundingProgrammeQuery
    collection = "funding-programmes"

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        super().__init__(uow_factory)

    def repository(self, uow: UnitOfWork) -> FundingProgrammeRepository:
        return uow.funding_programmes

    def search_entry(self, record: FundingProgramme) -> SearchEntry:
        return self.indexed(
            record, I18nText({"de": record.name}), record.name, record.acronym, record.description
        )

    def prepare(
        self,
        uow: UnitOfWork,
        principal: Principal,
        draft: FundingProgrammeFields,
        current: FundingProgramme | None,
        changed: AbstractSet[str],
    ) -> dict[str, Any]:
        problems = []
        if not draft.name.strip():
            problems.append(FieldProblem("name", "must not be empty"))
        if draft.period_from and draft.period_to and draft.period_to < draft.period_from:
            problems.append(FieldProblem("period_to", "must not be before period_from"))
        rate = draft.co_financing_rate
        if rate is not None and not Decimal(0) <= rate <= Decimal(100):
            problems.append(FieldProblem("co_financing_rate", "a percentage from 0 to 100"))
        funder = None
        if draft.funder_id is not None:
            found = uow.organisations.get(draft.funder_id)
            if found is None or not principal.may_see(found.visibility):
                problems.append(FieldProblem("funder_id", "no such organisation"))
            else:
                funder = organisation_ref(found)
        if problems:
            raise InvalidData("the programme's data is not valid", problems)
        values = super().prepare(uow, principal, draft, current, changed)
        values["funder"] = funder
        return values

    def before_delete(self, uow: UnitOfWork, record: FundingProgramme) -> None:
        if uow.funding_programmes.reference_count(record.id):
            raise Conflict(
                "calls or applications still refer to the programme; it cannot be deleted"
            )

    def find_by_name(self, principal: Principal, name: str) -> FundingProgramme | None:
        with self._uow() as uow:
            found = uow.funding_programmes.find_by_name(name)
        return found if found is not None and self.visible_to(found, principal) else None

    def shown_to(self, record: FundingProgramme, principal: Principal) -> FundingProgramme:
        """A funder the caller may not see is left out."""
        if record.funder is None or principal.may_see(record.funder.visibility):
            return record
        return replace(record, funder=None, funder_id=None)


CALL_SORTS = ("deadline", "opens_on", "created_at", "updated_at")
# Days in calls (opening, "open on") are days in this zone: the office's.
CALL_TIMEZONE = ZoneInfo("Europe/Berlin")


class CallStatus(StrEnum):
    FORTHCOMING = "forthcoming"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgrammeRef:
    """A programme in brief."""

    id: uuid.UUID
    name: str
    acronym: str | None
    level: FundingLevel
    visibility: Visibility


@dataclass(frozen=True, slots=True, kw_only=True)
class FundingCallFields:
    """What staff enter about a call for proposals of a programme."""

    programme_id: uuid.UUID
    title: I18nText
    opens_on: date
    deadline: datetime  # timezone-aware
    identifier: str | None = None  # the funder's, e.g. CERV-2026-CITIZENS-TOWN-TT
    budget: Money | None = None
    url: str | None = None
    description: I18nText | None = None
    fields_of_action: tuple[FieldOfAction, ...] = ()
    sdgs: tuple[int, ...] = ()
    # Who may apply (associations, companies, ...); none: the funder does not narrow it.
    applicant_kinds: tuple[OrganisationKind, ...] = ()
    notes: str | None = None
    visibility: Visibility = Visibility.PUBLIC


@dataclass(frozen=True, slots=True, kw_only=True)
class FundingCall(FundingCallFields):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int
    programme: ProgrammeRef

    def visible_to(self, principal: Principal) -> bool:
        """A call shows only with its programme."""
        return principal.may_see(self.visibility) and principal.may_see(self.programme.visibility)

    def status_at(self, moment: datetime) -> CallStatus:
        if moment < start_of(self.opens_on):
            return CallStatus.FORTHCOMING
        return CallStatus.OPEN if moment <= self.deadline else CallStatus.CLOSED

    @property
    def status(self) -> CallStatus:
        """Derived from the dates: forthcoming, open, or closed, as of now."""
        return self.status_at(utcnow())


def start_of(day: date) -> datetime:
    """The first instant of a day in the office's time zone."""
    return datetime.combine(day, time(), CALL_TIMEZONE)


@dataclass(frozen=True, slots=True)
class FundingCallQuery:
    programme_id: uuid.UUID | None = None
    level: FundingLevel | None = None  # the programme's
    open_on: date | None = None  # open at some time of that day
    status: CallStatus | None = None
    announced: bool = False  # open or forthcoming: the deadline has not passed
    field_of_action: FieldOfAction | None = None
    sdg: int | None = None
    applicant_kind: OrganisationKind | None = None  # calls open to it (or to anyone)
    q: str | None = None
    modified_since: datetime | None = None


class FundingCallRepository(Repository[FundingCall, FundingCallQuery], Protocol):
    def reference_count(self, call_id: uuid.UUID) -> int: ...


class FundingCallService(RecordService[FundingCallFields, FundingCall, FundingCallQuery]):
    """Reading and changing calls."""

    record_type = "funding call"
    fields_type = FundingCallFields
    record_class = FundingCall
    query_class = FundingCallQuery
    collection = "funding-calls"

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        super().__init__(uow_factory)

    def repository(self, uow: UnitOfWork) -> FundingCallRepository:
        return uow.funding_calls

    def feed_visibility(self, record: FundingCall) -> Visibility:
        return strictest(record.visibility, record.programme.visibility)

    def search_entry(self, record: FundingCall) -> SearchEntry:
        programme = record.programme
        return self.indexed(
            record,
            record.title,
            record.identifier,
            record.description,
            programme.name,
            programme.acronym,
            visibility=strictest(record.visibility, programme.visibility),
        )

    def visible_to(self, record: FundingCall, principal: Principal) -> bool:
        return record.visible_to(principal)

    def prepare(
        self,
        uow: UnitOfWork,
        principal: Principal,
        draft: FundingCallFields,
        current: FundingCall | None,
        changed: AbstractSet[str],
    ) -> dict[str, Any]:
        problems = []
        if draft.deadline.tzinfo is None:
            problems.append(FieldProblem("deadline", "needs an offset"))
        elif draft.deadline < start_of(draft.opens_on):
            problems.append(FieldProblem("deadline", "must not be before opens_on"))
        programme = uow.funding_programmes.get(draft.programme_id)
        if programme is None or not principal.may_see(programme.visibility):
            problems.append(FieldProblem("programme_id", "no such programme"))
        sdgs: tuple[int, ...] = ()
        try:
            sdgs = check_sdgs(draft.sdgs)
        except InvalidData as error:
            problems += error.problems
        if problems:
            raise InvalidData("the call's data is not valid", problems)
        assert programme is not None
        values = super().prepare(uow, principal, draft, current, changed)
        values["sdgs"] = sdgs
        values["fields_of_action"] = check_fields_of_action(draft.fields_of_action)
        values["applicant_kinds"] = tuple(sorted(set(draft.applicant_kinds)))
        values["programme"] = ProgrammeRef(
            id=programme.id,
            name=programme.name,
            acronym=programme.acronym,
            level=programme.level,
            visibility=programme.visibility,
        )
        return values

    def before_delete(self, uow: UnitOfWork, record: FundingCall) -> None:
        if uow.funding_calls.reference_count(record.id):
            raise Conflict("applications still refer to the call; it cannot be deleted")
