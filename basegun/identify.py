"""Identification: a photo in, an answer a gendarme or a citizen can act on out.

The typology classifier always names one of its classes, so the weapon detector first says whether there is a
firearm at all; the catalog then turns the typology and its confidence into a legal answer and next steps. For the
long guns whose category turns on their lengths, a card in the photo is measured without a second upload.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from basegun.catalog import Catalog
from basegun.concurrency import beside, timed
from basegun.errors import MeasurementRefused
from basegun.imaging import Limits, Photo, decode
from basegun.legal import LengthVerdict
from basegun.measure import Measurement, Measurer, length_rule_of
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
    measurement: Measurement | None = None
    measurement_refused: MeasurementRefused | None = None

    def to_dict(self, *, image: bool = True) -> dict[str, Any]:
        """The JSON answer; `image=False` leaves out the annotated photo of a measurement (never stored)."""
        return {
            "firearm_detected": self.firearm_detected,
            "firearm_score": round(self.firearm_score, 4),
            **self.result,
            "measurement": self._measurement_dict(image),
            "photo": {"width": self.photo_size[0], "height": self.photo_size[1]},
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }

    def _measurement_dict(self, image: bool) -> dict[str, Any] | None:
        if self.measurement is not None:
            return self.measurement.to_dict(image=image)
        if self.measurement_refused is not None:
            refusal = self.measurement_refused
            return {"refused": {"code": refusal.code, "messages": refusal.messages}}
        return None


class Identifier:
    """Runs the models on a photo and asks the catalog for the legal answer."""

    def __init__(self, models: Models, catalog: Catalog, limits: Limits, measurer: Measurer) -> None:
        self.models = models
        self.catalog = catalog
        self.limits = limits
        self.measurer = measurer
        self.detail = models.typology.detail.merge(models.weapons.detail)
        manifest = models.typology.session.manifest
        self.model_info = {"name": manifest.name, "version": manifest.version, "sha256": manifest.sha256}

    def decode(self, data: bytes) -> Photo:
        return decode(data, self.limits, self.detail)

    def identify(self, data: bytes) -> Identification:
        started = time.perf_counter()
        photo = self.decode(data)
        timings = {"decode": (time.perf_counter() - started) * 1000}
        # The classifier runs beside the detector, one core each: a photo is answered in the time of the slower.
        typology = beside(timed, self.models.typology.predict, photo.image)
        detections, timings["detection"] = timed(
            self.models.weapons.detect, photo.image, self.models.weapons.presence_threshold
        )
        prediction, timings["typology"] = typology.result()
        firearm_score = detections[0].score if detections else 0.0
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
        classified = time.perf_counter()
        identification = Identification(
            firearm_detected=True,
            firearm_score=firearm_score,
            prediction=prediction,
            photo_size=photo.original_size,
            timings_ms=timings,
        )
        if self._measures(prediction):
            self._measure(data, photo, prediction.key, identification)
            timings["measurement"] = (time.perf_counter() - classified) * 1000
        verdict = identification.measurement.verdict if identification.measurement else None
        identification.result = self._answer(prediction, verdict)
        timings["total"] = (time.perf_counter() - started) * 1000
        return identification

    def _measures(self, prediction: TypologyPrediction) -> bool:
        """Lengths are sought only for a typology that lengths classify, and one the classifier is sure enough of."""
        return prediction.level != "low" and self.catalog.get(prediction.key).length_rule is not None

    def _measure(self, data: bytes, photo: Photo, key: str, identification: Identification) -> None:
        """Measure when a card lies in the photo; no card is no measurement, other refusals are reported."""
        if photo.reduction < 1:  # the measuring networks need the photo as the camera took it
            photo = decode(data, self.limits, self.measurer.detail)
        try:
            identification.measurement = self.measurer.measure_if_card(photo, key, length_rule_of(self.catalog, key))
        except MeasurementRefused as refusal:
            identification.measurement_refused = refusal

    def _typology_ref(self, key: str, confidence: float) -> dict[str, Any]:
        typology = self.catalog.get(key)
        return {
            "key": key,
            "label": typology.label["fr"],
            "labels": typology.label,
            "confidence": round(confidence, 4),
        }

    def _answer(self, prediction: TypologyPrediction, lengths: LengthVerdict | None) -> dict[str, Any]:
        typology = self.catalog.get(prediction.key)
        legal = self.catalog.legal_answer(prediction.key, prediction.level, lengths)
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
