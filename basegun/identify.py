"""Identification: a photo in, an answer a gendarme or a citizen can act on out.

The typology classifier always names one of its classes, so the weapon detector first says whether there is a
firearm at all; the answer-maker then turns the presence, the typology and its confidence into the answer (legal
category, next steps, advice). For the long guns whose category turns on their lengths, a card in the photo is
measured without a second upload.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from basegun.answer import AnswerMaker, Presence
from basegun.concurrency import beside, timed
from basegun.errors import MeasurementRefused
from basegun.imaging import Limits, Photo, decode
from basegun.measure import Measurement, Measurer, length_rule_of
from basegun.models import Models


@dataclass
class Identification:
    """The answer to one photo; `to_dict` is the JSON the API returns."""

    answer: dict[str, Any]
    model: dict[str, str]
    photo_size: tuple[int, int]
    timings_ms: dict[str, float]
    measurement: Measurement | None = None
    measurement_refused: MeasurementRefused | None = None

    def to_dict(self, *, image: bool = True) -> dict[str, Any]:
        """The JSON answer; `image=False` leaves out the annotated photo of a measurement (never stored)."""
        return {
            **self.answer,
            "model": self.model,
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
    """Runs the models on a photo, measures a long gun beside a card, and has the answer-maker write the answer."""

    def __init__(self, models: Models, answers: AnswerMaker, limits: Limits, measurer: Measurer) -> None:
        self.models = models
        self.answers = answers
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
        presence = Presence(detected=bool(detections), score=detections[0].score if detections else 0.0)
        identification = Identification(
            answer={}, model=self.model_info, photo_size=photo.original_size, timings_ms=timings
        )
        acted_on = self.answers.confident_typology(prediction) if presence.detected else None
        if acted_on is not None and acted_on.length_rule is not None:
            classified = time.perf_counter()
            self._measure(data, photo, prediction.key, identification)
            timings["measurement"] = (time.perf_counter() - classified) * 1000
        verdict = identification.measurement.verdict if identification.measurement else None
        identification.answer = self.answers.answer(presence, prediction, verdict)
        timings["total"] = (time.perf_counter() - started) * 1000
        return identification

    def _measure(self, data: bytes, photo: Photo, key: str, identification: Identification) -> None:
        """Measure when a card lies in the photo; no card is no measurement, other refusals are reported."""
        if photo.reduction < 1:  # the measuring networks need the photo as the camera took it
            photo = decode(data, self.limits, self.measurer.detail)
        catalog = self.answers.catalog
        try:
            identification.measurement = self.measurer.measure_if_card(photo, key, length_rule_of(catalog, key))
        except MeasurementRefused as refusal:
            identification.measurement_refused = refusal
