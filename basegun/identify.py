"""Identification: a photo in, an answer a gendarme or a citizen can act on out.

The typology classifier always names one of its classes, so the weapon detector first says whether there is a
firearm at all; the catalog then turns the typology and its confidence into a legal answer and next steps.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from basegun.catalog import Catalog
from basegun.imaging import Limits, Photo, decode
from basegun.models import Models
from basegun.typology import TypologyPrediction

ALTERNATIVES = 3

NO_FIREARM_ADVICE = {
    "fr": "Aucune arme à feu n'a été trouvée sur cette photo. Si une arme y figure, reprenez la photo : "
    "l'arme entière, vue de côté, sur un fond uni, sans autre objet.",
    "en": "No firearm was found in this photo. If there is one, take the photo again: the whole weapon, side view, "
    "on a plain background, with nothing else in the frame.",
}


@dataclass
class Identification:
    """The answer to one photo; `to_dict` is the JSON the API returns."""

    firearm_detected: bool
    firearm_score: float
    prediction: TypologyPrediction | None
    photo_size: tuple[int, int]
    timings_ms: dict[str, float]
    result: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "firearm_detected": self.firearm_detected,
            "firearm_score": round(self.firearm_score, 4),
            **self.result,
            "photo": {"width": self.photo_size[0], "height": self.photo_size[1]},
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }


class Identifier:
    """Runs the models on a photo and asks the catalog for the legal answer."""

    def __init__(self, models: Models, catalog: Catalog, limits: Limits) -> None:
        self.models = models
        self.catalog = catalog
        self.limits = limits
        self.detail = models.typology.detail.merge(models.weapons.detail)
        manifest = models.typology.session.manifest
        self.model_info = {"name": manifest.name, "version": manifest.version, "sha256": manifest.sha256}

    def decode(self, data: bytes) -> Photo:
        return decode(data, self.limits, self.detail)

    def identify(self, data: bytes) -> Identification:
        started = time.perf_counter()
        photo = self.decode(data)
        decoded = time.perf_counter()
        detections = self.models.weapons.detect(photo.image, threshold=self.models.weapons.presence_threshold)
        detected = time.perf_counter()
        firearm_score = detections[0].score if detections else 0.0
        timings = {"decode": (decoded - started) * 1000, "detection": (detected - decoded) * 1000}
        if not detections:
            timings["total"] = (time.perf_counter() - started) * 1000
            return Identification(
                firearm_detected=False,
                firearm_score=firearm_score,
                prediction=None,
                photo_size=photo.original_size,
                timings_ms=timings,
                result=self._no_firearm(),
            )
        prediction = self.models.typology.predict(photo.image)
        finished = time.perf_counter()
        timings["typology"] = (finished - detected) * 1000
        timings["total"] = (finished - started) * 1000
        return Identification(
            firearm_detected=True,
            firearm_score=firearm_score,
            prediction=prediction,
            photo_size=photo.original_size,
            timings_ms=timings,
            result=self._answer(prediction),
        )

    def _typology_ref(self, key: str, confidence: float) -> dict[str, Any]:
        typology = self.catalog.get(key)
        return {
            "key": key,
            "label": typology.label["fr"],
            "labels": typology.label,
            "confidence": round(confidence, 4),
        }

    def _answer(self, prediction: TypologyPrediction) -> dict[str, Any]:
        typology = self.catalog.get(prediction.key)
        legal = self.catalog.legal_answer(prediction.key, prediction.level)
        return {
            "typology": self._typology_ref(prediction.key, prediction.confidence),
            "confidence": round(prediction.confidence, 4),
            "confidence_level": prediction.level,
            "alternatives": [self._typology_ref(k, p) for k, p in prediction.ranked[1 : 1 + ALTERNATIVES]],
            "legal": legal,
            "next_steps": typology.next_steps() if prediction.level != "low" else [],
            "advice": legal["advice"],
            "model": self.model_info,
        }

    def _no_firearm(self) -> dict[str, Any]:
        return {
            "typology": None,
            "confidence": None,
            "confidence_level": None,
            "alternatives": [],
            "legal": None,
            "next_steps": [],
            "advice": NO_FIREARM_ADVICE,
            "model": self.model_info,
        }
