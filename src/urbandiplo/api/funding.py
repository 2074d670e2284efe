"""/v1/funding-programmes: where money comes from, the city's own funds included."""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.responses import Response

from urbandiplo.api import atom, examples, resource
from urbandiplo.api.common import (
    LIST_RESPONSES,
    WHOLE_NUMBER,
    Cursor,
    Day,
    I18nTextIn,
    I18nTextOut,
    Id,
    IsoDate,
    IsoDateTime,
    Limit,
    ModifiedSince,
    MoneyIn,
    MoneyOut,
    Omittable,
    OrganisationName,
    Page,
    PatchModel,
    RequestModel,
    SearchText,
    ShortText,
    Text,
    Timestamp,
    Url,
    sort_query,
)
from urbandiplo.api.deps import PrincipalDep, ServicesDep
from urbandiplo.api.http import decode_cursor
from urbandiplo.api.partnerships import Sdg
from urbandiplo.api.refs import OrganisationRef
from urbandiplo.api.resource import IfNoneMatch, Views
from urbandiplo.api.routes import Resource, add_item_routes
from urbandiplo.domain.access import ANONYMOUS
from urbandiplo.domain.funding import (
    CALL_SORTS,
    CALL_TIMEZONE,
    PROGRAMME_SORTS,
    CallStatus,
    FundingCallFields,
    FundingCallQuery,
    FundingLevel,
    FundingProgrammeFields,
    FundingProgrammeQuery,
    start_of,
)
from urbandiplo.domain.funding import FundingCall as DomainCall
from urbandiplo.domain.listing import DEFAULT_PAGE_SIZE, PageRequest, Sort, all_pages
from urbandiplo.domain.organisations import OrganisationKind
from urbandiplo.domain.records import utcnow
from urbandiplo.domain.taxonomies import FieldOfAction
from urbandiplo.domain.values import I18nText, Visibility

router = APIRouter(prefix="/v1/funding-programmes", tags=["funding"])

Acronym = Annotated[str, StringConstraints(min_length=1, max_length=50)]
Year = Annotated[int, Field(ge=1900, le=2200, json_schema_extra={"format": "int32"})]
Rate = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{1,3}(\.[0-9]{1,2})?$", max_length=6),
    Field(description="Percent of eligible costs the programme pays, as a decimal string"),
]

EXAMPLE_IN: dict[str, Any] = {
    "name": "Citizens, Equality, Rights and Values",
    "acronym": "CERV",
    "level": "eu",
    "period_from": 2021,
    "period_to": 2027,
    "total_budget": {"amount": "1441000000.00", "currency": "EUR"},
    "co_financing_rate": "90",
}


def _domain_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "total_budget":
        return value.to_domain()
    if name == "co_financing_rate":
        return Decimal(value)
    if name in {"eligible_applicants", "description"}:
        return I18nText(value)
    return value


class FundingProgrammeCreate(RequestModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_IN]})

    name: OrganisationName
    level: FundingLevel
    acronym: Acronym | None = None
    funder_id: Id | None = Field(default=None, description="The funding organisation")
    period_from: Year | None = None
    period_to: Year | None = None
    total_budget: MoneyIn | None = None
    co_financing_rate: Rate | None = None
    eligible_applicants: I18nTextIn | None = None
    contact_point: ShortText | None = None
    url: Url | None = None
    description: I18nTextIn | None = None
    notes: Text | None = Field(default=None, description="Internal note, for staff only")
    visibility: Visibility = Visibility.PUBLIC

    def to_fields(self) -> FundingProgrammeFields:
        return FundingProgrammeFields(
            **{name: _domain_value(name, getattr(self, name)) for name in type(self).model_fields}
        )


