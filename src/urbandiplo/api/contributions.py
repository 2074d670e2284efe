"""/v1/contributions: what partnership associations, NGOs, companies and schools propose for
the city's public register, and the office's review of it (the exchange platform)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from urbandiplo.api import resource
from urbandiplo.api.attachments import add_attachment_routes
from urbandiplo.api.common import (
    LIST_RESPONSES,
    Cursor,
    Day,
    I18nTextIn,
    I18nTextOut,
    Id,
    IsoDate,
    IsoDateTime,
    Limit,
    ModifiedSince,
    Omittable,
    Page,
    PatchModel,
    RequestModel,
    SearchText,
    Text,
    Timestamp,
    Url,
    sort_query,
)
from urbandiplo.api.deps import PrincipalDep, ServicesDep
from urbandiplo.api.events import (
    ALL_DAY,
    PRECISION,
    TIMES,
    Ids,
    TimezoneIn,
    TimezoneName,
    VenueIn,
    VenueOut,
)
from urbandiplo.api.http import decode_cursor
from urbandiplo.api.news import MarkdownIn, MarkdownOut
from urbandiplo.api.organisations import Email
from urbandiplo.api.partnerships import Sdg
from urbandiplo.api.problems import problem_responses
from urbandiplo.api.refs import OrganisationRef
from urbandiplo.api.resource import IfMatch, IfNoneMatch, Views
from urbandiplo.api.routes import Resource, add_item_routes
from urbandiplo.domain.contributions import (
    CONTRIBUTION_SORTS,
    CONTRIBUTIONS,
    ContributionFields,
    ContributionKind,
    ContributionQuery,
    ContributionStatus,
    EventProposal,
    NewsProposal,
    OfferProposal,
)
from urbandiplo.domain.events import DEFAULT_TIMEZONE, EventKind, Venue
from urbandiplo.domain.listing import DEFAULT_PAGE_SIZE, PageRequest, Sort
from urbandiplo.domain.offers import OfferDirection, Sector
from urbandiplo.domain.taxonomies import FieldOfAction
from urbandiplo.domain.values import DatePrecision, I18nText

router = APIRouter(prefix="/v1/contributions", tags=["contributions"])

EVENT_IN: dict[str, Any] = {
    "title": {"de": "Ukrainischer Abend im Bürgerzentrum", "en": "Ukrainian evening"},
    "summary": {"de": "Lesung, Musik und Gespräch mit Gästen aus Dnipro"},
    "kind": "exchange",
    "starts_at": "2026-03-14T19:00:00+01:00",
    "ends_at": "2026-03-14T22:00:00+01:00",
    "all_day": False,
    "precision": "day",
    "timezone": "Europe/Berlin",
    "venue": {
        "name": "Bürgerzentrum Ehrenfeld",
        "address": "Venloer Straße 429, 50825 Köln",
        "city_id": None,
        "online_url": None,
    },
    "partnership_ids": [],
    "registration_url": None,
    "sdgs": [16],
    "fields_of_action": ["city_and_project_partnerships"],
}
EXAMPLE_IN: dict[str, Any] = {
    "kind": "event",
    "event": EVENT_IN,
    "message": "Wir würden uns über einen Eintrag im Veranstaltungskalender freuen.",
}
ORGANISATION_OUT = {
    "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e75",
    "name": "Freundeskreis Köln-Dnipro e.V.",
    "kind": "association",
    "website": None,
}
EXAMPLE_OUT: dict[str, Any] = {
    **EXAMPLE_IN,
    "news": None,
    "offer": None,
    "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4ec0",
    "event": {**EVENT_IN, "venue": {**EVENT_IN["venue"], "city": None}},
    "record_id": None,
    "organisation_id": ORGANISATION_OUT["id"],
    "organisation": ORGANISATION_OUT,
    "status": "submitted",
    "history": [
        {
            "from_status": "draft",
            "to_status": "submitted",
            "at": "2026-02-01T10:00:00+00:00",
            "actor": "api-key:019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4ed0",
            "note": None,
        }
    ],
    "created_at": "2026-02-01T09:30:00+00:00",
    "updated_at": "2026-02-01T10:00:00+00:00",
}


class EventProposalIn(RequestModel):
    """The public event proposed; the organisation becomes its organiser."""

    model_config = ConfigDict(
        extra="forbid", title="EventProposalIn", json_schema_extra={"examples": [EVENT_IN]}
    )

    title: I18nTextIn
    summary: I18nTextIn | None = None
    kind: EventKind
    starts_at: IsoDateTime = Field(description=TIMES)
    ends_at: IsoDateTime | None = Field(default=None, description="Not before starts_at. " + TIMES)
    all_day: bool = Field(default=False, description=ALL_DAY)
    precision: DatePrecision = Field(default=DatePrecision.DAY, description=PRECISION)
    timezone: TimezoneIn = Field(
        default=DEFAULT_TIMEZONE, description="IANA time zone the event's times are shown in"
    )
    venue: VenueIn | None = None
    partnership_ids: Ids = Field(
        default_factory=list, description="Public partnerships it belongs to"
    )
    registration_url: Url | None = None
    sdgs: list[Sdg] = Field(default_factory=list, max_length=17)
    fields_of_action: list[FieldOfAction] = Field(default_factory=list, max_length=11)

    def to_domain(self) -> EventProposal:
        venue = self.venue
        return EventProposal(
            title=I18nText(self.title),
            summary=I18nText(self.summary) if self.summary else None,
            kind=self.kind,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            all_day=self.all_day,
            precision=self.precision,
            timezone=self.timezone,
            venue=None
            if venue is None
            else Venue(
                name=venue.name,
                address=venue.address,
                city_id=venue.city_id,
                online_url=venue.online_url,
            ),
            partnership_ids=tuple(self.partnership_ids),
            registration_url=self.registration_url,
            sdgs=tuple(self.sdgs),
            fields_of_action=tuple(self.fields_of_action),
        )


NEWS_IN: dict[str, Any] = {
    "title": {"de": "Ein Jahr Freundeskreis Köln-Dnipro", "en": "One year of our association"},
    "summary": {"de": "Rückblick auf das erste Vereinsjahr"},
    "body": {"de": "Seit der Gründung 2025 haben wir **drei Rettungswagen** begleitet."},
    "partnership_ids": [],
    "network_ids": [],
    "project_ids": [],
    "event_ids": [],
    "funding_call_ids": [],
}
NewsLinks = Annotated[list[Id], Field(max_length=50, description="Public records it is about")]


class NewsProposalIn(RequestModel):
    """The public news item proposed; the organisation becomes its author."""

    model_config = ConfigDict(
        extra="forbid", title="NewsProposalIn", json_schema_extra={"examples": [NEWS_IN]}
    )

    title: I18nTextIn
    summary: I18nTextIn | None = None
    body: MarkdownIn
    partnership_ids: NewsLinks = Field(default_factory=list)
    network_ids: NewsLinks = Field(default_factory=list)
    project_ids: NewsLinks = Field(default_factory=list)
    event_ids: NewsLinks = Field(default_factory=list)
    funding_call_ids: NewsLinks = Field(default_factory=list)

    def to_domain(self) -> NewsProposal:
        return NewsProposal(
            title=I18nText(self.title),
            summary=I18nText(self.summary) if self.summary else None,
            body=I18nText(self.body),
            partnership_ids=tuple(self.partnership_ids),
            network_ids=tuple(self.network_ids),
            project_ids=tuple(self.project_ids),
            event_ids=tuple(self.event_ids),
            funding_call_ids=tuple(self.funding_call_ids),
        )


class NewsProposalOut(BaseModel):
    model_config = ConfigDict(title="NewsProposal", json_schema_extra={"examples": [NEWS_IN]})

    title: I18nTextOut
    summary: I18nTextOut | None
    body: MarkdownOut
    partnership_ids: NewsLinks
    network_ids: NewsLinks
    project_ids: NewsLinks
    event_ids: NewsLinks
    funding_call_ids: NewsLinks


OFFER_IN: dict[str, Any] = {
    "direction": "offer",
    "title": {"de": "Wir vermitteln Gastfamilien für Jugendgruppen aus Dnipro"},
    "sector": "civil_society",
    "description": None,
    "city_id": None,
    "partnership_id": None,
    "fields_of_action": ["city_and_project_partnerships"],
    "sdgs": [4, 16],
    "contact_email": "info@verein.example.org",
    "valid_until": "2027-06-30",
}
Sdgs = Annotated[list[Sdg], Field(max_length=17)]
Fields = Annotated[list[FieldOfAction], Field(max_length=11)]


class OfferProposalIn(RequestModel):
    """The offer or request proposed for the cooperation exchange; the organisation makes it."""

    model_config = ConfigDict(
        extra="forbid", title="OfferProposalIn", json_schema_extra={"examples": [OFFER_IN]}
    )

    direction: OfferDirection
    title: I18nTextIn
    sector: Sector
    description: I18nTextIn | None = None
    city_id: Id | None = Field(default=None, description="A public partner city")
    partnership_id: Id | None = Field(default=None, description="A public partnership")
    fields_of_action: Fields = Field(default_factory=list)
    sdgs: Sdgs = Field(default_factory=list)
    contact_email: Email | None = Field(default=None, description="A role address; public")
    valid_until: IsoDate | None = None

    def to_domain(self) -> OfferProposal:
        return OfferProposal(
            direction=self.direction,
            title=I18nText(self.title),
            sector=self.sector,
            description=I18nText(self.description) if self.description else None,
            city_id=self.city_id,
            partnership_id=self.partnership_id,
            fields_of_action=tuple(self.fields_of_action),
            sdgs=tuple(self.sdgs),
            contact_email=self.contact_email,
            valid_until=self.valid_until,
        )


class OfferProposalOut(BaseModel):
    model_config = ConfigDict(title="OfferProposal")

    direction: OfferDirection
    title: I18nTextOut
    sector: Sector
    description: I18nTextOut | None
    city_id: Id | None
    partnership_id: Id | None
    fields_of_action: Fields
    sdgs: Sdgs
    contact_email: Email | None
    valid_until: Day | None


MESSAGE = "To the office: what it should know; not published"
RECORD = (
    "A published event the organisation organises, a news item it wrote or an offer it "
    "made, that the contribution changes; none for a new one. Once published: the record "
    "it created or changed."
)
ORGANISATION = (
    "The contributing organisation. A contributor's own, which it may leave out; staff "
    "entering a contribution for an organisation name it."
)


PROPOSALS = frozenset({"event", "news", "offer"})


def _domain_value(name: str, value: Any) -> Any:
    return value.to_domain() if name in PROPOSALS and value is not None else value


class ContributionCreate(RequestModel):
    """A new contribution starts as a draft; submit it by a transition."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_IN]})

    kind: ContributionKind
    event: EventProposalIn | None = Field(default=None, description="For kind `event`")
    news: NewsProposalIn | None = Field(default=None, description="For kind `news`")
    offer: OfferProposalIn | None = Field(default=None, description="For kind `offer`")
    record_id: Id | None = Field(default=None, description=RECORD)
    message: Text | None = Field(default=None, description=MESSAGE)
    organisation_id: Id | None = Field(default=None, description=ORGANISATION)

    def to_fields(self) -> ContributionFields:
        return ContributionFields(
            **{name: _domain_value(name, getattr(self, name)) for name in type(self).model_fields}
        )


