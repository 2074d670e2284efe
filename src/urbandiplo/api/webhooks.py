"""/v1/webhooks: admins subscribe other systems to the change feed, pushed and signed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.responses import Response

from urbandiplo.api import examples
from urbandiplo.api.common import Id, RequestModel, Timestamp, Url
from urbandiplo.api.deps import PrincipalDep, ServicesDep
from urbandiplo.api.http import PRIVATE_CACHE, json_response
from urbandiplo.api.problems import problem_responses
from urbandiplo.api.rendering import dumps, projector, render
from urbandiplo.api.search import RecordType
from urbandiplo.domain.values import Visibility
from urbandiplo.domain.webhooks import DeliveryAttempt, WebhookSubscription

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])

SIGNING = (
    "Each delivery is a POST of one change (as in `GET /v1/changes`) with the headers "
    "`Webhook-Id` (`<subscription>:<seq>`, the same on a retry), `Webhook-Timestamp` (Unix "
    "seconds) and `Webhook-Signature: v1=<hex>`, HMAC-SHA256 with the subscription's secret "
    "over `<timestamp>.<body>`. Answer 2xx to take it; anything else is retried with growing "
    "pauses (1 s doubling to an hour), in order, at least once."
)


class WebhookCreate(RequestModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "url": "https://ratsinfo.example.org/hooks/urbandiplo",
                    "record_types": ["partnerships", "events"],
                    "scope": "public",
                    "description": "Council information system",
                }
            ]
        },
    )

    url: Url = Field(description="Where deliveries are POSTed")
    record_types: list[RecordType] = Field(
        default_factory=list, max_length=13, description="Empty: every type"
    )
    scope: Visibility = Field(
        default=Visibility.PUBLIC,
        description="The records it may carry: public only, internal too, or confidential too",
    )
    description: Annotated[str, StringConstraints(max_length=500)] | None = None


class Webhook(BaseModel):
    """A subscription, with how far its deliveries have got."""

    model_config = ConfigDict(json_schema_extra={"examples": [examples.WEBHOOK]})

    id: Id
    url: Url
    record_types: list[RecordType] = Field(max_length=13)
    scope: Visibility
    description: str | None = Field(max_length=500)
    active: bool
    created_at: Timestamp
    position: int = Field(
        ge=0, le=2**62, json_schema_extra={"format": "int64"}, description="Last change taken"
    )
    attempts: int = Field(
        ge=0, le=1_000_000, json_schema_extra={"format": "int32"}, description="Failed tries"
    )
    next_attempt_at: Timestamp | None
    last_error: str | None = Field(max_length=500)


class WebhookCreated(Webhook):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.WEBHOOK_CREATED]})

    secret: str = Field(max_length=100, description="Signs the deliveries; shown only now")


class WebhookList(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [examples.WEBHOOK]}]})

    items: list[Webhook] = Field(max_length=1000)


# A delivery the receiver refused once, then took.
ATTEMPTS: dict[str, Any] = {
    "items": [
        {
            "id": "01a1feb6-7a10-7c3e-9d41-5b2f0e8c1a01",
            "seq": 412,
            "at": "2026-11-21T15:30:02+00:00",
            "status": 503,
            "error": "HTTP 503",
            "delivered": False,
        },
        {
            "id": "01a1feb6-7e02-7f55-8a7c-2c4d9b6e3f02",
            "seq": 412,
            "at": "2026-11-21T15:30:03+00:00",
            "status": 204,
            "error": None,
            "delivered": True,
        },
    ]
}
HttpStatus = Annotated[int, Field(ge=100, le=599, json_schema_extra={"format": "int32"})]


class Attempt(BaseModel):
    id: Id
    seq: int = Field(ge=1, le=2**62, json_schema_extra={"format": "int64"})
    at: Timestamp
    status: HttpStatus | None = Field(description="The receiver's answer; null: none")
    error: str | None = Field(max_length=500)
    delivered: bool


class AttemptList(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [ATTEMPTS]})

    items: list[Attempt] = Field(max_length=100)


WebhookId = Annotated[Id, Path(alias="webhook_id")]


@router.post(
    "",
    operation_id="webhooks-create",
    summary="Subscribe to changes",
    description="Deliveries start with the next change. " + SIGNING,
    status_code=201,
    response_model=WebhookCreated,
    responses=problem_responses(401, 403, 422),
)
def create_webhook(
    request: Request, services: ServicesDep, principal: PrincipalDep, body: WebhookCreate
) -> Response:
    made = services.webhooks.create(
        principal, body.url, body.record_types, body.scope, body.description
    )
    return Response(
        render(WebhookCreated, made),
        status_code=201,
        media_type="application/json",
        headers={"Location": f"/v1/webhooks/{made.id}", **PRIVATE_CACHE},
    )


@router.get(
    "",
    operation_id="webhooks-list",
    summary="List the subscriptions",
    response_model=WebhookList,
    responses={304: {"description": "Not modified"}, **problem_responses(401, 403)},
)
def list_webhooks(request: Request, services: ServicesDep, principal: PrincipalDep) -> Response:
    items = [_plain(Webhook, s) for s in services.webhooks.all(principal)]
    return json_response(dumps({"items": items}), request, principal)


@router.get(
    "/{webhook_id:uuid}",
    operation_id="webhooks-get",
    summary="Read a subscription",
    response_model=Webhook,
    responses={304: {"description": "Not modified"}, **problem_responses(401, 403, 404, 422)},
)
def get_webhook(
    request: Request, services: ServicesDep, principal: PrincipalDep, webhook_id: WebhookId
) -> Response:
    found = services.webhooks.get(principal, webhook_id)
    return json_response(render(Webhook, found), request, principal)


@router.get(
    "/{webhook_id:uuid}/attempts",
    operation_id="webhooks-attempts",
    summary="The delivery log of a subscription",
    description="The newest 100 attempts, newest first.",
    response_model=AttemptList,
    responses={304: {"description": "Not modified"}, **problem_responses(401, 403, 404, 422)},
)
def webhook_attempts(
    request: Request, services: ServicesDep, principal: PrincipalDep, webhook_id: WebhookId
) -> Response:
    found = services.webhooks.attempts(principal, webhook_id)
    return json_response(dumps({"items": [_plain(Attempt, a) for a in found]}), request, principal)


@router.delete(
    "/{webhook_id:uuid}",
    operation_id="webhooks-delete",
    summary="Unsubscribe",
    status_code=204,
    response_class=Response,
    responses=problem_responses(401, 403, 404, 422),
)
def delete_webhook(services: ServicesDep, principal: PrincipalDep, webhook_id: WebhookId) -> None:
    services.webhooks.delete(principal, webhook_id)


def _plain(model: type[BaseModel], record: WebhookSubscription | DeliveryAttempt) -> Any:
    return projector(model)(record)
