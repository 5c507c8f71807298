"""What Basegun answers about a photo or a weapon, as types: the one contract of the API, the reports and the web app.

The core builds these objects; the API declares them as its routes' response models (so the OpenAPI document names
every field), the reports, the mails and the command render them. The JSON is the one the web app has always read.
The identification's JSON Schema (`identification_schema`) is served for the answer the web app makes offline.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from basegun.answering.alarm.check import Status
from basegun.answering.markings.confirmed import WeaponMarkings
from basegun.answering.presence import Outcome
from basegun.networks.typology import ConfidenceLevel

NextStep = Literal["securing_guide", "expert_securing", "replica_check", "alarm_check", "measurement"]
Flag = Literal[
    "no_firearm",
    "firearm_uncertain",
    "low_confidence",
    "needs_expert",
    "needs_card",
    "listed_alarm_gun",
    "blank_firing_mark",
    "replica_marking",
    "possible_replica",
    "possible_alarm_gun",
]
Point = tuple[float, float]
RefusalCode = Literal[
    "no_weapon", "no_card", "card_too_small", "card_oblique", "low_keypoint_confidence", "several_cards"
]


class Shape(BaseModel):
    """Every answer refuses fields it does not declare: a field added in the core must be added here too."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Words(Shape):
    """One text in French (shown first) and in English."""

    fr: str
    en: str

    def text(self, lang: str) -> str:
        """In `lang` (French unless English is asked for)."""
        return self.en if lang == "en" else self.fr


class TypologyRef(Shape):
    """A typology as an answer names it."""

    key: str = Field(description="The typology key, e.g. `revolver`")
    label: str = Field(description="Its French label")
    labels: Words
    confidence: float = Field(ge=0, le=1, description="The probability given to it")


class Mention(Shape):
    """A legal category and what it means for the holder."""

    category: str
    mention: Words
    meaning: Words


class Legal(Shape):
    """The legal answer; below the confidence gate it asserts nothing (`asserted` false, no category)."""

    asserted: bool
    categories: list[str] = Field(description="A, B, C, D or not_classified; several while lengths are unknown")
    category_text: Words
    mentions: list[Mention]
    explanation: Words | None
    settle: list[Words] = Field(description="What would settle an open answer")
    other_factors: list[Words]
    length_rule: str | None
    notice: Words = Field(description="Information only: the legal category is settled by an expert")
    advice: Words


class LengthVerdictAnswer(Shape):
    """What measured lengths say of the legal category, honest about their uncertainty."""

    categories: list[str]
    decided: bool
    reason: Words


class MeasurementAnswer(Shape):
    """A long gun's lengths in cm, ± about 95 %, and where they were read (photo pixels)."""

    overall_length_cm: float
    barrel_length_cm: float
    overall_uncertainty_cm: float
    barrel_uncertainty_cm: float
    card_confidence: float
    weapon_confidence: float
    card_size_px: Point = Field(description="The card's long and short sides")
    card_corners: list[Point]
    keypoints: dict[str, Point] = Field(description="rear_end_a, rear_end_b, barrel_rear, muzzle")
    typology: str | None
    length_rule: str | None
    legal: LengthVerdictAnswer | None
    annotated_image: str | None = Field(
        None, description="The photo with the card and the lengths drawn, as a data: URL (never stored)"
    )


class Refusal(Shape):
    """Why a photo could not be measured."""

    code: RefusalCode
    messages: Words


class RefusedMeasurement(Shape):
    """A card was seen but the photo could not be measured."""

    refused: Refusal


class PresenceAnswer(Shape):
    """Whether a firearm is there: the first decision of every answer."""

    firearm_detected: bool = Field(description="True unless the firearm is absent")
    firearm_presence: Outcome
    firearm_score: float | None = Field(description="The weapon detector's best score; null where it was not run")


class Answer(PresenceAnswer):
    """The answer shared by a photo and a weapon: typology, legal answer, next steps, advice."""

    typology: TypologyRef | None
    confidence: float | None
    confidence_level: ConfidenceLevel | None
    alternatives: list[TypologyRef] = Field(description="The runners-up, best first")
    legal: Legal | None
    next_steps: list[NextStep]
    advice: Words

    def common(self) -> Answer:
        """The shared part alone, to compare a photo's answer with a weapon's."""
        return Answer.model_validate(self.model_dump(include=set(Answer.model_fields)))


class ModelInfo(Shape):
    name: str
    version: str
    sha256: str


class PhotoSize(Shape):
    width: int
    height: int


class Identification(Answer):
    """POST /api/v1/identify: one photo's answer."""

    id: str | None = Field(None, description="The stored answer's id, for feedback and expert requests")
    model: ModelInfo
    measurement: MeasurementAnswer | RefusedMeasurement | None = Field(
        description="Only for a long gun with a card in the photo"
    )
    photo: PhotoSize
    timings_ms: dict[str, float]


class PhotoError(Shape):
    code: str
    detail: str


class UnreadPhoto(Shape):
    """A photo of a weapon that could not be read."""

    name: str
    error: PhotoError


class PhotoAnswer(PresenceAnswer):
    """What one photo of a weapon says on its own."""

    name: str
    typology: TypologyRef | None


class Agreement(Shape):
    agreeing: int = Field(description="Photos whose own typology is the weapon's")
    with_firearm: int = Field(description="Photos that show a firearm (and were fused)")
    readable: int


class PhotoRefusal(Shape):
    """A photo of a weapon that could not be measured."""

    photo: str
    code: RefusalCode
    detail: Words


class ListedModel(Shape):
    maker: str | None
    model: str | None


class WeaponAlarm(Shape):
    """The most telling alarm check of a pistol's or revolver's photos."""

    status: Status
    photo: str
    listed_model: ListedModel | None
    summary: Words
    advice: Words
    airsoft_markings: list[str]


class WeaponAnswer(Answer):
    """One weapon of a batch: its photos fused into one answer, and what the station still has to do."""

    index: int | None = Field(None, description="Its place in the batch")
    name: str
    photos: list[PhotoAnswer | UnreadPhoto]
    photos_total: int
    photos_readable: int
    agreement: Agreement
    measurement: MeasurementAnswer | None
    measurement_refusals: list[PhotoRefusal]
    alarm_check: WeaponAlarm | None
    markings: WeaponMarkings | None = Field(
        None, description="Maker, model, calibre and serial number read from the weapon's close-ups of markings"
    )
    flags: list[Flag]


class OfflineIdentification(Shape):
    """An identification the web app made on the phone without the service (frontend/js/offline/answer.js): the
    typology network alone, so nobody checked that a firearm is there, nothing measured, nothing stored."""

    offline: Literal[True]
    firearm_presence: Literal["not_checked"]
    typology: TypologyRef
    confidence: float
    confidence_level: ConfidenceLevel
    alternatives: list[TypologyRef]
    legal: Legal
    next_steps: list[NextStep]
    advice: Words
    measurement: None
    model: ModelInfo
    timings_ms: dict[str, float]


def identification_schema() -> dict[str, Any]:
    """The JSON Schema of what the web app shows as an identification: the service's, or the one made offline."""
    schema = TypeAdapter(Identification | OfflineIdentification).json_schema(mode="serialization")
    return {"title": "Identification", **schema}
