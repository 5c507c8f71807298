"""Liveness, readiness and version: for the operator's probes and monitoring."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.middleware import ReadinessGate
from basegun import __version__
from basegun.runtime.readiness import ReadinessChecks

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process is alive")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Every dependency (database, object store, models) answers", response_model=None)
async def readyz(request: Request) -> Any:
    """200 with each dependency's state when all are `ok`; else 503 naming the ones down (the replica takes no work
    meanwhile). From the last background check: a probe never waits on a dependency."""
    checks: ReadinessChecks | None = getattr(request.app.state, "readiness", None)
    if checks is None:
        state = {"models": "still loading"}
        ready = False
    else:
        readiness = checks.state()
        state, ready = readiness.checks, readiness.ready
    if ready:
        return {"status": "ready", "checks": state}
    return JSONResponse(
        {"status": "not_ready", "checks": state},
        status_code=503,
        headers={"retry-after": str(ReadinessGate.RETRY_AFTER_SECONDS)},
    )


@router.get("/api/v1/version", summary="Service and model versions")
async def version(request: Request) -> dict[str, Any]:
    service = getattr(request.app.state, "service", None)
    models = {}
    if service is not None:
        for name, session in service.models.sessions().items():
            manifest = session.manifest
            models[name] = {"name": manifest.name, "version": manifest.version, "sha256": manifest.sha256}
    return {"service": "basegun", "version": __version__, "models": models}
