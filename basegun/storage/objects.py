"""Every file Basegun keeps goes through one object store: batch photos, thumbnails and reports, the photos of
expert requests and of consented feedback, dataset exports.

By default a folder under the data folder (`FolderStore`), so a single station runs with nothing to install; at scale
an S3-compatible bucket named by `BASEGUN_OBJECT_STORE_URL=s3://BUCKET[/PREFIX]`, so that any replica or worker
reads what another wrote. Keys are slash-separated names that Basegun makes itself (`batches/<id>/photos/0001`),
checked here before any backend sees one. Objects are private: the store never hands out a public address; the API
serves their bytes only to who may see them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Protocol

from basegun.errors import NotFound

_KEY = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")


class ObjectMissing(NotFound):
    """No object under that key (never written, or deleted by the retention purge)."""

    code = "object_missing"


def checked_key(key: str) -> str:
    """`key` itself, when it is a plain relative name with no `.` or `..` segment; a ValueError otherwise."""
    if not _KEY.match(key) or any(part in (".", "..") for part in key.split("/")):
        raise ValueError(f"not an object key: {key!r}")
    return key


class ObjectStore(Protocol):
    """What every backend does; each method raises `StoreUnavailable` when the backend cannot be reached."""

    def put(self, key: str, data: bytes) -> None:
        """Write (or replace) the object whole: a reader sees the old bytes or the new, never half."""

    def get(self, key: str) -> bytes:
        """The object's bytes; `ObjectMissing` when there is none."""

    def exists(self, key: str) -> bool: ...

    def keys(self, prefix: str) -> Iterator[str]:
        """Every key under `prefix` (a folder-like name ending in `/`), in no particular order."""

    def delete(self, key: str) -> None:
        """Remove the object; nothing happens when it is already gone."""

    def delete_prefix(self, prefix: str) -> int:
        """Remove every object under `prefix`; how many were removed."""

    def check(self) -> None:
        """Raise `StoreUnavailable` unless the store can be read and written now (readiness)."""
