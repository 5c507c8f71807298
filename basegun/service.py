"""The Basegun service: every model, the catalog and the result store, loaded once, behind plain methods.

The HTTP API, the CLI and the batch application all call this one object (the batch runner its `assessor`); none
of them touches a model directly.
"""

from __future__ import annotations

import logging
from typing import Any

from basegun.answering.alarm import AlarmChecker, AlarmTexts, MarkingRules
from basegun.answering.answer_models import Identification, Words
from basegun.answering.answers import AnswerMaker
from basegun.answering.assess import WeaponAssessor
from basegun.answering.catalog_models import CatalogAnswer, TypologyEntry
from basegun.answering.check_models import AlarmCheckAnswer, Measure, ReplicaQuestion, ReplicaVerdict
from basegun.answering.identify import Identifier
from basegun.answering.measure import Measurer, length_rule_of
from basegun.answering.replica import Markings, ReplicaChecker, ReplicaTexts
from basegun.catalog.loading import load_catalog
from basegun.errors import InvalidRequest, ModelUnavailable, NotFound
from basegun.inference.imaging import Limits, decode
from basegun.inference.pixels import PixelBudget
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
        rules = MarkingRules.load()
        self.alarm = AlarmChecker(self.models.text_reader, rules, AlarmTexts.load(), self.limits, self.catalog.notice)
        self.assessor = WeaponAssessor(self.models, self.answers, self.limits, self.measurer, self.alarm)
        self.identifier = Identifier(self.assessor)
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
        if self._purger is not None:
            self._purger.stop()
        if self.records is not None:
            self.records.close()
