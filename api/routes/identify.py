"""POST /api/v1/identify: one photo in, the typology, legal answer and next steps out."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, File, Request, UploadFile

from api.deps import ServiceDep, infer_upload
from api.problems import UPLOAD, errors
from basegun.answering.answer_models import Identification, identification_schema

router = APIRouter(prefix="/api/v1", tags=["identification"])


@router.post("/identify", summary="Identify the firearm in a photo", responses=errors(UPLOAD))
async def identify(
    request: Request,
    service: ServiceDep,
    image: UploadFile = File(..., description="The photo: JPEG, PNG, WebP, HEIC, BMP, TIFF or GIF"),  # noqa: B008
) -> Identification:
    return await infer_upload(request, image, service, service.identify)


@router.get(
    "/schemas/identification.json",
    summary="The JSON Schema of an identification: what the web app's offline answer must satisfy",
)
async def identification_json_schema() -> dict[str, Any]:
    return identification_schema()