class FundingProgrammeUpdate(PatchModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"period_to": 2028}]})

    name: Omittable[OrganisationName] = None
    level: Omittable[FundingLevel] = None
    acronym: Acronym | None = None
    funder_id: Id | None = None
    period_from: Year | None = None
    period_to: Year | None = None
    total_budget: MoneyIn | None = None
    co_financing_rate: Rate | None = None
    eligible_applicants: I18nTextIn | None = None
    contact_point: ShortText | None = None
    url: Url | None = None
    description: I18nTextIn | None = None
    notes: Text | None = None
    visibility: Omittable[Visibility] = None

    def changes(self) -> dict[str, Any]:
        return {name: _domain_value(name, getattr(self, name)) for name in self.model_fields_set}


class FundingProgrammePublic(BaseModel):
    """A funding programme as the website sees it."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.FUNDING_PROGRAMME_PUBLIC]})

    id: Id
    name: OrganisationName
    acronym: Acronym | None
    level: FundingLevel
    funder_id: Id | None
    funder: OrganisationRef | None
    period_from: Year | None
    period_to: Year | None
    total_budget: MoneyOut | None
    co_financing_rate: Rate | None
    eligible_applicants: I18nTextOut | None
    contact_point: ShortText | None
    url: Url | None
    description: I18nTextOut | None
    created_at: Timestamp
    updated_at: Timestamp


class FundingProgramme(FundingProgrammePublic):
    """A funding programme as staff see it."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.FUNDING_PROGRAMME]})

    notes: Text | None
    visibility: Visibility


class FundingProgrammePage(Page[FundingProgramme]):
    pass


class FundingProgrammePublicPage(Page[FundingProgrammePublic]):
    pass


VIEWS = Views(FundingProgramme, FundingProgrammePublic)
SortParam = Annotated[str, sort_query(PROGRAMME_SORTS)]


@router.get(
    "",
    operation_id="funding-programmes-list",
    summary="List funding programmes",
    response_model=FundingProgrammePage | FundingProgrammePublicPage,
    responses=LIST_RESPONSES,
)
def list_programmes(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    level: FundingLevel | None = None,
    funder_id: Id | None = None,
    q: SearchText = None,
    modified_since: ModifiedSince = None,
    sort: SortParam = "name",
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    found = services.funding_programmes.list_page(
        principal,
        FundingProgrammeQuery(level=level, funder_id=funder_id, q=q, modified_since=modified_since),
        Sort.parse(sort, PROGRAMME_SORTS),
        PageRequest(limit, decode_cursor(cursor)),
    )
    return resource.page(request, principal, VIEWS, found)


add_item_routes(
    router,
    Resource(
        collection="funding-programmes",
        noun="funding programme",
        views=VIEWS,
        create_model=FundingProgrammeCreate,
        update_model=FundingProgrammeUpdate,
        service=lambda services: services.funding_programmes,
    ),
)


calls_router = APIRouter(prefix="/v1/funding-calls", tags=["funding"])

CALL_EXAMPLE_IN: dict[str, Any] = {
    "programme_id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4ea0",
    "identifier": "CERV-2026-CITIZENS-TOWN-TT",
    "title": {"de": "Städtepartnerschaften (CERV)", "en": "Town twinning (CERV)"},
    "opens_on": "2026-01-15",
    "deadline": "2026-03-12T17:00:00+01:00",
    "budget": {"amount": "4000000.00", "currency": "EUR"},
}
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=200)]


def _call_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "budget":
        return value.to_domain()
    if name in {"title", "description"}:
        return I18nText(value)
    if name in {"sdgs", "fields_of_action", "applicant_kinds"}:
        return tuple(value)
    return value


Sdgs = Annotated[list[Sdg], Field(max_length=17)]
Fields = Annotated[list[FieldOfAction], Field(max_length=11)]
ApplicantKinds = Annotated[
    list[OrganisationKind],
    Field(max_length=10, description="Who may apply; empty: the call does not narrow it"),
]


