"""The answers of the checks beside identification, as types: a measurement on its own, an alarm check of a
close-up of the markings, the replica question and its verdict."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from basegun.answering.alarm.check import Status
from basegun.answering.alarm.quality import Problem
from basegun.answering.answer_models import ListedModel, MeasurementAnswer, Mention, PhotoSize, Shape, Words
from basegun.answering.replica import Ammunition, Verdict


class Measure(MeasurementAnswer):
    """POST /api/v1/measure: a long gun's lengths, on their own."""

    id: str | None = Field(None, description="The stored answer's id")
    notice: Words


class QualityAnswer(Shape):
    """How readable the close-up is, and the bars it was held to."""

    problems: list[Problem]
    long_side_px: int
    blur_px: float
    max_blur_px: float
    edge_contrast: float
    min_edge_contrast: float
    median_brightness: float


class ReadLine(Shape):
    """One line of text read, where it is (photo pixels, tl tr br bl), and whether it was used."""

    text: str
    confidence: float
    box: list[tuple[int, int]]
    height_px: float
    used: bool


class Found(Shape):
    term: str
    read: str
    line: int


class RuleMatchAnswer(Shape):
    """A marking rule that matched: what it names (a listed model's maker and model, a blank-firing mark, an airsoft
    marking), and the terms read."""

    maker: str | None = None
    model: str | None = None
    mark: str | None = None
    marking: str | None = None
    rule: str
    found: list[Found]
    vetoed_by: str | None = None


class AlarmEvidence(Shape):
    quality: QualityAnswer
    text: list[ReadLine]
    listed_models: list[RuleMatchAnswer]
    blank_firing_marks: list[RuleMatchAnswer]
    airsoft_markings: list[RuleMatchAnswer]
    vetoed: list[RuleMatchAnswer]


class AlarmCheckAnswer(Shape):
    """POST /api/v1/alarm-check: is the close-up that of a listed alarm-gun model?"""

    id: str | None = Field(None, description="The stored answer's id, for a replica check to cite")
    markings_id: str | None = Field(None, description="The markings reading it was made from, when it was")
    status: Status
    listed_model: ListedModel | None
    summary: Words
    advice: Words
    airsoft_markings: list[str]
    airsoft_hint: Words | None
    evidence: AlarmEvidence
    notice: Words
    photo: PhotoSize
    timings_ms: dict[str, float]


class AmmunitionChoice(Shape):
    key: Ammunition
    label: Words


class ReplicaQuestion(Shape):
    """GET /api/v1/replica-check/{typology}: the question to ask, its answers, the warnings to show."""

    typology: str
    question: Words
    answers: list[AmmunitionChoice]
    warnings: list[Words]


class ReplicaReason(Shape):
    key: str
    fr: str
    en: str


class MarkingsUsed(Shape):
    source: Literal["alarm_check", "markings_text"]
    alarm_check_id: str | None
    status: str
    listed_model: str | None
    airsoft_markings: list[str]


class ReplicaVerdict(Shape):
    """POST /api/v1/replica-check: real firearm, replica or listed alarm gun, and why."""

    id: str | None = Field(None, description="The stored answer's id")
    typology: str
    ammunition: Ammunition
    verdict: Verdict
    categories: list[str]
    category_text: Words
    mentions: list[Mention]
    summary: Words
    advice: Words
    reasons: list[ReplicaReason]
    warnings: list[Words]
    markings: MarkingsUsed | None
    notice: Words
