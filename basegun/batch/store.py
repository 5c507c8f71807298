"""Batches on the database and the object store, so that any replica answers about any batch and any worker runs it.

The database holds a batch's row (status, progress, who sent it as a keyed hash, its intake and skipped files, a
cancel request) and one row per weapon answered (unique per batch and position: a weapon is never counted twice),
with its markings as the station confirmed them beside the answer as analysed.
The object store holds the bytes under `batches/<id>/`: `photos/<file>` until the batch ends, and
`thumbs/<position>.jpg` (pixels only), shown by the HTML report. No replica's data folder holds any of them.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from basegun.answering.weapon import Skipped
from basegun.batch.intake import Intake
from basegun.errors import NotFound
from basegun.records.database import Database
from basegun.records.tables import batch_weapons, batches, service_keys
from basegun.storage.objects import ObjectStore

_ID = re.compile(r"^[0-9a-f]{32}$")
RECEIVING = "receiving"  # counted against the limits while its upload is read; never shown
UNFINISHED = (RECEIVING, "queued", "running")  # a batch still being analysed is never purged under its own feet
FINAL = ("finished", "interrupted", "failed", "cancelled")
ABANDONED_AFTER_SECONDS = 3600  # a batch still `receiving` after this lost its replica mid-upload


def batch_ref(batch_id: str) -> str:
    """A batch id is the only credential to it: jobs and logs carry this short hash instead, enough to follow one."""
    return hashlib.sha256(batch_id.encode()).hexdigest()[:12]


@dataclass(frozen=True)
class BatchRow:
    """A batch as stored; `intake` names each photo's object key."""

    id: str
    name: str
    client: str
    status: str
    rank: int
    created: float
    expires: float
    progress: dict[str, Any]
    error: dict[str, str] | None
    cancel_requested: bool
    intake: list[dict[str, Any]]
    skipped: list[Skipped]


def prefix(batch_id: str) -> str:
    return f"batches/{batch_id}/"


def photo_key(batch_id: str, file: str) -> str:
    return f"{prefix(batch_id)}photos/{file}"


def thumb_key(batch_id: str, position: int) -> str:
    return f"{prefix(batch_id)}thumbs/{position:04d}.jpg"


