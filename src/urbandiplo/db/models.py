"""The tables, as typed SQLAlchemy models. Repositories read them as rows, not as objects."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from urbandiplo.db.types import UTCDateTime, json_type

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """The Core table of a model; repositories query tables, not mapped objects."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


class RecordColumns:
    """Columns every resource table has."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    visibility: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer)
    # Lower-cased, transliterated text for `q` filters (see domain.values.fold_for_search).
    search_text: Mapped[str] = mapped_column(Text, default="")


class CityRow(RecordColumns, Base):
    __tablename__ = "cities"

    name: Mapped[str] = mapped_column(String(200))
    names: Mapped[dict[str, str]] = mapped_column(json_type())
    country_code: Mapped[str] = mapped_column(String(2))
    subdivision_code: Mapped[str | None] = mapped_column(String(6))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    population: Mapped[int | None] = mapped_column(BigInteger)
    wikidata_id: Mapped[str | None] = mapped_column(String(20))
    geonames_id: Mapped[int | None] = mapped_column(BigInteger)
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_cities_name_country_code", "name", "country_code"),
        Index("ix_cities_country_code_id", "country_code", "id"),
        Index("ix_cities_created_at_id", "created_at", "id"),
        Index("ix_cities_updated_at_id", "updated_at", "id"),
    )


class PartnershipRow(RecordColumns, Base):
    __tablename__ = "partnerships"

    city_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cities.id", ondelete="RESTRICT"))
    partner_city_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cities.id", ondelete="RESTRICT"))
    # The pair in a fixed order, so that A-B and B-A collide in one unique constraint.
    pair_low_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    pair_high_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    established_on: Mapped[date | None] = mapped_column(Date)
    established_precision: Mapped[str] = mapped_column(String(8))
    ended_on: Mapped[date | None] = mapped_column(Date)
    responsible_unit: Mapped[str | None] = mapped_column(String(200))
    economic_profile: Mapped[dict[str, Any] | None] = mapped_column(json_type())
    description: Mapped[dict[str, str] | None] = mapped_column(json_type())
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("pair_low_id", "pair_high_id"),
        Index("ix_partnerships_city_id", "city_id"),
        Index("ix_partnerships_partner_city_id", "partner_city_id"),
        Index("ix_partnerships_established_on_id", "established_on", "id"),
        Index("ix_partnerships_created_at_id", "created_at", "id"),
        Index("ix_partnerships_updated_at_id", "updated_at", "id"),
        Index("ix_partnerships_kind_status", "kind", "status"),
    )


class OrganisationRow(RecordColumns, Base):
    __tablename__ = "organisations"

    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(40))
    city_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cities.id", ondelete="RESTRICT"))
    website: Mapped[str | None] = mapped_column(String(2000))
    email: Mapped[str | None] = mapped_column(String(320))
    description: Mapped[dict[str, str] | None] = mapped_column(json_type())
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_organisations_name", "name"),
        Index("ix_organisations_kind", "kind"),
        Index("ix_organisations_city_id", "city_id"),
        Index("ix_organisations_created_at_id", "created_at", "id"),
        Index("ix_organisations_updated_at_id", "updated_at", "id"),
    )


class PersonRow(RecordColumns, Base):
    __tablename__ = "people"

    name: Mapped[str] = mapped_column(String(200))
    function: Mapped[str | None] = mapped_column(String(300))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(50))
    languages: Mapped[list[str]] = mapped_column(json_type())
    protected: Mapped[bool] = mapped_column(Boolean)
    legal_basis: Mapped[str] = mapped_column(String(40))
    consent_on: Mapped[date | None] = mapped_column(Date)
    retain_until: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    erased_on: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        Index("ix_people_name", "name"),
        Index("ix_people_organisation_id", "organisation_id"),
        Index("ix_people_created_at_id", "created_at", "id"),
        Index("ix_people_updated_at_id", "updated_at", "id"),
    )


class NetworkRow(RecordColumns, Base):
    __tablename__ = "networks"

    name: Mapped[str] = mapped_column(String(300))
    acronym: Mapped[str | None] = mapped_column(String(50))
    scope: Mapped[str] = mapped_column(String(16))
    themes: Mapped[list[str]] = mapped_column(json_type())
    website: Mapped[str | None] = mapped_column(String(2000))
    description: Mapped[dict[str, str] | None] = mapped_column(json_type())
    notes: Mapped[str | None] = mapped_column(Text)
    # The city's membership; no status means the city is not a member.
    membership_status: Mapped[str | None] = mapped_column(String(16))
    joined_on: Mapped[date | None] = mapped_column(Date)
    joined_precision: Mapped[str | None] = mapped_column(String(8))
    left_on: Mapped[date | None] = mapped_column(Date)
    annual_fee_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    annual_fee_currency: Mapped[str | None] = mapped_column(String(3))
    working_groups: Mapped[list[dict[str, Any]]] = mapped_column(json_type())
    commitments: Mapped[list[dict[str, Any]]] = mapped_column(json_type())

    __table_args__ = (
        Index("ix_networks_name", "name"),
        Index("ix_networks_scope", "scope"),
        Index("ix_networks_membership_status", "membership_status"),
        Index("ix_networks_created_at_id", "created_at", "id"),
        Index("ix_networks_updated_at_id", "updated_at", "id"),
    )


class NetworkRepresentativeRow(Base):
    """A seat the city holds in a network's body."""

    __tablename__ = "network_representatives"

    network_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("networks.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("people.id", ondelete="RESTRICT")
    )
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(300))
    body: Mapped[str | None] = mapped_column(String(200))
    from_on: Mapped[date | None] = mapped_column(Date)
    to_on: Mapped[date | None] = mapped_column(Date)
    precision: Mapped[str] = mapped_column(String(8))

    __table_args__ = (Index("ix_network_representatives_person_id", "person_id"),)


