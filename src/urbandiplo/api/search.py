"""/v1/search: one search box across every resource, for the website and for staff."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from urbandiplo.api.common import WHOLE_NUMBER, I18nTextOut, Id
from urbandiplo.api.deps import PrincipalDep, ServicesDep
from urbandiplo.api.http import json_response
from urbandiplo.api.problems import problem_responses
from urbandiplo.api.rendering import dumps
from urbandiplo.api.resource import IfNoneMatch
from urbandiplo.domain.search import MAX_RESULTS, SearchHit

router = APIRouter(tags=["search"])

RecordType = Literal[
    "cities",
    "partnerships",
    "organisations",
    "people",
    "networks",
    "events",
    "delegations",
    "projects",
    "funding-programmes",
    "funding-calls",
    "funding-applications",
    "news",
    "cooperation-offers",
]


class SearchResult(BaseModel):
    model_config = ConfigDict(title="SearchResult")

    type: RecordType = Field(description="The collection the record is in")
    id: Id
    url: str = Field(max_length=200, description="Where to read the record")
    title: I18nTextOut
    snippet: str = Field(max_length=2000, description="Words of the record around a match")
    rank: float = Field(description="Higher is a better match; compare within one answer only")


class SearchResults(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "q": "Dnipro",
                    "items": [
                        {
                            "type": "partnerships",
                            "id": "019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e5f",
                            "url": "/v1/partnerships/019a8f0e-3c4b-7d21-9e5f-0a1b2c3d4e5f",
                            "title": {"de": "Köln \u2013 Dnipro", "en": "Cologne \u2013 Dnipro"},
                            "snippet": "Köln Cologne Дніпро Dnipro …",
                            "rank": 0.42,
                        }
                    ],
                }
            ]
        }
    )

    q: str = Field(max_length=200)
    items: list[SearchResult] = Field(max_length=MAX_RESULTS)


def _result(hit: SearchHit) -> dict[str, Any]:
    return {
        "type": hit.record_type,
        "id": str(hit.record_id),
        "url": f"/v1/{hit.record_type}/{hit.record_id}",
        "title": dict(hit.title),
        "snippet": hit.snippet,
        "rank": round(hit.rank, 6),
    }


@router.get(
    "/v1/search",
    operation_id="search",
    summary="Search every resource",
    description="Words in German or English, in any form the stemmers know (Partnerschaften "
    "finds Partnerschaft) or as the beginning of a word (Dnip finds Dnipro); umlauts and ß "
    "match their transliterations (Koeln finds Köln). Every word must match. Best matches "
    "first; only records you may read, and only by their public text.",
    response_model=SearchResults,
    responses={304: {"description": "Not modified"}, **problem_responses(401, 422)},
)
def search(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="What to look for")],
    type_: Annotated[
        list[RecordType] | None,
        Query(alias="type", max_length=13, description="Only these kinds of record"),
    ] = None,
    limit: Annotated[
        int, Query(ge=1, le=MAX_RESULTS, json_schema_extra={"format": "int32"}), WHOLE_NUMBER
    ] = 20,
    if_none_match: IfNoneMatch = None,
) -> Response:
    hits = services.search.search(principal, q, type_ or (), limit)
    body = dumps({"q": q, "items": [_result(hit) for hit in hits]})
    return json_response(body, request, principal)
