"""One weapon of a batch: analyse each of its photos, fuse them, measure it or read its markings when its type
calls for it, and flag what the station still has to do.

Each photo is decoded at the detail the typology and weapon networks need; only when the fused type calls for
more is it decoded again: at full size for a long gun's measurement (the card's pixels), at the OCR's size for a
handgun's markings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from basegun.alarm import AlarmCheck
from basegun.alarm.check import STATUSES, airsoft_names
from basegun.batch.fusion import FusedTypology, best_measurement, fuse
from basegun.batch.intake import PhotoFile, Skipped, Weapon
from basegun.errors import ImageRejected, MeasurementRefused
from basegun.imaging import decode, encode_jpeg
from basegun.measure import Measurement, length_rule_of
from basegun.service import Basegun
from basegun.typology import TypologyPrediction

THUMBNAIL_SIDE = 320
ALTERNATIVES = 3


@dataclass(frozen=True)
class PhotoAnalysis:
    """What one photo says on its own; `error` when it could not be read."""

    name: str
    error: Skipped | None = None
    firearm_score: float = 0.0
    probabilities: np.ndarray | None = None  # only where a firearm was found
    thumbnail: bytes | None = field(default=None, repr=False)

    @property
    def firearm_detected(self) -> bool:
        return self.probabilities is not None


@dataclass(frozen=True)
class WeaponResult:
    """A weapon's fused answer (`answer` is its JSON) and the thumbnail of its best photo."""

    answer: dict[str, Any]
    thumbnail: bytes | None = field(default=None, repr=False)


