"""Embedded references read with their record in one query: the columns to select from an
aliased table, and the reference built from them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, FromClause, Table, select

from urbandiplo.db.models import CityRow, PartnershipRow, table_of
from urbandiplo.db.records import VISIBILITIES, among
from urbandiplo.domain.refs import CityRef, LinkRef, OrganisationRef
from urbandiplo.domain.values import Visibility, strictest

T = TypeVar("T")

CITY_REF_FIELDS = ("id", "name", "names", "country_code", "visibility")


def city_ref_columns(table: FromClause, prefix: str) -> list[ColumnElement[Any]]:
    """The columns of a city reference, labelled `prefix__name`."""
    return [table.c[name].label(f"{prefix}__{name}") for name in CITY_REF_FIELDS]


def city_ref_from(values: Any, prefix: str) -> CityRef:
    id_, name, names, country_code, visibility = _city_labels(prefix)
    return CityRef(
        id=values[id_],
        name=values[name],
        names=values[names] or {},
        country_code=values[country_code],
        visibility=VISIBILITIES[values[visibility]],
    )


@cache
def _city_labels(prefix: str) -> tuple[str, ...]:
    """The labels of `city_ref_columns` (made once per prefix, not for every row)."""
    return tuple(f"{prefix}__{name}" for name in CITY_REF_FIELDS)


ORGANISATION_REF_FIELDS = ("name", "kind", "website", "visibility")


def organisation_ref_columns(table: FromClause, prefix: str) -> list[ColumnElement[Any]]:
    """The columns of an organisation reference (its id is the referring row's), labelled
    `prefix__name`."""
    return [table.c[name].label(f"{prefix}__{name}") for name in ORGANISATION_REF_FIELDS]


def organisation_ref_from(values: Any, prefix: str, organisation_id: Any) -> OrganisationRef:
    return OrganisationRef(
        id=organisation_id,
        name=values[f"{prefix}__name"],
        kind=values[f"{prefix}__kind"],
        website=values[f"{prefix}__website"],
        visibility=VISIBILITIES[values[f"{prefix}__visibility"]],
    )


def grouped(rows: Iterable[Any], key: str, build: Callable[[Any], T]) -> dict[Any, list[T]]:
    """Related rows by the record they belong to, in the order the query gave them."""
    result: dict[Any, list[T]] = defaultdict(list)
    for row in rows:
        result[getattr(row, key)].append(build(row))
    return result


_partnerships = table_of(PartnershipRow)
_city = table_of(CityRow).alias("link_city")
_partner = table_of(CityRow).alias("link_partner")


def partnership_links(
    connection: Connection, links: Table, key: str, ids: Iterable[Any]
) -> dict[Any, list[LinkRef]]:
    """The partnerships a link table (`key`, position, partnership_id) names for the records
    `ids`, in one query, each shown where it and both its cities are."""
    rows = connection.execute(
        select(
            links.c[key],
            _partnerships.c.id,
            _partnerships.c.visibility,
            _city.c.visibility.label("city_visibility"),
            _partner.c.visibility.label("partner_visibility"),
        )
        .join(_partnerships, _partnerships.c.id == links.c.partnership_id)
        .join(_city, _city.c.id == _partnerships.c.city_id)
        .join(_partner, _partner.c.id == _partnerships.c.partner_city_id)
        .where(among(connection, links.c[key], ids))
        .order_by(links.c[key], links.c.position)
    )
    return grouped(
        rows,
        key,
        lambda r: LinkRef(
            id=r.id,
            visibility=strictest(
                Visibility(r.visibility),
                Visibility(r.city_visibility),
                Visibility(r.partner_visibility),
            ),
        ),
    )
