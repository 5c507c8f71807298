"""The Basegun service: every model, the catalog and the result store, loaded once, behind plain methods.

The HTTP API, the CLI and the batch application all call this one object (the batch runner its `assessor`); none
of them touches a model directly.
"""

from __future__ import annotations

import logging
from typing import Any

from basegun.answering.alarm import AlarmChecker, AlarmTexts, MarkingRules
from basegun.answering.answers import AnswerMaker
from basegun.answering.assess import WeaponAssessor
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
        self.identifier = Identifier(self.models, self.answers, self.limits, self.measurer)
        rules = MarkingRules.load()
        self.alarm = AlarmChecker(self.models.text_reader, rules, AlarmTexts.load(), self.limits, self.catalog.notice)
        self.assessor = WeaponAssessor(self.identifier, self.measurer, self.alarm)
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
        if self.records is not None:
            self.records.close()
