"""Identification: a photo in, an answer a gendarme or a citizen can act on out.

Identifying a photo is assessing a weapon that has this one photo (`assess.py`, the one pipeline): the same presence
decision, fusion, confidence gate and measurement. What identification adds is its own view of the result: the photo's
size, the model that answered, the time each step took, the measurement drawn on the photo, and a measuring refusal
told to the user (a card too small or tilted) rather than listed; a photo with no card is simply not measured.
"""

from __future__ import annotations

import time

from basegun.answering.answer_models import (
    Identification,
    MeasurementAnswer,
    ModelInfo,
    PhotoSize,
    Refusal,
    RefusedMeasurement,
    Words,
)
from basegun.answering.assess import Asking, WeaponAssessor
from basegun.answering.measure import Measurement
from basegun.answering.weapon import PhotoData
from basegun.errors import MeasurementRefused

IDENTIFYING = Asking(annotate=True)
PHOTO_NAME = "photo"


class Identifier:
    """Identifies one uploaded photo through the weapon assessor."""

    def __init__(self, assessor: WeaponAssessor) -> None:
        self.assessor = assessor
        manifest = assessor.models.typology.session.manifest
        self.model = ModelInfo(name=manifest.name, version=manifest.version, sha256=manifest.sha256)

    def identify(self, data: bytes) -> Identification:
        """The photo's answer; `ImageRejected` when it is not a usable photo."""
        started = time.perf_counter()
        result = self.assessor.assess_photos(PHOTO_NAME, [PhotoData(PHOTO_NAME, data)], asking=IDENTIFYING)
        analysis = result.analyses[0]
        if analysis.rejected is not None:
            raise analysis.rejected
        assert analysis.size is not None, "bytes in memory are always read: a photo is decoded or refused"
        timings = {**analysis.timings_ms, **result.timings_ms, "total": (time.perf_counter() - started) * 1000}
        return Identification(
            **dict(result.answer.common()),
            model=self.model,
            measurement=measurement_of(result.measurement, result.refusals),
            photo=PhotoSize(width=analysis.size[0], height=analysis.size[1]),
            timings_ms={step: round(ms, 1) for step, ms in timings.items()},
        )


def measurement_of(
    measurement: Measurement | None, refusals: list[MeasurementRefused]
) -> MeasurementAnswer | RefusedMeasurement | None:
    """The measurement with its drawing; or why a photo with a card could not be measured; or none without a card."""
    if measurement is not None:
        return measurement.answer(image=True)
    told = [refusal for refusal in refusals if refusal.code != "no_card"]
    if told:
        return RefusedMeasurement(refused=Refusal(code=told[0].code, messages=Words(**told[0].messages)))
    return None
