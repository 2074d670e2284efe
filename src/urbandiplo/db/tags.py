"""A record's SDGs, fields of action and eligible applicant kinds kept as tags in one child
table (`<key>, tag`, e.g. "sdg:16", "field:city_diplomacy", "applicant:association"):
one row per tag, one index to filter by, one query to read them for a page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, exists, select

from urbandiplo.db.records import among
from urbandiplo.db.refs import grouped
from urbandiplo.domain.organisations import OrganisationKind
from urbandiplo.domain.taxonomies import FieldOfAction, check_fields_of_action


def sdg_tag(number: int) -> str:
    return f"sdg:{number}"


def field_tag(field: FieldOfAction) -> str:
    return f"field:{field.value}"


def applicant_tag(kind: OrganisationKind) -> str:
    return f"applicant:{kind.value}"


@dataclass(frozen=True, slots=True)
class Tags:
    sdgs: tuple[int, ...] = ()
    fields_of_action: tuple[FieldOfAction, ...] = ()
    applicant_kinds: tuple[OrganisationKind, ...] = ()


def tags_of(
    sdgs: Iterable[int],
    fields: Iterable[FieldOfAction],
    applicants: Iterable[OrganisationKind] = (),
) -> list[str]:
    return [
        *(sdg_tag(n) for n in sdgs),
        *(field_tag(f) for f in fields),
        *(applicant_tag(k) for k in applicants),
    ]


def parsed(labels: Sequence[str]) -> Tags:
    def values(prefix: str) -> list[str]:
        return [t.removeprefix(prefix) for t in labels if t.startswith(prefix)]

    return Tags(
        sdgs=tuple(sorted(int(n) for n in values("sdg:"))),
        fields_of_action=check_fields_of_action([FieldOfAction(f) for f in values("field:")]),
        applicant_kinds=tuple(sorted(OrganisationKind(k) for k in values("applicant:"))),
    )


def tagged(table: Table, key: str, record_id: ColumnElement[Any], tag: str) -> ColumnElement[bool]:
    """The record (its id column `record_id`) carries `tag`."""
    return exists().where(table.c[key] == record_id, table.c.tag == tag)


def read_tags(
    connection: Connection, table: Table, key: str, ids: Sequence[Any]
) -> dict[Any, Tags]:
    """The tags of the records `ids`, in one query."""
    found = grouped(
        connection.execute(select(table).where(among(connection, table.c[key], ids))),
        key,
        lambda r: str(r.tag),
    )
    return {record_id: parsed(labels) for record_id, labels in found.items()}
