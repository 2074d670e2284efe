"""/v1/partner-cities.geojson: the partner cities as an RFC 7946 FeatureCollection, for the
website's map."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import JSONResponse, Response

from urbandiplo.api.common import CountryCode, Id, LocalNames
from urbandiplo.api.deps import PrincipalDep, ServicesDep
from urbandiplo.api.http import json_response
from urbandiplo.api.problems import problem_responses
from urbandiplo.api.rendering import dumps
from urbandiplo.api.resource import IfNoneMatch
from urbandiplo.domain.partner_map import PartnerCity
from urbandiplo.domain.partnerships import PartnershipKind, PartnershipStatus

router = APIRouter(tags=["partnerships"])

GEOJSON = "application/geo+json"
Year = Annotated[int, Field(ge=1, le=9999, json_schema_extra={"format": "int32"})]


class GeoJSONResponse(JSONResponse):
    """Only names the media type for the contract; the route returns its bytes itself."""

    media_type = GEOJSON


class Point(BaseModel):
    type: Literal["Point"]
    coordinates: list[float] = Field(
        min_length=2, max_length=2, description="Longitude, latitude (WGS 84), as RFC 7946 has it"
    )


class PartnerCityProperties(BaseModel):
    city_id: Id
    name: str = Field(max_length=200, description="Local official name")
    names: LocalNames
    country_code: CountryCode
    partnership_id: Id
    kind: PartnershipKind
    status: PartnershipStatus
    year: Year | None = Field(description="The year the partnership was established")


class PartnerCityFeature(BaseModel):
    type: Literal["Feature"]
    id: Id
    geometry: Point | None = Field(description="null where the city's position is not known")
    properties: PartnerCityProperties


class PartnerCityCollection(BaseModel):
    """A GeoJSON FeatureCollection (RFC 7946), one feature per partner city."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "type": "Feature",
                            "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e5f",
                            "geometry": {"type": "Point", "coordinates": [35.04, 48.46]},
                            "properties": {
                                "city_id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e5f",
                                "name": "Дніпро",
                                "names": {"de": "Dnipro", "en": "Dnipro"},
                                "country_code": "UA",
                                "partnership_id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e60",
                                "kind": "twinning",
                                "status": "active",
                                "year": 2024,
                            },
                        }
                    ],
                }
            ]
        }
    )

    type: Literal["FeatureCollection"]
    features: list[PartnerCityFeature] = Field(max_length=10_000)


def feature(partner: PartnerCity) -> dict[str, Any]:
    city, partnership = partner.city, partner.partnership
    geometry = None
    if city.latitude is not None and city.longitude is not None:
        geometry = {"type": "Point", "coordinates": [city.longitude, city.latitude]}
    established = partnership.established_on
    return {
        "type": "Feature",
        "id": str(city.id),
        "geometry": geometry,
        "properties": {
            "city_id": str(city.id),
            "name": city.name,
            "names": dict(city.names),
            "country_code": city.country_code,
            "partnership_id": str(partnership.partnership_id),
            "kind": partnership.kind.value,
            "status": partnership.status.value,
            "year": established.year if established is not None else None,
        },
    }


@router.get(
    "/v1/partner-cities.geojson",
    operation_id="partner-cities-map",
    summary="Partner cities for a map",
    description="One GeoJSON feature per partner city (a point where its position is "
    "known), with the partnership's kind, status and year. The home city's partners by "
    "default; `city` for another city's.",
    response_model=PartnerCityCollection,
    response_class=GeoJSONResponse,
    responses={304: {"description": "Not modified"}, **problem_responses(401, 404, 422)},
)
def partner_cities_map(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    city: Annotated[
        Id | None, Query(description="Whose partners; the home city's if left out")
    ] = None,
    if_none_match: IfNoneMatch = None,
) -> Response:
    partners = services.partner_map.partner_cities(principal, city)
    body = dumps({"type": "FeatureCollection", "features": [feature(p) for p in partners]})
    return json_response(body, request, principal, media_type=GEOJSON)
