"""Feedback on an identification: was it right, and if not, what is it? Anyone may say; agents may add the photo,
with their consent, so that the answer can return to training (`basegun export-dataset`)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from basegun.accounts.users import Role, User
from basegun.answering.answer_models import Identification
from basegun.catalog.typologies import Catalog
from basegun.errors import Forbidden, InvalidRequest
from basegun.records.answer_models import FeedbackReceipt
from basegun.records.database import Database
from basegun.records.photos import PhotoStore
from basegun.records.results import ResultStore
from basegun.records.tables import feedback

MAX_COMMENT = 1000


@dataclass(frozen=True)
class Feedback:
    result_id: str
    correct: bool
    typology: str | None = None
    comment: str = ""
    consent: bool = False


class FeedbackStore:
    def __init__(self, database: Database, results: ResultStore, photos: PhotoStore, catalog: Catalog) -> None:
        self.database = database
        self.results = results
        self.photos = photos
        self.catalog = catalog

    def add(self, user: User | None, given: Feedback, cleaned_photo: bytes | None = None) -> FeedbackReceipt:
        """Store one feedback on a stored identification; the photo only from an agent who consents."""
        result = Identification.model_validate(self.results.get(given.result_id, "identification"))
        identified = result.typology.key if result.typology is not None else None
        if given.typology is not None:
            self.catalog.get(given.typology)
        if given.correct and given.typology is not None and given.typology != identified:
            raise InvalidRequest("A right answer has the identification's typology.", code="contradictory_feedback")
        if cleaned_photo is not None:
            if user is None or not user.has_any(Role.AGENT, Role.EXPERT):
                raise Forbidden("Only signed-in agents may send the photo with their feedback.")
            if not given.consent:
                raise InvalidRequest("The photo is kept only with your consent.", code="consent_required")
        feedback_id = uuid.uuid4().hex
        kept = [cleaned_photo] if cleaned_photo is not None else []
        with self.photos.writing(feedback_id, kept) as photo_ids, self.database.transaction() as connection:
            connection.execute(
                feedback.insert().values(
                    id=feedback_id,
                    created=time.time(),
                    result_id=given.result_id,
                    result_typology=identified,
                    correct=given.correct,
                    typology=given.typology,
                    comment=given.comment,
                    consent=given.consent,
                    author_subject=user.subject if user else None,
                )
            )
            self.photos.record(connection, feedback_id, photo_ids)
        return FeedbackReceipt(
            id=feedback_id,
            result_id=given.result_id,
            correct=given.correct,
            typology=given.typology,
            photo_kept=cleaned_photo is not None,
        )

    def delete(self, feedback_id: str) -> None:
        """Remove a feedback and its photo (the object first); nothing happens when it is gone."""
        with self.database.transaction() as connection:
            self.photos.delete_of(connection, feedback_id)
            connection.execute(feedback.delete().where(feedback.c.id == feedback_id))
