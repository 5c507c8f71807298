"""The Basegun service: every model, the catalog and the result store, loaded once, behind plain methods.

The HTTP API, the CLI and the batch application all call this one object (the batch runner its `assessor`); none
of them touches a model directly.
"""

from __future__ import annotations

import logging
from typing import Any

from basegun.answering.alarm import AlarmChecker, AlarmTexts, MarkingRules
from basegun.answering.alarm.quality import Quality
from basegun.answering.answer_models import Identification, Words
from basegun.answering.answers import AnswerMaker
from basegun.answering.assess import WeaponAssessor
from basegun.answering.catalog_models import CatalogAnswer, TypologyEntry
from basegun.answering.check_models import AlarmCheckAnswer, Measure, ReplicaQuestion, ReplicaVerdict
from basegun.answering.identify import Identifier
from basegun.answering.markings import FieldParser, MarkingsReader, MarkingsResult
from basegun.answering.markings.reader import PhotoReading
from basegun.answering.measure import Measurer, length_rule_of
from basegun.answering.replica import Markings, ReplicaChecker, ReplicaTexts
from basegun.catalog.loading import load_catalog
from basegun.errors import InvalidRequest, ModelUnavailable, NotFound
from basegun.inference.imaging import Limits, decode
from basegun.inference.pixels import PixelBudget
from basegun.networks.ocr.reader import TextLine
from basegun.networks.served import Models
from basegun.records.records import Records
from basegun.runtime.disk import DiskBudget
from basegun.settings import Settings
from basegun.storage.opening import open_object_store

log = logging.getLogger(__name__)


