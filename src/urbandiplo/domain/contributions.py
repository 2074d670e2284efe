"""Contributions from outside the office: what a partnership association, an NGO, a company
or a school proposes for the city's public register (seed 004: the exchange platform).

A contributor acts for one organisation and drafts a contribution; the office reviews it.
Its status moves only by the table below, each step recorded with its note:

    draft -> submitted -> changes_requested -> submitted -> published | declined

and `withdrawn` by the contributor while it is open. The contributor submits and withdraws;
the office requests changes, publishes and declines. Publishing creates the public record
(or changes the one the contribution names) in the same transaction, with the organisation
as the event's organiser or the news item's author, and the contribution keeps the link.
Nothing of a contribution is public: it is the contributing organisation's and the
office's only."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol

from urbandiplo.domain.access import Principal, Role
from urbandiplo.domain.attachments import DEFAULT_MAX_BYTES, BlobStore
from urbandiplo.domain.audit import AuditOperation
from urbandiplo.domain.documents import Documented
from urbandiplo.domain.errors import (
    FieldProblem,
    InvalidData,
    NotFound,
    PermissionDenied,
    StaleVersion,
)
from urbandiplo.domain.events import (
    DEFAULT_TIMEZONE,
    Audience,
    EventFields,
    EventKind,
    EventService,
    Venue,
)
from urbandiplo.domain.listing import MAX_PAGE_SIZE, PageRequest, Sort
from urbandiplo.domain.news import NewsFields, NewsService
from urbandiplo.domain.offers import (
    CooperationOfferFields,
    CooperationOfferService,
    OfferDirection,
    Sector,
)
from urbandiplo.domain.owned import OwnedRecordService, owning_organisation
from urbandiplo.domain.ports import Repository, UnitOfWork, UnitOfWorkFactory
from urbandiplo.domain.records import (
    Precondition,
    RecordService,
    Stored,
    check_precondition,
    utcnow,
)
from urbandiplo.domain.refs import OrganisationRef, organisation_ref
from urbandiplo.domain.taxonomies import FieldOfAction
from urbandiplo.domain.values import DatePrecision, I18nText, Visibility
from urbandiplo.domain.workflow import Transition, Workflow

CONTRIBUTION_SORTS = ("created_at", "updated_at")


class ContributionKind(StrEnum):
    EVENT = "event"  # published to /v1/events and the calendar
    NEWS = "news"  # published to /v1/news and its feed
    OFFER = "offer"  # an offer or request, published to /v1/cooperation-offers


class ContributionStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    PUBLISHED = "published"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


C = ContributionStatus
CONTRIBUTIONS = Workflow(
    "a contribution",
    {
        C.DRAFT: frozenset({C.SUBMITTED, C.WITHDRAWN}),
        C.SUBMITTED: frozenset({C.CHANGES_REQUESTED, C.PUBLISHED, C.DECLINED, C.WITHDRAWN}),
        C.CHANGES_REQUESTED: frozenset({C.SUBMITTED, C.WITHDRAWN}),
        C.PUBLISHED: frozenset(),
        C.DECLINED: frozenset(),
        C.WITHDRAWN: frozenset(),
    },
)
# Who makes which move: the contributor its own, the office (editors) the decisions.
BY_CONTRIBUTOR = frozenset({C.SUBMITTED, C.WITHDRAWN})
BY_OFFICE = frozenset({C.CHANGES_REQUESTED, C.PUBLISHED, C.DECLINED})
# Where the contributor may still change what it wrote; the office edits a submitted one.
EDITABLE_BY_CONTRIBUTOR = frozenset({C.DRAFT, C.CHANGES_REQUESTED})
EDITABLE_BY_OFFICE = frozenset({C.SUBMITTED})


@dataclass(frozen=True, slots=True, kw_only=True)
class EventProposal:
    """The public event a contribution proposes: what an organisation may say of it. The
    organisation becomes its organiser; audience and visibility are public."""

    title: I18nText
    kind: EventKind
    starts_at: datetime
    summary: I18nText | None = None
    ends_at: datetime | None = None
    all_day: bool = False
    precision: DatePrecision = DatePrecision.DAY
    timezone: str = DEFAULT_TIMEZONE
    venue: Venue | None = None
    partnership_ids: tuple[uuid.UUID, ...] = ()
    registration_url: str | None = None
    sdgs: tuple[int, ...] = ()
    fields_of_action: tuple[FieldOfAction, ...] = ()

    def event_fields(self, organiser_ids: tuple[uuid.UUID, ...]) -> EventFields:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return EventFields(
            **values,
            organiser_ids=organiser_ids,
            audience=Audience.PUBLIC,
            visibility=Visibility.PUBLIC,
        )


PROPOSAL_FIELDS = frozenset(f.name for f in fields(EventProposal))


@dataclass(frozen=True, slots=True, kw_only=True)
class NewsProposal:
    """The public news item a contribution proposes. The organisation becomes its author;
    it is published when the office publishes it, and public."""

    title: I18nText
    body: I18nText  # Markdown
    summary: I18nText | None = None
    partnership_ids: tuple[uuid.UUID, ...] = ()
    network_ids: tuple[uuid.UUID, ...] = ()
    project_ids: tuple[uuid.UUID, ...] = ()
    event_ids: tuple[uuid.UUID, ...] = ()
    funding_call_ids: tuple[uuid.UUID, ...] = ()

    def news_fields(self, author_id: uuid.UUID | None) -> NewsFields:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return NewsFields(**values, author_id=author_id, visibility=Visibility.PUBLIC)


NEWS_PROPOSAL_FIELDS = frozenset(f.name for f in fields(NewsProposal))


@dataclass(frozen=True, slots=True, kw_only=True)
class OfferProposal:
    """The offer or request for the cooperation exchange a contribution proposes; the
    organisation makes it, and it is public once published."""

    direction: OfferDirection
    title: I18nText
    sector: Sector
    description: I18nText | None = None
    city_id: uuid.UUID | None = None
    partnership_id: uuid.UUID | None = None
    fields_of_action: tuple[FieldOfAction, ...] = ()
    sdgs: tuple[int, ...] = ()
    contact_email: str | None = None
    valid_until: date | None = None

    def offer_fields(self, organisation_id: uuid.UUID | None) -> CooperationOfferFields:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return CooperationOfferFields(
            **values, organisation_id=organisation_id, visibility=Visibility.PUBLIC
        )


Proposal = EventProposal | NewsProposal | OfferProposal


@dataclass(frozen=True, slots=True)
class Publishing:
    """How a contribution of one kind becomes a public record: the proposal's field, the
    record's service, its fields for the organisation, and whether a stored record is the
    organisation's (for a contribution that changes it)."""

    field: str
    owned: str  # what `record_id` must name, in messages
    fields_of: Callable[[Any, uuid.UUID | None], Any]
    proposal_fields: frozenset[str]
    is_ours: Callable[[Any, uuid.UUID], bool]