class ContributionUpdate(PatchModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"message": "Die Uhrzeit hat sich geändert."}]},
    )

    event: Omittable[EventProposalIn] = None
    news: Omittable[NewsProposalIn] = None
    offer: Omittable[OfferProposalIn] = None
    record_id: Id | None = Field(default=None, description=RECORD)
    message: Text | None = Field(default=None, description=MESSAGE)

    def changes(self) -> dict[str, Any]:
        return {name: _domain_value(name, getattr(self, name)) for name in self.model_fields_set}


class EventProposalOut(BaseModel):
    model_config = ConfigDict(title="EventProposal")

    title: I18nTextOut
    summary: I18nTextOut | None
    kind: EventKind
    starts_at: Timestamp = Field(description=TIMES)
    ends_at: Timestamp | None
    all_day: bool
    precision: DatePrecision
    timezone: TimezoneName
    venue: VenueOut | None
    partnership_ids: Ids
    registration_url: Url | None
    sdgs: list[Sdg] = Field(max_length=17)
    fields_of_action: list[FieldOfAction] = Field(max_length=11)


class ContributionTransitionOut(BaseModel):
    model_config = ConfigDict(title="ContributionTransition")

    from_status: ContributionStatus
    to_status: ContributionStatus
    at: Timestamp
    actor: str = Field(max_length=200, description="Who made the move")
    note: Text | None


