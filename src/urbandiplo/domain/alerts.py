"""Call alerts (seed 004: funding calls tracked *and announced*): an organisation subscribes
to the calls that concern it (levels, fields of action, SDGs, the kinds of organisation that
may apply) and hears, once each, of a call that opens and of a deadline that comes within
its lead time.

A subscription is its organisation's and the office's only, like a contribution. Alerts are
made by a scan (`urbandiplo alerts scan`), each at most once per call, subscription and kind:
the database refuses a second one, so a scan killed at any moment and started again makes
the missing alerts and no others."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from urbandiplo.domain.access import ANONYMOUS, STAFF, Principal, Role
from urbandiplo.domain.audit import AuditOperation
from urbandiplo.domain.errors import FieldProblem, InvalidData
from urbandiplo.domain.funding import CallStatus, FundingCall, FundingCallQuery, FundingLevel
from urbandiplo.domain.listing import MAX_PAGE_SIZE, PageRequest, Sort, all_pages
from urbandiplo.domain.organisations import OrganisationKind
from urbandiplo.domain.owned import OwnedRecordService, owning_organisation
from urbandiplo.domain.ports import Repository, UnitOfWork, UnitOfWorkFactory
from urbandiplo.domain.records import (
    Precondition,
    check_precondition,
    utcnow,
)
from urbandiplo.domain.refs import OrganisationRef, organisation_ref
from urbandiplo.domain.taxonomies import FieldOfAction, check_fields_of_action, check_sdgs
from urbandiplo.domain.values import Visibility

SUBSCRIPTION_SORTS = ("created_at", "updated_at")
DEFAULT_LEAD_DAYS = 14
MAX_CALLS = 5000  # the announced calls a scan compares with every subscription


class AlertKind(StrEnum):
    OPENED = "opened"  # the call is open for applications
    DEADLINE = "deadline"  # its deadline is within the subscription's lead time


@dataclass(frozen=True, slots=True, kw_only=True)
class CallSubscriptionFields:
    """What an organisation wants to hear of. An empty list does not narrow."""

    name: str
    levels: tuple[FundingLevel, ...] = ()
    fields_of_action: tuple[FieldOfAction, ...] = ()
    sdgs: tuple[int, ...] = ()
    applicant_kinds: tuple[OrganisationKind, ...] = ()
    lead_days: int = DEFAULT_LEAD_DAYS
    organisation_id: uuid.UUID | None = None  # the contributor's own; staff name it

    def matches(self, call: FundingCall) -> bool:
        """The call concerns the subscriber: of one of its levels, about one of its fields
        and goals, and open to one of its kinds of applicant (a call that names none is
        open to any)."""
        return (
            (not self.levels or call.programme.level in self.levels)
            and (
                not self.fields_of_action
                or bool(set(self.fields_of_action) & set(call.fields_of_action))
            )
            and (not self.sdgs or bool(set(self.sdgs) & set(call.sdgs)))
            and (
                not self.applicant_kinds
                or not call.applicant_kinds
                or bool(set(self.applicant_kinds) & set(call.applicant_kinds))
            )
        )

    def due(self, call: FundingCall, now: datetime) -> list[AlertKind]:
        """The alerts the call gives this subscription as of `now`."""
        if call.status_at(now) != CallStatus.OPEN or not self.matches(call):
            return []
        kinds = [AlertKind.OPENED]
        if call.deadline - timedelta(days=self.lead_days) <= now:
            kinds.append(AlertKind.DEADLINE)
        return kinds


@dataclass(frozen=True, slots=True, kw_only=True)
class CallSubscription(CallSubscriptionFields):
    id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int
    organisation: OrganisationRef
    visibility: Visibility = Visibility.INTERNAL  # never public


@dataclass(frozen=True, slots=True, kw_only=True)
class CallAlert:
    id: uuid.UUID
    subscription_id: uuid.UUID
    kind: AlertKind
    created_at: datetime
    call: FundingCall


@dataclass(frozen=True, slots=True)
class CallSubscriptionQuery:
    organisation_id: uuid.UUID | None = None
    modified_since: datetime | None = None


class CallSubscriptionRepository(Repository[CallSubscription, CallSubscriptionQuery], Protocol):
    def add_alerts(self, alerts: Sequence[tuple[uuid.UUID, uuid.UUID, AlertKind]]) -> int:
        """Store alerts (subscription, call, kind) not stored yet; how many were new."""

    def alerts(
        self, subscription_id: uuid.UUID, limit: int
    ) -> list[tuple[uuid.UUID, uuid.UUID, AlertKind, datetime]]:
        """The subscription's newest alerts, newest first: (id, call id, kind, made)."""