class WeaponAssessor:
    """Turns the photos of one weapon into its answer; thread-safe (the sessions are), so weapons run in parallel."""

    def __init__(self, service: Basegun) -> None:
        self.models = service.models
        self.catalog = service.catalog
        self.identifier = service.identifier
        self.limits = service.limits
        self.measurer = service.measurer
        self.alarm = service.alarm

    def assess(self, weapon: Weapon, on_photo: Callable[[], None] = lambda: None) -> WeaponResult:
        analyses = []
        for photo in weapon.photos:
            analyses.append(self.analyse(photo))
            on_photo()
        readable = [a for a in analyses if a.error is None]
        fused = fuse([a.probabilities for a in readable if a.probabilities is not None])
        prediction = self.models.typology.rank(fused.probabilities) if fused else None
        measurement, refusals = self._measure(weapon, analyses, prediction)
        answer = {
            "name": weapon.name,
            "photos": [self._photo_dict(a) for a in analyses],
            "photos_total": len(analyses),
            "photos_readable": len(readable),
            **self._typology(prediction, fused, len(readable)),
            **self._legal(prediction, measurement, refusals),
            "alarm_check": self._alarm_check(weapon, analyses, prediction),
        }
        answer["flags"] = self._flags(answer, prediction)
        best = max(readable, key=lambda a: (a.firearm_detected, a.firearm_score), default=None)
        return WeaponResult(answer=answer, thumbnail=best.thumbnail if best else None)

    def analyse(self, photo: PhotoFile) -> PhotoAnalysis:
        """Detect and classify one photo; a file that is not a usable photo is an answer too, never an exception."""
        try:
            decoded = self.identifier.decode(photo.path.read_bytes())
        except ImageRejected as rejected:
            return PhotoAnalysis(photo.name, error=Skipped(photo.name, rejected.code, rejected.detail))
        except OSError as exc:
            return PhotoAnalysis(photo.name, error=Skipped(photo.name, "unreadable_file", exc.strerror or str(exc)))
        image = decoded.image
        weapons = self.models.weapons
        found = weapons.detect(image, threshold=weapons.presence_threshold)
        thumbnail = image.copy()
        thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        return PhotoAnalysis(
            photo.name,
            firearm_score=found[0].score if found else 0.0,
            probabilities=self.models.typology.probabilities(image) if found else None,
            thumbnail=encode_jpeg(thumbnail, quality=80),
        )

    def _measure(
        self, weapon: Weapon, analyses: list[PhotoAnalysis], prediction: TypologyPrediction | None
    ) -> tuple[Measurement | None, list[dict[str, Any]]]:
        """Measure every photo with a firearm when the weapon's type is classified by its lengths."""
        if prediction is None or prediction.level == "low" or not self.catalog.get(prediction.key).measured:
            return None, []
        rule = length_rule_of(self.catalog, prediction.key)
        measurements, refusals = [], []
        for photo, analysis in zip(weapon.photos, analyses, strict=True):
            if not analysis.firearm_detected:
                continue
            try:
                full = decode(photo.path.read_bytes(), self.limits, self.measurer.detail)
                measurements.append(self.measurer.measure(full, prediction.key, rule, annotated=False))
            except MeasurementRefused as refusal:
                refusals.append({"photo": photo.name, "code": refusal.code, "detail": refusal.messages})
            except (ImageRejected, OSError):
                continue  # read a moment ago: it changed under us, and the photo list already says so if it is gone
        return best_measurement(measurements), refusals

    def _alarm_check(
        self, weapon: Weapon, analyses: list[PhotoAnalysis], prediction: TypologyPrediction | None
    ) -> dict[str, Any] | None:
        """Read the markings on every photo of a pistol or revolver; keep the most telling answer.

        Every readable photo is read, not only those where a firearm was found: a close-up of the markings is
        often too close for the weapon detector.
        """
        if prediction is None or prediction.level == "low" or not self.catalog.get(prediction.key).alarm_check:
            return None
        checks: list[tuple[str, AlarmCheck]] = []
        for photo, analysis in zip(weapon.photos, analyses, strict=True):
            if analysis.error is None:
                try:
                    checks.append((photo.name, self.alarm.check(photo.path.read_bytes())))
                except (ImageRejected, OSError):
                    continue  # read a moment ago: it changed under us
        if not checks:
            return None
        name, best = min(checks, key=lambda check: STATUSES.index(check[1].status))
        airsoft = list(dict.fromkeys(m for _, check in checks for m in airsoft_names(check.findings)))
        return {
            "status": best.status,
            "photo": name,
            "listed_model": best.listed_model,
            "summary": best.summary,
            "advice": best.advice,
            "airsoft_markings": airsoft,
        }

    def _typology_ref(self, key: str, probability: float) -> dict[str, Any]:
        label = self.catalog.get(key).label
        return {"key": key, "label": label["fr"], "labels": label, "confidence": round(probability, 4)}

    def _typology(
        self, prediction: TypologyPrediction | None, fused: FusedTypology | None, readable: int
    ) -> dict[str, Any]:
        if prediction is None or fused is None:
            return {
                "firearm_detected": False,
                "typology": None,
                "confidence": None,
                "confidence_level": None,
                "alternatives": [],
                "agreement": {"agreeing": 0, "with_firearm": 0, "readable": readable},
            }
        return {
            "firearm_detected": True,
            "typology": self._typology_ref(prediction.key, prediction.confidence),
            "confidence": round(prediction.confidence, 4),
            "confidence_level": prediction.level,
            "alternatives": [self._typology_ref(k, p) for k, p in prediction.ranked[1 : 1 + ALTERNATIVES]],
            "agreement": {"agreeing": fused.agreeing, "with_firearm": fused.used, "readable": readable},
        }

    def _legal(
        self, prediction: TypologyPrediction | None, measurement: Measurement | None, refusals: list[dict[str, Any]]
    ) -> dict[str, Any]:
        if prediction is None:
            return {"legal": None, "measurement": None, "measurement_refusals": []}
        verdict = measurement.verdict if measurement is not None else None
        return {
            "legal": self.catalog.legal_answer(prediction.key, prediction.level, verdict),
            "measurement": measurement.to_dict(image=False) if measurement is not None else None,
            "measurement_refusals": refusals,
        }

    def _flags(self, answer: dict[str, Any], prediction: TypologyPrediction | None) -> list[str]:
        """What the station has to do about this weapon, in the order of `texts.FLAGS`."""
        if prediction is None:
            return ["no_firearm"]
        typology = self.catalog.get(prediction.key)
        agreement = answer["agreement"]
        low = prediction.level == "low"
        alarm = (answer["alarm_check"] or {}).get("status")
        alarm_marked = alarm in ("listed_alarm_model", "blank_firing_mark")
        flags = {
            "no_firearm": False,
            "low_confidence": low,
            "needs_expert": (
                prediction.level != "high" or agreement["agreeing"] < agreement["with_firearm"] or alarm_marked
            ),
            "needs_card": not low and typology.measured and answer["measurement"] is None,
            "listed_alarm_gun": alarm == "listed_alarm_model",
            "blank_firing_mark": alarm == "blank_firing_mark",
            "replica_marking": bool((answer["alarm_check"] or {}).get("airsoft_markings")),
            "possible_replica": not low and typology.replica_check,
            "possible_alarm_gun": not low and typology.alarm_check and not alarm_marked,
        }
        return [flag for flag, raised in flags.items() if raised]

    def _photo_dict(self, analysis: PhotoAnalysis) -> dict[str, Any]:
        if analysis.error is not None:
            return {"name": analysis.name, "error": {"code": analysis.error.code, "detail": analysis.error.detail}}
        own = None
        if analysis.probabilities is not None:
            index = int(np.argmax(analysis.probabilities))
            own = self._typology_ref(self.models.typology.classes[index], float(analysis.probabilities[index]))
        return {
            "name": analysis.name,
            "firearm_detected": analysis.firearm_detected,
            "firearm_score": round(analysis.firearm_score, 4),
            "typology": own,
        }