class FundingCallCreate(RequestModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [CALL_EXAMPLE_IN]})

    programme_id: Id
    title: I18nTextIn
    opens_on: IsoDate
    deadline: IsoDateTime = Field(description="Date and time with an offset")
    identifier: Identifier | None = Field(default=None, description="The funder's reference")
    budget: MoneyIn | None = None
    url: Url | None = None
    description: I18nTextIn | None = None
    fields_of_action: Fields = Field(default_factory=list)
    sdgs: Sdgs = Field(default_factory=list)
    applicant_kinds: ApplicantKinds = Field(default_factory=list)
    notes: Text | None = Field(default=None, description="Internal note, for staff only")
    visibility: Visibility = Visibility.PUBLIC

    def to_fields(self) -> FundingCallFields:
        return FundingCallFields(
            **{name: _call_value(name, getattr(self, name)) for name in type(self).model_fields}
        )


class FundingCallUpdate(PatchModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"deadline": "2026-03-19T17:00:00+01:00"}]},
    )

    programme_id: Omittable[Id] = None
    title: Omittable[I18nTextIn] = None
    opens_on: Omittable[IsoDate] = None
    deadline: Omittable[IsoDateTime] = None
    identifier: Identifier | None = None
    budget: MoneyIn | None = None
    url: Url | None = None
    description: I18nTextIn | None = None
    fields_of_action: Omittable[Fields] = None
    sdgs: Omittable[Sdgs] = None
    applicant_kinds: Omittable[ApplicantKinds] = None
    notes: Text | None = None
    visibility: Omittable[Visibility] = None

    def changes(self) -> dict[str, Any]:
        return {name: _call_value(name, getattr(self, name)) for name in self.model_fields_set}


class ProgrammeRefOut(BaseModel):
    model_config = ConfigDict(title="ProgrammeRef")

    id: Id
    name: OrganisationName
    acronym: Acronym | None
    level: FundingLevel


class FundingCallPublic(BaseModel):
    """A call as the website sees it ("calls to announce")."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.FUNDING_CALL_PUBLIC]})

    id: Id
    programme_id: Id
    programme: ProgrammeRefOut
    identifier: Identifier | None
    title: I18nTextOut
    opens_on: Day
    deadline: Timestamp
    status: CallStatus = Field(description="Derived from the dates, as of the request")
    budget: MoneyOut | None
    url: Url | None
    description: I18nTextOut | None
    fields_of_action: Fields
    sdgs: Sdgs
    applicant_kinds: ApplicantKinds
    created_at: Timestamp
    updated_at: Timestamp


class FundingCall(FundingCallPublic):
    """A call as staff see it."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.FUNDING_CALL]})

    notes: Text | None
    visibility: Visibility


class FundingCallPage(Page[FundingCall]):
    pass


class FundingCallPublicPage(Page[FundingCallPublic]):
    pass


CALL_VIEWS = Views(FundingCall, FundingCallPublic)
CallSortParam = Annotated[str, sort_query(CALL_SORTS)]


def call_filters(
    programme_id: Id | None = None,
    level: Annotated[FundingLevel | None, Query(description="The programme's level")] = None,
    field_of_action: FieldOfAction | None = None,
    sdg: Annotated[
        int | None, Query(ge=1, le=17, json_schema_extra={"format": "int32"}), WHOLE_NUMBER
    ] = None,
    applicant_kind: Annotated[
        OrganisationKind | None,
        Query(description="Calls this kind of organisation may apply to (or anyone may)"),
    ] = None,
    q: SearchText = None,
) -> FundingCallQuery:
    """The call filters, the same for the list and the feed."""
    return FundingCallQuery(
        programme_id=programme_id,
        level=level,
        field_of_action=field_of_action,
        sdg=sdg,
        applicant_kind=applicant_kind,
        q=q,
    )


CallFilters = Annotated[FundingCallQuery, Depends(call_filters)]


