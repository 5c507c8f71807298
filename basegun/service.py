"""The Basegun service: every model, the catalog and the result store, loaded once, behind plain methods.

The HTTP API, the CLI and the batch application all call this one object (the batch runner its `assessor`); none
of them touches a model directly.
"""

from __future__ import annotations

import logging
from typing import Any

from basegun.answering.alarm import AlarmChecker, AlarmTexts, MarkingRules
from basegun.answering.alarm.quality import Quality
from basegun.answering.answers import AnswerMaker
from basegun.answering.assess import WeaponAssessor
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
from basegun.runtime.periodic import Every
from basegun.settings import Settings

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
        self.identifier = Identifier(self.models, self.answers, self.limits, self.measurer)
        rules = MarkingRules.load()
        parser = FieldParser.load(rules)
        reader = self.models.text_reader
        self.alarm = AlarmChecker(reader, parser, AlarmTexts.load(), self.limits, self.catalog.notice)
        self.markings = MarkingsReader(reader, parser, self.limits, self.catalog.notice)
        self.assessor = WeaponAssessor(self.identifier, self.measurer, self.alarm, self.markings)
        self.replica = ReplicaChecker(self.catalog, rules, ReplicaTexts.load())
        self.records = Records(settings, self.catalog) if store else None
        self.store = self.records.results if self.records else None
        self.pixels = PixelBudget(settings.decode_pixel_budget)
        self.disk = DiskBudget(settings.data_dir, settings.data_quota_bytes, settings.min_free_bytes)
        self._purger: Every | None = None
        if self.store is not None:
            self.purge()
            self._purger = Every(settings.purge_every_seconds, self.purge, "results-purge")

    def purge(self) -> None:
        """Results go when their time is up: at start, then on a timer, even on a server never restarted."""
        if self.store is not None and (purged := self.store.purge_expired()):
            log.info("expired results deleted", extra={"count": purged})

    def identify(self, data: bytes) -> dict[str, Any]:
        """Identify one photo; the answer is stored (never the photo) and carries its id."""
        identification = self.identifier.identify(data)
        answer = self._keep("identification", identification.to_dict(image=False))
        if identification.measurement is not None:
            answer["measurement"]["annotated_image"] = identification.measurement.annotated_image_url
        return answer

    def measure(self, data: bytes, typology: str | None = None) -> dict[str, Any]:
        """Measure a long gun beside a card; with a typology, its length rule gives the category."""
        rule = length_rule_of(self.catalog, typology) if typology else None
        measurement = self.measurer.measure(decode(data, self.limits, self.measurer.detail), typology, rule)
        answer = self._keep("measurement", {**measurement.to_dict(image=False), "notice": self.catalog.notice})
        return {**answer, "annotated_image": measurement.annotated_image_url}

    def alarm_check(self, data: bytes) -> dict[str, Any]:
        """Read the markings in a close-up; the answer is stored so that a replica check can cite its id."""
        return self._keep("alarm_check", self.alarm.check(data).to_dict())

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

    def alarm_check_of_markings(self, markings_id: str) -> dict[str, Any]:
        """The alarm check of a stored markings reading: the same lines, fields and photo quality, read again by no
        OCR."""
        stored = MarkingsResult.model_validate(self._stored(markings_id, "markings"))
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
        return self._keep("alarm_check", {**check.to_dict(), "markings_id": markings_id})

    def _stored(self, result_id: str, kind: str) -> dict[str, Any]:
        if self.store is None:
            raise NotFound("Results are not kept by this service.", code=f"unknown_{kind}")
        return self.store.get(result_id, kind)

    def replica_check(
        self, typology: str, ammunition: str, alarm_check_id: str | None = None, markings_text: str | None = None
    ) -> dict[str, Any]:
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
        return self._keep("replica_check", self.replica.check(typology, ammunition, markings))

    def _keep(self, kind: str, answer: dict[str, Any]) -> dict[str, Any]:
        if self.store is None:
            return answer
        result_id = self.store.put(kind, answer)
        return {"id": result_id, **answer}

    def close(self) -> None:
        if self._purger is not None:
            self._purger.stop()
        if self.records is not None:
            self.records.close()
