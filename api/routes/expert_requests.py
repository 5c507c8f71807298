"""Expert requests: agents ask the national forensic experts to examine a weapon; experts answer in the app."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from api.auth import AgentDep, AgentOrExpertDep, ExpertDep
from api.deps import ServiceDep, infer_upload
from api.problems import POST, SERVICE, SIGNED_IN, UPLOAD, VALIDATION, errors
from basegun.answering.markings.confirmed import MAX_TYPED
from basegun.records.answer_models import ExpertRequest, ExpertRequests
from basegun.records.expert_requests import MAX_PHOTOS, Answer, RequestForm, Status, check_photo_count
from basegun.records.expert_requests import ExpertRequests as RequestRepository
from basegun.records.photos import MEDIA_TYPE, clean_photo
from basegun.records.records import Records
from basegun.service import Basegun

router = APIRouter(
    prefix="/api/v1/expert-requests",
    tags=["expert requests"],
    responses=errors(SERVICE, SIGNED_IN, {403: ("forbidden",)}),
)
ONE_LINE = r"^[^\x00-\x1f\x7f]+$"  # no line break nor control character: these go into a mail's subject
PATH = router.prefix


class AnswerBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    typology: str = Field(max_length=64, description="The typology key the expert settles on")
    category: str = Field(max_length=32, description="The legal category: A, B, C, D or not_classified")
    text: str = Field(min_length=1, max_length=4000, description="The expert's answer, for the agent")


def _records(service: Basegun) -> Records:
    assert service.records is not None, "the served service always keeps records"
    return service.records


def _requests(service: Basegun) -> RequestRepository:
    return _records(service).expert_requests


async def read_photos(request: Request, service: Basegun, uploads: list[UploadFile]) -> list[bytes]:
    """Each photo read within the upload limit, then re-encoded without its metadata in the inference pool."""
    check_photo_count(len(uploads))
    return [await infer_upload(request, upload, service, clean_photo, service.limits) for upload in uploads]


@router.post(
    "",
    status_code=201,
    summary="Ask the experts to examine a weapon (agents)",
    form_limits={"max_files": MAX_PHOTOS, "max_fields": 12},
    responses=errors(
        UPLOAD,
        {400: ("missing_photos", "too_many_photos"), 404: ("unknown_identification", "unknown_markings")},
    ),
)
async def submit(
    request: Request,
    service: ServiceDep,
    agent: AgentDep,
    photos: Annotated[list[UploadFile], File(description="Left side, right side, markings close-up, magazine")],
    unit: Annotated[str, Form(alias="service", max_length=200, pattern=ONE_LINE, description="The agent's unit")],
    phone: Annotated[str, Form(min_length=4, max_length=40, pattern=r"^[0-9+ .()-]+$")],
    seizure_number: Annotated[str, Form(max_length=100, pattern=ONE_LINE)],
    procedure_number: Annotated[str, Form(max_length=100, pattern=ONE_LINE)],
    markings: Annotated[str, Form(max_length=2000)] = "",
    notes: Annotated[str, Form(max_length=4000)] = "",
    identification_id: Annotated[str | None, Form(max_length=64)] = None,
    markings_id: Annotated[str | None, Form(max_length=64, description="A markings reading of the weapon")] = None,
    maker: Annotated[str | None, Form(max_length=MAX_TYPED, description="The maker, as the agent confirms it")] = None,
    model: Annotated[str | None, Form(max_length=MAX_TYPED)] = None,
    calibre: Annotated[str | None, Form(max_length=MAX_TYPED)] = None,
    serial_number: Annotated[str | None, Form(max_length=MAX_TYPED)] = None,
) -> ExpertRequest:
    typed = {"maker": maker, "model": model, "calibre": calibre, "serial_number": serial_number}
    form = RequestForm(
        unit,
        phone,
        seizure_number,
        procedure_number,
        markings,
        notes,
        identification_id or None,
        markings_id or None,
        typed,
    )
    cleaned = await read_photos(request, service, photos)
    submitted = await run_in_threadpool(_requests(service).submit, agent, form, cleaned)
    _records(service).send_mail_now()
    return submitted


@router.get("", summary="An agent's own requests, or the experts' queue", responses=errors(VALIDATION))
def list_requests(
    service: ServiceDep, user: AgentOrExpertDep, status: Annotated[Status | None, Query()] = None
) -> ExpertRequests:
    return ExpertRequests(requests=_requests(service).list(user, status))


@router.get(
    "/{request_id}",
    summary="One request, its photos' addresses, and the expert's answer once given",
    responses=errors({404: ("unknown_expert_request",)}),
)
def get_request(request_id: str, service: ServiceDep, user: AgentOrExpertDep) -> ExpertRequest:
    return _requests(service).get(user, request_id)


@router.get(
    "/{request_id}/photos/{photo_id}",
    summary="A photo of a request (metadata stripped)",
    response_class=Response,
    responses={
        **errors({404: ("unknown_expert_request", "unknown_photo")}),
        200: {"content": {MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}}},
    },
)
def get_photo(request_id: str, photo_id: str, service: ServiceDep, user: AgentOrExpertDep) -> Response:
    data = _requests(service).photo(user, request_id, photo_id)
    return Response(data, media_type=MEDIA_TYPE, headers={"cache-control": "private, no-store"})


@router.post(
    "/{request_id}/answer",
    summary="Answer a request (experts); the agent is told by mail",
    responses=errors(
        POST,
        {
            404: ("unknown_expert_request", "unknown_typology", "unknown_category"),
            409: ("already_answered",),
        },
    ),
)
def answer(request_id: str, body: AnswerBody, service: ServiceDep, expert: ExpertDep) -> ExpertRequest:
    answered = _requests(service).answer(expert, request_id, Answer(body.typology, body.category, body.text))
    _records(service).send_mail_now()
    return answered