PUBLISHING = {
    ContributionKind.EVENT: Publishing(
        "event",
        "a public event the organisation organises",
        lambda proposal, org: proposal.event_fields((org,) if org else ()),
        PROPOSAL_FIELDS,
        lambda event, org: org in event.organiser_ids,
    ),
    ContributionKind.NEWS: Publishing(
        "news",
        "a public news item the organisation wrote",
        lambda proposal, org: proposal.news_fields(org),
        NEWS_PROPOSAL_FIELDS,
        lambda item, org: item.author_id == org,
    ),
    ContributionKind.OFFER: Publishing(
        "offer",
        "a public offer or request of the organisation",
        lambda proposal, org: proposal.offer_fields(org),
        frozenset(f.name for f in fields(OfferProposal)),
        lambda offer, org: offer.organisation_id == org,
    ),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class ContributionFields:
    """What a contributor writes."""

    kind: ContributionKind
    event: EventProposal | None = None  # kind event
    news: NewsProposal | None = None  # kind news
    offer: OfferProposal | None = None  # kind offer
    # A published record of the organisation that the contribution changes; once
    # published, the record it created or changed.
    record_id: uuid.UUID | None = None
    message: str | None = None  # to the office
    # The contributing organisation: the contributor's own; staff name it.
    organisation_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Contribution(ContributionFields):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int
    status: ContributionStatus
    history: tuple[Transition[ContributionStatus], ...]
    organisation: OrganisationRef
    visibility: Visibility = Visibility.INTERNAL  # never public, whatever it proposes

    @property
    def proposal(self) -> Proposal:
        found: Proposal | None = getattr(self, PUBLISHING[self.kind].field)
        assert found is not None
        return found

    @property
    def title(self) -> I18nText:
        return self.proposal.title


@dataclass(frozen=True, slots=True)
class ContributionQuery:
    kind: ContributionKind | None = None
    status: ContributionStatus | None = None
    organisation_id: uuid.UUID | None = None
    q: str | None = None
    modified_since: datetime | None = None


class ContributionRepository(Repository[Contribution, ContributionQuery], Protocol):
    pass


def _check_editable(principal: Principal, current: Contribution) -> None:
    """The contributor changes its contribution while it is a draft or changes are asked
    for; the office while it is submitted."""
    editable = EDITABLE_BY_CONTRIBUTOR if principal.is_contributor else EDITABLE_BY_OFFICE
    if current.status not in editable:
        who = "you" if principal.is_contributor else "the office"
        names = ", ".join(sorted(s.value for s in editable))
        raise PermissionDenied(
            f"a contribution that is {current.status.value} cannot be changed by "
            f"{who}; only while {names}"
        )


def _blank(value: str | None) -> bool:
    return value is not None and not value.strip()


class ContributionService(
    OwnedRecordService[ContributionFields, Contribution, ContributionQuery], Documented
):
    """Drafting, reviewing and publishing contributions; a contributor reaches only its own
    organisation's, and anything else is a 404 to it, as a record that does not exist."""

    record_type = "contribution"
    owner_type = "contributions"  # of its documents
    fields_type = ContributionFields
    record_class = Contribution
    query_class = ContributionQuery
    # Not in the change feed or the search index (OwnedRecordService), which are read
    # outside the office: the audit log keeps every step, and what is published comes
    # through its own collection.

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        events: EventService,
        news: NewsService,
        offers: CooperationOfferService,
        store: BlobStore,
        max_attachment_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        super().__init__(uow_factory)
        self._store = store
        self._max_attachment_bytes = max_attachment_bytes
        self._services: dict[ContributionKind, RecordService[Any, Any, Any]] = {
            ContributionKind.EVENT: events,
            ContributionKind.NEWS: news,
            ContributionKind.OFFER: offers,
        }

    def repository(self, uow: UnitOfWork) -> ContributionRepository:
        return uow.contributions

    def check_changeable(self, principal: Principal, current: Contribution) -> None:
        _check_editable(principal, current)

    def find_by_title(self, principal: Principal, title_de: str) -> Contribution | None:
        """The caller's organisation's first contribution proposing this German title."""
        page = PageRequest(MAX_PAGE_SIZE)
        while True:
            found = self.list_page(principal, ContributionQuery(), Sort("created_at"), page)
            for record in found.items:
                if record.title.get("de") == title_de:
                    return record
            if found.next is None:
                return None
            page = PageRequest(MAX_PAGE_SIZE, found.next)

    def prepare(
        self,
        uow: UnitOfWork,
        principal: Principal,
        draft: ContributionFields,
        current: Contribution | None,
        changed: Any,
    ) -> dict[str, Any]:
        problems: list[FieldProblem] = []
        organisation = owning_organisation(
            uow, principal, draft.organisation_id, "the contributing organisation", problems
        )
        if _blank(draft.message):
            problems.append(FieldProblem("message", "must not be empty"))
        for kind, publishing in PUBLISHING.items():
            proposal = getattr(draft, publishing.field)
            if kind == draft.kind and proposal is None:
                problems.append(
                    FieldProblem(publishing.field, f"what a contribution of kind {kind} proposes")
                )
            elif kind != draft.kind and proposal is not None:
                problems.append(FieldProblem(publishing.field, f"only for kind {kind}"))
        publishing = PUBLISHING[draft.kind]
        service = self._services[draft.kind]
        proposal = getattr(draft, publishing.field)
        if proposal is not None:
            problems += self._check(
                uow, principal, service, publishing.field, publishing.fields_of(proposal, None)
            )
        if draft.record_id is not None and organisation is not None:
            target = service.repository(uow).get(draft.record_id)
            if (
                target is None
                or target.visibility != Visibility.PUBLIC
                or not publishing.is_ours(target, organisation.id)
            ):
                problems.append(FieldProblem("record_id", publishing.owned))
        if problems:
            raise InvalidData("the contribution's data is not valid", problems)
        assert organisation is not None
        return {
            "kind": draft.kind,
            "event": draft.event,
            "news": draft.news,
            "offer": draft.offer,
            "record_id": draft.record_id,
            "message": draft.message,
            "organisation_id": organisation.id,
            "organisation": organisation_ref(organisation),
            "status": current.status if current is not None else ContributionStatus.DRAFT,
            "history": current.history if current is not None else (),
        }

    @staticmethod
    def _check(
        uow: UnitOfWork,
        principal: Principal,
        service: RecordService[Any, Any, Any],
        prefix: str,
        draft: Any,
    ) -> list[FieldProblem]:
        """The proposed record's own rules, and links to records the caller may see only."""
        try:
            service.prepare(uow, principal, draft, None, service.field_names)
        except InvalidData as error:
            return [
                FieldProblem(f"{prefix}.{problem.field}", problem.message)
                for problem in error.problems
            ]
        return []

    def delete(
        self,
        principal: Principal,
        record_id: uuid.UUID,
        precondition: Precondition[Contribution] | None = None,
    ) -> None:
        """A contributor deletes its drafts and closed contributions (the published record
        stays); the office deletes any."""
        principal.require_contributor_or(Role.EDITOR)
        with self._uow(write=True) as uow:
            current = self._visible(uow, principal, record_id)
            check_precondition(current, precondition)
            if principal.is_contributor and current.status in {C.SUBMITTED, C.CHANGES_REQUESTED}:
                raise PermissionDenied("withdraw a contribution under review before deleting it")
            digests = self.remove_documents(uow, record_id)
            uow.contributions.delete(record_id)
            self.written(uow, principal, AuditOperation.DELETE, record_id, current, None, utcnow())
            uow.commit()
        self.release_documents(digests)

    # -- documents: the contributor's while it may change the contribution ----------------

    def check_attachable(
        self, principal: Principal, record: Contribution, report_id: uuid.UUID | None
    ) -> None:
        if report_id is not None:
            raise InvalidData(
                "a contribution has no parts", [FieldProblem("query.report_id", "not here")]
            )
        _check_editable(principal, record)

    def transition(
        self,
        principal: Principal,
        record_id: uuid.UUID,
        target: ContributionStatus,
        *,
        note: str | None = None,
        precondition: Precondition[Contribution] | None = None,
    ) -> Contribution:
        """Move the contribution to `target` if the table allows it and the caller may make
        that move; publishing writes the public record in the same transaction."""
        principal.require_contributor_or(Role.EDITOR)
        if _blank(note):
            raise InvalidData("the note is empty", [FieldProblem("note", "must not be empty")])
        now = utcnow()
        with self._uow(write=True) as uow:
            current = self._visible(uow, principal, record_id)
            check_precondition(current, precondition)
            step = CONTRIBUTIONS.move(
                current.status, target, at=now, actor=principal.actor, note=note
            )
            allowed = BY_CONTRIBUTOR if principal.is_contributor else BY_OFFICE
            if target not in allowed:
                who = "the contributor" if target in BY_CONTRIBUTOR else "the office"
                raise PermissionDenied(f"only {who} moves a contribution to {target.value}")
            record_id_after = current.record_id
            if target == C.PUBLISHED:
                record_id_after = self._publish(uow, principal, current, now).id
            changed = replace(
                current,
                status=target,
                record_id=record_id_after,
                history=(*current.history, step),
                updated_at=now,
                version=current.version + 1,
            )
            if not uow.contributions.update(changed, expected_version=current.version):
                raise StaleVersion()
            self.written(
                uow, principal, AuditOperation.TRANSITION, record_id, current, changed, now
            )
            uow.commit()
        return changed

    def _publish(
        self, uow: UnitOfWork, principal: Principal, contribution: Contribution, now: datetime
    ) -> Stored:
        """Create the public record, or change the one the contribution names."""
        publishing = PUBLISHING[contribution.kind]
        service = self._services[contribution.kind]
        proposal = contribution.proposal
        if contribution.record_id is None:
            data = publishing.fields_of(proposal, contribution.organisation.id)
            created: Stored = service.create_in(uow, principal, data, now)
            return created
        target = service.repository(uow).get(contribution.record_id)
        if target is None:  # deleted since it was submitted
            raise NotFound(service.record_type, contribution.record_id)
        changes = {name: getattr(proposal, name) for name in publishing.proposal_fields}
        changed: Stored = service.update_in(uow, principal, target.id, changes, None)
        return changed