class PartnershipAssociationRow(Base):
    """A partnership's associations (Freundeskreise), in the order staff gave them."""

    __tablename__ = "partnership_associations"

    partnership_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )

    __table_args__ = (Index("ix_partnership_associations_organisation_id", "organisation_id"),)


class PartnershipStatusChangeRow(Base):
    __tablename__ = "partnership_status_changes"

    partnership_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    changed_on: Mapped[date] = mapped_column(Date)
    precision: Mapped[str] = mapped_column(String(8))
    status: Mapped[str | None] = mapped_column(String(16))
    kind: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[dict[str, str] | None] = mapped_column(json_type())
    council_decision: Mapped[str | None] = mapped_column(String(100))


class CouncilDecisionRow(Base):
    __tablename__ = "partnership_council_decisions"

    partnership_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(100))
    decided_on: Mapped[date | None] = mapped_column(Date)
    url: Mapped[str | None] = mapped_column(String(2000))
    subject: Mapped[dict[str, str] | None] = mapped_column(json_type())


class PartnershipSdgRow(Base):
    __tablename__ = "partnership_sdgs"

    partnership_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), primary_key=True
    )
    sdg: Mapped[int] = mapped_column(Integer, primary_key=True)

    __table_args__ = (Index("ix_partnership_sdgs_sdg", "sdg"),)


class PartnershipFieldOfActionRow(Base):
    __tablename__ = "partnership_fields_of_action"

    partnership_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), primary_key=True
    )
    field_of_action: Mapped[str] = mapped_column(String(40), primary_key=True)

    __table_args__ = (Index("ix_partnership_fields_of_action_field", "field_of_action"),)


class ApiKeyRow(Base):
    __tablename__ = "api_keys"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A contributor's key (role "contributor") acts for this organisation only.
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )


class IdempotencyKeyRow(Base):
    __tablename__ = "idempotency_keys"

    principal: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    headers: Mapped[dict[str, str]] = mapped_column(json_type())
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class RateCounterRow(Base):
    """Requests counted against a budget: one row per bucket (who) and window (when)."""

    __tablename__ = "rate_counters"

    bucket: Mapped[str] = mapped_column(String(100), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)
    hits: Mapped[int] = mapped_column(Integer)


# ---- delegations ----


