"""/healthz (the process answers) and /readyz (database reachable, schema at head)."""

from __future__ import annotations

import logging
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict
from starlette.responses import Response

from urbandiplo.api.deps import ServicesDep
from urbandiplo.api.rendering import dumps

router = APIRouter(tags=["operations"])
log = logging.getLogger("urbandiplo.api")


class Health(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})

    status: Literal["ok", "unavailable"]


@router.get("/healthz", operation_id="health", summary="Liveness", response_model=Health)
def healthz() -> Response:
    return Response(dumps({"status": "ok"}), media_type="application/json")


@router.get(
    "/readyz",
    operation_id="readiness",
    summary="Readiness: database reachable and migrated to the newest revision",
    response_model=Health,
    responses={503: {"description": "Not ready", "model": Health}},
)
def readyz(services: ServicesDep) -> Response:
    try:
        ready = services.ready()
    except Exception:  # any failure to reach the database means "not ready"
        log.warning("readiness check failed", exc_info=True)
        ready = False
    status = "ok" if ready else "unavailable"
    return Response(
        dumps({"status": status}), status_code=200 if ready else 503, media_type="application/json"
    )
