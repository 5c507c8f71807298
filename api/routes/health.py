"""Liveness, readiness and version: for the operator's probes and monitoring."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.middleware import ReadinessGate
from basegun import __version__
from basegun.answering.answer_models import ModelInfo
from basegun.runtime.readiness import ReadinessChecks

router = APIRouter(tags=["operations"])


class Alive(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    status: Literal["ready"]
    checks: dict[str, str] = Field(description="Each dependency (database, object store, models) and its state")


class NotReady(BaseModel):
    status: Literal["not_ready"]
    checks: dict[str, str] = Field(description="Each dependency and its state: `ok`, or why it is down")


class Version(BaseModel):
    service: Literal["basegun"]
    version: str
    models: dict[str, ModelInfo] = Field(description="Each loaded model, by its role (typology, weapons, card, …)")


@router.get("/healthz", summary="The process is alive")
async def healthz() -> Alive:
    return Alive(status="ok")


@router.get(
    "/readyz",
    summary="Every dependency (database, object store, models) answers",
    response_model=Ready,
    responses={503: {"model": NotReady, "description": "A dependency is down: the replica takes no work meanwhile"}},
)
async def readyz(request: Request) -> Any:
    """200 with each dependency's state when all are `ok`; else 503 naming the ones down (the replica takes no work
    meanwhile). From the last background check: a probe never waits on a dependency."""
    checks: ReadinessChecks | None = getattr(request.app.state, "readiness", None)
    if checks is None:
        state, ready = {"models": "still loading"}, False
    else:
        readiness = checks.state()
        state, ready = readiness.checks, readiness.ready
    if ready:
        return Ready(status="ready", checks=state)
    return JSONResponse(
        NotReady(status="not_ready", checks=state).model_dump(),
        status_code=503,
        headers={"retry-after": str(ReadinessGate.RETRY_AFTER_SECONDS)},
    )


@router.get("/api/v1/version", summary="Service and model versions")
async def version(request: Request) -> Version:
    service = getattr(request.app.state, "service", None)
    models = {}
    if service is not None:
        for name, session in service.models.sessions().items():
            manifest = session.manifest
            models[name] = ModelInfo(name=manifest.name, version=manifest.version, sha256=manifest.sha256)
    return Version(service="basegun", version=__version__, models=models)
