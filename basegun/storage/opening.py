"""The object store the settings name: a folder under the data folder by default."""

from __future__ import annotations

from basegun.settings import Settings
from basegun.storage.folder import FolderStore
from basegun.storage.objects import ObjectStore


def open_object_store(settings: Settings) -> ObjectStore:
    """`BASEGUN_OBJECT_STORE_URL` when set, else `<data_dir>/objects`."""
    if settings.object_store_url:
        raise ValueError(f"unsupported object store URL: {settings.object_store_url}")
    return FolderStore(settings.data_dir / "objects")
