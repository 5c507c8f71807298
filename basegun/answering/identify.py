"""Identification: a photo in, an answer a gendarme or a citizen can act on out.

The typology classifier always names one of its classes, so whether there is a firearm at all is decided from all
the evidence (`basegun.answering.presence`): the classifier's two views, and the weapon detector only when they leave
it in doubt; the answer-maker then turns the presence, the typology and its confidence into the answer (legal category,
next steps, advice). For the long guns whose category turns on their lengths, a card in the photo is
measured without a second upload.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from PIL import Image

from basegun.answering.alarm.quality import edge_blur, grey_at
from basegun.answering.answers import AnswerMaker, Presence
from basegun.answering.measure import Measurement, Measurer, length_rule_of
from basegun.answering.presence import PresenceEvidence, PresenceRule
from basegun.errors import MeasurementRefused
from basegun.inference.imaging import Detail, Limits, Photo, decode
from basegun.inference.parallel import timed
from basegun.networks.served import Models
from basegun.networks.typology import TypologyPrediction


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
        manifest = models.typology.session.manifest
        self.presence_rule = (
            PresenceRule.from_dict(manifest.raw["presence"])
            if "presence" in manifest.raw
            else PresenceRule.detector_only(models.weapons.presence_threshold, models.weapons.input_size)
        )
        self.detail = models.typology.detail.merge(Detail(min_long_side=self.presence_rule.detector_size))
        self.model_info = {"name": manifest.name, "version": manifest.version, "sha256": manifest.sha256}

    def decode(self, data: bytes) -> Photo:
        return decode(data, self.limits, self.detail)

    def identify(self, data: bytes) -> Identification:
        started = time.perf_counter()
        photo = self.decode(data)
        timings = {"decode": (time.perf_counter() - started) * 1000}
        prediction, timings["typology"] = timed(self.models.typology.predict, photo.image)
        presence = self.presence(photo.image, prediction, timings)
        identification = Identification(
            answer={}, model=self.model_info, photo_size=photo.original_size, timings_ms=timings
        )
        acted_on = self.answers.confident_typology(presence.shown(prediction)) if presence.detected else None
        if acted_on is not None and acted_on.length_rule is not None:
            classified = time.perf_counter()
            self._measure(data, photo, prediction.key, identification)
            timings["measurement"] = (time.perf_counter() - classified) * 1000
        verdict = identification.measurement.verdict if identification.measurement else None
        identification.answer = self.answers.answer(presence, prediction, verdict)
        timings["total"] = (time.perf_counter() - started) * 1000
        return identification

    def presence(
        self, image: Image.Image, prediction: TypologyPrediction, timings: dict[str, float] | None = None
    ) -> Presence:
        """Is there a firearm? The detector, then the blur measure, run only when their answer could change it."""
        rule = self.presence_rule
        score = blur = None
        if rule.needs_detector(prediction.confidence, prediction.views_agree):
            score, spent = timed(self.models.weapons.best_score, image, rule.detector_size)
            if timings is not None:
                timings["detection"] = spent
            if rule.needs_blur(prediction.confidence, score):
                blur = edge_blur(grey_at(image, self.models.typology.input_size))[0]
        evidence = PresenceEvidence(prediction.confidence, prediction.views_agree, score, blur)
        return Presence(rule.decide(evidence), score)

    def _measure(self, data: bytes, photo: Photo, key: str, identification: Identification) -> None:
        """Measure when a card lies in the photo; no card is no measurement, other refusals are reported."""
        if photo.reduction < 1:  # the measuring networks need the photo as the camera took it
            photo = decode(data, self.limits, self.measurer.detail)
        catalog = self.answers.catalog
        try:
            identification.measurement = self.measurer.measure_if_card(photo, key, length_rule_of(catalog, key))
        except MeasurementRefused as refusal:
            identification.measurement_refused = refusal