class DelegationRow(RecordColumns, Base):
    __tablename__ = "delegations"

    direction: Mapped[str] = mapped_column(String(8))
    title: Mapped[dict[str, str]] = mapped_column(json_type())
    purpose: Mapped[dict[str, str] | None] = mapped_column(json_type())
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    precision: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))
    programme: Mapped[list[dict[str, Any]]] = mapped_column(json_type())
    gifts: Mapped[list[dict[str, Any]]] = mapped_column(json_type())
    outcomes: Mapped[list[dict[str, Any]]] = mapped_column(json_type())
    costs_planned_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    costs_planned_currency: Mapped[str | None] = mapped_column(String(3))
    costs_actual_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    costs_actual_currency: Mapped[str | None] = mapped_column(String(3))
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_delegations_starts_on_id", "starts_on", "id"),
        Index("ix_delegations_created_at_id", "created_at", "id"),
        Index("ix_delegations_updated_at_id", "updated_at", "id"),
        Index("ix_delegations_direction_status", "direction", "status"),
    )


class DelegationCityRow(Base):
    __tablename__ = "delegation_cities"

    delegation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("delegations.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cities.id", ondelete="RESTRICT"))

    __table_args__ = (Index("ix_delegation_cities_city_id", "city_id"),)


class DelegationMemberRow(Base):
    """Someone on a delegation: its head, or a member."""

    __tablename__ = "delegation_members"

    delegation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("delegations.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    is_head: Mapped[bool] = mapped_column(Boolean)
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("people.id", ondelete="RESTRICT")
    )
    name: Mapped[str | None] = mapped_column(String(200))
    function: Mapped[str | None] = mapped_column(String(300))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )

    __table_args__ = (
        Index("ix_delegation_members_person_id", "person_id"),
        Index("ix_delegation_members_organisation_id", "organisation_id"),
    )


class DelegationPartnershipRow(Base):
    __tablename__ = "delegation_partnerships"

    delegation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("delegations.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partnerships.id", ondelete="RESTRICT")
    )

    __table_args__ = (Index("ix_delegation_partnerships_partnership_id", "partnership_id"),)


# ---- events ----


class EventRow(RecordColumns, Base):
    __tablename__ = "events"

    title: Mapped[dict[str, str]] = mapped_column(json_type())
    summary: Mapped[dict[str, str] | None] = mapped_column(json_type())
    kind: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the event is over (an all-day event: at the end of its last day), for the
    # from/to filters; kept for queries only.
    ends_by: Mapped[datetime] = mapped_column(UTCDateTime)
    all_day: Mapped[bool] = mapped_column(Boolean)
    precision: Mapped[str] = mapped_column(String(8), server_default="day")
    timezone: Mapped[str] = mapped_column(String(64))
    venue_name: Mapped[str | None] = mapped_column(String(300))
    venue_address: Mapped[str | None] = mapped_column(String(500))
    venue_city_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("cities.id", ondelete="RESTRICT")
    )
    venue_online_url: Mapped[str | None] = mapped_column(String(2000))
    audience: Mapped[str] = mapped_column(String(16))
    registration_url: Mapped[str | None] = mapped_column(String(2000))
    capacity: Mapped[int | None] = mapped_column(Integer)
    series: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_events_starts_at_id", "starts_at", "id"),
        Index("ix_events_ends_by", "ends_by"),
        Index("ix_events_created_at_id", "created_at", "id"),
        Index("ix_events_updated_at_id", "updated_at", "id"),
        Index("ix_events_kind", "kind"),
        Index("ix_events_venue_city_id_starts_at_id", "venue_city_id", "starts_at", "id"),
        Index("ix_events_series", "series"),
    )


class EventOrganisationRow(Base):
    """An event's organisers and partners (organisations), each list in the order given."""

    __tablename__ = "event_organisations"

    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16), primary_key=True)  # organiser | partner
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )

    __table_args__ = (Index("ix_event_organisations_organisation_id", "organisation_id"),)


class EventPartnershipRow(Base):
    __tablename__ = "event_partnerships"

    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partnerships.id", ondelete="RESTRICT")
    )

    __table_args__ = (Index("ix_event_partnerships_partnership_id", "partnership_id"),)


class EventNetworkRow(Base):
    __tablename__ = "event_networks"

    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    network_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("networks.id", ondelete="RESTRICT"))

    __table_args__ = (Index("ix_event_networks_network_id", "network_id"),)


