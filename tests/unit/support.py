"""Callers and builders shared by the unit tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from urbandiplo.domain.access import SYSTEM, Permission, Principal, Role
from urbandiplo.domain.cities import City, CityFields, CityService
from urbandiplo.domain.partnerships import (
    Partnership,
    PartnershipFields,
    PartnershipKind,
    PartnershipService,
)
from urbandiplo.domain.values import Visibility

READER = Principal(actor="test reader", role=Role.READER)
EDITOR = Principal(actor="test editor", role=Role.EDITOR)
ADMIN = Principal(actor="test admin", role=Role.ADMIN)
CONFIDANT = Principal(
    actor="test confidant", role=Role.READER, permissions=frozenset({Permission.CONFIDENTIAL})
)


def utc_today() -> date:
    return datetime.now(UTC).date()


def add_city(
    service: CityService,
    name: str,
    country_code: str,
    visibility: Visibility = Visibility.PUBLIC,
    **fields: Any,
) -> City:
    return service.create(
        EDITOR if visibility != Visibility.CONFIDENTIAL else SYSTEM,
        CityFields(name=name, country_code=country_code, visibility=visibility, **fields),
    )


def add_partnership(
    service: PartnershipService,
    partner: City,
    kind: PartnershipKind = PartnershipKind.TWINNING,
    **fields: Any,
) -> Partnership:
    caller = SYSTEM if fields.get("visibility") == Visibility.CONFIDENTIAL else EDITOR
    return service.create(
        caller, PartnershipFields(partner_city_id=partner.id, kind=kind, **fields)
    )
