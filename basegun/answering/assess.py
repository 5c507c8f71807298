"""Assessing one weapon from its photos: analyse each photo, fuse them, measure it or read its markings when its
type calls for it, and flag what the station still has to do. The peer of `identify.py` for several photos of one
weapon, answering through the same models and the same answer-maker.

Each photo is decoded at the detail the typology and weapon networks need; only when the fused type calls for
more is it decoded again: at full size for a long gun's measurement (the card's pixels), at the OCR's size for a
handgun's markings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from basegun.answering.alarm import AlarmCheck, AlarmChecker
from basegun.answering.alarm.check import STATUSES, airsoft_names
from basegun.answering.answers import AnswerMaker, Presence
from basegun.answering.fusion import best_measurement, fuse
from basegun.answering.identify import Identifier
from basegun.answering.markings.closeups import closeups, weapon_markings
from basegun.answering.markings.reader import MarkingsReader, PhotoReading
from basegun.answering.measure import Measurement, Measurer, length_rule_of
from basegun.answering.presence import Outcome
from basegun.answering.weapon import PhotoFile, Skipped, Weapon
from basegun.errors import ImageRejected, MeasurementRefused
from basegun.inference.imaging import decode, encode_jpeg
from basegun.networks.typology import TypologyPrediction

THUMBNAIL_SIDE = 320


OUTCOMES: tuple[Outcome, ...] = ("absent", "uncertain", "detected")  # weakest first


@dataclass(frozen=True)
class PhotoAnalysis:
    """What one photo says on its own; `error` when it could not be read."""

    name: str
    error: Skipped | None = None
    presence: Presence = field(default_factory=lambda: Presence("absent"))
    probabilities: np.ndarray | None = None  # only where a firearm may be (detected or uncertain)
    thumbnail: bytes | None = field(default=None, repr=False)

    @property
    def firearm_detected(self) -> bool:
        return self.presence.detected

    @property
    def strength(self) -> tuple[int, float]:
        """How strongly this photo shows a firearm: its presence answer, then the detector's score."""
        return OUTCOMES.index(self.presence.outcome), self.presence.score or 0.0


def weapon_presence(analyses: list[PhotoAnalysis]) -> tuple[Presence, list[PhotoAnalysis]]:
    """A weapon's presence is its photos' strongest answer; its typology is fused from the photos that give it."""
    readable = [a for a in analyses if a.error is None]
    outcome: Outcome = max((a.presence.outcome for a in readable), key=OUTCOMES.index, default="absent")
    scores = [a.presence.score for a in readable if a.presence.score is not None]
    used = [a for a in readable if a.presence.outcome == outcome and outcome != "absent"]
    return Presence(outcome, max(scores) if scores else None), used


@dataclass(frozen=True)
class WeaponResult:
    """A weapon's fused answer (`answer` is its JSON) and the thumbnail of its best photo."""

    answer: dict[str, Any]
    thumbnail: bytes | None = field(default=None, repr=False)


