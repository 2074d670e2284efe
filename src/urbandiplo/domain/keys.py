"""API keys for staff scripts and machines, and for contributors acting for one
organisation: issued once, stored hashed, checked per request."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

from urbandiplo.domain import audit
from urbandiplo.domain.access import ANONYMOUS, SYSTEM, Permission, Principal, Role
from urbandiplo.domain.audit import AuditOperation
from urbandiplo.domain.errors import FieldProblem, InvalidData, NotAuthenticated
from urbandiplo.domain.ids import new_id
from urbandiplo.domain.ports import StoredApiKey, UnitOfWorkFactory
from urbandiplo.domain.records import utcnow

KEY_PREFIX = "ud"
CONTRIBUTOR = "contributor"  # the role name of a contributor's key
MAX_NAME = 200


def _hash(secret: str) -> str:
    # Keys are 256-bit random, so a fast hash cannot be brute-forced; no salt or KDF needed.
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiKeyService:
    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow = uow_factory

    def create(
        self, name: str, role: Role | None, organisation_id: uuid.UUID | None = None
    ) -> tuple[StoredApiKey, str]:
        """A new key: a staff role, or (role None) a contributor's key for an organisation
        the office has on record. The plain key is returned once and never stored."""
        if not name.strip() or len(name.strip()) > MAX_NAME:
            raise InvalidData(
                f"a key needs a name of 1 to {MAX_NAME} characters",
                [FieldProblem("name", f"1 to {MAX_NAME} characters")],
            )
        if (role is None) != (organisation_id is not None):
            raise InvalidData(
                "a contributor key needs an organisation, a staff key none",
                [FieldProblem("organisation", "for contributor keys, and only for them")],
            )
        prefix = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        key = StoredApiKey(
            id=new_id(),
            name=name.strip(),
            role=role,
            prefix=prefix,
            secret_hash=_hash(secret),
            created_at=utcnow(),
            revoked_at=None,
            organisation_id=organisation_id,
        )
        kept = {  # the log never holds the secret or its hash
            "id": key.id,
            "name": key.name,
            "role": key.role or CONTRIBUTOR,
            "organisation_id": key.organisation_id,
            "prefix": key.prefix,
            "created_at": key.created_at,
        }
        with self._uow(write=True) as uow:
            if organisation_id is not None and uow.organisations.get(organisation_id) is None:
                raise InvalidData(
                    "no such organisation",
                    [FieldProblem("organisation", "an organisation's id on record")],
                )
            uow.api_keys.add(key)
            uow.audit.add(
                audit.entry(
                    SYSTEM, AuditOperation.CREATE, "api key", key.id, None, kept, at=key.created_at
                )
            )
            uow.commit()
        return key, f"{KEY_PREFIX}_{prefix}_{secret}"

    def authenticate(self, presented: str | None) -> Principal:
        """The caller a key stands for; no key is the anonymous caller."""
        if presented is None:
            return ANONYMOUS
        parts = presented.split("_", 2)
        if len(parts) != 3 or parts[0] != KEY_PREFIX:
            raise NotAuthenticated("the API key is not valid")
        with self._uow() as uow:
            key = uow.api_keys.by_prefix(parts[1])
        if (
            key is None
            or key.revoked_at is not None
            or not hmac.compare_digest(key.secret_hash, _hash(parts[2]))
        ):
            raise NotAuthenticated("the API key is not valid")
        # Until the confidential permission can be granted on its own (with OIDC tokens),
        # admins hold it.
        permissions = (
            frozenset({Permission.CONFIDENTIAL}) if key.role == Role.ADMIN else frozenset()
        )
        return Principal(
            actor=f"api-key:{key.id}",
            role=key.role,
            permissions=permissions,
            authenticated=True,
            organisation_id=key.organisation_id,
        )
