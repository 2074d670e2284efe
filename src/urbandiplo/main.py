"""create_app(settings): the one place that wires routers, errors, middleware and the
unit of work."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

import anyio.to_thread
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from sqlalchemy import Engine

from urbandiplo import __version__, logs
from urbandiplo.api import (
    alerts,
    applications,
    audit,
    calendar,
    changes,
    cities,
    contributions,
    delegations,
    deprecation,
    events,
    funding,
    health,
    imports,
    maps,
    metrics,
    networks,
    news,
    offers,
    organisations,
    partnerships,
    people,
    problems,
    projects,
    ratelimits,
    reports,
    search,
    taxonomies,
    webhooks,
)
from urbandiplo.api.deps import Services, principal_of, view_of
from urbandiplo.api.guards import Guards
from urbandiplo.api.limits import BodySizeLimit
from urbandiplo.api.permissions import authorize
from urbandiplo.api.ratelimits import HEADER_DOCS, Budgets, RateLimits
from urbandiplo.api.revalidation import ListRevalidation
from urbandiplo.api.tokens import KeySet, TokenVerifier, jwks_from_file, jwks_from_url
from urbandiplo.config import Settings
from urbandiplo.db.engine import make_engine
from urbandiplo.db.migrate import current_revision, head_revision
from urbandiplo.db.uow import SqlUnitOfWorkFactory
from urbandiplo.db.watch import MarkWatch
from urbandiplo.domain.alerts import CallSubscriptionService
from urbandiplo.domain.applications import FundingApplicationService, HomeFunds
from urbandiplo.domain.audit import AuditService
from urbandiplo.domain.changes import ChangeFeedService
from urbandiplo.domain.cities import CityService, HomeCity
from urbandiplo.domain.cofinancing import CoFinancingService
from urbandiplo.domain.contributions import ContributionService
from urbandiplo.domain.delegations import DelegationService
from urbandiplo.domain.errors import FieldProblem, InvalidData
from urbandiplo.domain.events import EventService
from urbandiplo.domain.funding import FundingCallService, FundingProgrammeService
from urbandiplo.domain.idempotency import IdempotencyService
from urbandiplo.domain.imports import (
    CityTarget,
    EventTarget,
    ImportService,
    OrganisationTarget,
    PartnershipTarget,
)
from urbandiplo.domain.keys import ApiKeyService
from urbandiplo.domain.networks import NetworkService
from urbandiplo.domain.news import NewsService
from urbandiplo.domain.offers import CooperationOfferService
from urbandiplo.domain.organisations import OrganisationService
from urbandiplo.domain.partner_map import PartnerMapService
from urbandiplo.domain.partnerships import PartnershipService
from urbandiplo.domain.people import PersonService
from urbandiplo.domain.projects import ProjectService
from urbandiplo.domain.ratelimits import Budget, RateLimitService
from urbandiplo.domain.records import RecordService
from urbandiplo.domain.reports import AnnualReportService
from urbandiplo.domain.search import SearchService
from urbandiplo.domain.webhooks import WebhookService
from urbandiplo.storage import LocalBlobStore

DESCRIPTION = """\
The API of a city's office for Europe and international affairs: partner cities and
partnerships, organisations and people, city networks, events, delegations, projects and
their funding.

