"""API keys: issued once, stored hashed, checked per request."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from tests.unit.fakes import FakeUnitOfWorkFactory
from urbandiplo.domain.access import ANONYMOUS, Role
from urbandiplo.domain.errors import InvalidData, NotAuthenticated
from urbandiplo.domain.keys import ApiKeyService


def test_a_created_key_authenticates_with_its_role(
    api_keys: ApiKeyService, uow_factory: FakeUnitOfWorkFactory
) -> None:
    stored, plain = api_keys.create("  website export  ", Role.EDITOR)
    assert stored.name == "website export"
    assert plain.startswith(f"ud_{stored.prefix}_")
    secret = plain.split("_", 2)[2]
    assert secret not in stored.secret_hash
    assert uow_factory.stores.api_keys == {stored.prefix: stored}

    principal = api_keys.authenticate(plain)
    assert principal.role == Role.EDITOR
    assert not principal.is_anonymous
    assert principal.actor == f"api-key:{stored.id}"
    assert secret not in principal.actor


@pytest.mark.parametrize("role", list(Role))
def test_each_role_is_kept(api_keys: ApiKeyService, role: Role) -> None:
    _, plain = api_keys.create(f"key {role}", role)
    assert api_keys.authenticate(plain).role == role


def test_keys_are_different(api_keys: ApiKeyService) -> None:
    first = api_keys.create("a", Role.READER)
    second = api_keys.create("b", Role.READER)
    assert first[0].prefix != second[0].prefix
    assert first[1] != second[1]


def test_wrong_secret_is_not_authenticated(api_keys: ApiKeyService) -> None:
    stored, plain = api_keys.create("export", Role.ADMIN)
    wrong = f"ud_{stored.prefix}_{'x' * 43}"
    assert wrong != plain
    with pytest.raises(NotAuthenticated):
        api_keys.authenticate(wrong)


@pytest.mark.parametrize(
    "presented", ["", "nonsense", "ud_only", "xx_abcdef012345_secret", "ud_000000000000_secret"]
)
def test_malformed_or_unknown_key_is_not_authenticated(
    api_keys: ApiKeyService, presented: str
) -> None:
    api_keys.create("export", Role.ADMIN)
    with pytest.raises(NotAuthenticated):
        api_keys.authenticate(presented)


def test_no_key_is_anonymous(api_keys: ApiKeyService) -> None:
    assert api_keys.authenticate(None) == ANONYMOUS
    assert api_keys.authenticate(None).is_anonymous


def test_revoked_key_is_not_authenticated(
    api_keys: ApiKeyService, uow_factory: FakeUnitOfWorkFactory
) -> None:
    stored, plain = api_keys.create("export", Role.EDITOR)
    uow_factory.stores.api_keys[stored.prefix] = replace(stored, revoked_at=datetime.now(UTC))
    with pytest.raises(NotAuthenticated):
        api_keys.authenticate(plain)


def test_a_key_needs_a_name(api_keys: ApiKeyService, uow_factory: FakeUnitOfWorkFactory) -> None:
    with pytest.raises(InvalidData):
        api_keys.create("   ", Role.READER)
    assert uow_factory.stores.api_keys == {}


def test_a_key_name_is_bounded(api_keys: ApiKeyService) -> None:
    with pytest.raises(InvalidData):
        api_keys.create("x" * 201, Role.READER)
    with pytest.raises(InvalidData):
        api_keys.create("   ", Role.READER)
