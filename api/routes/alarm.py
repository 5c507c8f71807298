"""POST /api/v1/alarm-check: a close-up of a weapon's markings in, whether it is a listed alarm gun out."""

from __future__ import annotations

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from api.deps import ServiceDep, infer_upload
from api.problems import UPLOAD, errors
from basegun.answering.check_models import AlarmCheckAnswer
from basegun.errors import InvalidRequest

router = APIRouter(prefix="/api/v1", tags=["alarm and replica checks"])


@router.post(
    "/alarm-check", summary="Read a weapon's markings: is it a listed alarm-gun model?", responses=errors(UPLOAD)
)
async def alarm_check(
    request: Request,
    service: ServiceDep,
    image: UploadFile | None = File(  # noqa: B008
        None, description="A sharp close-up of the engraved markings (maker, model, calibre)"
    ),
    markings_id: str | None = Form(
        None, max_length=64, description="Or the id of a markings reading (POST /api/v1/markings) of this weapon"
    ),
) -> AlarmCheckAnswer:
    if (image is None) == (markings_id is None):
        raise InvalidRequest("Send a close-up of the markings or a markings reading's id (one of them).")
    if markings_id is not None:
        return await run_in_threadpool(service.alarm_check_of_markings, markings_id)
    assert image is not None
    return await infer_upload(request, image, service, service.alarm_check)
