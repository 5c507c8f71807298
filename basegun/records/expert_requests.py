"""Expert requests: an agent asks the national forensic experts to examine a seized weapon; an expert answers.

A request keeps its photos (metadata stripped, bytes in the object store) and a summary of the identification it
cites (results expire, the request does not). The experts are mailed when it arrives and the agent when it is
answered, through the outbox. An agent sees their own requests; an expert sees the queue.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa

from basegun.accounts.users import Role, User, require
from basegun.answering.answer_models import Identification
from basegun.answering.markings.confirmed import WeaponFields
from basegun.answering.markings.result import MarkingsResult
from basegun.catalog.texts import load_texts
from basegun.catalog.typologies import Catalog
from basegun.errors import Conflict, InvalidRequest, NotFound
from basegun.records.answer_models import ExpertRequest, IdentificationSummary
from basegun.records.database import Database
from basegun.records.mail import Outbox
from basegun.records.photos import PhotoStore
from basegun.records.results import ResultStore
from basegun.records.tables import expert_requests

MAX_PHOTOS = 8


class Status(StrEnum):
    SUBMITTED = "submitted"
    ANSWERED = "answered"


@dataclass(frozen=True)
class RequestForm:
    """What the experts need to know about the seizure, as the agent gives it."""

    service: str
    phone: str
    seizure_number: str
    procedure_number: str
    markings: str = ""
    notes: str = ""
    identification_id: str | None = None
    markings_id: str | None = None  # a markings reading of the weapon (POST /api/v1/markings)
    typed: dict[str, str | None] = field(default_factory=dict)  # the fields as the agent corrected them


@dataclass(frozen=True)
class Answer:
    typology: str
    category: str
    text: str


def check_photo_count(count: int) -> None:
    """Refuse before reading: a request has one photo at least, and MAX_PHOTOS at most."""
    if count == 0:
        raise InvalidRequest("Join at least one photo of the weapon.", code="missing_photos")
    if count > MAX_PHOTOS:
        raise InvalidRequest(f"At most {MAX_PHOTOS} photos per request.", code="too_many_photos")


def _iso(seconds: float | None) -> str | None:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds") if seconds is not None else None


class ExpertRequests:
    """The requests' repository and rules: who may see, submit and answer what."""

    def __init__(
        self,
        database: Database,
        results: ResultStore,
        outbox: Outbox,
        photos: PhotoStore,
        catalog: Catalog,
        experts_email: str | None,
        link: str = "",
    ) -> None:
        self.database = database
        self.results = results
        self.outbox = outbox
        self.photos = photos
        self.catalog = catalog
        self.experts_email = experts_email
        self.link = link
        self.texts = load_texts("expert_mail")

    def submit(self, agent: User, form: RequestForm, cleaned_photos: list[bytes]) -> ExpertRequest:
        """Store the request with its photos and queue the experts' mail, in one transaction."""
        require(agent, Role.AGENT)
        check_photo_count(len(cleaned_photos))
        summary = None
        if form.identification_id is not None:
            stored = self.results.get(form.identification_id, "identification")
            summary = IdentificationSummary.of(Identification.model_validate(stored))
        weapon = self._weapon_fields(form)
        request_id = uuid.uuid4().hex
        row = {
            "id": request_id,
            "created": time.time(),
            "status": Status.SUBMITTED.value,
            "agent_subject": agent.subject,
            "agent_name": agent.name,
            "agent_email": agent.email,
            "identification_id": form.identification_id,
            "identification": summary.model_dump_json() if summary else None,
            "service": form.service,
            "phone": form.phone,
            "seizure_number": form.seizure_number,
            "procedure_number": form.procedure_number,
            "markings": form.markings,
            "notes": form.notes,
            "weapon_fields": weapon.model_dump_json() if weapon is not None else None,
        }
        with self.photos.writing(request_id, cleaned_photos) as photo_ids, self.database.transaction() as connection:
            connection.execute(expert_requests.insert().values(row))
            self.photos.record(connection, request_id, photo_ids)
            if self.experts_email:
                texts = self.texts["new_request"]
                fields = self._fields(row, summary, len(cleaned_photos))
                self.outbox.enqueue(
                    connection,
                    about=request_id,
                    purpose="experts",
                    recipient=self.experts_email,
                    subject=texts["subject"].format(**fields),
                    body=texts["body"].format(**fields),
                    attach_photos_of=request_id,
                )
        return self.get(agent, request_id)

    def _weapon_fields(self, form: RequestForm) -> WeaponFields | None:
        """The markings read (when the form cites a reading), as the agent confirmed or corrected them."""
        read = None
        if form.markings_id is not None:
            read = MarkingsResult.model_validate(self.results.get(form.markings_id, "markings"))
        weapon = WeaponFields.confirm(read, form.typed, form.markings_id)
        return weapon if weapon.any or read is not None else None

    def list(self, user: User, status: Status | None = None) -> list[ExpertRequest]:
        """An expert's queue (all requests, oldest first), or an agent's own requests (newest first)."""
        query = sa.select(expert_requests)
        if status is not None:
            query = query.where(expert_requests.c.status == status.value)
        if user.has_any(Role.EXPERT):
            query = query.order_by(expert_requests.c.created)
        else:
            query = query.where(expert_requests.c.agent_subject == user.subject)
            query = query.order_by(expert_requests.c.created.desc())
        with self.database.transaction() as connection:
            return [self._to_dict(connection, row) for row in connection.execute(query.limit(500))]

    def get(self, user: User, request_id: str) -> ExpertRequest:
        with self.database.transaction() as connection:
            return self._to_dict(connection, self._row(connection, user, request_id))

    def photo(self, user: User, request_id: str, photo_id: str) -> bytes:
        with self.database.transaction() as connection:
            self._row(connection, user, request_id)
        return self.photos.get(request_id, photo_id)  # outside the transaction: no connection held while reading

    def delete(self, request_id: str) -> None:
        """Remove a request, its photos (objects first) and its queued mail; nothing happens when it is gone."""
        with self.database.transaction() as connection:
            self.photos.delete_of(connection, request_id)
            self.outbox.forget(connection, request_id)
            connection.execute(expert_requests.delete().where(expert_requests.c.id == request_id))

    def answer(self, expert: User, request_id: str, answer: Answer) -> ExpertRequest:
        """Record an expert's answer (once) and queue the agent's mail, in one transaction."""
        require(expert, Role.EXPERT)
        typology = self.catalog.get(answer.typology)
        category = self.catalog.category(answer.category)
        values = {
            "status": Status.ANSWERED.value,
            "answered": time.time(),
            "expert_subject": expert.subject,
            "expert_name": expert.name,
            "answer_typology": answer.typology,
            "answer_category": answer.category,
            "answer_text": answer.text,
        }
        with self.database.transaction() as connection:
            row = self._row(connection, expert, request_id)
            updated = connection.execute(
                expert_requests.update()
                .where(expert_requests.c.id == request_id, expert_requests.c.status == Status.SUBMITTED.value)
                .values(values)
            )
            if updated.rowcount != 1:
                raise Conflict("This request has already been answered.", code="already_answered")
            if row.agent_email:
                texts = self.texts["answered"]
                fields = {
                    **self._fields(row._asdict(), None, 0),
                    "typology": typology.label["fr"],
                    "category": f"{answer.category} ({category['mention']['fr']})",
                    "text": answer.text,
                }
                self.outbox.enqueue(
                    connection,
                    about=request_id,
                    purpose="agent",
                    recipient=row.agent_email,
                    subject=texts["subject"].format(**fields),
                    body=texts["body"].format(**fields),
                )
        return self.get(expert, request_id)

    def _row(self, connection: sa.Connection, user: User, request_id: str) -> sa.Row[Any]:
        row = connection.execute(sa.select(expert_requests).where(expert_requests.c.id == request_id)).one_or_none()
        if row is None or not (user.has_any(Role.EXPERT) or row.agent_subject == user.subject):
            raise NotFound(f"No expert request {request_id!r}.", code="unknown_expert_request")
        return row

    def _fields(self, row: dict[str, Any], summary: IdentificationSummary | None, photo_count: int) -> dict[str, Any]:
        unknown = self.texts["unknown"]
        if summary:
            lengths = [f"{cm} cm" for cm in (summary.overall_length_cm, summary.barrel_length_cm) if cm]
            identification = ", ".join(
                str(part)
                for part in (
                    summary.label or summary.typology,
                    f"confiance {summary.confidence:.0%}" if summary.confidence is not None else None,
                    "catégorie " + " ou ".join(summary.categories) if summary.categories else None,
                    "longueurs " + " / ".join(lengths) if lengths else None,
                )
                if part
            )
        else:
            identification = self.texts["no_identification"]
        return {
            **{key: value or unknown for key, value in row.items() if isinstance(value, str | type(None))},
            "identification": identification,
            "weapon": _weapon_line(row.get("weapon_fields")) or unknown,
            "photo_count": photo_count,
            "link": f"{self.link}#/expert-requests/{row['id']}",
        }

    def _to_dict(self, connection: sa.Connection, row: sa.Row[Any]) -> ExpertRequest:
        answer = None
        if row.status == Status.ANSWERED.value:
            answer = {
                "typology": row.answer_typology,
                "typology_label": self.catalog.get(row.answer_typology).label,
                "category": row.answer_category,
                "text": row.answer_text or "",  # nullable in the table: an answer without words
                "expert": row.expert_name,
                "answered_at": _iso(row.answered),
            }
        return ExpertRequest.model_validate(
            {
                "id": row.id,
                "status": row.status,
                "created_at": _iso(row.created),
                "agent": {"name": row.agent_name, "email": row.agent_email},
                "service": row.service,
                "phone": row.phone,
                "seizure_number": row.seizure_number,
                "procedure_number": row.procedure_number,
                "markings": row.markings,
                "notes": row.notes,
                "identification_id": row.identification_id,
                "identification": json.loads(row.identification) if row.identification else None,
                "weapon_fields": json.loads(row.weapon_fields) if row.weapon_fields else None,
                "photos": [
                    {"id": photo_id, "url": f"/api/v1/expert-requests/{row.id}/photos/{photo_id}"}
                    for photo_id in self.photos.ids(connection, row.id)
                ],
                "answer": answer,
                "notifications": self.outbox.status_of(connection, row.id),
            }
        )


def _weapon_line(stored: str | None) -> str:
    return WeaponFields.model_validate_json(stored).line() if stored else ""
