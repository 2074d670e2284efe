"""The read-one, create, change and delete routes of a resource, made the same way for every
resource from its schemas and its domain service. Lists differ by their filters and are
written per resource.

This module does not use `from __future__ import annotations`: FastAPI reads the annotations
of the functions below, and they name the request models passed in."""

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Protocol, cast

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel
from starlette.responses import Response

from urbandiplo.api import resource
from urbandiplo.api.common import Id
from urbandiplo.api.deps import PrincipalDep, Services, ServicesDep
from urbandiplo.api.problems import problem_responses
from urbandiplo.api.resource import IdempotencyKey, IfMatch, IfNoneMatch, Views
from urbandiplo.domain.access import Principal
from urbandiplo.domain.ports import UnitOfWork


class RecordService(Protocol):
    """What a domain service offers for one record (CityService, PartnershipService, ...)."""

    def get(self, principal: Principal, record_id: uuid.UUID, /) -> Any: ...
    def create(
        self,
        principal: Principal,
        data: Any,
        /,
        *,
        before_commit: Callable[[UnitOfWork, Any], None] | None = None,
    ) -> Any: ...
    def update(
        self,
        principal: Principal,
        record_id: uuid.UUID,
        changes: Mapping[str, Any],
        precondition: Callable[[Any], bool] | None = None,
        /,
    ) -> Any: ...
    def delete(
        self,
        principal: Principal,
        record_id: uuid.UUID,
        precondition: Callable[[Any], bool] | None = None,
        /,
    ) -> None: ...


class CreateModel(Protocol):
    def to_fields(self) -> Any: ...


class UpdateModel(Protocol):
    def changes(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Resource:
    """One resource: its path segment, its noun, schemas and service."""

    collection: str  # "cities": the path /v1/cities and the operation ids cities-...
    noun: str  # "city": summaries, and the path parameter city_id ("funding programme": _)
    views: Views
    create_model: type[BaseModel]
    update_model: type[BaseModel]
    service: Callable[[Services], RecordService]
    # Problem types an operation ("create", "get", "update", "delete") returns besides
    # those every operation of its kind does (api/problems.py), e.g. `erased`.
    problem_types: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def id_param(self) -> str:
        return f"{self.noun.replace(' ', '_')}_id"

    def location(self, record: Any) -> str:
        return f"/v1/{self.collection}/{record.id}"


def add_item_routes(router: APIRouter, spec: Resource) -> None:
    """POST on the collection; GET, PATCH and DELETE on /{id}."""
    item = f"/{{{spec.id_param}:uuid}}"
    RecordId = Annotated[Id, Path(alias=spec.id_param)]
    link = {
        f"GetCreated{spec.noun.title().replace(' ', '')}": {
            "operationId": f"{spec.collection}-get",
            "parameters": {spec.id_param: "$response.body#/id"},
            "description": f"Read the {spec.noun} that was just created.",
        }
    }
    Create = spec.create_model
    Update = spec.update_model

    @router.post(
        "",
        operation_id=f"{spec.collection}-create",
        summary=f"Create a {spec.noun}",
        status_code=201,
        response_model=spec.views.staff,
        responses={
            201: {"description": "Created", "links": link},
            **problem_responses(401, 403, 409, 422, *spec.problem_types.get("create", ())),
        },
    )
    def create(
        request: Request,
        services: ServicesDep,
        principal: PrincipalDep,
        body: Create,  # type: ignore[valid-type]
        idempotency_key: IdempotencyKey = None,
    ) -> Response:
        data = cast(CreateModel, body).to_fields()
        return resource.create(
            request,
            services,
            principal,
            idempotency_key,
            body,
            spec.views,
            spec.location,
            lambda before_commit: spec.service(services).create(
                principal, data, before_commit=before_commit
            ),
        )

    @router.get(
        item,
        operation_id=f"{spec.collection}-get",
        summary=f"Read a {spec.noun}",
        response_model=spec.views.staff | spec.views.public,
        responses={
            304: {"description": "Not modified"},
            **problem_responses(401, 404, 422, *spec.problem_types.get("get", ())),
        },
    )
    def get(
        request: Request,
        services: ServicesDep,
        principal: PrincipalDep,
        record_id: RecordId,
        if_none_match: IfNoneMatch = None,
    ) -> Response:
        record = spec.service(services).get(principal, record_id)
        return resource.one(request, principal, spec.views, record)

    @router.patch(
        item,
        operation_id=f"{spec.collection}-update",
        summary=f"Change a {spec.noun}",
        response_model=spec.views.staff,
        responses=problem_responses(
            401,
            403,
            404,
            409,  # a constraint clashes (the repository's IntegrityError): any resource
            412,
            422,
            *spec.problem_types.get("update", ()),
        ),
    )
    def update(
        request: Request,
        services: ServicesDep,
        principal: PrincipalDep,
        record_id: RecordId,
        body: Update,  # type: ignore[valid-type]
        if_match: IfMatch = None,
    ) -> Response:
        changes = cast(UpdateModel, body).changes()
        return resource.update(
            request,
            principal,
            spec.views,
            lambda precondition: spec.service(services).update(
                principal, record_id, changes, precondition
            ),
        )

    @router.delete(
        item,
        operation_id=f"{spec.collection}-delete",
        summary=f"Delete a {spec.noun}",
        status_code=204,
        response_class=Response,
        responses=problem_responses(
            401,
            403,
            404,
            409,  # other records came to refer to it: any resource
            412,
            422,
            *spec.problem_types.get("delete", ()),
        ),
    )
    def delete(
        request: Request,
        services: ServicesDep,
        principal: PrincipalDep,
        record_id: RecordId,
        if_match: IfMatch = None,
    ) -> Response:
        return resource.delete(
            request,
            spec.views,
            lambda precondition: spec.service(services).delete(principal, record_id, precondition),
        )
