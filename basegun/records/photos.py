"""Photos kept with an expert request or a consented feedback, in the database, with every metadata stripped.

They live in the database (not on one server's disk) so that every server process sees them, and go with their
owner: deleting a request deletes its photos.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from basegun.errors import NotFound
from basegun.inference.imaging import Limits, decode, encode_jpeg
from basegun.records.tables import photos

MEDIA_TYPE = "image/jpeg"


def clean_photo(data: bytes, limits: Limits) -> bytes:
    """The photo re-encoded upright from its pixels only: no EXIF, GPS position, maker notes or comments are kept."""
    return encode_jpeg(decode(data, limits).image, quality=90)


class PhotoStore:
    """Photos by owner (an expert request's or a feedback's id), written in the owner's own transaction."""

    def add(self, connection: sa.Connection, owner_id: str, cleaned: list[bytes]) -> list[str]:
        ids = [uuid.uuid4().hex for _ in cleaned]
        if cleaned:
            connection.execute(
                photos.insert(),
                [
                    {"id": photo_id, "owner_id": owner_id, "position": i, "media_type": MEDIA_TYPE, "data": data}
                    for i, (photo_id, data) in enumerate(zip(ids, cleaned, strict=True))
                ],
            )
        return ids

    def ids(self, connection: sa.Connection, owner_id: str) -> list[str]:
        query = sa.select(photos.c.id).where(photos.c.owner_id == owner_id).order_by(photos.c.position)
        return list(connection.execute(query).scalars())

    def all_of(self, connection: sa.Connection, owner_id: str) -> list[bytes]:
        query = sa.select(photos.c.data).where(photos.c.owner_id == owner_id).order_by(photos.c.position)
        return [bytes(data) for data in connection.execute(query).scalars()]

    def get(self, connection: sa.Connection, owner_id: str, photo_id: str) -> bytes:
        query = sa.select(photos.c.data).where(photos.c.owner_id == owner_id, photos.c.id == photo_id)
        data = connection.execute(query).scalar_one_or_none()
        if data is None:
            raise NotFound(f"No photo {photo_id!r} here.", code="unknown_photo")
        return bytes(data)
