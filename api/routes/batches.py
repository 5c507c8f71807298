"""Batch triage for police stations: POST many photos or a zip, follow the progress, confirm or type each weapon's
markings, download the reports."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, File, Form, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.convertors import StringConvertor, register_url_convertor
from starlette.types import Scope

from api.clients import SCOPE_KEY, header
from api.problems import POST, SERVICE, errors
from basegun.answering.answer_models import WeaponAnswer
from basegun.batch.answer_models import BatchStatus, WeaponFieldsForm
from basegun.batch.archive import BatchLimits, Upload
from basegun.batch.manager import BatchManager, batch_limits
from basegun.batch.report_html import CSS, for_serving
from basegun.errors import InvalidRequest, ModelUnavailable

PATH = "/api/v1/batches"
# The whole batch in one request: the photos plus multipart overhead (a part's headers per photo).
BODY_LIMIT = BatchLimits().max_total_bytes + BatchLimits().max_entries * 1024


class ReportName(StringConvertor):
    """A report's file name in a path: `…/cancel` and `…/report.css` are then no report, and a wrong method on them
    is answered 405 with the methods of their own route alone."""

    regex = "report\\.(?:json|csv|html)"


register_url_convertor("report", ReportName())
MEDIA_TYPES = {"report.json": "application/json", "report.csv": "text/csv; charset=utf-8"}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The batch manager, once the service and its jobs are ready (`api/app.py`)."""
    service, jobs = app.state.service, app.state.jobs
    key = await run_in_threadpool(jobs.store.client_key)
    app.state.batches = BatchManager(service, jobs.batches, batch_limits(service), jobs.defer_batch, key)
    yield
    app.state.batches = None


SUBMIT_ERRORS = {
    400: ("batch_source", "bad_request", "invalid_request"),
    413: ("batch_too_large", "too_many_photos", "too_many_entries", "file_too_large"),
    422: ("not_a_zip", "archive_bomb", "batch_rejected"),
    503: ("busy",),
    507: ("storage_full",),
}
router = APIRouter(prefix=PATH, tags=["batch triage"], lifespan=lifespan, responses=errors(SERVICE))


def get_batches(request: Request) -> BatchManager:
    manager = getattr(request.app.state, "batches", None)
    if manager is None:
        raise ModelUnavailable("The service is starting; try again in a moment.")
    return manager


BatchesDep = Annotated[BatchManager, Depends(get_batches)]


def with_urls(status: dict[str, Any]) -> BatchStatus:
    """A batch's status with the address of each report, once they are written."""
    names = status["reports"]
    reports = {name: f"{PATH}/{status['id']}/{name}" for name in names} if names is not None else None
    return BatchStatus.model_validate({**status, "reports": reports})


def admit(scope: Scope) -> None:
    """Before the upload is read: this client's open batches, every client's, the disk (for its declared size)."""
    manager: BatchManager | None = getattr(scope["app"].state, "batches", None)
    if manager is not None:
        declared = header(scope, b"content-length") or ""
        manager.admit(scope[SCOPE_KEY], int(declared) if declared.isascii() and declared.isdecimal() else 0)


@router.post(
    "",
    status_code=202,
    summary="Send a seizure: many photos, or a zip with one folder per weapon",
    form_limits={"max_files": BatchLimits().max_photos, "max_fields": 4},
    responses=errors(POST, SUBMIT_ERRORS),
)
async def create_batch(
    request: Request,
    response: Response,
    batches: BatchesDep,
    images: list[UploadFile] | None = File(  # noqa: B008
        None, description="Photos; a name like 'arme 1/gauche.jpg' groups photos by weapon, else one weapon each"
    ),
    archive: UploadFile | None = File(  # noqa: B008
        None, description="A zip: one folder per weapon; a photo at the top is a weapon of its own"
    ),
    name: str | None = Form(None, max_length=200, description="The seizure's name, shown on the report"),
) -> BatchStatus:
    if bool(images) == bool(archive):
        raise InvalidRequest("Send either photos ('images') or one zip ('archive'), not both.", code="batch_source")
    if archive is not None:
        title = name or PurePosixPath(archive.filename or "lot").stem
        status = await run_in_threadpool(batches.submit_archive, archive.file, title, request.scope[SCOPE_KEY])
    else:
        uploads = [Upload(image.filename or f"photo-{i + 1}", image.file) for i, image in enumerate(images or [])]
        status = await run_in_threadpool(batches.submit_files, uploads, name or "lot", request.scope[SCOPE_KEY])
    response.headers["location"] = f"{PATH}/{status['id']}"
    return with_urls(status)


@router.get(
    "/{batch_id}",
    summary="A batch's progress, and each weapon's answer as soon as it is done",
    responses=errors({404: ("unknown_batch",)}),
)
async def batch_status(batch_id: str, batches: BatchesDep) -> BatchStatus:
    return with_urls(await run_in_threadpool(batches.status, batch_id))


@router.post(
    "/{batch_id}/cancel",
    summary="Cancel a batch: the weapons under way finish, the others are not analysed; the report lists those done",
    responses=errors(POST, {404: ("unknown_batch",)}),
)
async def cancel_batch(batch_id: str, batches: BatchesDep) -> BatchStatus:
    return with_urls(await run_in_threadpool(batches.cancel, batch_id))


@router.put(
    "/{batch_id}/weapons/{weapon}/fields",
    summary="Confirm or type a weapon's maker, model, calibre and serial number; reports show each as read or typed",
    responses=errors(POST, {404: ("unknown_batch", "unknown_weapon", "unknown_markings")}),
)
async def confirm_fields(
    batch_id: str,
    weapon: Annotated[int, PathParam(ge=0, lt=BatchLimits().max_photos, description="The weapon's index")],
    fields: WeaponFieldsForm,
    batches: BatchesDep,
) -> WeaponAnswer:
    return await run_in_threadpool(batches.confirm_fields, batch_id, weapon, fields)


@router.get("/{batch_id}/report.css", include_in_schema=False)
async def report_style(batch_id: str) -> Response:
    """The HTML report's style: served pages may not use inline styles (Content-Security-Policy)."""
    return Response(CSS, media_type="text/css")


@router.get(
    "/{batch_id}/{report:report}",
    summary="A finished batch's report: report.csv, report.html or report.json",
    response_class=Response,
    responses={
        **errors({404: ("unknown_batch", "unknown_report"), 409: ("batch_not_ready",)}),
        200: {
            "content": {
                "application/json": {"schema": {"type": "object"}},
                "text/csv": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
            }
        },
    },
)
async def batch_report(batch_id: str, report: str, batches: BatchesDep) -> Response:
    data = await run_in_threadpool(batches.report, batch_id, report)
    headers = {"cache-control": "no-store"}
    if report == "report.html":
        return HTMLResponse(for_serving(data.decode("utf-8")), headers=headers)
    headers["content-disposition"] = f'attachment; filename="basegun-{batch_id[:8]}-{report}"'
    return Response(data, media_type=MEDIA_TYPES[report], headers=headers)
