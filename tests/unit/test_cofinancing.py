"""Co-financing sums: exact, by programme and level, and refused across currencies."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from urbandiplo.domain.applications import FundingApplication
from urbandiplo.domain.cofinancing import project_funding
from urbandiplo.domain.funding import FundingLevel, ProgrammeRef
from urbandiplo.domain.projects import Budget, Project
from urbandiplo.domain.values import CurrencyMismatch, I18nText, Money, Visibility
from urbandiplo.domain.workflow import ApplicationStatus

S = ApplicationStatus
NOW = datetime(2026, 3, 1, tzinfo=UTC)


def eur(amount: str, currency: str = "EUR") -> Money:
    return Money(Decimal(amount), currency)


def programme(name: str, level: FundingLevel) -> ProgrammeRef:
    return ProgrammeRef(
        id=uuid.uuid4(), name=name, acronym=None, level=level, visibility=Visibility.PUBLIC
    )


def project(total: str | None, own: str | None) -> Project:
    return Project(
        id=uuid.uuid4(),
        title=I18nText({"de": "Projekt"}),
        budget=Budget(
            total=eur(total) if total else None, own_contribution=eur(own) if own else None
        ),
        created_at=NOW,
        updated_at=NOW,
        version=1,
        cities=(),
        partnerships=(),
        partners=(),
        departments=(),
    )


def application(
    of: ProgrammeRef, status: S, requested: Money | None, awarded: Money | None = None
) -> FundingApplication:
    return FundingApplication(
        id=uuid.uuid4(),
        title="Antrag",
        applicant_id=uuid.uuid4(),
        requested=requested,
        programme_id=of.id,
        awarded=awarded,
        created_at=NOW,
        updated_at=NOW,
        version=1,
        status=status,
        history=(),
        programme=of,
        call=None,
        project=None,
        applicant=None,
    )


def test_sums_are_exact_and_grouped() -> None:
    eu, land, bund = (
        programme("CERV", FundingLevel.EU),
        programme("Land NRW", FundingLevel.STATE),
        programme("BMZ", FundingLevel.FEDERAL),
    )
    found = project_funding(
        project("0.30", "0.10"),
        [
            application(eu, S.APPROVED, eur("0.10"), eur("0.10")),
            application(land, S.APPROVED, eur("0.05"), eur("0.01")),
            application(bund, S.UNDER_REVIEW, eur("0.02")),
            application(bund, S.DRAFT, eur("100.00")),
            application(bund, S.WITHDRAWN, eur("100.00")),
            application(bund, S.APPROVED, None),  # amounts not known
        ],
    )
    assert found.total is not None
    assert found.total.awarded == eur("0.11")
    assert found.total.requested == eur("0.17")
    assert found.total.pending == eur("0.02")
    assert found.total.applications == 6
    # 0.30 - 0.10 - 0.11 is 0.09 exactly (0.30 - 0.10 - 0.11 in floats is 0.08999999999999998)
    assert found.gap == eur("0.09")
    assert found.gap_if_pending_granted == eur("0.07")
    assert [share.level for share in found.by_level] == [
        FundingLevel.EU,
        FundingLevel.FEDERAL,
        FundingLevel.STATE,
    ]
    assert [share.programme.name for share in found.by_programme] == ["CERV", "Land NRW", "BMZ"]
    assert sum((s.awarded.amount for s in found.by_programme), Decimal(0)) == Decimal("0.11")


def test_another_currency_is_refused_not_converted() -> None:
    eu = programme("CERV", FundingLevel.EU)
    with pytest.raises(CurrencyMismatch) as raised:
        project_funding(
            project("1000.00", None),
            [application(eu, S.APPROVED, eur("10.00", "CHF"), eur("10.00", "CHF"))],
        )
    assert {p.message for p in raised.value.problems} == {"in CHF, not EUR"}


def test_nothing_to_add_up() -> None:
    found = project_funding(project(None, None), [])
    assert (found.currency, found.total, found.gap) == (None, None, None)