class Contribution(BaseModel):
    """A contribution, as its organisation and the office see it; never public."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_OUT]})

    id: Id
    kind: ContributionKind
    status: ContributionStatus
    event: EventProposalOut | None
    news: NewsProposalOut | None
    offer: OfferProposalOut | None
    record_id: Id | None = Field(description=RECORD)
    message: Text | None = Field(description=MESSAGE)
    organisation_id: Id
    organisation: OrganisationRef
    history: list[ContributionTransitionOut] = Field(
        max_length=1000, description="Every status change with its note, oldest first"
    )
    created_at: Timestamp
    updated_at: Timestamp


class ContributionPage(Page[Contribution]):
    pass


VIEWS = Views(Contribution, Contribution)
SortParam = Annotated[str, sort_query(CONTRIBUTION_SORTS)]


@router.get(
    "",
    operation_id="contributions-list",
    summary="List contributions",
    description="A contributor lists its own organisation's contributions only; staff list "
    "every organisation's.",
    response_model=ContributionPage,
    responses=LIST_RESPONSES,
)
def list_contributions(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    kind: ContributionKind | None = None,
    status: ContributionStatus | None = None,
    organisation_id: Id | None = None,
    q: SearchText = None,
    modified_since: ModifiedSince = None,
    sort: SortParam = "created_at",
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    found = services.contributions.list_page(
        principal,
        ContributionQuery(
            kind=kind,
            status=status,
            organisation_id=organisation_id,
            q=q,
            modified_since=modified_since,
        ),
        Sort.parse(sort, CONTRIBUTION_SORTS),
        PageRequest(limit, decode_cursor(cursor)),
    )
    return resource.page(request, principal, VIEWS, found)


add_item_routes(
    router,
    Resource(
        collection="contributions",
        noun="contribution",
        views=VIEWS,
        create_model=ContributionCreate,
        update_model=ContributionUpdate,
        service=lambda services: services.contributions,
    ),
)


class ContributionTransitionIn(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"status": "submitted"},
                {"status": "changes_requested", "note": "Bitte die Uhrzeit ergänzen."},
                {"status": "published"},
            ]
        },
    )

    status: ContributionStatus = Field(description="The status to move to")
    note: Text | None = Field(
        default=None, description="Why; kept in the history, which the organisation reads"
    )


@router.post(
    "/{contribution_id:uuid}/transitions",
    operation_id="contributions-transition",
    summary="Submit, withdraw, or decide on a contribution",
    description="The workflow allows these moves and no others (409, naming the allowed "
    "ones):\n\n" + CONTRIBUTIONS.described() + "\n\nThe contributor submits and withdraws; "
    "the office (editor) requests changes, publishes and declines (403 otherwise). "
    "Publishing creates the public event (the organisation its organiser), news item (its "
    "author) or cooperation offer (its maker), or changes the one named by `record_id`, in "
    "the same transaction.",
    response_model=Contribution,
    responses=problem_responses(401, 403, 404, "transition-not-allowed", 412, 422),
)
def transition(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    contribution_id: Annotated[Id, Path(alias="contribution_id")],
    body: ContributionTransitionIn,
    if_match: IfMatch = None,
) -> Response:
    return resource.update(
        request,
        principal,
        VIEWS,
        lambda precondition: services.contributions.transition(
            principal, contribution_id, body.status, note=body.note, precondition=precondition
        ),
    )


add_attachment_routes(
    router,
    collection="contributions",
    noun="contribution",
    service=lambda services: services.contributions,
)
