"""Answers made by the tests without a photo: the answer-maker's own, for what stores and mails them."""

from __future__ import annotations

from typing import Any

from basegun.answering.answer_models import Identification, ModelInfo, PhotoSize
from basegun.answering.answers import AnswerMaker, Presence
from basegun.catalog.loading import load_catalog
from basegun.networks.typology import ConfidenceLevel, TypologyPrediction


def identification(typology: str, confidence: float = 0.9, level: ConfidenceLevel = "medium") -> dict[str, Any]:
    """A stored identification (its JSON) naming `typology`, with `confidence` and the runner-up the rest."""
    answer = AnswerMaker.load(load_catalog()).answer(
        Presence("detected", 0.8),
        TypologyPrediction([(typology, confidence), ("autre_pistolet", 1 - confidence)], level),
    )
    made = Identification(
        **dict(answer),
        model=ModelInfo(name="typology", version="test", sha256="0" * 64),
        measurement=None,
        photo=PhotoSize(width=800, height=600),
        timings_ms={},
    )
    return made.model_dump(mode="json", exclude={"id"})
