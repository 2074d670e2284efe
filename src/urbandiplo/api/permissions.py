"""Which role each operation needs: one table, applied to every request before its body is
read, and checked against the contract by a test. The domain services check again.

A contributor (acting for one organisation) holds no staff role: it passes where an
operation is open to anonymous callers, and sees there what they see; it passes where the
table says `Contributors(...)`, and reaches there its own organisation's records only; every
other operation refuses it (403)."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from urbandiplo.api.deps import PrincipalDep
from urbandiplo.domain.access import Principal, Role


@dataclass(frozen=True, slots=True)
class Contributors:
    """Open to contributors, and to staff holding `role` or a higher one."""

    role: Role


Needed = Role | Contributors | None


def passes(principal: Principal, needed: Needed) -> None:
    """Raise (401, 403) unless the caller may call an operation that needs `needed`."""
    if isinstance(needed, Contributors):
        principal.require_contributor_or(needed.role)
    elif needed is not None:
        principal.require(needed)


# None: open to anonymous callers, who see public records and fields only.
OPERATION_ROLES: dict[str, Needed] = {
    "cities-list": None,
    "cities-get": None,
    "cities-create": Role.EDITOR,
    "cities-update": Role.EDITOR,
    "cities-delete": Role.EDITOR,
    "partnerships-list": None,
    "partnerships-get": None,
    "partnerships-anniversaries": None,
    "partner-cities-map": None,
    "partnerships-create": Role.EDITOR,
    "partnerships-update": Role.EDITOR,
    "partnerships-delete": Role.EDITOR,
    "organisations-list": None,
    "organisations-get": None,
    "organisations-create": Role.EDITOR,
    "organisations-update": Role.EDITOR,
    "organisations-delete": Role.EDITOR,
    "people-list": None,
    "people-get": None,
    "people-create": Role.EDITOR,
    "people-update": Role.EDITOR,
    "people-delete": Role.EDITOR,
    "people-erase": Role.ADMIN,
    "networks-list": None,
    "networks-get": None,
    "networks-create": Role.EDITOR,
    "networks-update": Role.EDITOR,
    "networks-delete": Role.EDITOR,
    "events-list": None,
    "events-calendar": None,
    "events-get": None,
    "events-create": Role.EDITOR,
    "events-update": Role.EDITOR,
    "events-delete": Role.EDITOR,
    "delegations-list": None,
    "delegations-get": None,
    "delegations-create": Role.EDITOR,
    "delegations-update": Role.EDITOR,
    "delegations-delete": Role.EDITOR,
    "funding-programmes-list": None,
    "funding-programmes-get": None,
    "funding-programmes-create": Role.EDITOR,
    "funding-programmes-update": Role.EDITOR,
    "funding-programmes-delete": Role.EDITOR,
    "news-list": None,
    "news-feed": None,
    "news-get": None,
    "news-create": Role.EDITOR,
    "news-update": Role.EDITOR,
    "news-delete": Role.EDITOR,
    "cooperation-offers-list": None,
    "cooperation-offers-get": None,
    "cooperation-offers-create": Role.EDITOR,
    "cooperation-offers-update": Role.EDITOR,
    "cooperation-offers-delete": Role.EDITOR,
    "call-subscriptions-list": Contributors(Role.READER),
    "call-subscriptions-get": Contributors(Role.READER),
    "call-subscriptions-alerts": Contributors(Role.READER),
    "call-subscriptions-alerts-feed": Contributors(Role.READER),
    "call-subscriptions-create": Contributors(Role.EDITOR),
    "call-subscriptions-update": Contributors(Role.EDITOR),
    "call-subscriptions-delete": Contributors(Role.EDITOR),
    "funding-calls-list": None,
    "funding-calls-feed": None,
    "funding-calls-get": None,
    "funding-calls-create": Role.EDITOR,
    "funding-calls-update": Role.EDITOR,
    "funding-calls-delete": Role.EDITOR,
    "funding-applications-list": None,
    "funding-applications-get": None,
    # An applicant from outside: its own organisation's incoming applications only.
    "funding-applications-create": Contributors(Role.EDITOR),
    "funding-applications-update": Contributors(Role.EDITOR),
    "funding-applications-delete": Contributors(Role.EDITOR),
    "funding-applications-transition": Contributors(Role.EDITOR),
    "funding-applications-submit-report": Contributors(Role.EDITOR),
    "funding-applications-attachments-list": Contributors(Role.READER),
    "funding-applications-attachments-get": Contributors(Role.READER),
    "funding-applications-attach": Contributors(Role.EDITOR),
    "funding-applications-detach": Contributors(Role.EDITOR),
    "contributions-list": Contributors(Role.READER),
    "contributions-get": Contributors(Role.READER),
    "contributions-create": Contributors(Role.EDITOR),
    "contributions-update": Contributors(Role.EDITOR),
    "contributions-delete": Contributors(Role.EDITOR),
    "contributions-transition": Contributors(Role.EDITOR),
    "contributions-attachments-list": Contributors(Role.READER),
    "contributions-attachments-get": Contributors(Role.READER),
    "contributions-attach": Contributors(Role.EDITOR),
    "contributions-detach": Contributors(Role.EDITOR),
    "projects-list": None,
    "projects-get": None,
    "projects-create": Role.EDITOR,
    "projects-update": Role.EDITOR,
    "projects-delete": Role.EDITOR,
    "projects-funding": Role.READER,
    "audit-log-list": Role.ADMIN,
    "search": None,
    "changes-list": None,
    "reports-annual": None,
    "webhooks-create": Role.ADMIN,
    "webhooks-list": Role.ADMIN,
    "webhooks-get": Role.ADMIN,
    "webhooks-attempts": Role.ADMIN,
    "webhooks-delete": Role.ADMIN,
    "cities-export": None,
    "partnerships-export": None,
    "organisations-export": None,
    "events-export": None,
    "cities-import": Role.EDITOR,
    "partnerships-import": Role.EDITOR,
    "organisations-import": Role.EDITOR,
    "events-import": Role.EDITOR,
    "taxonomies-sdgs": None,
    "taxonomies-fields-of-action": None,
    "health": None,
    "readiness": None,
    "metrics": Role.READER,
}
# Operations outside the contract (operations endpoints, not the API), checked all the same.
OUTSIDE_CONTRACT = frozenset({"metrics"})


async def authorize(request: Request, principal: PrincipalDep) -> None:
    """Refuse the caller unless it holds the role the operation needs."""
    route = request.scope.get("route")
    operation_id = getattr(route, "operation_id", None)
    if operation_id is None:  # the docs pages, outside the contract
        return
    passes(principal, OPERATION_ROLES[operation_id])
