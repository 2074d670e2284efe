"""/v1/organisations: departments, partnership associations, NGOs, companies and others."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.responses import Response

from urbandiplo.api import resource
from urbandiplo.api.common import (
    LIST_RESPONSES,
    Cursor,
    I18nTextIn,
    I18nTextOut,
    Id,
    Limit,
    ModifiedSince,
    Omittable,
    OrganisationName,
    Page,
    PatchModel,
    RequestModel,
    SearchText,
    Text,
    Timestamp,
    Url,
    sort_query,
)
from urbandiplo.api.deps import PrincipalDep, ServicesDep
from urbandiplo.api.http import decode_cursor
from urbandiplo.api.refs import CityRef
from urbandiplo.api.resource import IfNoneMatch, Views
from urbandiplo.api.routes import Resource, add_item_routes
from urbandiplo.domain.listing import DEFAULT_PAGE_SIZE, PageRequest, Sort
from urbandiplo.domain.organisations import (
    ORGANISATION_SORTS,
    OrganisationFields,
    OrganisationKind,
    OrganisationQuery,
)
from urbandiplo.domain.values import I18nText, Visibility

router = APIRouter(prefix="/v1/organisations", tags=["organisations"])

Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=320)]

EXAMPLE_IN: dict[str, Any] = {
    "name": "Freundeskreis Köln-Dnipro e.V.",
    "kind": "association",
    "city_id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e00",
    "description": {
        "de": "Partnerschaftsverein für die Städtepartnerschaft Köln-Dnipro",
        "en": "Partnership association of the Cologne-Dnipro twinning",
    },
}
EXAMPLE_OUT: dict[str, Any] = {
    **EXAMPLE_IN,
    "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e70",
    "city": {
        "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e00",
        "name": "Köln",
        "names": {"de": "Köln", "en": "Cologne"},
        "country_code": "DE",
    },
    "website": None,
    "created_at": "2026-11-21T09:00:00+00:00",
    "updated_at": "2026-11-21T09:00:00+00:00",
}


class OrganisationCreate(RequestModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_IN]})

    name: OrganisationName
    kind: OrganisationKind
    city_id: Id | None = None
    website: Url | None = None
    email: Email | None = Field(default=None, description="A role address, not a person's")
    description: I18nTextIn | None = None
    notes: Text | None = Field(default=None, description="Internal note, for staff only")
    visibility: Visibility = Visibility.PUBLIC

    def to_fields(self) -> OrganisationFields:
        values = {name: getattr(self, name) for name in type(self).model_fields}
        values["description"] = I18nText(self.description) if self.description else None
        return OrganisationFields(**values)


class OrganisationUpdate(PatchModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"website": "https://example.org"}]}
    )

    name: Omittable[OrganisationName] = None
    kind: Omittable[OrganisationKind] = None
    city_id: Id | None = None
    website: Url | None = None
    email: Email | None = None
    description: I18nTextIn | None = None
    notes: Text | None = None
    visibility: Omittable[Visibility] = None

    def changes(self) -> dict[str, Any]:
        changes = {name: getattr(self, name) for name in self.model_fields_set}
        if changes.get("description") is not None:
            changes["description"] = I18nText(changes["description"])
        return changes


class OrganisationPublic(BaseModel):
    """An organisation as the website sees it (no contact address, no notes)."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_OUT]})

    id: Id
    name: OrganisationName
    kind: OrganisationKind
    city_id: Id | None
    city: CityRef | None
    website: Url | None
    description: I18nTextOut | None
    created_at: Timestamp
    updated_at: Timestamp


class Organisation(OrganisationPublic):
    """An organisation as staff see it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{**EXAMPLE_OUT, "email": None, "notes": None, "visibility": "public"}]
        }
    )

    email: Email | None
    notes: Text | None
    visibility: Visibility


class OrganisationPage(Page[Organisation]):
    pass


class OrganisationPublicPage(Page[OrganisationPublic]):
    pass


VIEWS = Views(Organisation, OrganisationPublic)
SortParam = Annotated[str, sort_query(ORGANISATION_SORTS)]


@router.get(
    "",
    operation_id="organisations-list",
    summary="List organisations",
    response_model=OrganisationPage | OrganisationPublicPage,
    responses=LIST_RESPONSES,
)
def list_organisations(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    kind: OrganisationKind | None = None,
    city_id: Annotated[Id | None, Query(description="Organisations based in this city")] = None,
    q: SearchText = None,
    modified_since: ModifiedSince = None,
    sort: SortParam = "name",
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    found = services.organisations.list_page(
        principal,
        OrganisationQuery(kind=kind, city_id=city_id, q=q, modified_since=modified_since),
        Sort.parse(sort, ORGANISATION_SORTS),
        PageRequest(limit, decode_cursor(cursor)),
    )
    return resource.page(request, principal, VIEWS, found)


add_item_routes(
    router,
    Resource(
        collection="organisations",
        noun="organisation",
        views=VIEWS,
        create_model=OrganisationCreate,
        update_model=OrganisationUpdate,
        service=lambda services: services.organisations,
    ),
)
