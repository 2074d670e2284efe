"""/v1/people: contacts, their personal data, protection and erasure."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.responses import Response

from urbandiplo.api import resource
from urbandiplo.api.common import (
    LIST_RESPONSES,
    Cursor,
    Day,
    Id,
    IsoDate,
    LanguageCode,
    Limit,
    ModifiedSince,
    Omittable,
    Page,
    PatchModel,
    RequestModel,
    SearchText,
    Text,
    Timestamp,
    sort_query,
)
from urbandiplo.api.deps import PrincipalDep, ServicesDep
from urbandiplo.api.http import PRIVATE_CACHE, decode_cursor
from urbandiplo.api.problems import problem_responses
from urbandiplo.api.refs import OrganisationRef
from urbandiplo.api.rendering import dumps
from urbandiplo.api.resource import IfNoneMatch, Views
from urbandiplo.api.routes import Resource, add_item_routes
from urbandiplo.domain.listing import DEFAULT_PAGE_SIZE, PageRequest, Sort
from urbandiplo.domain.people import PERSON_SORTS, LegalBasis, PersonFields, PersonQuery
from urbandiplo.domain.values import Visibility

router = APIRouter(prefix="/v1/people", tags=["people"])

Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Function = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Email = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=320)]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9 ()/.-]{3,49}$", max_length=50)]
Languages = Annotated[list[LanguageCode], Field(max_length=20)]

EXAMPLE_IN: dict[str, Any] = {
    "name": "Henriette Reker",
    "function": "Oberbürgermeisterin der Stadt Köln",
    "languages": ["de", "en"],
    "legal_basis": "public_task",
    "visibility": "public",
}
EXAMPLE_OUT: dict[str, Any] = {  # the website's view: no GDPR fields, no visibility
    **{key: value for key, value in EXAMPLE_IN.items() if key not in ("legal_basis", "visibility")},
    "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e80",
    "organisation_id": None,
    "organisation": None,
    "created_at": "2026-11-21T09:00:00+00:00",
    "updated_at": "2026-11-21T09:00:00+00:00",
}
EXAMPLE_STAFF: dict[str, Any] = {
    **EXAMPLE_OUT,
    "legal_basis": "public_task",
    "visibility": "public",
    "email": None,
    "phone": None,
    "protected": False,
    "consent_on": None,
    "retain_until": None,
    "notes": None,
}


class PersonCreate(RequestModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_IN]})

    name: Name
    function: Function | None = None
    organisation_id: Id | None = None
    email: Email | None = None
    phone: Phone | None = None
    languages: Languages = Field(default_factory=list)
    protected: bool = Field(
        default=False,
        description="At risk (e.g. a human rights defender): never public, readable only with "
        "the confidential permission; makes the record confidential",
    )
    legal_basis: LegalBasis = Field(
        default=LegalBasis.LEGITIMATE_INTERESTS, description="GDPR Art. 6(1)"
    )
    consent_on: IsoDate | None = Field(default=None, description="With legal_basis consent")
    retain_until: IsoDate | None = Field(default=None, description="Review or erase by then")
    notes: Text | None = Field(default=None, description="Internal note, for staff only")
    visibility: Visibility = Visibility.INTERNAL

    def to_fields(self) -> PersonFields:
        values = {name: getattr(self, name) for name in type(self).model_fields}
        values["languages"] = tuple(self.languages)
        return PersonFields(**values)


class PersonUpdate(PatchModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"function": "Bürgermeisterin"}]}
    )

    name: Omittable[Name] = None
    function: Function | None = None
    organisation_id: Id | None = None
    email: Email | None = None
    phone: Phone | None = None
    languages: Omittable[Languages] = None
    protected: Omittable[bool] = None
    legal_basis: Omittable[LegalBasis] = None
    consent_on: IsoDate | None = None
    retain_until: IsoDate | None = None
    notes: Text | None = None
    visibility: Omittable[Visibility] = None

    def changes(self) -> dict[str, Any]:
        changes = {name: getattr(self, name) for name in self.model_fields_set}
        if "languages" in changes:
            changes["languages"] = tuple(changes["languages"])
        return changes


class PersonPublic(BaseModel):
    """A person as the website sees them: name and function, no contact or GDPR data."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_OUT]})

    id: Id
    name: Name
    function: Function | None
    organisation_id: Id | None
    organisation: OrganisationRef | None
    languages: Languages
    created_at: Timestamp
    updated_at: Timestamp


class Person(PersonPublic):
    """A person as staff see them."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_STAFF]})

    email: Email | None
    phone: Phone | None
    protected: bool
    legal_basis: LegalBasis
    consent_on: Day | None
    retain_until: Day | None
    notes: Text | None
    visibility: Visibility


class PersonPage(Page[Person]):
    pass


class PersonPublicPage(Page[PersonPublic]):
    pass


class Erasure(BaseModel):
    """What is left of a person after erasure: the id and the day."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e80", "erased_on": "2026-11-21"}]
        }
    )

    id: Id
    erased_on: Day


VIEWS = Views(Person, PersonPublic)
SortParam = Annotated[str, sort_query(PERSON_SORTS)]


@router.get(
    "",
    operation_id="people-list",
    summary="List people",
    description="Protected people appear only to callers with the confidential permission; "
    "erased people not at all.",
    response_model=PersonPage | PersonPublicPage,
    responses=LIST_RESPONSES,
)
def list_people(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    organisation_id: Annotated[Id | None, Query(description="People of this organisation")] = None,
    q: SearchText = None,
    modified_since: ModifiedSince = None,
    sort: SortParam = "name",
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    found = services.people.list_page(
        principal,
        PersonQuery(organisation_id=organisation_id, q=q, modified_since=modified_since),
        Sort.parse(sort, PERSON_SORTS),
        PageRequest(limit, decode_cursor(cursor)),
    )
    return resource.page(request, principal, VIEWS, found)


@router.post(
    "/{person_id:uuid}/erasure",
    operation_id="people-erase",
    summary="Erase a person's personal data",
    description="Deletes the person's personal data for good (GDPR Art. 17) and leaves a "
    "tombstone with the id and the day of erasure; records that refer to the person keep "
    "working and show a placeholder. Reading the person afterwards gives 410. Admins only; "
    "erasing again changes nothing.",
    response_model=Erasure,
    responses=problem_responses(401, 403, 404, 422),
)
def erase_person(
    services: ServicesDep,
    principal: PrincipalDep,
    person_id: Annotated[Id, Path()],
) -> Response:
    erased_on = services.people.erase(principal, person_id)
    body = dumps({"id": person_id, "erased_on": erased_on})
    return Response(body, media_type="application/json", headers=PRIVATE_CACHE)


add_item_routes(
    router,
    Resource(
        collection="people",
        noun="person",
        views=VIEWS,
        create_model=PersonCreate,
        update_model=PersonUpdate,
        # Staff reading, changing or deleting an erased person learn it is gone for good.
        problem_types={"get": ("erased",), "update": ("erased",), "delete": ("erased",)},
        service=lambda services: services.people,
    ),
)