@calls_router.get(
    "",
    operation_id="funding-calls-list",
    summary="List funding calls",
    description="`open_on=DATE` lists the calls open at some time of that day (in "
    "Europe/Berlin): opened by then, deadline not passed before it began.",
    response_model=FundingCallPage | FundingCallPublicPage,
    responses=LIST_RESPONSES,
)
def list_calls(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    filters: CallFilters,
    open_on: IsoDate | None = None,
    status: CallStatus | None = None,
    modified_since: ModifiedSince = None,
    sort: CallSortParam = "deadline",
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    found = services.funding_calls.list_page(
        principal,
        replace(filters, open_on=open_on, status=status, modified_since=modified_since),
        Sort.parse(sort, CALL_SORTS),
        PageRequest(limit, decode_cursor(cursor)),
    )
    return resource.page(request, principal, CALL_VIEWS, found)


FEED_TEXTS = {  # title, subtitle, labels of the deadline, programme, identifier
    "de": (
        "Förderaufrufe",
        "Offene und angekündigte Förderaufrufe",
        ("Frist", "Programm", "Kennung"),
    ),
    "en": (
        "Funding calls",
        "Open and forthcoming calls for proposals",
        ("Deadline", "Programme", "Identifier"),
    ),
}


def _call_entry(call: DomainCall, lang: str, request: Request, now: datetime) -> atom.Entry:
    status = call.status_at(now)
    # A call that opens is news: its entry counts as updated when it opened.
    updated = call.updated_at
    if status == CallStatus.OPEN:
        updated = max(updated, start_of(call.opens_on))
    deadline_label, programme_label, identifier_label = FEED_TEXTS[lang][2]
    programme = call.programme.name
    if call.programme.acronym:
        programme = f"{call.programme.acronym} ({programme})"
    deadline = call.deadline.astimezone(CALL_TIMEZONE)
    facts = [
        f"{programme_label}: {programme}",
        f"{deadline_label}: {deadline:%Y-%m-%d %H:%M} ({CALL_TIMEZONE.key})",
    ]
    if call.identifier:
        facts.append(f"{identifier_label}: {call.identifier}")
    if call.budget is not None:
        facts.append(f"Budget: {call.budget.amount} {call.budget.currency}")
    content = "".join(f"<p>{html.escape(fact)}</p>" for fact in facts)
    if call.description:
        content = f"<p>{html.escape(call.description.in_language(lang))}</p>" + content
    return atom.Entry(
        id=call.id,
        title=call.title.in_language(lang),
        updated=updated,
        published=call.created_at,
        link=call.url or f"{request.base_url}v1/funding-calls/{call.id}",
        summary=call.description.in_language(lang) if call.description else None,
        content_html=content,
        categories=(
            atom.Category(status.value),
            atom.Category(call.programme.level.value),
            *([atom.Category(call.programme.acronym)] if call.programme.acronym else []),
        ),
    )


@calls_router.get(
    ".atom",
    operation_id="funding-calls-feed",
    summary="Open and forthcoming funding calls as an Atom feed",
    description="RFC 4287, for feed readers and the website: the public calls whose "
    "deadline has not passed, soonest deadline first, with the list's filters; entry ids "
    "are the calls' (`urn:uuid:<id>`), and a call's entry counts as updated when the call "
    f"opens. At most {atom.MAX_ENTRIES} entries.",
    response_class=Response,
    responses=atom.atom_responses(examples.FUNDING_CALLS_ATOM),
)
def funding_calls_feed(
    request: Request,
    services: ServicesDep,
    filters: CallFilters,
    lang: Annotated[Literal["de", "en"], Query(description="Language of the entries")] = "de",
    if_none_match: IfNoneMatch = None,
) -> Response:
    now = utcnow()
    query = replace(filters, announced=True)
    calls = all_pages(
        lambda page: services.funding_calls.list_page(ANONYMOUS, query, Sort("deadline"), page),
        atom.MAX_ENTRIES,
    )
    title, subtitle, _ = FEED_TEXTS[lang]
    feed = atom.Feed(
        title=title,
        subtitle=subtitle,
        lang=lang,
        author=atom.publisher(lang, services.cities.home.name),
        entries=[_call_entry(call, lang, request, now) for call in calls],
    )
    return atom.atom_response(feed, request)


add_item_routes(
    calls_router,
    Resource(
        collection="funding-calls",
        noun="funding call",
        views=CALL_VIEWS,
        create_model=FundingCallCreate,
        update_model=FundingCallUpdate,
        service=lambda services: services.funding_calls,
    ),
)