class EventSdgRow(Base):
    __tablename__ = "event_sdgs"

    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    sdg: Mapped[int] = mapped_column(Integer, primary_key=True)

    __table_args__ = (Index("ix_event_sdgs_sdg", "sdg"),)


class EventFieldOfActionRow(Base):
    __tablename__ = "event_fields_of_action"

    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    field_of_action: Mapped[str] = mapped_column(String(40), primary_key=True)

    __table_args__ = (Index("ix_event_fields_of_action_field", "field_of_action"),)


class DelegationEventRow(Base):
    """An event a delegation took part in or came for."""

    __tablename__ = "delegation_events"

    delegation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("delegations.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("events.id", ondelete="RESTRICT"))

    __table_args__ = (Index("ix_delegation_events_event_id", "event_id"),)


# ---- funding ----


class FundingProgrammeRow(RecordColumns, Base):
    __tablename__ = "funding_programmes"

    name: Mapped[str] = mapped_column(String(300))
    acronym: Mapped[str | None] = mapped_column(String(50))
    level: Mapped[str] = mapped_column(String(16))
    funder_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    period_from: Mapped[int | None] = mapped_column(Integer)
    period_to: Mapped[int | None] = mapped_column(Integer)
    total_budget_amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    total_budget_currency: Mapped[str | None] = mapped_column(String(3))
    co_financing_rate: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    eligible_applicants: Mapped[dict[str, str] | None] = mapped_column(json_type())
    contact_point: Mapped[str | None] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(2000))
    description: Mapped[dict[str, str] | None] = mapped_column(json_type())
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_funding_programmes_name", "name"),
        Index("ix_funding_programmes_level", "level"),
        Index("ix_funding_programmes_funder_id", "funder_id"),
        Index("ix_funding_programmes_created_at_id", "created_at", "id"),
        Index("ix_funding_programmes_updated_at_id", "updated_at", "id"),
    )


class FundingCallRow(RecordColumns, Base):
    __tablename__ = "funding_calls"

    programme_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("funding_programmes.id", ondelete="RESTRICT")
    )
    identifier: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[dict[str, str]] = mapped_column(json_type())
    opens_on: Mapped[date] = mapped_column(Date)
    # The first instant of opens_on in the office's time zone, for queries by instant.
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    budget_amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    budget_currency: Mapped[str | None] = mapped_column(String(3))
    url: Mapped[str | None] = mapped_column(String(2000))
    description: Mapped[dict[str, str] | None] = mapped_column(json_type())
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_funding_calls_programme_id", "programme_id"),
        Index("ix_funding_calls_deadline_id", "deadline", "id"),
        Index("ix_funding_calls_opens_on_id", "opens_on", "id"),
        Index("ix_funding_calls_created_at_id", "created_at", "id"),
        Index("ix_funding_calls_updated_at_id", "updated_at", "id"),
    )


# ---- news ----


class NewsRow(RecordColumns, Base):
    __tablename__ = "news"

    title: Mapped[dict[str, str]] = mapped_column(json_type())
    summary: Mapped[dict[str, str] | None] = mapped_column(json_type())
    body: Mapped[dict[str, str]] = mapped_column(json_type())  # Markdown
    body_html: Mapped[dict[str, str]] = mapped_column(json_type())  # rendered when written
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    author_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_news_published_at_id", "published_at", "id"),
        Index("ix_news_created_at_id", "created_at", "id"),
        Index("ix_news_updated_at_id", "updated_at", "id"),
        Index("ix_news_author_id", "author_id"),
    )


