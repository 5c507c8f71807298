"""POST /api/v1/measure: a photo of a long gun with a bank card beside it in, its lengths out."""

from __future__ import annotations

from fastapi import APIRouter, File, Form, Request, UploadFile

from api.deps import ServiceDep, infer_upload
from api.problems import UPLOAD, errors
from basegun.answering.check_models import Measure
from basegun.answering.measure.refusals import REFUSAL_CODES

router = APIRouter(prefix="/api/v1", tags=["measurement"])


@router.post(
    "/measure",
    summary="Measure a long gun's overall and barrel lengths from a card in the photo",
    responses=errors(UPLOAD, {400: ("not_measured",), 404: ("unknown_typology",), 422: REFUSAL_CODES}),
)
async def measure(
    request: Request,
    service: ServiceDep,
    image: UploadFile = File(  # noqa: B008
        ..., description="The photo, with an ID-1 card (bank card, identity card) lying flat beside the weapon"
    ),
    typology: str | None = Form(
        None, description="A typology key: its length rule then gives the legal category the lengths imply"
    ),
) -> Measure:
    return await infer_upload(request, image, service, service.measure, typology or None)