class Basegun:
    """Load with `Basegun(settings)`; raises `ModelUnavailable` naming the file when a model is missing or corrupt."""

    def __init__(self, settings: Settings, *, store: bool = True) -> None:
        self.settings = settings
        self.limits = Limits(settings.max_upload_bytes, settings.max_image_pixels, settings.min_image_side)
        self.models = Models.load(settings)
        self.catalog = load_catalog()
        try:
            self.catalog.require_classes(self.models.typology.classes)
        except ValueError as exc:  # a retrained model whose classes the catalog does not describe
            raise ModelUnavailable(str(exc)) from exc
        self.measurer = Measurer(self.models.weapons, self.models.card)
        self.answers = AnswerMaker.load(self.catalog)
        rules = MarkingRules.load()
        parser = FieldParser.load(rules)
        reader = self.models.text_reader
        self.alarm = AlarmChecker(reader, parser, AlarmTexts.load(), self.limits, self.catalog.notice)
        self.markings = MarkingsReader(reader, parser, self.limits, self.catalog.notice)
        self.assessor = WeaponAssessor(self.models, self.answers, self.limits, self.measurer, self.alarm, self.markings)
        self.identifier = Identifier(self.assessor)
        self.replica = ReplicaChecker(self.catalog, rules, ReplicaTexts.load())
        self.objects = open_object_store(settings)  # every file kept: request and feedback photos, batches
        self.records = Records(settings, self.catalog, self.objects) if store else None
        self.store = self.records.results if self.records else None
        self.pixels = PixelBudget(settings.decode_pixel_budget)
        self.disk = DiskBudget(settings.data_dir, settings.data_quota_bytes, settings.min_free_bytes)

    def purge(self) -> None:
        """Results go when their time is up: called by the periodic purge job (`basegun/jobs/`)."""
        if self.store is not None and (purged := self.store.purge_expired()):
            log.info("expired results deleted", extra={"count": purged})

    def identify(self, data: bytes) -> Identification:
        """Identify one photo; the answer is stored (never the photo, nor the measurement's drawing of it) and
        carries its id."""
        identification = self.identifier.identify(data)
        stored = identification.model_dump(mode="json", exclude={"id": True, "measurement": {"annotated_image"}})
        return identification.model_copy(update={"id": self._store("identification", stored)})

    def measure(self, data: bytes, typology: str | None = None) -> Measure:
        """Measure a long gun beside a card; with a typology, its length rule gives the category."""
        rule = length_rule_of(self.catalog, typology) if typology else None
        measurement = self.measurer.measure(decode(data, self.limits, self.measurer.detail), typology, rule)
        answer = Measure(**dict(measurement.answer(image=True)), notice=Words(**self.catalog.notice))
        stored = answer.model_dump(mode="json", exclude={"id", "annotated_image"})
        return answer.model_copy(update={"id": self._store("measurement", stored)})

    def alarm_check(self, data: bytes) -> AlarmCheckAnswer:
        """Read the markings in a close-up; the answer is stored so that a replica check can cite its id."""
        answer = self.alarm.check(data).to_dict()
        return AlarmCheckAnswer.model_validate({**answer, "id": self._store("alarm_check", answer)})

    def catalog_answer(self) -> CatalogAnswer:
        """The whole catalog, as the web app reads it."""
        return CatalogAnswer.model_validate(self.catalog.to_dict())

    def typology_entry(self, key: str) -> TypologyEntry:
        """One typology; `NotFound` for a key the catalog does not have."""
        return TypologyEntry.model_validate(self.catalog.typology_dict(self.catalog.get(key)))

    def replica_question(self, typology: str) -> ReplicaQuestion:
        """The replica question for a typology, with its warnings."""
        return ReplicaQuestion.model_validate(self.replica.question(typology))

    def read_markings(self, readings: list[PhotoReading], identification_id: str | None = None) -> MarkingsResult:
        """The fields of photos already read (`self.markings.read_bytes`); stored, with its id, for an alarm check
        or an expert request. With an identification's id, its typology says which reasons apply."""
        typology = None
        if identification_id is not None:
            typology = (self._stored(identification_id, "identification").get("typology") or {}).get("key")
        result = self.markings.result(readings, typology)
        if self.store is None:
            return result
        return result.model_copy(update={"id": self.store.put("markings", result.model_dump(exclude={"id"}))})

    def markings_reading(self, markings_id: str) -> MarkingsResult:
        """A stored markings reading (`read_markings`); `NotFound` (`unknown_markings`) once it has expired."""
        return MarkingsResult.model_validate({**self._stored(markings_id, "markings"), "id": markings_id})

    def alarm_check_of_markings(self, markings_id: str) -> AlarmCheckAnswer:
        """The alarm check of a stored markings reading: the same lines, fields and photo quality, read again by no
        OCR."""
        stored = self.markings_reading(markings_id)
        lines = tuple(
            TextLine(line.text, line.confidence, tuple((float(x), float(y)) for x, y in line.box), line.height_px)
            for line in stored.lines
        )
        photo = next((p for p in stored.photos if not p.problems), stored.photos[0])
        quality = Quality(
            max(photo.width, photo.height),
            photo.blur_px,
            photo.edge_contrast,
            photo.median_brightness,
            tuple(photo.problems),  # type: ignore[arg-type]
        )
        check = self.alarm.answer(self.alarm.reading(lines), quality, (photo.width, photo.height), {})
        answer = {**check.to_dict(), "markings_id": markings_id}
        return AlarmCheckAnswer.model_validate({**answer, "id": self._store("alarm_check", answer)})

    def _stored(self, result_id: str, kind: str) -> dict[str, Any]:
        if self.store is None:
            raise NotFound("Results are not kept by this service.", code=f"unknown_{kind}")
        return self.store.get(result_id, kind)

    def replica_check(
        self, typology: str, ammunition: str, alarm_check_id: str | None = None, markings_text: str | None = None
    ) -> ReplicaVerdict:
        """The replica verdict, from the ammunition answer and the markings (an alarm check's id, or text)."""
        if alarm_check_id is not None and markings_text is not None:
            raise InvalidRequest("Give an alarm check id or the markings text, not both.")
        markings = None
        if alarm_check_id is not None:
            if self.store is None:
                raise NotFound("Results are not kept by this service.", code="unknown_alarm_check")
            markings = Markings.from_alarm_check(self.store.get(alarm_check_id, "alarm_check"), alarm_check_id)
        elif markings_text is not None:
            markings = self.replica.markings_from_text(markings_text)
        answer = self.replica.check(typology, ammunition, markings)
        return ReplicaVerdict.model_validate({**answer, "id": self._store("replica_check", answer)})

    def _store(self, kind: str, answer: dict[str, Any]) -> str | None:
        """Keep an answer (JSON) and give its id; None where this service keeps no results."""
        return self.store.put(kind, answer) if self.store is not None else None

    def close(self) -> None:
        if self.records is not None:
            self.records.close()
