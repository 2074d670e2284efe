"""Who is calling and what they may see and do: roles, permissions, visibility."""

from __future__ import annotations

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
    (anonymous, or a valid token that grants none) sees what the website sees."""

    actor: str
    role: Role | None = None
    permissions: frozenset[Permission] = field(default_factory=frozenset)
    authenticated: bool = False  # a valid credential was presented

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
