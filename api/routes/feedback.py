"""POST /api/v1/feedback: was an identification right? Anyone may say; a signed-in agent may add the photo."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from api.auth import UserDep
from api.deps import ServiceDep, infer_upload
from api.problems import SIGNED_IN, UPLOAD, errors
from basegun.records.answer_models import FeedbackReceipt
from basegun.records.feedback import MAX_COMMENT, Feedback
from basegun.records.photos import clean_photo

router = APIRouter(prefix="/api/v1", tags=["feedback"])


@router.post(
    "/feedback",
    status_code=201,
    summary="Say whether an identification was right (and what it is)",
    form_limits={"max_files": 1, "max_fields": 5},
    openapi_extra={"security": [{}, {"HTTPBearer": []}]},  # anyone may say; a signed-in agent may add the photo
    responses=errors(
        UPLOAD,
        SIGNED_IN,
        {400: ("contradictory_feedback", "consent_required"), 403: ("forbidden",), 404: ("unknown_identification",)},
    ),
)
async def give_feedback(
    request: Request,
    service: ServiceDep,
    user: UserDep,
    result_id: Annotated[str, Form(max_length=64, description="The identification's id")],
    correct: Annotated[bool, Form(description="Was the typology right?")],
    typology: Annotated[str | None, Form(max_length=64, description="The right typology key, if known")] = None,
    comment: Annotated[str, Form(max_length=MAX_COMMENT)] = "",
    consent: Annotated[bool, Form(description="The photo may be kept to improve Basegun")] = False,
    photo: Annotated[UploadFile | None, File(description="Agents only, with consent: the photo identified")] = None,
) -> FeedbackReceipt:
    assert service.records is not None, "the served service always keeps records"
    cleaned = None
    if photo is not None:
        cleaned = await infer_upload(request, photo, service, clean_photo, service.limits)
    given = Feedback(result_id, correct, typology or None, comment, consent)
    return await run_in_threadpool(service.records.feedback.add, user, given, cleaned)