class WeaponAssessor:
    """Turns the photos of one weapon into its answer; thread-safe (the sessions are), so weapons run in parallel."""

    def __init__(
        self, identifier: Identifier, measurer: Measurer, alarm: AlarmChecker, markings: MarkingsReader | None = None
    ) -> None:
        self.identifier = identifier
        self.markings = markings
        self.models = identifier.models
        self.answers: AnswerMaker = identifier.answers
        self.measurer = measurer
        self.alarm = alarm

    def assess(self, weapon: Weapon, on_photo: Callable[[], None] = lambda: None) -> WeaponResult:
        analyses = []
        for photo in weapon.photos:
            analyses.append(self.analyse(photo))
            on_photo()
        readable = [a for a in analyses if a.error is None]
        presence, used = weapon_presence(analyses)
        fused = fuse([a.probabilities for a in used if a.probabilities is not None])
        prediction = presence.shown(self.models.typology.rank(fused.probabilities)) if fused else None
        measurement, refusals = self._measure(weapon, analyses, prediction)
        verdict = measurement.verdict if measurement is not None else None
        agreement = {"agreeing": fused.agreeing if fused else 0, "with_firearm": fused.used if fused else 0}
        answer = {
            "name": weapon.name,
            "photos": [self._photo_dict(a) for a in analyses],
            "photos_total": len(analyses),
            "photos_readable": len(readable),
            **self.answers.answer(presence, prediction, verdict),
            "agreement": {**agreement, "readable": len(readable)},
            "measurement": measurement.to_dict(image=False) if measurement is not None else None,
            "measurement_refusals": refusals,
            "alarm_check": self._alarm_check(weapon, analyses, prediction),
            "markings": self._markings(weapon, prediction),
        }
        answer["flags"] = self._flags(answer, prediction)
        best = max(readable, key=lambda a: a.strength, default=None)
        return WeaponResult(answer=answer, thumbnail=best.thumbnail if best else None)

    def analyse(self, photo: PhotoFile) -> PhotoAnalysis:
        """Classify one photo and decide whether it shows a firearm, as `identify` does; a file that is not a usable
        photo is an answer too, never an exception."""
        try:
            decoded = self.identifier.decode(photo.path.read_bytes())
        except ImageRejected as rejected:
            return PhotoAnalysis(photo.name, error=Skipped(photo.name, rejected.code, rejected.detail))
        except OSError as exc:
            return PhotoAnalysis(photo.name, error=Skipped(photo.name, "unreadable_file", exc.strerror or str(exc)))
        image = decoded.image
        typology = self.models.typology
        views = typology.view_probabilities(image)
        probabilities = typology.combine(views)
        presence = self.identifier.presence(image, typology.rank(probabilities, typology.views_agree(views)))
        thumbnail = image.copy()
        thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
        return PhotoAnalysis(
            photo.name,
            presence=presence,
            probabilities=probabilities if presence.detected else None,
            thumbnail=encode_jpeg(thumbnail, quality=80),
        )

    def _measure(
        self, weapon: Weapon, analyses: list[PhotoAnalysis], prediction: TypologyPrediction | None
    ) -> tuple[Measurement | None, list[dict[str, Any]]]:
        """Measure every photo with a firearm when the weapon's type is classified by its lengths."""
        typology = self.answers.confident_typology(prediction)
        if prediction is None or typology is None or not typology.measured:
            return None, []
        rule = length_rule_of(self.answers.catalog, prediction.key)
        measurements, refusals = [], []
        for photo, analysis in zip(weapon.photos, analyses, strict=True):
            if not analysis.firearm_detected:
                continue
            try:
                full = decode(photo.path.read_bytes(), self.identifier.limits, self.measurer.detail)
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
        typology = self.answers.confident_typology(prediction)
        if typology is None or not typology.alarm_check:
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

    def _markings(self, weapon: Weapon, prediction: TypologyPrediction | None) -> dict[str, Any] | None:
        """Read the weapon's close-ups of markings (photos named `…_marquage`, `…_markings`), when it has some."""
        if self.markings is None:
            return None
        by_name = {photo.name: photo for photo in weapon.photos}
        readings: list[PhotoReading] = []
        read: list[str] = []
        for name in closeups(list(by_name)):
            try:
                readings.append(self.markings.read_bytes(by_name[name].path.read_bytes()))
                read.append(name)
            except (ImageRejected, OSError):
                continue  # listed with its error among the weapon's photos
        if not readings:
            return None
        typology = self.answers.confident_typology(prediction)
        result = self.markings.result(readings, prediction.key if typology is not None and prediction else None)
        return weapon_markings(result, read)

    def _flags(self, answer: dict[str, Any], prediction: TypologyPrediction | None) -> list[str]:
        """What the station has to do about this weapon, in the order of the report's `flags` wording."""
        if prediction is None:
            return ["no_firearm"]
        typology = self.answers.confident_typology(prediction)
        agreement = answer["agreement"]
        alarm = (answer["alarm_check"] or {}).get("status")
        alarm_marked = alarm in ("listed_alarm_model", "blank_firing_mark")
        flags = {
            "no_firearm": False,
            "firearm_uncertain": answer["firearm_presence"] == "uncertain",
            "low_confidence": typology is None,
            "needs_expert": (
                prediction.level != "high" or agreement["agreeing"] < agreement["with_firearm"] or alarm_marked
            ),
            "needs_card": typology is not None and typology.measured and answer["measurement"] is None,
            "listed_alarm_gun": alarm == "listed_alarm_model",
            "blank_firing_mark": alarm == "blank_firing_mark",
            "replica_marking": bool((answer["alarm_check"] or {}).get("airsoft_markings")),
            "possible_replica": typology is not None and typology.replica_check,
            "possible_alarm_gun": typology is not None and typology.alarm_check and not alarm_marked,
        }
        return [flag for flag, raised in flags.items() if raised]

    def _photo_dict(self, analysis: PhotoAnalysis) -> dict[str, Any]:
        if analysis.error is not None:
            return {"name": analysis.name, "error": {"code": analysis.error.code, "detail": analysis.error.detail}}
        own = None
        if analysis.probabilities is not None:
            index = int(np.argmax(analysis.probabilities))
            own = self.answers.typology_ref(self.models.typology.classes[index], float(analysis.probabilities[index]))
        score = analysis.presence.score
        return {
            "name": analysis.name,
            "firearm_detected": analysis.firearm_detected,
            "firearm_presence": analysis.presence.outcome,
            "firearm_score": None if score is None else round(score, 4),
            "typology": own,
        }