class NewsLinkRow(Base):
    """The records a news item is about, of several kinds (`field`: "partnership_ids",
    "event_ids" ...). No foreign key: a linked record may be deleted, and its link is then
    no longer read."""

    __tablename__ = "news_links"

    news_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("news.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    field: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid)

    __table_args__ = (Index("ix_news_links_record_id_field", "record_id", "field"),)


# ---- cooperation offers ----


class CooperationOfferRow(RecordColumns, Base):
    __tablename__ = "cooperation_offers"

    direction: Mapped[str] = mapped_column(String(16))
    title: Mapped[dict[str, str]] = mapped_column(json_type())
    sector: Mapped[str] = mapped_column(String(32))
    description: Mapped[dict[str, str] | None] = mapped_column(json_type())
    city_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cities.id", ondelete="RESTRICT"))
    partnership_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("partnerships.id", ondelete="RESTRICT")
    )
    contact_email: Mapped[str | None] = mapped_column(String(320))
    valid_until: Mapped[date | None] = mapped_column(Date)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_cooperation_offers_created_at_id", "created_at", "id"),
        Index("ix_cooperation_offers_direction_created_at_id", "direction", "created_at", "id"),
        Index("ix_cooperation_offers_updated_at_id", "updated_at", "id"),
        Index("ix_cooperation_offers_valid_until_id", "valid_until", "id"),
        Index("ix_cooperation_offers_city_id", "city_id"),
        Index("ix_cooperation_offers_partnership_id", "partnership_id"),
        Index("ix_cooperation_offers_organisation_id", "organisation_id"),
    )


class CooperationOfferTagRow(Base):
    """An offer's SDGs and fields of action, as tags ("sdg:16", "field:city_diplomacy")."""

    __tablename__ = "cooperation_offer_tags"

    offer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cooperation_offers.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(64), primary_key=True)

    __table_args__ = (Index("ix_cooperation_offer_tags_tag", "tag"),)


class FundingCallTagRow(Base):
    """A call's SDGs, fields of action and eligible applicant kinds, as tags ("sdg:16",
    "field:city_diplomacy", "applicant:association")."""

    __tablename__ = "funding_call_tags"

    call_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("funding_calls.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(64), primary_key=True)

    __table_args__ = (Index("ix_funding_call_tags_tag", "tag"),)


class CallSubscriptionRow(RecordColumns, Base):
    """What calls an organisation wants to hear of; never public."""

    __tablename__ = "call_subscriptions"

    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    # The filters, as JSON lists: read with the subscription, never queried by.
    levels: Mapped[list[str]] = mapped_column(json_type())
    fields_of_action: Mapped[list[str]] = mapped_column(json_type())
    sdgs: Mapped[list[int]] = mapped_column(json_type())
    applicant_kinds: Mapped[list[str]] = mapped_column(json_type())
    lead_days: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index(
            "ix_call_subscriptions_organisation_id_created_at_id",
            "organisation_id",
            "created_at",
            "id",
        ),
        Index("ix_call_subscriptions_created_at_id", "created_at", "id"),
        Index("ix_call_subscriptions_updated_at_id", "updated_at", "id"),
    )


class CallAlertRow(Base):
    """An alert: a call a subscription heard of, at most once per kind."""

    __tablename__ = "call_alerts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    subscription_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("call_subscriptions.id", ondelete="CASCADE")
    )
    call_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("funding_calls.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("subscription_id", "call_id", "kind"),
        Index("ix_call_alerts_subscription_id_created_at", "subscription_id", "created_at"),
        Index("ix_call_alerts_call_id", "call_id"),
    )


class AttachmentRow(Base):
    """A document of a record (its owner: a collection and an id, no foreign key, as the
    owners are of several kinds); the bytes are in the store, by their SHA-256."""

    __tablename__ = "attachments"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    # An application's document for one of its reports: the report's id.
    report_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)

    __table_args__ = (
        Index("ix_attachments_owner_type_owner_id", "owner_type", "owner_id"),
        Index("ix_attachments_sha256", "sha256"),
    )


# ---- projects ----


class ProjectRow(RecordColumns, Base):
    __tablename__ = "projects"

    title: Mapped[dict[str, str]] = mapped_column(json_type())
    summary: Mapped[dict[str, str] | None] = mapped_column(json_type())
    status: Mapped[str] = mapped_column(String(16))
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    precision: Mapped[str] = mapped_column(String(8))
    # The last day ends_on may stand for (its year's or month's end), for the `from` filter.
    ends_by: Mapped[date | None] = mapped_column(Date)
    budget_total_amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    budget_total_currency: Mapped[str | None] = mapped_column(String(3))
    own_contribution_amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    own_contribution_currency: Mapped[str | None] = mapped_column(String(3))
    milestones: Mapped[list[dict[str, Any]]] = mapped_column(json_type())
    indicators: Mapped[list[dict[str, Any]]] = mapped_column(json_type())
    url: Mapped[str | None] = mapped_column(String(2000))
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_projects_status", "status"),
        Index("ix_projects_starts_on_id", "starts_on", "id"),
        Index("ix_projects_ends_by", "ends_by"),
        Index("ix_projects_created_at_id", "created_at", "id"),
        Index("ix_projects_updated_at_id", "updated_at", "id"),
    )


