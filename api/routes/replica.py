"""The guided replica check: GET its question for a typology, POST the answers for a verdict."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ServiceDep
from api.problems import POST, SERVICE, VALIDATION, errors
from basegun.answering.check_models import ReplicaQuestion, ReplicaVerdict
from basegun.answering.replica import MAX_MARKINGS_TEXT, Ammunition

router = APIRouter(prefix="/api/v1", tags=["alarm and replica checks"])


class ReplicaCheckRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    typology: str = Field(max_length=64, description="A typology key with a replica check")
    ammunition: Ammunition = Field(description="What the magazine or cylinder takes")
    alarm_check_id: str | None = Field(None, max_length=64, description="The id of an alarm check of this weapon")
    markings_text: str | None = Field(
        None, max_length=MAX_MARKINGS_TEXT, description="Or the markings as read off the weapon, one line each"
    )


@router.get(
    "/replica-check/{typology}",
    summary="The replica question for a typology, with its warnings",
    responses=errors(VALIDATION, SERVICE, {400: ("no_replica_check",), 404: ("unknown_typology",)}),
)
def replica_question(typology: str, service: ServiceDep) -> ReplicaQuestion:
    return service.replica_question(typology)


@router.post(
    "/replica-check",
    summary="Real firearm, replica or listed alarm gun: the verdict and its reasons",
    responses=errors(
        POST,
        {
            400: ("no_replica_check", "invalid_request"),
            404: ("unknown_typology", "unknown_alarm_check"),
            503: ("model_unavailable",),
            507: ("storage_full",),
        },
    ),
)
def replica_check(body: ReplicaCheckRequest, service: ServiceDep) -> ReplicaVerdict:
    return service.replica_check(body.typology, body.ammunition, body.alarm_check_id, body.markings_text)
