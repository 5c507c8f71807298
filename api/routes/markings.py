"""POST /api/v1/markings: one to four close-ups of a weapon's markings in, maker, model, calibre and serial number
out, each with the words it came from."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from api.clients import SCOPE_KEY
from api.deps import ServiceDep, read_upload
from api.inference import InferencePool
from api.problems import UPLOAD, errors
from basegun.answering.markings import MarkingsResult
from basegun.answering.markings.reader import MAX_PHOTOS, check_photo_count

router = APIRouter(prefix="/api/v1", tags=["markings"])
PATH = "/api/v1/markings"


@router.post(
    "/markings",
    summary="Read a weapon's markings: maker, model, calibre, serial number and marks",
    response_model=MarkingsResult,
    response_model_exclude_none=False,
    # One file more than allowed gets through the form parser, so that it is refused with its own code.
    form_limits={"max_files": MAX_PHOTOS + 1, "max_fields": 2},
    responses=errors(
        UPLOAD,
        {400: ("missing_photos",), 404: ("unknown_identification",), 413: ("too_many_photos",)},
        {507: ("storage_full",)},
    ),
)
async def read_markings(
    request: Request,
    service: ServiceDep,
    images: Annotated[
        list[UploadFile], File(description="One to four sharp close-ups of the markings (slide, frame, barrel)")
    ],
    identification_id: Annotated[
        str | None,
        Form(max_length=64, description="The identification of this weapon: its typology says which reasons apply"),
    ] = None,
) -> MarkingsResult:
    check_photo_count(len(images))
    pool: InferencePool = request.app.state.inference_pool
    with pool.slot(request.scope.get(SCOPE_KEY, "")):
        if service.store is not None:
            await run_in_threadpool(service.disk.check)
        photos = [await read_upload(upload, service) for upload in images]
        readings = [await pool.run(request.receive, service.markings.read_bytes, data) for data in photos]
    return await run_in_threadpool(service.read_markings, readings, identification_id or None)
