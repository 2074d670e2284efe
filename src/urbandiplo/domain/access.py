"""Who is calling and what they may see and do: roles, permissions, visibility."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum

from urbandiplo.domain.errors import NotAuthenticated, PermissionDenied
from urbandiplo.domain.values import Visibility


class Role(StrEnum):
    """Staff and machine roles, each including the rights of the ones before it."""

    READER = "reader"
    EDITOR = "editor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {Role.READER: 1, Role.EDITOR: 2, Role.ADMIN: 3}


class Permission(StrEnum):
    """Rights beyond a role. Only `confidential` so far: reading confidential records and
    protected people."""

    CONFIDENTIAL = "confidential"


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller of an operation: anonymous, an API key, or a token's subject.

    `actor` is what the audit log records; it never holds a secret. A caller without a role
    (anonymous, a contributor, or a valid token that grants none) sees what the website sees.
    A contributor acts for one organisation (`organisation_id`): besides what is public, it
    reaches that organisation's own contributions, and nothing of any other."""

    actor: str
    role: Role | None = None
    permissions: frozenset[Permission] = field(default_factory=frozenset)
    authenticated: bool = False  # a valid credential was presented
    organisation_id: uuid.UUID | None = None  # a contributor's organisation

    @property
    def is_contributor(self) -> bool:
        return self.role is None and self.organisation_id is not None

    @property
    def is_anonymous(self) -> bool:
        """No staff role: public records and public fields only."""
        return self.role is None

    @property
    def visible(self) -> frozenset[Visibility]:
        """The visibilities of the records this caller may see."""
        if self.role is None:
            return PUBLIC_ONLY
        if Permission.CONFIDENTIAL in self.permissions:
            return EVERYTHING
        return STAFF

    def may_see(self, visibility: Visibility) -> bool:
        return visibility in self.visible

    def require(self, role: Role) -> None:
        """Raise unless the caller has `role` or a higher one."""
        if self.role is None and not self.authenticated:
            raise NotAuthenticated("this operation needs a staff or machine credential")
        if self.role is None or self.role.rank < role.rank:
            raise PermissionDenied(f"this operation needs the {role.value} role")

    def require_contributor_or(self, role: Role) -> None:
        """Raise unless the caller is a contributor, or staff with `role` or a higher one."""
        if not self.is_contributor:
            if self.role is None and self.authenticated:
                raise PermissionDenied(
                    f"this operation needs a contributor credential or the {role.value} role"
                )
            self.require(role)

    def acts_for(self, organisation_id: uuid.UUID | None) -> bool:
        """Whether a contributor acts for this organisation (never true for staff)."""
        return self.is_contributor and self.organisation_id == organisation_id


PUBLIC_ONLY = frozenset({Visibility.PUBLIC})
STAFF = frozenset({Visibility.PUBLIC, Visibility.INTERNAL})
EVERYTHING = frozenset(Visibility)

ANONYMOUS = Principal(actor="anonymous")
SYSTEM = Principal(
    actor="system",
    role=Role.ADMIN,
    permissions=frozenset({Permission.CONFIDENTIAL}),
    authenticated=True,
)
