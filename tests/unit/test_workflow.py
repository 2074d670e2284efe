"""Every pair of application states against the one transition table."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from urbandiplo.domain.workflow import (
    OPEN,
    TRANSITIONS,
    ApplicationStatus,
    TransitionNotAllowed,
    move,
)

S = ApplicationStatus
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
EXPECTED = {
    (S.DRAFT, S.SUBMITTED),
    (S.SUBMITTED, S.UNDER_REVIEW),
    (S.UNDER_REVIEW, S.MORE_INFO_REQUESTED),
    (S.MORE_INFO_REQUESTED, S.UNDER_REVIEW),
    (S.UNDER_REVIEW, S.APPROVED),
    (S.UNDER_REVIEW, S.REJECTED),
    *(
        (status, S.WITHDRAWN)
        for status in (S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.MORE_INFO_REQUESTED)
    ),
}


def test_the_table_is_the_product_brief() -> None:
    table = {(a, b) for a, onward in TRANSITIONS.items() for b in onward}
    assert table == EXPECTED
    assert {S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.MORE_INFO_REQUESTED} == OPEN


@pytest.mark.parametrize(("current", "target"), list(itertools.product(S, S)))
def test_every_pair(current: ApplicationStatus, target: ApplicationStatus) -> None:
    if (current, target) in EXPECTED:
        step = move(current, target, at=NOW, actor="editor", note="Unterlagen vollständig")
        assert (step.from_status, step.to_status, step.actor) == (current, target, "editor")
        assert step.note == "Unterlagen vollständig"
        return
    with pytest.raises(TransitionNotAllowed) as refused:
        move(current, target, at=NOW, actor="editor")
    allowed = {b for a, b in EXPECTED if a == current}
    assert set(refused.value.allowed) == allowed
    for status in allowed:
        assert status.value in refused.value.detail
    if not allowed:
        assert "final status" in refused.value.detail