class ProjectCityRow(Base):
    """A partner city of a project, in the order entered."""

    __tablename__ = "project_cities"

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    city_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cities.id", ondelete="RESTRICT"))

    __table_args__ = (Index("ix_project_cities_city_id", "city_id"),)


class ProjectPartnershipRow(Base):
    __tablename__ = "project_partnerships"

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("partnerships.id", ondelete="RESTRICT")
    )

    __table_args__ = (Index("ix_project_partnerships_partnership_id", "partnership_id"),)


class ProjectOrganisationRow(Base):
    """A partner organisation or a city department of a project."""

    __tablename__ = "project_organisations"

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16), primary_key=True)  # partner | department
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )

    __table_args__ = (Index("ix_project_organisations_organisation_id", "organisation_id"),)


class ProjectSdgRow(Base):
    __tablename__ = "project_sdgs"

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    sdg: Mapped[int] = mapped_column(Integer, primary_key=True)

    __table_args__ = (Index("ix_project_sdgs_sdg", "sdg"),)


class ProjectFieldOfActionRow(Base):
    __tablename__ = "project_fields_of_action"

    project_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    field_of_action: Mapped[str] = mapped_column(String(40), primary_key=True)

    __table_args__ = (Index("ix_project_fields_of_action_field", "field_of_action"),)


# ---- funding applications ----


class ContributionRow(RecordColumns, Base):
    """What an organisation proposes for the public register; never public itself."""

    __tablename__ = "contributions"

    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(24))
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    # The published record it changes, or (once published) created; of the kind's
    # collection, so no foreign key.
    record_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    content: Mapped[dict[str, Any]] = mapped_column(json_type())  # the proposal, by kind
    message: Mapped[str | None] = mapped_column(Text)
    history: Mapped[list[dict[str, Any]]] = mapped_column(json_type())

    __table_args__ = (
        Index(
            "ix_contributions_organisation_id_created_at_id", "organisation_id", "created_at", "id"
        ),
        Index("ix_contributions_status", "status"),
        Index("ix_contributions_created_at_id", "created_at", "id"),
        Index("ix_contributions_updated_at_id", "updated_at", "id"),
    )


class FundingApplicationRow(RecordColumns, Base):
    __tablename__ = "funding_applications"

    title: Mapped[str] = mapped_column(String(300))
    direction: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(24))
    programme_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("funding_programmes.id", ondelete="RESTRICT")
    )
    call_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("funding_calls.id", ondelete="RESTRICT")
    )
    project_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("projects.id", ondelete="RESTRICT")
    )
    applicant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT")
    )
    requested_amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    requested_currency: Mapped[str | None] = mapped_column(String(3))
    own_contribution_amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    own_contribution_currency: Mapped[str | None] = mapped_column(String(3))
    reference: Mapped[str | None] = mapped_column(String(200))
    awarded_amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    awarded_currency: Mapped[str | None] = mapped_column(String(3))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_precision: Mapped[str] = mapped_column(String(8), server_default="day")
    disbursements: Mapped[list[dict[str, Any]]] = mapped_column(json_type())
    reports: Mapped[list[dict[str, Any]]] = mapped_column(json_type())
    # The earliest due day of the reports not submitted yet, for `reports_overdue`.
    next_report_due: Mapped[date | None] = mapped_column(Date)
    history: Mapped[list[dict[str, Any]]] = mapped_column(json_type())
    notes: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("ix_funding_applications_status", "status"),
        Index("ix_funding_applications_programme_id", "programme_id"),
        Index("ix_funding_applications_call_id", "call_id"),
        Index("ix_funding_applications_project_id", "project_id"),
        Index("ix_funding_applications_applicant_id", "applicant_id"),
        Index("ix_funding_applications_next_report_due", "next_report_due"),
        Index("ix_funding_applications_decided_on_id", "decided_on", "id"),
        Index("ix_funding_applications_created_at_id", "created_at", "id"),
        Index("ix_funding_applications_direction_created_at_id", "direction", "created_at", "id"),
        Index("ix_funding_applications_updated_at_id", "updated_at", "id"),
    )


