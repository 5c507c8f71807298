"""Liveness, readiness and version: for the operator's probes and monitoring."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from api.problems import errors, problem
from basegun import __version__
from basegun.answering.answer_models import ModelInfo

router = APIRouter(tags=["operations"])


class Alive(BaseModel):
    status: Literal["ok"]


class Ready(BaseModel):
    status: Literal["ready"]


class Version(BaseModel):
    service: Literal["basegun"]
    version: str
    models: dict[str, ModelInfo] = Field(description="Each loaded model, by its role (typology, weapons, card, …)")


@router.get("/healthz", summary="The process is alive")
async def healthz() -> Alive:
    return Alive(status="ok")


@router.get(
    "/readyz",
    summary="Every model is loaded and the service can answer",
    response_model=Ready,
    responses=errors({503: ("not_ready",)}),
)
async def readyz(request: Request) -> Any:
    if getattr(request.app.state, "service", None) is None:
        return problem(503, "not_ready", "The models are still loading.")
    return Ready(status="ready")


@router.get("/api/v1/version", summary="Service and model versions")
async def version(request: Request) -> Version:
    service = getattr(request.app.state, "service", None)
    models = {}
    if service is not None:
        for name, session in service.models.sessions().items():
            manifest = session.manifest
            models[name] = ModelInfo(name=manifest.name, version=manifest.version, sha256=manifest.sha256)
    return Version(service="basegun", version=__version__, models=models)
