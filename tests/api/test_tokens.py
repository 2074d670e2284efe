"""OIDC bearer tokens, offline: the tests make their own keys and serve their own JWKS."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi.testclient import TestClient
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from sqlalchemy import Engine

from urbandiplo.api import tokens
from urbandiplo.config import Settings
from urbandiplo.main import create_app

ISSUER = "https://login.example.org/realms/stadt"
AUDIENCE = "urbandiplo"


class Issuer:
    """A test OIDC issuer: signing keys and the JWKS document it publishes."""

    def __init__(self) -> None:
        self.keys: dict[str, Any] = {}
        self.published: list[dict[str, Any]] = []
        self.fetches = 0

    def add_rsa(self, kid: str, publish: bool = True) -> None:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.keys[kid] = key
        if publish:
            jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
            self.published.append({**jwk, "kid": kid, "alg": "RS256", "use": "sig"})

    def add_ec(self, kid: str) -> None:
        key = ec.generate_private_key(ec.SECP256R1())
        self.keys[kid] = key
        jwk = json.loads(ECAlgorithm.to_jwk(key.public_key()))
        self.published.append({**jwk, "kid": kid, "alg": "ES256", "use": "sig"})

    def token(self, kid: str = "k1", alg: str = "RS256", **claims: Any) -> str:
        now = int(time.time())
        body = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": "staff-4711",
            "iat": now,
            "exp": now + 300,
            "roles": ["editor"],
            **claims,
        }
        body = {k: v for k, v in body.items() if v is not None}
        return jwt.encode(body, self.keys[kid], algorithm=alg, headers={"kid": kid})

    def public_pem(self, kid: str) -> bytes:
        return (
            self.keys[kid]
            .public_key()
            .public_bytes(  # type: ignore[no-any-return]
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(header: dict[str, Any], claims: dict[str, Any], secret: bytes | None = None) -> str:
    """A token built by hand: `alg: none`, or HS256 with `secret` as the HMAC key."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = b""
    if secret is not None:
        signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


