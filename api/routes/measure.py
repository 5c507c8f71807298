"""POST /api/v1/measure: a photo of a long gun with a bank card beside it in, its lengths out."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, File, Form, Request, UploadFile

from api.deps import ServiceDep, infer_upload

router = APIRouter(prefix="/api/v1", tags=["measurement"])


@router.post("/measure", summary="Measure a long gun's overall and barrel lengths from a card in the photo")
async def measure(
    request: Request,
    service: ServiceDep,
    image: UploadFile = File(  # noqa: B008
        ..., description="The photo, with an ID-1 card (bank card, identity card) lying flat beside the weapon"
    ),
    typology: str | None = Form(
        None, description="A typology key: its length rule then gives the legal category the lengths imply"
    ),
) -> dict[str, Any]:
    return await infer_upload(request, image, service, service.measure, typology or None)
