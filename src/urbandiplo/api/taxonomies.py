"""/v1/taxonomies: the SDGs and the fields of action, with German and English labels."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from urbandiplo.api import examples
from urbandiplo.api.common import I18nTextOut
from urbandiplo.api.http import json_response
from urbandiplo.api.problems import problem_responses
from urbandiplo.api.rendering import dumps, projector
from urbandiplo.api.resource import IfNoneMatch
from urbandiplo.domain.taxonomies import FIELDS_OF_ACTION, SDGS, FieldOfAction

router = APIRouter(prefix="/v1/taxonomies", tags=["taxonomies"])


class Sdg(BaseModel):
    number: int = Field(ge=1, le=17, json_schema_extra={"format": "int32"})
    label: I18nTextOut


class FieldOfActionTerm(BaseModel):
    code: FieldOfAction
    number: int = Field(ge=1, le=11, json_schema_extra={"format": "int32"})
    label: I18nTextOut


class SdgList(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.SDGS]})

    items: list[Sdg] = Field(max_length=17)


class FieldOfActionList(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [examples.FIELDS_OF_ACTION]})

    items: list[FieldOfActionTerm] = Field(max_length=11)


SDG_BODY = dumps({"items": [projector(Sdg)(sdg) for sdg in SDGS]})
FIELDS_BODY = dumps({"items": [projector(FieldOfActionTerm)(term) for term in FIELDS_OF_ACTION]})
CACHED = {"Cache-Control": "public, max-age=86400"}


@router.get(
    "/sdgs",
    operation_id="taxonomies-sdgs",
    summary="The 17 Sustainable Development Goals",
    response_model=SdgList,
    responses={304: {"description": "Not modified"}, **problem_responses(422)},
)
def sdgs(request: Request, if_none_match: IfNoneMatch = None) -> Response:
    return json_response(SDG_BODY, request, None, headers=CACHED)


@router.get(
    "/fields-of-action",
    operation_id="taxonomies-fields-of-action",
    summary="The 11 fields of action of a city's international work",
    response_model=FieldOfActionList,
    responses={304: {"description": "Not modified"}, **problem_responses(422)},
)
def fields_of_action(request: Request, if_none_match: IfNoneMatch = None) -> Response:
    return json_response(FIELDS_BODY, request, None, headers=CACHED)
