"""The contribution repository: one row per contribution with its organisation read in the
same query; the proposal (by kind) and the status history as JSON documents of the row."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.engine import Row

from urbandiplo.db.models import ContributionRow, OrganisationRow, table_of
from urbandiplo.db.records import QUERY_ONLY, SqlRepository, history_document, history_of
from urbandiplo.db.refs import organisation_ref_columns, organisation_ref_from
from urbandiplo.db.search import contains_folded
from urbandiplo.domain.contributions import (
    Contribution,
    ContributionKind,
    ContributionQuery,
    ContributionStatus,
    EventProposal,
    NewsProposal,
    OfferProposal,
)
from urbandiplo.domain.events import EventKind, Venue
from urbandiplo.domain.news import LINK_FIELDS
from urbandiplo.domain.offers import OfferDirection, Sector
from urbandiplo.domain.taxonomies import FieldOfAction
from urbandiplo.domain.values import DatePrecision, I18nText, Visibility, fold_for_search

contributions = table_of(ContributionRow)
organisation = table_of(OrganisationRow).alias("organisation")

SORT_COLUMNS: dict[str, tuple[ColumnElement[Any], type]] = {
    "created_at": (contributions.c.created_at, datetime),
    "updated_at": (contributions.c.updated_at, datetime),
}


class SqlContributionRepository(SqlRepository[Contribution, ContributionQuery]):
    table = contributions
    sort_columns = SORT_COLUMNS

    def select(self) -> Select[Any]:
        return select(
            *(c for c in contributions.c if c.name not in QUERY_ONLY),
            *organisation_ref_columns(organisation, "organisation"),
        ).select_from(
            contributions.join(organisation, organisation.c.id == contributions.c.organisation_id)
        )

    def conditions(self, query: ContributionQuery) -> list[ColumnElement[bool]]:
        c = contributions.c
        conditions: list[ColumnElement[bool]] = []
        if query.organisation_id is not None:
            conditions.append(c.organisation_id == query.organisation_id)
        if query.kind is not None:
            conditions.append(c.kind == query.kind.value)
        if query.status is not None:
            conditions.append(c.status == query.status.value)
        if query.q:
            conditions.append(contains_folded(c.search_text, query.q))
        if query.modified_since is not None:
            conditions.append(c.updated_at >= query.modified_since)
        return conditions

    def build(self, rows: Sequence[Row[Any]]) -> list[Contribution]:
        return [_contribution(row._mapping) for row in rows]

    def values(self, record: Contribution) -> dict[str, Any]:
        return {
            "id": record.id,
            "kind": record.kind.value,
            "status": record.status.value,
            "organisation_id": record.organisation_id,
            "record_id": record.record_id,
            "content": _content(record),
            "message": record.message,
            "history": history_document(record.history),
            "search_text": fold_for_search(" ".join(record.title.values())),
            "visibility": record.visibility.value,
            "created_at": record.created_at,
            "updated_at": record.updated_at,
            "version": record.version,
        }


def _content(record: Contribution) -> dict[str, Any]:
    if record.event is not None:
        return _proposal_document(record.event)
    if record.news is not None:
        return _news_document(record.news)
    if record.offer is not None:
        return _offer_document(record.offer)
    return {}


def _offer_document(proposal: OfferProposal) -> dict[str, Any]:
    return {
        "direction": proposal.direction.value,
        "title": dict(proposal.title),
        "sector": proposal.sector.value,
        "description": dict(proposal.description) if proposal.description else None,
        "city_id": str(proposal.city_id) if proposal.city_id else None,
        "partnership_id": str(proposal.partnership_id) if proposal.partnership_id else None,
        "fields_of_action": [f.value for f in proposal.fields_of_action],
        "sdgs": list(proposal.sdgs),
        "contact_email": proposal.contact_email,
        "valid_until": proposal.valid_until.isoformat() if proposal.valid_until else None,
    }


def _offer_proposal(document: dict[str, Any]) -> OfferProposal:
    city_id, partnership_id = document.get("city_id"), document.get("partnership_id")
    valid_until = document.get("valid_until")
    return OfferProposal(
        direction=OfferDirection(document["direction"]),
        title=I18nText(document["title"]),
        sector=Sector(document["sector"]),
        description=I18nText(document["description"]) if document.get("description") else None,
        city_id=uuid.UUID(city_id) if city_id else None,
        partnership_id=uuid.UUID(partnership_id) if partnership_id else None,
        fields_of_action=tuple(FieldOfAction(f) for f in document.get("fields_of_action", ())),
        sdgs=tuple(document.get("sdgs", ())),
        contact_email=document.get("contact_email"),
        valid_until=date.fromisoformat(valid_until) if valid_until else None,
    )


def _news_document(proposal: NewsProposal) -> dict[str, Any]:
    return {
        "title": dict(proposal.title),
        "summary": dict(proposal.summary) if proposal.summary is not None else None,
        "body": dict(proposal.body),
        **{name: [str(i) for i in getattr(proposal, name)] for name in LINK_FIELDS},
    }


def _news_proposal(document: dict[str, Any]) -> NewsProposal:
    links = {name: tuple(uuid.UUID(i) for i in document.get(name, ())) for name in LINK_FIELDS}
    return NewsProposal(
        title=I18nText(document["title"]),
        summary=I18nText(document["summary"]) if document.get("summary") else None,
        body=I18nText(document["body"]),
        **links,
    )


def _instant(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _proposal_document(proposal: EventProposal) -> dict[str, Any]:
    venue = proposal.venue
    return {
        "title": dict(proposal.title),
        "kind": proposal.kind.value,
        "starts_at": proposal.starts_at.isoformat(),
        "summary": dict(proposal.summary) if proposal.summary is not None else None,
        "ends_at": _instant(proposal.ends_at),
        "all_day": proposal.all_day,
        "precision": proposal.precision.value,
        "timezone": proposal.timezone,
        "venue": None
        if venue is None
        else {
            "name": venue.name,
            "address": venue.address,
            "city_id": str(venue.city_id) if venue.city_id is not None else None,
            "online_url": venue.online_url,
        },
        "partnership_ids": [str(i) for i in proposal.partnership_ids],
        "registration_url": proposal.registration_url,
        "sdgs": list(proposal.sdgs),
        "fields_of_action": [f.value for f in proposal.fields_of_action],
    }


def _proposal(document: dict[str, Any]) -> EventProposal:
    venue = document.get("venue")
    ends_at = document.get("ends_at")
    return EventProposal(
        title=I18nText(document["title"]),
        kind=EventKind(document["kind"]),
        starts_at=datetime.fromisoformat(document["starts_at"]),
        summary=I18nText(document["summary"]) if document.get("summary") else None,
        ends_at=datetime.fromisoformat(ends_at) if ends_at else None,
        all_day=bool(document.get("all_day")),
        precision=DatePrecision(document.get("precision", "day")),
        timezone=document["timezone"],
        venue=None
        if venue is None
        else Venue(
            name=venue["name"],
            address=venue.get("address"),
            city_id=uuid.UUID(venue["city_id"]) if venue.get("city_id") else None,
            online_url=venue.get("online_url"),
        ),
        partnership_ids=tuple(uuid.UUID(i) for i in document.get("partnership_ids", ())),
        registration_url=document.get("registration_url"),
        sdgs=tuple(document.get("sdgs", ())),
        fields_of_action=tuple(FieldOfAction(f) for f in document.get("fields_of_action", ())),
    )


def _contribution(values: Any) -> Contribution:
    kind = ContributionKind(values["kind"])
    return Contribution(
        id=values["id"],
        kind=kind,
        event=_proposal(values["content"]) if kind == ContributionKind.EVENT else None,
        news=_news_proposal(values["content"]) if kind == ContributionKind.NEWS else None,
        offer=_offer_proposal(values["content"]) if kind == ContributionKind.OFFER else None,
        record_id=values["record_id"],
        message=values["message"],
        organisation_id=values["organisation_id"],
        organisation=organisation_ref_from(values, "organisation", values["organisation_id"]),
        status=ContributionStatus(values["status"]),
        history=history_of(values["history"], ContributionStatus),
        visibility=Visibility(values["visibility"]),
        created_at=values["created_at"],
        updated_at=values["updated_at"],
        version=values["version"],
    )
