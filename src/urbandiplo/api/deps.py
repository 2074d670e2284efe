"""What routes get from the app: the domain services and the caller."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from urbandiplo.api.tokens import InvalidToken, TokenVerifier
from urbandiplo.domain.access import ANONYMOUS, Principal
from urbandiplo.domain.alerts import CallSubscriptionService
from urbandiplo.domain.applications import FundingApplicationService
from urbandiplo.domain.audit import AuditService
from urbandiplo.domain.changes import ChangeFeedService
from urbandiplo.domain.cities import CityService
from urbandiplo.domain.cofinancing import CoFinancingService
from urbandiplo.domain.contributions import ContributionService
from urbandiplo.domain.delegations import DelegationService
from urbandiplo.domain.errors import DomainError
from urbandiplo.domain.events import EventService
from urbandiplo.domain.funding import FundingCallService, FundingProgrammeService
from urbandiplo.domain.idempotency import IdempotencyService
from urbandiplo.domain.imports import ImportService
from urbandiplo.domain.keys import ApiKeyService
from urbandiplo.domain.networks import NetworkService
from urbandiplo.domain.news import NewsService
from urbandiplo.domain.offers import CooperationOfferService
from urbandiplo.domain.organisations import OrganisationService
from urbandiplo.domain.partner_map import PartnerMapService
from urbandiplo.domain.partnerships import PartnershipService
from urbandiplo.domain.people import PersonService
from urbandiplo.domain.projects import ProjectService
from urbandiplo.domain.ratelimits import RateLimitService
from urbandiplo.domain.reports import AnnualReportService
from urbandiplo.domain.search import SearchService
from urbandiplo.domain.webhooks import WebhookService


@dataclass(frozen=True)
class Services:
    """The domain services, wired once in main.create_app."""

    cities: CityService
    partnerships: PartnershipService
    partner_map: PartnerMapService
    organisations: OrganisationService
    people: PersonService
    networks: NetworkService
    delegations: DelegationService
    funding_programmes: FundingProgrammeService
    funding_calls: FundingCallService
    funding_applications: FundingApplicationService
    contributions: ContributionService
    news: NewsService
    cooperation_offers: CooperationOfferService
    call_subscriptions: CallSubscriptionService
    projects: ProjectService
    co_financing: CoFinancingService
    events: EventService
    audit: AuditService
    search: SearchService
    changes: ChangeFeedService
    reports: AnnualReportService
    webhooks: WebhookService
    api_keys: ApiKeyService
    idempotency: IdempotencyService
    rate_limits: RateLimitService
    ready: Callable[[], bool]
    imports: ImportService
    tokens: TokenVerifier | None = None  # None: no OIDC issuer configured


async def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


api_key_header = APIKeyHeader(
    name="X-API-Key",
    scheme_name="ApiKey",
    description="An API key from `urbandiplo keys create`. Without it you are anonymous and "
    "see public records and fields only.",
    auto_error=False,
)


bearer = HTTPBearer(
    scheme_name="Bearer",
    bearerFormat="JWT",
    description="A staff token (JWT) from the configured OIDC issuer; its roles claim grants "
    "reader, editor or admin and the confidential permission. Tokens are checked as RFC8725 "
    "(JWT Best Current Practices) asks: asymmetric algorithms only, the key by `kid` from "
    "the issuer's JWKS, `iss`, `aud`, `exp` and `nbf` verified.",
    auto_error=False,
)


async def get_principal(
    request: Request,
    services: Annotated[Services, Depends(get_services)],
    api_key: Annotated[str | None, Depends(api_key_header)],
    _token: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    """The caller; anonymous on the event loop, credentials (a key's row, an issuer's keys)
    looked up in a worker thread."""
    authorization = request.headers.get("Authorization")
    if api_key is None and authorization is None:
        return ANONYMOUS
    return await run_in_threadpool(resolve_principal, services, api_key, authorization)


def resolve_principal(
    services: Services, api_key: str | None, authorization: str | None
) -> Principal:
    """The caller an `X-API-Key` or `Authorization` header stands for (neither: anonymous)."""
    if authorization is None:
        return services.api_keys.authenticate(api_key)
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidToken("send a bearer token: Authorization: Bearer <token>")
    if api_key is not None:
        raise InvalidToken("send an API key or a bearer token, not both")
    if services.tokens is None:
        raise InvalidToken("bearer tokens are not accepted: no OIDC issuer is configured")
    return services.tokens.principal(token.strip())


def principal_of(services: Services) -> Callable[[str | None, str | None], Principal | None]:
    """The caller a request's `X-API-Key` and `Authorization` stand for, or None where they
    are not valid (the route refuses them)."""

    def caller(api_key: str | None, authorization: str | None) -> Principal | None:
        try:
            return resolve_principal(services, api_key, authorization)
        except DomainError:
            return None

    return caller


def view_of(services: Services) -> Callable[[str | None, str | None], str | None]:
    """What a caller's credentials let them see, as a key for kept responses: their role and
    permissions (the same for every caller holding them) and a contributor's organisation,
    or None where the credentials are
    not valid, which the route answers (401)."""

    def view(api_key: str | None, authorization: str | None) -> str | None:
        try:
            principal = resolve_principal(services, api_key, authorization)
        except DomainError:
            return None
        role = principal.role.value if principal.role is not None else "-"
        view = f"{role}+{','.join(sorted(p.value for p in principal.permissions))}"
        # A contributor reads its own organisation's records besides the public ones (an
        # applicant its applications): one view per organisation, never shared by two.
        if principal.is_contributor:
            view += f"+{principal.organisation_id}"
        return view

    return view


ServicesDep = Annotated[Services, Depends(get_services)]
PrincipalDep = Annotated[Principal, Depends(get_principal)]
