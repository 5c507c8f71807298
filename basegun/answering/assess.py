"""The one pipeline from photos to an answer: a weapon is one or more photos, and identifying an uploaded photo is
assessing a weapon that has that one photo (`identify.py`). The API, the command, batches and the fusion of several
photos all answer here.

In order: each photo is decoded at the detail the typology and weapon networks need, classified, and its firearm's
presence decided (`presence`: the detector and the blur measure only when they could change it); the photos showing a
firearm are fused; the confidence gate says whether the fused type is acted on; then, once for the weapon, its
measurement (a long gun, each photo with a firearm, decoded at the measuring networks' detail) and, for a batch, the
reading of its markings (a pistol or revolver, at the OCR's detail). `Decodes` decodes each photo once per size.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from basegun.answering.alarm import AlarmCheck, AlarmChecker
from basegun.answering.alarm.check import STATUSES, airsoft_names
from basegun.answering.alarm.quality import edge_blur, grey_at
from basegun.answering.answer_models import (
    Agreement,
    Flag,
    ListedModel,
    PhotoAnswer,
    PhotoRefusal,
    UnreadPhoto,
    WeaponAlarm,
    WeaponAnswer,
    Words,
)
from basegun.answering.answers import AnswerMaker, Presence
from basegun.answering.decodes import Decodes
from basegun.answering.fusion import best_measurement, fuse
from basegun.answering.markings.closeups import read_closeups
from basegun.answering.markings.reader import MarkingsReader
from basegun.answering.measure import Measurement, Measurer, length_rule_of
from basegun.answering.presence import Outcome, PresenceEvidence, PresenceRule
from basegun.answering.weapon import PhotoSource, Skipped, Weapon
from basegun.errors import ImageRejected, MeasurementRefused
from basegun.inference.imaging import Detail, Limits, encode_jpeg
from basegun.inference.parallel import timed
from basegun.networks.served import Models
from basegun.networks.typology import TypologyPrediction

THUMBNAIL_SIDE = 320
OUTCOMES: tuple[Outcome, ...] = ("absent", "uncertain", "detected")  # weakest first


@dataclass(frozen=True)
class Asking:
    """What a caller wants beyond the answer: the batch reads markings and keeps thumbnails; identification draws
    the measurement on the photo for the user."""

    read_markings: bool = False
    thumbnails: bool = False
    annotate: bool = False


BATCH = Asking(read_markings=True, thumbnails=True)


@dataclass(frozen=True)
class PhotoAnalysis:
    """What one photo says on its own; `error` when it could not be read."""

    name: str
    error: Skipped | None = None
    rejected: ImageRejected | None = field(default=None, repr=False)  # why `error`, when the photo was refused
    presence: Presence = field(default_factory=lambda: Presence("absent"))
    probabilities: np.ndarray | None = None  # only where a firearm may be (detected or uncertain)
    size: tuple[int, int] | None = None  # upright, as taken
    thumbnail: bytes | None = field(default=None, repr=False)
    timings_ms: dict[str, float] = field(default_factory=dict)

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
    """A weapon assessed: its answer, the measurement kept (with its drawing when asked for), the measuring refusals,
    each photo's analysis, and the thumbnail of its best photo."""

    answer: WeaponAnswer
    analyses: list[PhotoAnalysis] = field(repr=False)
    measurement: Measurement | None = field(default=None, repr=False)
    refusals: list[MeasurementRefused] = field(default_factory=list, repr=False)
    thumbnail: bytes | None = field(default=None, repr=False)
    timings_ms: dict[str, float] = field(default_factory=dict)


