"""The call subscription repository, and the alerts: one row per subscription, call and kind
(a unique key), so that a second alert of the same is never stored."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError

from urbandiplo.db.models import CallAlertRow, CallSubscriptionRow, OrganisationRow, table_of
from urbandiplo.db.records import QUERY_ONLY, SqlRepository
from urbandiplo.db.refs import organisation_ref_columns, organisation_ref_from
from urbandiplo.domain.alerts import AlertKind, CallSubscription, CallSubscriptionQuery
from urbandiplo.domain.funding import FundingLevel
from urbandiplo.domain.ids import new_id
from urbandiplo.domain.organisations import OrganisationKind
from urbandiplo.domain.records import utcnow
from urbandiplo.domain.taxonomies import FieldOfAction
from urbandiplo.domain.values import Visibility

subscriptions = table_of(CallSubscriptionRow)
alerts = table_of(CallAlertRow)
organisation = table_of(OrganisationRow).alias("subscriber")

SORT_COLUMNS: dict[str, tuple[ColumnElement[Any], type]] = {
    "created_at": (subscriptions.c.created_at, datetime),
    "updated_at": (subscriptions.c.updated_at, datetime),
}


class SqlCallSubscriptionRepository(SqlRepository[CallSubscription, CallSubscriptionQuery]):
    table = subscriptions
    sort_columns = SORT_COLUMNS

    def select(self) -> Select[Any]:
        return select(
            *(c for c in subscriptions.c if c.name not in QUERY_ONLY),
            *organisation_ref_columns(organisation, "organisation"),
        ).select_from(
            subscriptions.join(organisation, organisation.c.id == subscriptions.c.organisation_id)
        )

    def conditions(self, query: CallSubscriptionQuery) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = []
        if query.organisation_id is not None:
            conditions.append(subscriptions.c.organisation_id == query.organisation_id)
        if query.modified_since is not None:
            conditions.append(subscriptions.c.updated_at >= query.modified_since)
        return conditions

    def build(self, rows: Sequence[Row[Any]]) -> list[CallSubscription]:
        return [_subscription(row._mapping) for row in rows]

    def values(self, record: CallSubscription) -> dict[str, Any]:
        return {
            "id": record.id,
            "name": record.name,
            "organisation_id": record.organisation_id,
            "levels": [level.value for level in record.levels],
            "fields_of_action": [f.value for f in record.fields_of_action],
            "sdgs": list(record.sdgs),
            "applicant_kinds": [k.value for k in record.applicant_kinds],
            "lead_days": record.lead_days,
            "visibility": record.visibility.value,
            "created_at": record.created_at,
            "updated_at": record.updated_at,
            "version": record.version,
            "search_text": "",
        }

    def add_alerts(self, due: Sequence[tuple[uuid.UUID, uuid.UUID, AlertKind]]) -> int:
        if not due:
            return 0
        dialect = postgresql if self._connection.dialect.name == "postgresql" else sqlite
        now = utcnow()
        statement = (
            dialect.insert(alerts)
            .values(
                [
                    {
                        "id": new_id(),
                        "subscription_id": subscription_id,
                        "call_id": call_id,
                        "kind": kind.value,
                        "created_at": now,
                    }
                    for subscription_id, call_id, kind in due
                ]
            )
            .on_conflict_do_nothing(index_elements=["subscription_id", "call_id", "kind"])
            .returning(alerts.c.id)  # the new ones only: a row count is not one everywhere
        )
        try:
            return len(self._connection.execute(statement).all())
        except IntegrityError:  # the subscription or a call was deleted meanwhile
            return 0

    def alerts(
        self, subscription_id: uuid.UUID, limit: int
    ) -> list[tuple[uuid.UUID, uuid.UUID, AlertKind, datetime]]:
        rows = self._connection.execute(
            select(alerts.c.id, alerts.c.call_id, alerts.c.kind, alerts.c.created_at)
            .where(alerts.c.subscription_id == subscription_id)
            .order_by(alerts.c.created_at.desc(), alerts.c.id.desc())
            .limit(limit)
        )
        return [(r.id, r.call_id, AlertKind(r.kind), r.created_at) for r in rows]


def _subscription(values: Any) -> CallSubscription:
    return CallSubscription(
        id=values["id"],
        name=values["name"],
        organisation_id=values["organisation_id"],
        organisation=organisation_ref_from(values, "organisation", values["organisation_id"]),
        levels=tuple(FundingLevel(v) for v in values["levels"]),
        fields_of_action=tuple(FieldOfAction(v) for v in values["fields_of_action"]),
        sdgs=tuple(values["sdgs"]),
        applicant_kinds=tuple(OrganisationKind(v) for v in values["applicant_kinds"]),
        lead_days=values["lead_days"],
        visibility=Visibility(values["visibility"]),
        created_at=values["created_at"],
        updated_at=values["updated_at"],
        version=values["version"],
    )