Anonymous callers (the city website) see public records and their public fields only;
machines send an API key in `X-API-Key`, staff a bearer token (JWT) of the configured OIDC
issuer in `Authorization`. Errors are `application/problem+json`.
Lists are cursor-paginated (`Link: rel="next"`); reads carry an `ETag`; writes honour
`If-Match`; `POST` honours `Idempotency-Key`.
"""

QUERY_CREDENTIALS = ("api_key", "apikey", "x-api-key", "access_token", "token", "id_token")


async def check_query(request: Request) -> None:
    """Keys in URLs end up in logs and browser histories; NUL characters cannot be stored or
    searched for in PostgreSQL text."""
    for name in QUERY_CREDENTIALS:
        if name in request.query_params:
            raise HTTPException(
                400,
                f"credentials are not accepted in the URL ({name}); use the X-API-Key or "
                "Authorization header",
            )
    for name, value in request.query_params.multi_items():
        if "\x00" in value:
            raise InvalidData(
                "query parameters must not contain NUL characters",
                [FieldProblem(f"query.{name}", "contains a NUL character")],
            )


def install_docs(app: FastAPI) -> None:
    """Swagger UI at /docs and ReDoc at /redoc, with their assets served from this process:
    the docs work without internet access and load nothing from a CDN."""
    assets = resources.files("fastapi_offline") / "static"
    redoc_js: list[bytes] = []

    # Before the mount, so that it answers for this one file: ReDoc's sidebar always shows
    # Redocly's logo from their CDN, which the CSP refuses (and the browser logs as an error);
    # an empty data: URL fails to load without asking anyone, and ReDoc then leaves it out.
    @app.get("/docs-assets/redoc.standalone.js", include_in_schema=False)
    def redoc_script() -> Response:
        if not redoc_js:
            script = (assets / "redoc.standalone.js").read_bytes()
            redoc_js.append(script.replace(b"https://cdn.redoc.ly/redoc/logo-mini.svg", b"data:,"))
        return Response(
            redoc_js[0],
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=3600"},
        )

    app.mount("/docs-assets", StaticFiles(directory=str(assets)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="urbandiplo API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon.png",
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url="/openapi.json",
            title="urbandiplo API",
            redoc_js_url="/docs-assets/redoc.standalone.js",
            redoc_favicon_url="/docs-assets/favicon.png",
            with_google_fonts=False,
        )


def build_services(settings: Settings, engine: Engine) -> Services:
    uow_factory = SqlUnitOfWorkFactory(engine)
    head = head_revision()  # read from the migration files once, not on every /readyz
    home = HomeCity(settings.home_city, settings.home_country)
    city_service = CityService(uow_factory, home)
    project_service = ProjectService(uow_factory)
    store = LocalBlobStore(settings.attachments_dir)
    application_service = FundingApplicationService(
        uow_factory, HomeFunds(home), store, settings.max_attachment_bytes
    )
    partnership_service = PartnershipService(uow_factory, home)
    organisation_service = OrganisationService(uow_factory)
    person_service = PersonService(uow_factory)
    network_service = NetworkService(uow_factory)
    event_service = EventService(uow_factory)
    news_service = NewsService(uow_factory)
    offer_service = CooperationOfferService(uow_factory)
    contribution_service = ContributionService(
        uow_factory,
        event_service,
        news_service,
        offer_service,
        store,
        settings.max_attachment_bytes,
    )
    delegation_service = DelegationService(uow_factory)
    programme_service = FundingProgrammeService(uow_factory)
    call_service = FundingCallService(uow_factory)
    searchable: list[RecordService[Any, Any, Any]] = [
        city_service,
        partnership_service,
        organisation_service,
        person_service,
        network_service,
        event_service,
        delegation_service,
        project_service,
        programme_service,
        call_service,
        application_service,
        news_service,
        offer_service,
    ]
    search = SearchService(
        uow_factory,
        {s.collection: s.get for s in searchable if s.collection is not None},
        [s.reindex for s in searchable],
    )
    return Services(
        cities=city_service,
        partnerships=partnership_service,
        partner_map=PartnerMapService(uow_factory, home),
        organisations=organisation_service,
        people=person_service,
        networks=network_service,
        events=event_service,
        delegations=delegation_service,
        funding_programmes=programme_service,
        funding_calls=call_service,
        funding_applications=application_service,
        contributions=contribution_service,
        news=news_service,
        cooperation_offers=offer_service,
        call_subscriptions=CallSubscriptionService(uow_factory),
        projects=project_service,
        co_financing=CoFinancingService(uow_factory, project_service, application_service),
        audit=AuditService(uow_factory),
        search=search,
        changes=ChangeFeedService(
            uow_factory,
            {s.collection: s.read_many for s in searchable if s.collection is not None},
        ),
        reports=AnnualReportService(
            event_service,
            delegation_service,
            project_service,
            partnership_service,
            application_service,
        ),
        webhooks=WebhookService(
            uow_factory, [s.collection for s in searchable if s.collection is not None]
        ),
        api_keys=ApiKeyService(uow_factory),
        idempotency=IdempotencyService(uow_factory),
        rate_limits=RateLimitService(uow_factory),
        ready=lambda: current_revision(engine) == head,
        tokens=token_verifier(settings),
        imports=ImportService(
            uow_factory,
            city_service,
            [
                CityTarget(city_service),
                PartnershipTarget(partnership_service),
                OrganisationTarget(organisation_service),
                EventTarget(event_service),
            ],
        ),
    )


def token_verifier(settings: Settings) -> TokenVerifier | None:
    """The OIDC token check, where an issuer is configured."""
    if settings.oidc_issuer is None:
        return None
    if settings.oidc_audience is None:
        raise ValueError("URBANDIPLO_OIDC_AUDIENCE is required with an OIDC issuer")
    if settings.oidc_jwks_file is not None:
        load = jwks_from_file(settings.oidc_jwks_file)
    elif settings.oidc_jwks_url is not None:
        load = jwks_from_url(settings.oidc_jwks_url)
    else:
        raise ValueError("URBANDIPLO_OIDC_JWKS_URL or _JWKS_FILE is required with an issuer")
    return TokenVerifier(
        issuer=settings.oidc_issuer,
        audience=settings.oidc_audience,
        keys=KeySet(load),
        algorithms=settings.oidc_algorithms,
        roles_claim=settings.oidc_roles_claim,
        role_values=settings.oidc_role_values,
        organisation_claim=settings.oidc_organisation_claim,
    )


def create_app(
    settings: Settings | None = None,
    engine: Engine | None = None,
    deprecations: deprecation.Deprecations = deprecation.DEPRECATIONS,
) -> FastAPI:
    settings = settings or Settings()
    engine = engine or make_engine(settings.database_url, pool_size=settings.db_pool_size)
    watch = MarkWatch(engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Sync routes run in this pool; a small one keeps SQLite writes from queueing behind
        # dozens of threads (see ENGINEERING.md).
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        watch.start()
        try:
            yield
        finally:
            watch.stop()

    app = FastAPI(
        title="urbandiplo",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        dependencies=[Depends(check_query), Depends(authorize)],
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.deprecations = deprecations
    app.state.services = build_services(settings, engine)
    problems.install(app)
    app.add_middleware(
        ListRevalidation,
        mark=app.state.services.changes.mark,
        view=view_of(app.state.services),
        cache_bytes=settings.response_cache_mb * 2**20,
        moment=watch.moment,
    )
    app.add_middleware(
        RateLimits,
        limits=app.state.services.rate_limits,
        budgets=Budgets(
            contributor_writes=Budget(
                settings.rate_limit_contributor_writes, settings.rate_limit_window_seconds
            ),
            feeds=Budget(settings.rate_limit_feeds, settings.rate_limit_window_seconds),
        ),
        principal_of=principal_of(app.state.services),
    )
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        larger={
            "/v1/imports/": settings.max_import_bytes,
            r"/v1/[a-z-]+/[0-9a-fA-F-]{36}/attachments$": settings.max_attachment_bytes,
        },
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=[
                "X-API-Key",
                "Authorization",
                "Content-Type",
                "If-Match",
                "If-None-Match",
                "Idempotency-Key",
            ],
            expose_headers=[
                "ETag",
                "Link",
                "Location",
                "X-Request-ID",
                "Deprecation",
                "Sunset",
                "Retry-After",
                *HEADER_DOCS,
            ],
        )
    # Outermost of the app's own: preflights and every other response get the headers and
    # the request id, and are logged and counted.
    app.add_middleware(Guards)
    for router in (
        cities.router,
        partnerships.router,
        maps.router,
        organisations.router,
        people.router,
        networks.router,
        calendar.router,  # /v1/events.ics before /v1/events/{id}
        events.router,
        delegations.router,
        funding.router,
        funding.calls_router,
        applications.router,
        contributions.router,
        news.router,
        offers.router,
        alerts.router,
        projects.router,
        search.router,
        changes.router,
        webhooks.router,
        reports.router,
        imports.router,  # /v1/cities.csv before /v1/cities/{id}
        taxonomies.router,
        audit.router,
        health.router,
        metrics.router,
    ):
        app.include_router(router)
    install_docs(app)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = contract(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    deprecation.install(app, deprecations)
    logs.configure(settings.log_level, settings.log_format)
    return app


def _drop_null_branch(schema: dict[str, Any]) -> None:
    """A query or header parameter is left out, never null: `X | None` is just X."""
    branches = schema.get("anyOf")
    if branches and {"type": "null"} in branches:
        kept = [branch for branch in branches if branch != {"type": "null"}]
        del schema["anyOf"]
        if len(kept) == 1:
            schema.update(kept[0])
        else:
            schema["anyOf"] = kept


def _api_models(base: type[BaseModel] = BaseModel) -> Iterator[type[BaseModel]]:
    for model in base.__subclasses__():
        if model.__module__.startswith("urbandiplo.api"):
            yield model
        yield from _api_models(model)


def _restore_examples(components: dict[str, Any]) -> None:
    """FastAPI drops null values from the whole document, examples included, which leaves
    examples without their required-but-null fields; put the models' own examples back."""
    for model in _api_models():
        extra = model.model_config.get("json_schema_extra")
        name = model.model_config.get("title") or model.__name__
        if isinstance(extra, dict) and "examples" in extra and name in components:
            components[name]["examples"] = extra["examples"]