@pytest.fixture
def issuer() -> Iterator[tuple[Issuer, str]]:
    """An issuer whose JWKS is served over HTTP on loopback."""
    found = Issuer()
    found.add_rsa("k1")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            found.fetches += 1
            body = json.dumps({"keys": found.published}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield found, f"http://127.0.0.1:{server.server_address[1]}/jwks"
    server.shutdown()


@pytest.fixture
def client(db: Engine, issuer: tuple[Issuer, str]) -> Iterator[TestClient]:
    settings = Settings(
        database_url=db.url.render_as_string(hide_password=False),
        oidc_issuer=ISSUER,
        oidc_audience=AUDIENCE,
        oidc_jwks_url=issuer[1],
        oidc_roles_claim="realm_access.roles",
        oidc_role_values={"confidential": "vertraulich"},
    )
    with TestClient(create_app(settings, db)) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def roles(*names: str) -> dict[str, Any]:
    return {"roles": None, "realm_access": {"roles": list(names)}}


def test_a_valid_token_acts_with_its_roles(client: TestClient, issuer: tuple[Issuer, str]) -> None:
    keys, _ = issuer
    editor = bearer(keys.token(**roles("editor")))
    created = client.post(
        "/v1/cities", json={"name": "Turku", "country_code": "FI"}, headers=editor
    )
    assert created.status_code == 201, created.text
    reader = bearer(keys.token(**roles("reader")))
    refused = client.post("/v1/cities", json={"name": "Oulu", "country_code": "FI"}, headers=reader)
    assert refused.status_code == 403
    nobody = bearer(keys.token(**roles()))
    assert client.post("/v1/cities", json={}, headers=nobody).status_code == 403
    staff_view = client.get(f"/v1/cities/{created.json()['id']}", headers=reader).json()
    assert "notes" in staff_view
    public_view = client.get(f"/v1/cities/{created.json()['id']}", headers=nobody).json()
    assert "notes" not in public_view, "a token without a role sees what the website sees"
    secret = client.post(
        "/v1/cities",
        json={"name": "Geheim", "country_code": "FI", "visibility": "confidential"},
        headers=bearer(keys.token(**roles("editor", "vertraulich"))),
    )
    assert secret.status_code == 201, secret.text
    url = f"/v1/cities/{secret.json()['id']}"
    assert client.get(url, headers=bearer(keys.token(**roles("admin")))).status_code == 404
    confidant = bearer(keys.token(**roles("reader", "vertraulich")))
    assert client.get(url, headers=confidant).status_code == 200
    log = client.get(
        "/v1/audit-log",
        params={"record_id": created.json()["id"]},
        headers=bearer(keys.token(**roles("admin"))),
    ).json()
    assert log["items"][0]["actor"] == "oidc:staff-4711"


def test_a_contributor_token_acts_for_the_organisation_it_names(
    client: TestClient, issuer: tuple[Issuer, str], contributors: dict[str, dict[str, str]]
) -> None:
    keys, _ = issuer
    a, b = contributors["A"]["organisation_id"], contributors["B"]["organisation_id"]
    body = {
        "kind": "event",
        "event": {
            "title": {"de": "Abend"},
            "kind": "fair",
            "starts_at": "2026-04-01T18:00:00+02:00",
        },
    }
    as_a = bearer(keys.token(**roles("contributor"), organisation_id=a))
    made = client.post("/v1/contributions", json=body, headers=as_a)
    assert made.status_code == 201, made.text
    assert made.json()["organisation_id"] == a
    url = f"/v1/contributions/{made.json()['id']}"
    as_b = bearer(keys.token(**roles("contributor"), organisation_id=b))
    assert client.get(url, headers=as_b).status_code == 404
    assert client.get(url, headers=as_a).status_code == 200
    assert client.post("/v1/cities", json={}, headers=as_a).status_code == 403
    staff = bearer(keys.token(**roles("reader", "contributor"), organisation_id=b))
    assert client.get(url, headers=staff).status_code == 200, "a staff role outranks it"
    nameless = bearer(keys.token(**roles("contributor")))
    refused = client.get("/v1/contributions", headers=nameless)
    assert refused.status_code == 401
    assert "organisation" in refused.json()["detail"]
    odd = bearer(keys.token(**roles("contributor"), organisation_id="Freundeskreis"))
    assert client.get("/v1/contributions", headers=odd).status_code == 401


def test_the_negative_set_is_refused_with_invalid_token(
    client: TestClient, issuer: tuple[Issuer, str]
) -> None:
    keys, _ = issuer
    keys.add_rsa("unpublished", publish=False)
    now = int(time.time())
    good = keys.token(**roles("admin"))
    header, payload, signature = good.split(".")
    tampered_payload = _b64(
        json.dumps({**jwt.decode(good, options={"verify_signature": False}), "sub": "x"}).encode()
    )
    claims = {"iss": ISSUER, "aud": AUDIENCE, "sub": "s", "exp": now + 300, **roles("admin")}
    negative = {
        "expired": keys.token(exp=now - 3600, iat=now - 7200, **roles("admin")),
        "not yet valid": keys.token(nbf=now + 3600, **roles("admin")),
        "wrong issuer": keys.token(iss="https://evil.example.org", **roles("admin")),
        "wrong audience": keys.token(aud="another-api", **roles("admin")),
        "alg none": unsigned({"alg": "none", "kid": "k1"}, claims),
        "HS256 with the public key": unsigned(
            {"alg": "HS256", "kid": "k1", "typ": "JWT"}, claims, secret=keys.public_pem("k1")
        ),
        "unknown kid": keys.token(kid="unpublished", **roles("admin")),
        "tampered signature": f"{header}.{payload}.{signature[:-4]}AAAA",
        "tampered claims": f"{header}.{tampered_payload}.{signature}",
        "no expiry": keys.token(exp=None, **roles("admin")),
        "not a JWT": "not-a-token",
    }
    for case, token in negative.items():
        response = client.get("/v1/cities", headers=bearer(token))
        assert response.status_code == 401, (case, response.text)
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"], case
        assert response.headers["WWW-Authenticate"].startswith("Bearer"), case
        assert response.headers["Content-Type"] == "application/problem+json"
    missing = client.post("/v1/cities", json={"name": "Oulu", "country_code": "FI"})
    assert missing.status_code == 401
    assert "Bearer" in missing.headers["WWW-Authenticate"]
    basic = client.get("/v1/cities", headers={"Authorization": "Basic dXNlcjpwdw=="})
    assert basic.status_code == 401
    assert client.get("/v1/cities", headers=bearer(good)).status_code == 200


def test_rotated_keys_are_fetched_by_kid_and_cached(
    client: TestClient, issuer: tuple[Issuer, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    keys, _ = issuer
    first = bearer(keys.token(**roles("reader")))
    assert client.get("/v1/cities", headers=first).status_code == 200
    assert client.get("/v1/cities", headers=first).status_code == 200
    assert keys.fetches == 1, "the keys are cached"
    keys.add_ec("k2")  # the issuer rotates: a new key, published
    monkeypatch.setattr(tokens, "REFETCH_AFTER_SECONDS", 0)
    rotated = bearer(keys.token(kid="k2", alg="ES256", **roles("reader")))
    assert client.get("/v1/cities", headers=rotated).status_code == 200
    assert keys.fetches == 2, "an unknown kid fetches the keys again"
    monkeypatch.setattr(tokens, "REFETCH_AFTER_SECONDS", 3600)
    keys.keys["k9"] = keys.keys["k2"]  # signed with a known key, but naming an unknown kid
    unknown = bearer(keys.token(kid="k9", alg="ES256", **roles("reader")))
    for _ in range(3):
        assert client.get("/v1/cities", headers=unknown).status_code == 401
    assert keys.fetches == 2, "unknown kids do not make the server fetch again and again"


def test_tokens_are_refused_where_no_issuer_is_configured(app_client: TestClient) -> None:
    response = app_client.get("/v1/cities", headers=bearer("a.b.c"))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_symmetric_algorithm_cannot_be_configured() -> None:
    with pytest.raises(ValueError, match="HS256"):
        tokens.TokenVerifier(
            issuer=ISSUER,
            audience=AUDIENCE,
            keys=tokens.KeySet(lambda: {"keys": []}),
            algorithms=["RS256", "HS256"],
        )


def test_earlier_audit_entries_hide_with_their_record(
    client: TestClient, issuer: tuple[Issuer, str]
) -> None:
    """A person made protected: what the log held of them before is confidential too."""
    keys, _ = issuer
    confidant = bearer(keys.token(**roles("editor", "vertraulich")))
    admin = bearer(keys.token(**roles("admin")))
    person = client.post(
        "/v1/people",
        json={"name": "Noch Ungeschützt", "email": "nu@example.org", "legal_basis": "consent"},
        headers=confidant,
    ).json()
    log = client.get("/v1/audit-log", params={"record_id": person["id"]}, headers=admin)
    assert len(log.json()["items"]) == 1
    protected = client.patch(
        f"/v1/people/{person['id']}", json={"protected": True}, headers=confidant
    )
    assert protected.status_code == 200, protected.text
    hidden = client.get("/v1/audit-log", params={"record_id": person["id"]}, headers=admin)
    assert hidden.json()["items"] == []
    assert "nu@example.org" not in hidden.text
    full_admin = bearer(keys.token(**roles("admin", "vertraulich")))
    shown = client.get("/v1/audit-log", params={"record_id": person["id"]}, headers=full_admin)
    assert len(shown.json()["items"]) == 2


def test_a_jwk_without_alg_takes_any_algorithm_of_its_type() -> None:
    keys = Issuer()
    keys.add_rsa("k1")
    document = {"keys": [{k: v for k, v in keys.published[0].items() if k != "alg"}]}
    verifier = tokens.TokenVerifier(
        issuer=ISSUER,
        audience=AUDIENCE,
        keys=tokens.KeySet(lambda: document),
        algorithms=["PS256", "ES256"],
    )
    principal = verifier.principal(keys.token(alg="PS256", roles=["reader"]))
    assert principal.role is not None
    with pytest.raises(tokens.InvalidToken):  # an RSA key cannot make an ES256 token
        verifier.principal(unsigned({"alg": "ES256", "kid": "k1"}, {"sub": "x"}))
