"""OIDC bearer tokens for staff: JWTs checked against the configured issuer's signing keys
(JWKS, from a URL or a file), turned into a Principal with the roles their claims grant."""

from __future__ import annotations

import contextlib
import json
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jwt
from jwt import PyJWK, PyJWKSet

from urbandiplo.domain.access import Permission, Principal, Role
from urbandiplo.domain.errors import NotAuthenticated

# Asymmetric algorithms only: a symmetric one would let anyone holding the public key sign.
ALLOWED_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
KEY_TYPES = {
    "RSA": ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"),
    "EC": ("ES256", "ES384", "ES512"),
    "OKP": ("EdDSA",),
}
LEEWAY_SECONDS = 30  # clock skew between the issuer and this server
REFETCH_AFTER_SECONDS = 30  # an unknown key id fetches the keys again, at most this often
MAX_TOKEN_BYTES = 16_384


class InvalidToken(NotAuthenticated):
    """A bearer token that is not valid here (RFC 6750 `invalid_token`)."""

    bearer_error = "invalid_token"


class KeySet:
    """The issuer's signing keys by key id, cached; fetched again when a token names a key id
    not seen yet (key rotation), but not more often than every REFETCH_AFTER_SECONDS, and
    at the latest after `max_age` seconds."""

    def __init__(self, load: Callable[[], Mapping[str, Any]], max_age: float = 300.0) -> None:
        self._load = load
        self._max_age = max_age
        self._keys: dict[str, tuple[PyJWK, str | None]] = {}  # with the JWK's own `alg`
        self._fetched_at = float("-inf")
        self._lock = threading.Lock()

    def key(self, kid: str) -> tuple[PyJWK, str | None] | None:
        """The key and the algorithm its JWK names (None where it names none)."""
        with self._lock:
            age = time.monotonic() - self._fetched_at
            if age > self._max_age or (kid not in self._keys and age > REFETCH_AFTER_SECONDS):
                self._refresh()
            return self._keys.get(kid)

    def _refresh(self) -> None:
        self._fetched_at = time.monotonic()
        try:
            document = dict(self._load())
            found = PyJWKSet.from_dict(document)
        except Exception:  # an unreachable or broken JWKS keeps the keys known so far
            return
        declared = {
            k.get("kid"): k.get("alg") for k in document.get("keys", []) if isinstance(k, dict)
        }
        self._keys = {
            key.key_id: (key, declared.get(key.key_id)) for key in found.keys if key.key_id
        }


def jwks_from_url(url: str, timeout: float = 5.0) -> Callable[[], Mapping[str, Any]]:
    def load() -> Mapping[str, Any]:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - configured
            document: Mapping[str, Any] = json.loads(response.read(1_000_000))
        return document

    return load


def jwks_from_file(path: Path) -> Callable[[], Mapping[str, Any]]:
    def load() -> Mapping[str, Any]:
        document: Mapping[str, Any] = json.loads(path.read_text("utf-8"))
        return document

    return load


def _claim(claims: Mapping[str, Any], path: str) -> Any:
    """A claim by dotted path ("realm_access.roles")."""
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


class TokenVerifier:
    """Checks a bearer token: signature by a key of the issuer's JWKS (by `kid`), one of the
    configured algorithms, issuer, audience, expiry and not-before, all required."""

    def __init__(
        self,
        *,
        issuer: str,
        audience: str,
        keys: KeySet,
        algorithms: Sequence[str] = ("RS256", "ES256"),
        roles_claim: str = "roles",
        role_values: Mapping[str, str] | None = None,
        organisation_claim: str = "organisation_id",
    ) -> None:
        unsafe = set(algorithms) - ALLOWED_ALGORITHMS
        if unsafe or not algorithms:
            raise ValueError(f"not allowed for tokens: {sorted(unsafe) or 'no algorithm'}")
        self._issuer = issuer
        self._audience = audience
        self._keys = keys
        self._algorithms = list(algorithms)
        self._roles_claim = roles_claim
        self._organisation_claim = organisation_claim
        values = role_values or {}
        self._role_values = {
            name: values.get(name, name)
            for name in [*(r.value for r in Role), "confidential", "contributor"]
        }

    def principal(self, token: str) -> Principal:
        if len(token) > MAX_TOKEN_BYTES:
            raise InvalidToken("the token is too long")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise InvalidToken("the token is not a JWT") from error
        algorithm, kid = header.get("alg"), header.get("kid")
        if algorithm not in self._algorithms:
            raise InvalidToken("the token's algorithm is not accepted")
        if not isinstance(kid, str) or not kid:
            raise InvalidToken("the token names no key (kid)")
        found = self._keys.key(kid)
        if found is None:
            raise InvalidToken("the token is signed with an unknown key")
        key, declared = found
        # The JWK's own `alg` where it names one; otherwise the key's type must fit.
        fits = (
            algorithm == declared if declared else algorithm in KEY_TYPES.get(str(key.key_type), ())
        )
        if not fits:
            raise InvalidToken("the token's algorithm does not fit its key")
        try:
            claims = jwt.decode(
                token,
                key=key.key,
                algorithms=[algorithm],
                audience=self._audience,
                issuer=self._issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise InvalidToken("the token has expired") from error
        except jwt.ImmatureSignatureError as error:
            raise InvalidToken("the token is not valid yet") from error
        except jwt.InvalidIssuerError as error:
            raise InvalidToken("the token is from another issuer") from error
        except jwt.InvalidAudienceError as error:
            raise InvalidToken("the token is for another audience") from error
        except jwt.PyJWTError as error:
            raise InvalidToken("the token is not valid") from error
        return self._principal(claims)

    def _principal(self, claims: Mapping[str, Any]) -> Principal:
        granted = _claim(claims, self._roles_claim)
        if isinstance(granted, str):
            values = set(granted.split())
        elif isinstance(granted, list):
            values = {v for v in granted if isinstance(v, str)}
        else:
            values = set()
        roles = [r for r in Role if self._role_values[r.value] in values]
        role = max(roles, key=lambda r: r.rank) if roles else None
        permissions = (
            frozenset({Permission.CONFIDENTIAL})
            if self._role_values["confidential"] in values
            else frozenset()
        )
        return Principal(
            actor=f"oidc:{claims['sub']}",
            role=role,
            permissions=permissions,
            authenticated=True,
            # A contributor's token names its organisation; a staff role outranks it.
            organisation_id=(
                self._organisation(claims)
                if role is None and self._role_values["contributor"] in values
                else None
            ),
        )

    def _organisation(self, claims: Mapping[str, Any]) -> uuid.UUID:
        named = _claim(claims, self._organisation_claim)
        if isinstance(named, str):
            with contextlib.suppress(ValueError):
                return uuid.UUID(named)
        raise InvalidToken("a contributor token must name its organisation's id")