class CallSubscriptionService(
    OwnedRecordService[CallSubscriptionFields, CallSubscription, CallSubscriptionQuery]
):
    """Subscriptions, reached by their organisation's contributors and by staff; another
    organisation's is a 404, as a record that does not exist."""

    record_type = "call subscription"
    fields_type = CallSubscriptionFields
    record_class = CallSubscription
    query_class = CallSubscriptionQuery

    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        super().__init__(uow_factory)

    def repository(self, uow: UnitOfWork) -> CallSubscriptionRepository:
        return uow.call_subscriptions

    def prepare(
        self,
        uow: UnitOfWork,
        principal: Principal,
        draft: CallSubscriptionFields,
        current: CallSubscription | None,
        changed: Any,
    ) -> dict[str, Any]:
        problems: list[FieldProblem] = []
        if not draft.name.strip():
            problems.append(FieldProblem("name", "must not be empty"))
        if not 0 <= draft.lead_days <= 366:
            problems.append(FieldProblem("lead_days", "0 to 366 days"))
        organisation = owning_organisation(
            uow, principal, draft.organisation_id, "the subscribing organisation", problems
        )
        sdgs: tuple[int, ...] = ()
        try:
            sdgs = check_sdgs(draft.sdgs)
        except InvalidData as error:
            problems += error.problems
        if problems:
            raise InvalidData("the subscription's data is not valid", problems)
        assert organisation is not None
        return {
            "name": draft.name,
            "levels": tuple(dict.fromkeys(draft.levels)),
            "fields_of_action": check_fields_of_action(draft.fields_of_action),
            "sdgs": sdgs,
            "applicant_kinds": tuple(dict.fromkeys(draft.applicant_kinds)),
            "lead_days": draft.lead_days,
            "organisation_id": organisation.id,
            "organisation": organisation_ref(organisation),
        }

    def delete(
        self,
        principal: Principal,
        record_id: uuid.UUID,
        precondition: Precondition[CallSubscription] | None = None,
    ) -> None:
        """Unsubscribe: the subscription and its alerts go."""
        principal.require_contributor_or(Role.EDITOR)
        with self._uow(write=True) as uow:
            current = self._visible(uow, principal, record_id)
            check_precondition(current, precondition)
            uow.call_subscriptions.delete(record_id)
            self.written(uow, principal, AuditOperation.DELETE, record_id, current, None, utcnow())
            uow.commit()

    def alerts(
        self, principal: Principal, subscription_id: uuid.UUID, limit: int
    ) -> tuple[CallSubscription, list[CallAlert]]:
        """The subscription's alerts, newest first, with the calls as the public sees them
        (a call no longer public is left out)."""
        principal.require_contributor_or(Role.READER)
        with self._uow() as uow:
            subscription = self._visible(uow, principal, subscription_id)
            rows = uow.call_subscriptions.alerts(subscription_id, limit)
            calls = {c.id: c for c in uow.funding_calls.many({row[1] for row in rows})}
        found = [
            CallAlert(
                id=alert_id, subscription_id=subscription_id, kind=kind, created_at=at, call=call
            )
            for alert_id, call_id, kind, at in rows
            if (call := calls.get(call_id)) is not None and call.visible_to(ANONYMOUS)
        ]
        return subscription, found

    def scan(self, now: datetime | None = None) -> int:
        """Make the alerts that are due: every announced public call against every
        subscription, one transaction per subscription; how many were new."""
        now = now or utcnow()
        with self._uow() as uow:
            calls = [
                c
                for c in all_pages(
                    lambda page: uow.funding_calls.list_page(
                        FundingCallQuery(announced=True), ANONYMOUS.visible, Sort("deadline"), page
                    ),
                    MAX_CALLS,
                )
                if c.visible_to(ANONYMOUS)
            ]
        made = 0
        page = PageRequest(MAX_PAGE_SIZE)
        while True:
            with self._uow() as uow:
                found = uow.call_subscriptions.list_page(
                    CallSubscriptionQuery(), STAFF, Sort("created_at"), page
                )
            for subscription in found.items:
                due = [(subscription.id, c.id, k) for c in calls for k in subscription.due(c, now)]
                if due:
                    with self._uow(write=True) as uow:
                        made += uow.call_subscriptions.add_alerts(due)
                        uow.commit()
            if found.next is None:
                return made
            page = PageRequest(MAX_PAGE_SIZE, found.next)
