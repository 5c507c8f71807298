"""What the records answer, as types: an expert request (with the summary of the identification it cites, which the
experts' mail words) and a feedback received."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from basegun.answering.answer_models import Identification, MeasurementAnswer, Shape, Words
from basegun.answering.markings.confirmed import WeaponFields
from basegun.networks.typology import ConfidenceLevel


class IdentificationSummary(Shape):
    """What the experts read of an identification: it is kept with the request, as results expire."""

    typology: str | None
    label: str | None
    confidence: float | None
    confidence_level: ConfidenceLevel | None
    categories: list[str]
    overall_length_cm: float | None
    barrel_length_cm: float | None

    @classmethod
    def of(cls, identification: Identification) -> IdentificationSummary:
        typology, legal = identification.typology, identification.legal
        measured = identification.measurement if isinstance(identification.measurement, MeasurementAnswer) else None
        return cls(
            typology=typology.key if typology else None,
            label=typology.label if typology else None,
            confidence=identification.confidence,
            confidence_level=identification.confidence_level,
            categories=legal.categories if legal else [],
            overall_length_cm=measured.overall_length_cm if measured else None,
            barrel_length_cm=measured.barrel_length_cm if measured else None,
        )


class Agent(Shape):
    name: str
    email: str | None


class RequestPhoto(Shape):
    id: str
    url: str


class ExpertAnswer(Shape):
    typology: str
    typology_label: Words
    category: str
    text: str
    expert: str | None
    answered_at: str | None


class Notification(Shape):
    """A mail about the request: to the experts or to the agent, sent or still to send."""

    to: str
    status: Literal["sent", "pending"]
    attempts: int


class ExpertRequest(Shape):
    """One expert request as the agent who sent it and the experts see it."""

    id: str
    status: Literal["submitted", "answered"]
    created_at: str | None
    agent: Agent
    service: str
    phone: str
    seizure_number: str
    procedure_number: str
    markings: str
    notes: str
    identification_id: str | None
    identification: IdentificationSummary | None
    weapon_fields: WeaponFields | None = Field(
        None, description="Maker, model, calibre and serial number: as read from the markings, or typed by the agent"
    )
    photos: list[RequestPhoto]
    answer: ExpertAnswer | None
    notifications: list[Notification]


class ExpertRequests(Shape):
    """An agent's own requests (newest first), or the experts' queue (oldest first)."""

    requests: list[ExpertRequest]


class FeedbackReceipt(Shape):
    """A feedback received on a stored identification."""

    id: str
    result_id: str
    correct: bool
    typology: str | None
    photo_kept: bool = Field(description="Whether the photo was kept (an agent's, with consent)")
