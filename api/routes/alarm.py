"""POST /api/v1/alarm-check: a close-up of a weapon's markings in, whether it is a listed alarm gun out."""

from __future__ import annotations

from fastapi import APIRouter, File, Request, UploadFile

from api.deps import ServiceDep, infer_upload
from api.problems import UPLOAD, errors
from basegun.answering.check_models import AlarmCheckAnswer

router = APIRouter(prefix="/api/v1", tags=["alarm and replica checks"])


@router.post(
    "/alarm-check", summary="Read a weapon's markings: is it a listed alarm-gun model?", responses=errors(UPLOAD)
)
async def alarm_check(
    request: Request,
    service: ServiceDep,
    image: UploadFile = File(  # noqa: B008
        ..., description="A sharp close-up of the engraved markings (maker, model, calibre)"
    ),
) -> AlarmCheckAnswer:
    return await infer_upload(request, image, service, service.alarm_check)