class BatchStore:
    """Batch rows and their objects; ids are generated here and checked before any key is built from one."""

    def __init__(self, database: Database, objects: ObjectStore) -> None:
        self.database = database
        self.objects = objects

    @staticmethod
    def new_id() -> str:
        return uuid.uuid4().hex

    @staticmethod
    def checked(batch_id: str) -> str:
        if not _ID.match(batch_id):
            raise NotFound(f"No batch with id {batch_id!r}.", code="unknown_batch")
        return batch_id

    def client_key(self) -> bytes:
        """The key of client references, the same for every replica (made by the first that needs it)."""
        query = sa.select(service_keys.c.value).where(service_keys.c.name == "client")
        with self.database.transaction() as connection:
            key = connection.execute(query).scalar_one_or_none()
        if key is None:
            try:
                with self.database.transaction() as connection:
                    connection.execute(service_keys.insert().values(name="client", value=secrets.token_bytes(32)))
            except sa.exc.IntegrityError:
                pass  # another replica made it first: theirs is read below
            with self.database.transaction() as connection:
                key = connection.execute(query).scalar_one()
        return bytes(key)

    # Receiving

    def reserve(self, batch_id: str, client: str, name: str, expires: float) -> tuple[int, int]:
        """Count a new batch as open (`receiving`) before its upload is read, then how many this client and every
        client have open, this one included: inserted first and counted after, two replicas receiving at once both
        see each other, so the limits hold across replicas."""
        with self.database.transaction() as connection:
            connection.execute(
                batches.insert().values(
                    id=batch_id,
                    ref=batch_ref(batch_id),
                    name=name,
                    client=client,
                    status=RECEIVING,
                    rank=0,
                    created=time.time(),
                    expires=expires,
                    progress="{}",
                    error=None,
                    cancel_requested=False,
                    intake="[]",
                    skipped="[]",
                )
            )
        return self.open_counts(client)

    def open_counts(self, client: str) -> tuple[int, int]:
        """Batches open for `client` and for everyone (receiving, queued or running)."""
        with self.database.transaction() as connection:
            rows = connection.execute(
                sa.select(batches.c.client, sa.func.count())
                .where(batches.c.status.in_(UNFINISHED), batches.c.expires > time.time())
                .group_by(batches.c.client)
            ).all()
        counts = {row[0]: int(row[1]) for row in rows}
        return counts.get(client, 0), sum(counts.values())

    def put_photo(self, batch_id: str, path: Path) -> str:
        """Copy one spooled photo into the object store; its file name, as the intake records it."""
        self.objects.put(photo_key(batch_id, path.name), path.read_bytes())
        return path.name

    def accept(self, batch_id: str, intake: Intake, rank: int, progress: dict[str, Any]) -> None:
        """The upload is stored: the batch waits its turn (its photos are already in the object store)."""
        weapons = [{"name": w.name, "photos": [[p.name, p.path.name] for p in w.photos]} for w in intake.weapons]
        with self.database.transaction() as connection:
            connection.execute(
                batches.update()
                .where(batches.c.id == batch_id)
                .values(
                    status="queued",
                    rank=rank,
                    progress=_dump(progress),
                    intake=_dump(weapons),
                    skipped=_dump([s.to_dict() for s in intake.skipped]),
                )
            )

    def delete(self, batch_id: str) -> None:
        """The row and every object of the batch."""
        with self.database.transaction() as connection:
            connection.execute(batches.delete().where(batches.c.id == batch_id))
        self.objects.delete_prefix(prefix(batch_id))

    # Running

    def set_status(
        self, batch_id: str, status: str, *, when: tuple[str, ...], error: dict[str, str] | None = None
    ) -> bool:
        """Move the batch to `status` if it is in one of `when`; whether it moved (another process may have first)."""
        with self.database.transaction() as connection:
            moved = connection.execute(
                batches.update()
                .where(batches.c.id == batch_id, batches.c.status.in_(when))
                .values(status=status, error=_dump(error) if error else None)
            )
        return moved.rowcount == 1

    def request_cancel(self, batch_id: str) -> None:
        with self.database.transaction() as connection:
            connection.execute(batches.update().where(batches.c.id == batch_id).values(cancel_requested=True))

    def cancel_requested(self, batch_id: str) -> bool:
        """Whether a run of the batch should stop: a cancel asked, the batch ended by another run (a job taken up
        while its first worker still ran), or deleted under its runner."""
        with self.database.transaction() as connection:
            row = connection.execute(
                sa.select(batches.c.cancel_requested, batches.c.status).where(batches.c.id == batch_id)
            ).one_or_none()
        return row is None or bool(row.cancel_requested) or row.status in FINAL

    def save_progress(self, batch_id: str, progress: dict[str, Any]) -> None:
        with self.database.transaction() as connection:
            connection.execute(batches.update().where(batches.c.id == batch_id).values(progress=_dump(progress)))

    def add_weapon(self, batch_id: str, position: int, answer: dict[str, Any], thumbnail: bytes | None) -> bool:
        """Record one weapon's answer (its thumbnail first); False when it was already recorded (by a worker whose
        job was taken up while it still ran): the weapon then counts once."""
        if thumbnail is not None:
            self.objects.put(thumb_key(batch_id, position), thumbnail)
        try:
            with self.database.transaction() as connection:
                connection.execute(
                    batch_weapons.insert().values(
                        batch_id=batch_id, position=position, answer=_dump(answer), thumbnail=thumbnail is not None
                    )
                )
        except sa.exc.IntegrityError:
            return False
        return True

    def next_queued(self) -> str | None:
        """The batch to run next: lowest rank (its client had fewer open), then the oldest."""
        with self.database.transaction() as connection:
            return connection.execute(
                sa.select(batches.c.id)
                .where(batches.c.status == "queued")
                .order_by(batches.c.rank, batches.c.created)
                .limit(1)
            ).scalar_one_or_none()

    def id_of(self, ref: str) -> str | None:
        """The batch a job names by its reference (`batch_ref`)."""
        with self.database.transaction() as connection:
            return connection.execute(sa.select(batches.c.id).where(batches.c.ref == ref)).scalar_one_or_none()

    def ids_with_status(self, *statuses: str) -> list[str]:
        with self.database.transaction() as connection:
            return list(connection.execute(sa.select(batches.c.id).where(batches.c.status.in_(statuses))).scalars())

    def delete_photos(self, batch_id: str) -> None:
        """Once the batch has ended the photos have served: only the thumbnails (pixels only) stay."""
        self.objects.delete_prefix(f"{prefix(batch_id)}photos/")

    # Reading

    def load(self, batch_id: str) -> BatchRow:
        with self.database.transaction() as connection:
            row = connection.execute(sa.select(batches).where(batches.c.id == self.checked(batch_id))).one_or_none()
        if row is None or row.status == RECEIVING or row.expires < time.time():
            raise NotFound(f"No batch with id {batch_id!r} (it may have expired).", code="unknown_batch")
        return BatchRow(
            id=row.id,
            name=row.name,
            client=row.client,
            status=row.status,
            rank=row.rank,
            created=row.created,
            expires=row.expires,
            progress=json.loads(row.progress),
            error=json.loads(row.error) if row.error else None,
            cancel_requested=bool(row.cancel_requested),
            intake=json.loads(row.intake),
            skipped=[Skipped(**item) for item in json.loads(row.skipped)],
        )

    def weapons(self, batch_id: str) -> dict[int, dict[str, Any]]:
        """The answers of the weapons done, by position in the batch, each with its markings as the station last
        confirmed them where it did (the answer as analysed keeps them as read)."""
        columns = (batch_weapons.c.position, batch_weapons.c.answer, batch_weapons.c.confirmed_markings)
        with self.database.transaction() as connection:
            rows = connection.execute(sa.select(*columns).where(batch_weapons.c.batch_id == batch_id)).all()
        answers = {row.position: json.loads(row.answer) for row in rows}
        for row in rows:
            if row.confirmed_markings is not None:
                answers[row.position]["markings"] = json.loads(row.confirmed_markings)
        return answers

    def confirm_markings(self, batch_id: str, position: int, markings: dict[str, Any]) -> bool:
        """Keep a weapon's markings as the station confirmed them, in place of those it confirmed before; False when
        the batch has no such weapon answered (or was deleted meanwhile)."""
        with self.database.transaction() as connection:
            updated = connection.execute(
                batch_weapons.update()
                .where(batch_weapons.c.batch_id == batch_id, batch_weapons.c.position == position)
                .values(confirmed_markings=_dump(markings))
            )
        return updated.rowcount == 1

    def thumbnails(self, batch_id: str) -> dict[int, bytes]:
        with self.database.transaction() as connection:
            positions = connection.execute(
                sa.select(batch_weapons.c.position).where(
                    batch_weapons.c.batch_id == batch_id, batch_weapons.c.thumbnail.is_(True)
                )
            ).scalars()
            wanted = list(positions)
        return {position: self.objects.get(thumb_key(batch_id, position)) for position in wanted}

    # Clearing

    def purge_expired(self) -> int:
        """Delete every batch past its retention (rows and objects), and uploads abandoned by a dead replica."""
        now = time.time()
        with self.database.transaction() as connection:
            expired = list(
                connection.execute(
                    sa.select(batches.c.id).where(
                        sa.or_(
                            sa.and_(batches.c.expires < now, batches.c.status.in_(FINAL)),
                            sa.and_(batches.c.status == RECEIVING, batches.c.created < now - ABANDONED_AFTER_SECONDS),
                        )
                    )
                ).scalars()
            )
        for batch_id in expired:
            self.delete(batch_id)
        return len(expired)


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
