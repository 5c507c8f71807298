"""Liveness, readiness and version: for the operator's probes and monitoring."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from api.problems import errors, problem
from basegun import __version__

router = APIRouter(tags=["operations"], responses=errors())


@router.get("/healthz", summary="The process is alive")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Every model is loaded and the service can answer",
    response_model=None,
    responses=errors({503: ("not_ready",)}),
)
async def readyz(request: Request) -> Any:
    if getattr(request.app.state, "service", None) is None:
        return problem(503, "not_ready", "The models are still loading.")
    return {"status": "ready"}


@router.get("/api/v1/version", summary="Service and model versions")
async def version(request: Request) -> dict[str, Any]:
    service = getattr(request.app.state, "service", None)
    models = {}
    if service is not None:
        for name, session in service.models.sessions().items():
            manifest = session.manifest
            models[name] = {"name": manifest.name, "version": manifest.version, "sha256": manifest.sha256}
    return {"service": "basegun", "version": __version__, "models": models}
