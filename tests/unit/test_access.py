"""Who may see what and who may do what."""

from __future__ import annotations

import pytest

from tests.unit.support import ADMIN, CONFIDANT, EDITOR, READER
from urbandiplo.domain.access import ANONYMOUS, SYSTEM, Permission, Principal, Role
from urbandiplo.domain.errors import NotAuthenticated, PermissionDenied
from urbandiplo.domain.values import Visibility


def test_anonymous_sees_only_public_records() -> None:
    assert ANONYMOUS.is_anonymous
    assert ANONYMOUS.visible == {Visibility.PUBLIC}
    assert ANONYMOUS.may_see(Visibility.PUBLIC)
    assert not ANONYMOUS.may_see(Visibility.INTERNAL)
    assert not ANONYMOUS.may_see(Visibility.CONFIDENTIAL)


def test_staff_see_public_and_internal_records() -> None:
    for principal in (READER, EDITOR, ADMIN):
        assert not principal.is_anonymous
        assert principal.visible == {Visibility.PUBLIC, Visibility.INTERNAL}
        assert not principal.may_see(Visibility.CONFIDENTIAL)


def test_confidential_permission_shows_everything() -> None:
    assert CONFIDANT.visible == set(Visibility)
    assert CONFIDANT.may_see(Visibility.CONFIDENTIAL)
    assert SYSTEM.visible == set(Visibility)


def test_permission_without_a_role_shows_only_public_records() -> None:
    stranger = Principal(actor="x", permissions=frozenset({Permission.CONFIDENTIAL}))
    assert stranger.visible == {Visibility.PUBLIC}


def test_anonymous_must_authenticate() -> None:
    with pytest.raises(NotAuthenticated):
        ANONYMOUS.require(Role.READER)


def test_reader_may_not_edit() -> None:
    with pytest.raises(PermissionDenied):
        READER.require(Role.EDITOR)


def test_editor_may_not_administer() -> None:
    with pytest.raises(PermissionDenied):
        EDITOR.require(Role.ADMIN)


@pytest.mark.parametrize(
    ("principal", "role"),
    [
        (READER, Role.READER),
        (EDITOR, Role.READER),
        (EDITOR, Role.EDITOR),
        (ADMIN, Role.EDITOR),
        (ADMIN, Role.ADMIN),
        (SYSTEM, Role.ADMIN),
    ],
)
def test_a_role_includes_the_ones_below_it(principal: Principal, role: Role) -> None:
    assert principal.role is not None
    assert principal.role.rank >= role.rank
    principal.require(role)  # raises if not allowed


def test_role_ranks_are_ordered() -> None:
    assert Role.READER.rank < Role.EDITOR.rank < Role.ADMIN.rank
