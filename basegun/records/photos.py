"""Photos kept with an expert request or a consented feedback, with every metadata stripped.

The bytes live in the object store (`photos/<owner id>/<photo id>.jpg`), so that every replica and worker reads
them; the database keeps one row per photo (its owner, its place among the owner's photos), written in the owner's
own transaction. The bytes are written before that transaction and removed again when it fails, so that a committed
row always has its object. Deleting an owner deletes its objects first, then its rows: what is personal goes first.

Databases from before the object store (revision 0001) kept the bytes in `photos.data`: `move_blobs()` copies them
into the store at start-up and clears them; a row whose bytes are still there is read from them meanwhile.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterator

import sqlalchemy as sa

from basegun.errors import NotFound
from basegun.inference.imaging import Limits, decode, encode_jpeg
from basegun.records.database import Database
from basegun.records.tables import photos
from basegun.storage.objects import ObjectStore

log = logging.getLogger(__name__)

MEDIA_TYPE = "image/jpeg"
_MOVE_BATCH = 20  # blobs read at once by `move_blobs()`: a bounded amount of memory whatever the table holds


def clean_photo(data: bytes, limits: Limits) -> bytes:
    """The photo re-encoded upright from its pixels only: no EXIF, GPS position, maker notes or comments are kept."""
    return encode_jpeg(decode(data, limits).image, quality=90)


def photo_prefix(owner_id: str) -> str:
    return f"photos/{owner_id}/"


def photo_key(owner_id: str, photo_id: str) -> str:
    return f"{photo_prefix(owner_id)}{photo_id}.jpg"


class PhotoStore:
    """Photos by owner (an expert request's or a feedback's id): bytes in `objects`, rows in `database`."""

    def __init__(self, database: Database, objects: ObjectStore) -> None:
        self.database = database
        self.objects = objects

    @contextlib.contextmanager
    def writing(self, owner_id: str, cleaned: list[bytes]) -> Iterator[list[str]]:
        """The photos' ids, their bytes already in the store; `record()` them in the owner's transaction inside the
        block. When the block fails, the objects are removed again."""
        ids = [uuid.uuid4().hex for _ in cleaned]
        try:
            for photo_id, data in zip(ids, cleaned, strict=True):
                self.objects.put(photo_key(owner_id, photo_id), data)
            yield ids
        except BaseException:
            with contextlib.suppress(Exception):  # the store may be what failed; the first error is the one to raise
                self.objects.delete_prefix(photo_prefix(owner_id))
            raise

    def record(self, connection: sa.Connection, owner_id: str, ids: list[str]) -> None:
        if ids:
            connection.execute(
                photos.insert(),
                [
                    {"id": photo_id, "owner_id": owner_id, "position": i, "media_type": MEDIA_TYPE, "data": None}
                    for i, photo_id in enumerate(ids)
                ],
            )

    def ids(self, connection: sa.Connection, owner_id: str) -> list[str]:
        query = sa.select(photos.c.id).where(photos.c.owner_id == owner_id).order_by(photos.c.position)
        return list(connection.execute(query).scalars())

    def all_of(self, owner_id: str) -> list[bytes]:
        query = sa.select(photos.c.id, photos.c.data).where(photos.c.owner_id == owner_id).order_by(photos.c.position)
        with self.database.transaction() as connection:
            rows = connection.execute(query).all()
        return [self._bytes(owner_id, row.id, row.data) for row in rows]

    def get(self, owner_id: str, photo_id: str) -> bytes:
        query = sa.select(photos.c.data).where(photos.c.owner_id == owner_id, photos.c.id == photo_id)
        with self.database.transaction() as connection:
            row = connection.execute(query).one_or_none()
        if row is None:
            raise NotFound(f"No photo {photo_id!r} here.", code="unknown_photo")
        return self._bytes(owner_id, photo_id, row.data)

    def _bytes(self, owner_id: str, photo_id: str, blob: bytes | None) -> bytes:
        return bytes(blob) if blob is not None else self.objects.get(photo_key(owner_id, photo_id))

    def delete_of(self, connection: sa.Connection, owner_id: str) -> None:
        """Remove the owner's photos: the objects at once, the rows with the caller's transaction."""
        self.objects.delete_prefix(photo_prefix(owner_id))
        connection.execute(photos.delete().where(photos.c.owner_id == owner_id))

    def move_blobs(self) -> int:
        """Copy the bytes still in the database into the store, then clear them; how many were moved.

        Idempotent and safe to cut at any point: an object is written whole before its blob is cleared, and writing it
        again gives the same object. Processes starting together may move the same photo twice, never lose one.
        """
        moved = 0
        pending = sa.select(photos.c.id, photos.c.owner_id, photos.c.data).where(photos.c.data.is_not(None))
        while True:
            with self.database.transaction() as connection:
                rows = connection.execute(pending.order_by(photos.c.id).limit(_MOVE_BATCH)).all()
            if not rows:
                break
            for row in rows:
                key = photo_key(row.owner_id, row.id)
                self.objects.put(key, bytes(row.data))
                with self.database.transaction() as connection:
                    cleared = connection.execute(
                        photos.update().where(photos.c.id == row.id, photos.c.data.is_not(None)).values(data=None)
                    )
                    gone = (
                        cleared.rowcount == 0
                        and connection.execute(sa.select(photos.c.id).where(photos.c.id == row.id)).one_or_none()
                        is None
                    )
                if gone:  # its owner was deleted meanwhile: what was just written goes too
                    self.objects.delete(key)
                moved += cleared.rowcount
        if moved:
            log.info("photos moved from the database into the object store", extra={"count": moved})
        return moved
