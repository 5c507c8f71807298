"""The catalog as the API serves it, as types: every typology with its legal answer and securing guide, and the
wording the web app needs to answer offline as the service would."""

from __future__ import annotations

from pydantic import Field

from basegun.answering.answer_models import Mention, NextStep, Shape, Words
from basegun.networks.typology import ConfidenceLevel


class SecuringVariant(Shape):
    """One way of making a typology safe, picked by what the user sees (`hint`)."""

    key: str
    label: Words
    hint: Words
    steps: list[Words]


class NoGuideVariant(Shape):
    """A variant the user may recognise that has no safe guide: an expert makes it safe."""

    key: str
    label: Words
    hint: Words
    expert_reason: Words


class Securing(Shape):
    available: bool
    expert_reason: Words | None
    common_steps: list[Words]
    stop: Words
    variants: list[SecuringVariant]
    no_guide: list[NoGuideVariant]


class TypologyEntry(Shape):
    """GET /api/v1/typologies/{key}: one typology."""

    key: str
    label: Words
    description: Words
    categories: list[str]
    category_text: Words
    mentions: list[Mention]
    category_note: Words | None
    settle: list[Words]
    other_factors: list[Words]
    length_rule: str | None
    replica_check: bool
    alarm_check: bool
    measured: bool
    next_steps: list[NextStep]
    securing: Securing


class Category(Shape):
    mention: Words
    meaning: Words


class AnswerWording(Shape):
    """What an answer says by confidence level."""

    advice: dict[ConfidenceLevel, Words]
    undetermined: Words
    low_confidence: Words


class CatalogAnswer(Shape):
    """GET /api/v1/typologies: the whole catalog."""

    notice: Words
    categories: dict[str, Category] = Field(description="By category key: A, B, C, D, not_classified")
    typologies: list[TypologyEntry]
    answer_wording: AnswerWording