# ---- links to projects ----


class EventProjectRow(Base):
    """A project an event belongs to."""

    __tablename__ = "event_projects"

    event_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="RESTRICT"))

    __table_args__ = (Index("ix_event_projects_project_id", "project_id"),)


class DelegationProjectRow(Base):
    """A project a delegation served."""

    __tablename__ = "delegation_projects"

    delegation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("delegations.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("projects.id", ondelete="RESTRICT"))

    __table_args__ = (Index("ix_delegation_projects_project_id", "project_id"),)


# ---- audit log ----


class AuditRow(Base):
    """One write: who, when, what, and the record before and after."""

    __tablename__ = "audit_log"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    operation: Mapped[str] = mapped_column(String(16))
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    visibility: Mapped[str] = mapped_column(String(16))
    before: Mapped[dict[str, Any] | None] = mapped_column(json_type())
    after: Mapped[dict[str, Any] | None] = mapped_column(json_type())

    __table_args__ = (
        Index("ix_audit_log_at_id", "at", "id"),
        Index("ix_audit_log_record_type_record_id", "record_type", "record_id"),
        Index("ix_audit_log_record_id", "record_id"),
        Index("ix_audit_log_actor", "actor"),
    )


# ---- search ----


class SearchRow(Base):
    """A record's public text for search. On PostgreSQL `document` holds its German, English
    and plain tsvectors; SQLite searches the FTS5 table `search_fts` (made by the migration,
    keyed by `key`) instead."""

    __tablename__ = "search_index"

    record_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    key: Mapped[str] = mapped_column(String(90))  # "<record_type>:<record_id>"
    visibility: Mapped[str] = mapped_column(String(16))
    title: Mapped[dict[str, str]] = mapped_column(json_type())
    text: Mapped[str] = mapped_column(Text)
    document: Mapped[Any | None] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"))
    # SQLite: the rowid of the entry's row in `search_fts`, so that replacing an entry finds
    # that row by its key instead of scanning the FTS table.
    fts_rowid: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_search_index_key", "key", unique=True),
        Index("ix_search_index_document", "document", postgresql_using="gin"),
    )


# ---- change feed ----


class ChangeRow(Base):
    """One write, numbered in commit order (see ChangeClockRow)."""

    __tablename__ = "changes"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    record_type: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    operation: Mapped[str] = mapped_column(String(8))
    visibility_before: Mapped[str | None] = mapped_column(String(16))
    visibility_after: Mapped[str | None] = mapped_column(String(16))

    __table_args__ = (Index("ix_changes_record_type_record_id", "record_type", "record_id"),)


class ChangeClockRow(Base):
    """The last number handed out. A write takes the next one by updating this one row,
    which locks it until the write commits: numbers become visible in order."""

    __tablename__ = "change_clock"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    value: Mapped[int] = mapped_column(BigInteger)


class ChangeMarkRow(Base):
    """The newest change of a kind: `key` is a collection ("events": any write of one) or a
    collection and "/visibility" (a record of it changed visibility or went away). Written
    with the changes, under the clock row's lock; read by the response cache, which retires
    a kept answer only when a kind it is made of moved."""

    __tablename__ = "change_marks"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


# ---- webhooks ----


class WebhookRow(Base):
    """A subscription and how far its deliveries have got in the change feed."""

    __tablename__ = "webhooks"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    record_types: Mapped[list[str]] = mapped_column(json_type())
    scope: Mapped[str] = mapped_column(String(16))
    description: Mapped[str | None] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    position: Mapped[int] = mapped_column(BigInteger)
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(String(500))


class WebhookAttemptRow(Base):
    """The delivery log: every attempt at sending a change to a subscription."""

    __tablename__ = "webhook_attempts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    webhook_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(500))
    delivered: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (Index("ix_webhook_attempts_webhook_id_at", "webhook_id", "at"),)
