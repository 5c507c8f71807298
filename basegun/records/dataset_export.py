"""`basegun export-dataset`: the photos people corrected or confirmed, as labelled class folders for training.

A photo goes in when its label is known and it may be used: a consented feedback photo (labelled with the typology
the user gave, or the identification's own when they said it was right), or a photo of an answered expert request
(labelled with the expert's typology). The folder is what `basegun-train fit --data` reads (one sub-folder per
typology key); `manifest.json` beside them says where each photo came from.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from basegun.errors import InvalidRequest
from basegun.records.database import Database
from basegun.records.expert_requests import Status
from basegun.records.photos import PhotoStore
from basegun.records.tables import expert_requests, feedback
from basegun.settings import Settings
from basegun.storage.objects import ObjectStore
from basegun.storage.opening import open_object_store

MANIFEST = "manifest.json"


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


def export_dataset(database: Database, objects: ObjectStore, out: Path) -> dict[str, Any]:
    """Write the labelled photos under `out` (which must be empty or absent) and return the manifest."""
    if out.exists() and any(out.iterdir()):
        raise InvalidRequest(f"{out} is not empty: export into a new folder.", code="folder_not_empty")
    photos = PhotoStore(database, objects)
    entries: list[dict[str, Any]] = []

    def write(owner_id: str, label: str, source: str, extra: dict[str, Any]) -> None:
        for number, data in enumerate(photos.all_of(owner_id), start=1):
            path = Path(label) / f"{source}-{owner_id}-{number}.jpg"
            (out / label).mkdir(parents=True, exist_ok=True)
            (out / path).write_bytes(data)
            entries.append(
                {"path": path.as_posix(), "label": label, "source": source, "id": owner_id, "photo": number, **extra}
            )

    consented = sa.select(feedback).where(feedback.c.consent.is_(True)).order_by(feedback.c.created)
    answered = (
        sa.select(expert_requests)
        .where(expert_requests.c.status == Status.ANSWERED.value)
        .order_by(expert_requests.c.created)
    )
    out.mkdir(parents=True, exist_ok=True)
    with database.transaction() as connection:
        consented_rows, answered_rows = connection.execute(consented).all(), connection.execute(answered).all()
    for row in consented_rows:
        label = row.typology or (row.result_typology if row.correct else None)
        if label:
            said = {"basegun_said": row.result_typology, "user_said_right": row.correct}
            write(row.id, label, "feedback", {"created": _iso(row.created), **said})
    for row in answered_rows:
        extra = {"created": _iso(row.created), "answered": _iso(row.answered), "category": row.answer_category}
        write(row.id, row.answer_typology, "expert_request", extra)
    manifest = {
        "exported": datetime.now(UTC).isoformat(timespec="seconds"),
        "photos": entries,
        "per_label": dict(sorted(Counter(entry["label"] for entry in entries).items())),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return manifest


def export_from_settings(settings: Settings, out: Path) -> dict[str, Any]:
    """The export of the database and the object store the service is configured with."""
    database = Database(settings.database)
    try:
        return export_dataset(database, open_object_store(settings), out)
    finally:
        database.close()