class WeaponAssessor:
    """Turns the photos of one weapon into its answer; thread-safe (the sessions are), so weapons run in parallel."""

    def __init__(
        self,
        models: Models,
        answers: AnswerMaker,
        limits: Limits,
        measurer: Measurer,
        alarm: AlarmChecker,
        markings: MarkingsReader | None = None,
    ) -> None:
        self.models = models
        self.answers = answers
        self.limits = limits
        self.markings = markings
        self.measurer = measurer
        self.alarm = alarm
        manifest = models.typology.session.manifest
        self.presence_rule = (
            PresenceRule.from_dict(manifest.raw["presence"])
            if "presence" in manifest.raw
            else PresenceRule.detector_only(models.weapons.presence_threshold, models.weapons.input_size)
        )
        self.detail = models.typology.detail.merge(Detail(min_long_side=self.presence_rule.detector_size))

    def assess(self, weapon: Weapon, on_photo: Callable[[], None] = lambda: None) -> WeaponResult:
        """A batch weapon's answer, with its markings read and its best photo's thumbnail."""
        return self.assess_photos(weapon.name, weapon.photos, on_photo, BATCH)

    def assess_photos(
        self,
        name: str,
        photos: Sequence[PhotoSource],
        on_photo: Callable[[], None] = lambda: None,
        asking: Asking = BATCH,
    ) -> WeaponResult:
        """The answer for the photos of one weapon named `name`; `on_photo` is called as each photo is analysed."""
        started = time.perf_counter()
        decodes = [Decodes(photo, self.limits) for photo in photos]
        analyses = []
        for photo in decodes:
            analyses.append(self.analyse(photo, asking.thumbnails))
            on_photo()
        readable = [a for a in analyses if a.error is None]
        presence, used = weapon_presence(analyses)
        fused = fuse([a.probabilities for a in used if a.probabilities is not None])
        prediction = presence.shown(self.models.typology.rank(fused.probabilities)) if fused else None
        timings: dict[str, float] = {}
        measured = time.perf_counter()
        measurement, refusals = self._measure(decodes, analyses, prediction, asking.annotate)
        if measurement is not None or refusals:
            timings["measurement"] = (time.perf_counter() - measured) * 1000
        alarm = self._alarm_check(decodes, analyses, prediction) if asking.read_markings else None
        markings = None
        if asking.read_markings and self.markings is not None:
            acted_on = self.answers.confident_typology(prediction)
            markings = read_closeups(self.markings, decodes, acted_on.key if acted_on is not None else None)
        for photo in decodes:
            photo.release()
        verdict = measurement.verdict if measurement is not None else None
        common = self.answers.answer(presence, prediction, verdict)
        agreement = Agreement(
            agreeing=fused.agreeing if fused else 0, with_firearm=fused.used if fused else 0, readable=len(readable)
        )
        measured_answer = measurement.answer(image=False) if measurement is not None else None
        answer = WeaponAnswer(
            **dict(common),
            name=name,
            photos=[self._photo_answer(a) for a in analyses],
            photos_total=len(analyses),
            photos_readable=len(readable),
            agreement=agreement,
            measurement=measured_answer,
            measurement_refusals=[
                PhotoRefusal(photo=photo, code=refusal.code, detail=Words(**refusal.messages))
                for photo, refusal in refusals
            ],
            alarm_check=alarm,
            markings=markings,
            flags=self._flags(presence.outcome, prediction, agreement, measured_answer is not None, alarm),
        )
        best = max(readable, key=lambda a: a.strength, default=None)
        timings["total"] = (time.perf_counter() - started) * 1000
        return WeaponResult(
            answer=answer,
            analyses=analyses,
            measurement=measurement,
            refusals=[refusal for _, refusal in refusals],
            thumbnail=best.thumbnail if best else None,
            timings_ms=timings,
        )

    def analyse(self, photo: Decodes, thumbnail: bool = False) -> PhotoAnalysis:
        """Classify one photo and decide whether it shows a firearm; a file that is not a usable photo is an answer
        too, never an exception."""
        started = time.perf_counter()
        try:
            decoded = photo.at(self.detail)
        except ImageRejected as rejected:
            return PhotoAnalysis(photo.name, Skipped(photo.name, rejected.code, rejected.detail), rejected)
        except OSError as exc:
            return PhotoAnalysis(photo.name, error=Skipped(photo.name, "unreadable_file", exc.strerror or str(exc)))
        timings = {"decode": (time.perf_counter() - started) * 1000}
        image = decoded.image
        typology = self.models.typology
        views, timings["typology"] = timed(typology.view_probabilities, image)
        probabilities = typology.combine(views)
        presence = self.presence(image, typology.rank(probabilities, typology.views_agree(views)), timings)
        small = None
        if thumbnail:
            copy = image.copy()
            copy.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
            small = encode_jpeg(copy, quality=80)
        return PhotoAnalysis(
            photo.name,
            presence=presence,
            probabilities=probabilities if presence.detected else None,
            size=decoded.original_size,
            thumbnail=small,
            timings_ms=timings,
        )

    def presence(self, image: Image.Image, prediction: TypologyPrediction, timings: dict[str, float]) -> Presence:
        """Is there a firearm? The detector, then the blur measure, run only when their answer could change it."""
        rule = self.presence_rule
        score = blur = None
        if rule.needs_detector(prediction.confidence, prediction.views_agree):
            score, timings["detection"] = timed(self.models.weapons.best_score, image, rule.detector_size)
            if rule.needs_blur(prediction.confidence, score):
                blur = edge_blur(grey_at(image, self.models.typology.input_size))[0]
        evidence = PresenceEvidence(prediction.confidence, prediction.views_agree, score, blur)
        return Presence(rule.decide(evidence), score)

    def _measure(
        self,
        decodes: list[Decodes],
        analyses: list[PhotoAnalysis],
        prediction: TypologyPrediction | None,
        annotate: bool,
    ) -> tuple[Measurement | None, list[tuple[str, MeasurementRefused]]]:
        """Measure every photo with a firearm when the weapon's type is classified by its lengths and a card lies
        beside it; the measurement with the smallest uncertainty is kept."""
        typology = self.answers.confident_typology(prediction)
        if prediction is None or typology is None or typology.length_rule is None:
            return None, []
        rule = length_rule_of(self.answers.catalog, prediction.key)
        measurements, refusals = [], []
        for photo, analysis in zip(decodes, analyses, strict=True):
            if not analysis.presence.detected:
                continue
            try:
                full = photo.at(self.measurer.detail)
                measured = self.measurer.measure(full, prediction.key, rule, annotated=annotate, card_first=True)
                measurements.append(measured)
            except MeasurementRefused as refusal:
                refusals.append((photo.name, refusal))
            except (ImageRejected, OSError):
                continue  # read a moment ago: it changed under us, and the photo list already says so if it is gone
        return best_measurement(measurements), refusals

    def _alarm_check(
        self, decodes: list[Decodes], analyses: list[PhotoAnalysis], prediction: TypologyPrediction | None
    ) -> WeaponAlarm | None:
        """Read the markings on every photo of a pistol or revolver; keep the most telling answer.

        Every readable photo is read, not only those where a firearm was found: a close-up of the markings is
        often too close for the weapon detector.
        """
        typology = self.answers.confident_typology(prediction)
        if typology is None or not typology.alarm_check:
            return None
        checks: list[tuple[str, AlarmCheck]] = []
        for photo, analysis in zip(decodes, analyses, strict=True):
            if analysis.error is None:
                try:
                    decoded = photo.at(self.alarm.reader.detail)
                except (ImageRejected, OSError):
                    continue  # read a moment ago: it changed under us
                checks.append((photo.name, self.alarm.check_image(decoded.image, decoded.original_size)))
        if not checks:
            return None
        name, best = min(checks, key=lambda check: STATUSES.index(check[1].status))
        airsoft = list(dict.fromkeys(m for _, check in checks for m in airsoft_names(check.findings)))
        listed = best.listed_model
        return WeaponAlarm(
            status=best.status,
            photo=name,
            listed_model=ListedModel(**listed) if listed is not None else None,
            summary=Words(**best.summary),
            advice=Words(**best.advice),
            airsoft_markings=airsoft,
        )

    def _flags(
        self,
        outcome: Outcome,
        prediction: TypologyPrediction | None,
        agreement: Agreement,
        measured: bool,
        alarm: WeaponAlarm | None,
    ) -> list[Flag]:
        """What the station has to do about this weapon, in the order of the report's `flags` wording."""
        if prediction is None:
            return ["no_firearm"]
        typology = self.answers.confident_typology(prediction)
        status = alarm.status if alarm is not None else None
        alarm_marked = status in ("listed_alarm_model", "blank_firing_mark")
        flags: dict[Flag, bool] = {
            "no_firearm": False,
            "firearm_uncertain": outcome == "uncertain",
            "low_confidence": typology is None,
            "needs_expert": (prediction.level != "high" or agreement.agreeing < agreement.with_firearm or alarm_marked),
            "needs_card": typology is not None and typology.measured and not measured,
            "listed_alarm_gun": status == "listed_alarm_model",
            "blank_firing_mark": status == "blank_firing_mark",
            "replica_marking": bool(alarm is not None and alarm.airsoft_markings),
            "possible_replica": typology is not None and typology.replica_check,
            "possible_alarm_gun": typology is not None and typology.alarm_check and not alarm_marked,
        }
        return [flag for flag, raised in flags.items() if raised]

    def _photo_answer(self, analysis: PhotoAnalysis) -> PhotoAnswer | UnreadPhoto:
        if analysis.error is not None:
            return analysis.error.unread()
        own = None
        if analysis.probabilities is not None:
            index = int(np.argmax(analysis.probabilities))
            own = self.answers.typology_ref(self.models.typology.classes[index], float(analysis.probabilities[index]))
        score = analysis.presence.score
        return PhotoAnswer(
            name=analysis.name,
            firearm_detected=analysis.presence.detected,
            firearm_presence=analysis.presence.outcome,
            firearm_score=None if score is None else round(score, 4),
            typology=own,
        )