def contract(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document, with the problem schema every error response refers to."""
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        servers=[
            {
                "url": "/",
                "description": "production: this deployment (URLs relative to the contract)",
                "x-internal": False,
            }
        ],
        tags=[
            {"name": "cities", "description": "Municipalities: partners and the home city"},
            {"name": "partnerships", "description": "Relations between two cities"},
            {"name": "organisations", "description": "Actors the office works with"},
            {"name": "people", "description": "Contacts, protection and erasure (GDPR)"},
            {"name": "networks", "description": "City networks and the city's memberships"},
            {"name": "events", "description": "Events the office runs or co-runs"},
            {"name": "delegations", "description": "Official visits made and received"},
            {
                "name": "contributions",
                "description": "What associations and other organisations propose for the "
                "public register, and the office's review",
            },
            {"name": "news", "description": "News, in several languages, and their feed"},
            {
                "name": "cooperation-offers",
                "description": "The cooperation exchange: offers and requests for partner cities",
            },
            {"name": "projects", "description": "Projects with partner cities, co-financing"},
            {
                "name": "funding",
                "description": "Funding programmes (the city's own funds too), calls and "
                "applications",
            },
            {"name": "search", "description": "One search box across every resource"},
            {"name": "changes", "description": "Every write, in commit order, for syncing"},
            {"name": "reports", "description": "The annual report"},
            {"name": "webhooks", "description": "Changes pushed to other systems, signed"},
            {"name": "imports", "description": "CSV import and export of lists"},
            {"name": "taxonomies", "description": "SDGs and fields of action"},
            {"name": "audit", "description": "Who changed what and when (admins)"},
            {"name": "operations", "description": "Health and readiness"},
        ],
    )
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if not path.startswith("/v1/"):
                operation["security"] = []
                continue
            if method == "get":
                # Reads are open to anonymous callers, who get public records only.
                operation["security"] = [{"ApiKey": []}, {"Bearer": []}, {}]
            # Every operation refuses credentials in the URL and malformed JSON bodies (and
            # bodies too large or not JSON), and any may fail unexpectedly: the app-wide
            # handlers answer with problems.
            declared = (400, 413, 415, 500) if "requestBody" in operation else (400, 500)
            for status, response in problems.problem_responses(*declared).items():
                operation["responses"].setdefault(str(status), response)
            for parameter in operation.get("parameters", []):
                _drop_null_branch(parameter["schema"])
    problems.list_problem_types(schema)
    ratelimits.declare(schema)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    _restore_examples(components)
    for model in (problems.Problem, problems.ProblemField):
        definition = model.model_json_schema(ref_template="#/components/schemas/{model}")
        definition.pop("$defs", None)
        components[model.__name__] = definition
    deprecation.document(schema, app.state.deprecations)  # last: it needs every schema
    return schema
