"""The typology model and its manifest, for the web app to identify in the browser when the service is unreachable.

Both answer `If-None-Match` with 304: a phone that keeps a copy only asks whether it is still the served one.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse

from api.deps import ServiceDep
from api.problems import SERVICE, errors
from basegun.inference.browser_model import BrowserModel, browser_model

NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "The copy the client holds (its `If-None-Match`) is still the served one"}
}
router = APIRouter(prefix="/api/v1/models", tags=["offline"], responses={**NOT_MODIFIED, **errors(SERVICE)})

# Kept, but checked with the service before each use: the URLs stay the same when the model changes.
CACHE_CONTROL = "no-cache"


def _model(service: ServiceDep) -> BrowserModel:
    return browser_model(service.models.typology.session.manifest, service.assessor.detail)


def _unchanged(request: Request, etag: str) -> bool:
    given = request.headers.get("if-none-match", "")
    return etag in [tag.strip() for tag in given.split(",")] or given.strip() == "*"


def _not_modified(etag: str) -> Response:
    return Response(status_code=304, headers={"etag": etag, "cache-control": CACHE_CONTROL})


@router.get(
    "/typology.json",
    summary="The typology model's manifest: preprocessing, classes, thresholds",
    response_class=Response,
    responses={200: {"content": {"application/json": {"schema": {"type": "object"}}}}},
)
async def typology_manifest(request: Request, service: ServiceDep) -> Response:
    model = _model(service)
    if _unchanged(request, model.manifest_etag):
        return _not_modified(model.manifest_etag)
    return Response(
        model.manifest_json,
        media_type="application/json",
        headers={"etag": model.manifest_etag, "cache-control": CACHE_CONTROL},
    )


@router.get(
    "/typology.onnx",
    summary="The typology model (ONNX), as the service runs it",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}},
)
async def typology_onnx(request: Request, service: ServiceDep) -> Response:
    model = _model(service)
    if _unchanged(request, model.onnx_etag):
        return _not_modified(model.onnx_etag)
    return FileResponse(
        model.onnx_path,
        media_type="application/octet-stream",
        headers={"etag": model.onnx_etag, "cache-control": CACHE_CONTROL},
    )
