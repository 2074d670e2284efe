"""/v1/cities: municipalities, partners and the home city."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StringConstraints
from starlette.responses import Response

from urbandiplo.api import resource
from urbandiplo.api.common import (
    LIST_RESPONSES,
    CountryCode,
    Cursor,
    Flag,
    Id,
    Integer,
    Limit,
    LocalNames,
    ModifiedSince,
    Number,
    Omittable,
    Page,
    PatchModel,
    RequestModel,
    SearchText,
    ShortText,
    Text,
    Timestamp,
    sort_query,
)
from urbandiplo.api.deps import PrincipalDep, ServicesDep
from urbandiplo.api.http import decode_cursor
from urbandiplo.api.resource import IfNoneMatch, Views
from urbandiplo.api.routes import Resource, add_item_routes
from urbandiplo.domain.cities import CITY_SORTS, CityFields, CityQuery
from urbandiplo.domain.listing import DEFAULT_PAGE_SIZE, PageRequest, Sort
from urbandiplo.domain.values import Visibility

router = APIRouter(prefix="/v1/cities", tags=["cities"])

SubdivisionCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{2}-[A-Z0-9]{1,3}$", max_length=6),
    Field(description="ISO 3166-2 code of the region", examples=["DE-NW"]),
]
WikidataId = Annotated[str, StringConstraints(pattern=r"^Q[1-9][0-9]{0,11}$", max_length=13)]
Latitude = Annotated[Number, Field(ge=-90, le=90)]
Longitude = Annotated[Number, Field(ge=-180, le=180)]
Population = Annotated[Integer, Field(ge=0, le=100_000_000_000)]
GeonamesId = Annotated[
    StrictInt, Field(ge=1, le=2_147_483_647, json_schema_extra={"format": "int32"})
]

EXAMPLE_IN: dict[str, Any] = {
    "name": "Cluj-Napoca",
    "names": {"de": "Klausenburg", "en": "Cluj-Napoca", "hu": "Kolozsvár"},
    "country_code": "RO",
    "subdivision_code": "RO-CJ",
    "latitude": 46.7667,
    "longitude": 23.5833,
}
EXAMPLE_OUT: dict[str, Any] = {
    **EXAMPLE_IN,
    "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e5f",
    "population": 286598,
    "wikidata_id": "Q100188",
    "geonames_id": 681290,
    "global_south": False,
    "created_at": "2026-11-21T09:00:00+00:00",
    "updated_at": "2026-11-21T09:00:00+00:00",
}


class CityCreate(RequestModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_IN]})

    name: ShortText = Field(description="Local official name")
    names: LocalNames = Field(default_factory=dict)
    country_code: CountryCode
    subdivision_code: SubdivisionCode | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    population: Population | None = None
    wikidata_id: WikidataId | None = None
    geonames_id: GeonamesId | None = None
    notes: Text | None = Field(default=None, description="Internal note, for staff only")
    visibility: Visibility = Visibility.PUBLIC

    def to_fields(self) -> CityFields:
        return CityFields(**{name: getattr(self, name) for name in type(self).model_fields})


class CityUpdate(PatchModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"population": 286598}]}
    )

    name: Omittable[ShortText] = None
    names: Omittable[LocalNames] = None
    country_code: Omittable[CountryCode] = None
    subdivision_code: SubdivisionCode | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None
    population: Population | None = None
    wikidata_id: WikidataId | None = None
    geonames_id: GeonamesId | None = None
    notes: Text | None = None
    visibility: Omittable[Visibility] = None

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class CityPublic(BaseModel):
    """A city as the website sees it."""

    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_OUT]})

    id: Id
    name: ShortText
    names: LocalNames
    country_code: CountryCode
    subdivision_code: SubdivisionCode | None
    latitude: Latitude | None
    longitude: Longitude | None
    population: Population | None
    wikidata_id: WikidataId | None
    geonames_id: GeonamesId | None
    global_south: bool = Field(
        description="On the OECD DAC list of ODA recipients (read-only, derived)"
    )
    created_at: Timestamp
    updated_at: Timestamp


class City(CityPublic):
    """A city as staff see it."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{**EXAMPLE_OUT, "notes": None, "visibility": "public"}]}
    )

    notes: Text | None
    visibility: Visibility


class CityPage(Page[City]):
    pass


class CityPublicPage(Page[CityPublic]):
    pass


VIEWS = Views(City, CityPublic)
SortParam = Annotated[str, sort_query(CITY_SORTS)]


@router.get(
    "",
    operation_id="cities-list",
    summary="List cities",
    response_model=CityPage | CityPublicPage,
    responses=LIST_RESPONSES,
)
def list_cities(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    country_code: Annotated[CountryCode | None, Query()] = None,
    global_south: Annotated[Flag | None, Query()] = None,
    q: SearchText = None,
    modified_since: ModifiedSince = None,
    sort: SortParam = "name",
    limit: Limit = DEFAULT_PAGE_SIZE,
    cursor: Cursor = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    found = services.cities.list_page(
        principal,
        CityQuery(
            country_code=country_code, q=q, modified_since=modified_since, global_south=global_south
        ),
        Sort.parse(sort, CITY_SORTS),
        PageRequest(limit, decode_cursor(cursor)),
    )
    return resource.page(request, principal, VIEWS, found)


add_item_routes(
    router,
    Resource(
        collection="cities",
        noun="city",
        views=VIEWS,
        create_model=CityCreate,
        update_model=CityUpdate,
        service=lambda services: services.cities,
    ),
)
