"""Batches kept on disk under the data folder: one folder per batch, so that a report survives a restart.

`<data_dir>/batches/<id>/` holds `state.json` (status, progress, every weapon's answer as it finishes), the
photos under generated names, one thumbnail per weapon and, once done, the three reports. Every write of the
state replaces the file atomically. Batches older than the retention period are deleted, photos and reports.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

from basegun.errors import NotFound

log = logging.getLogger(__name__)

_ID = re.compile(r"^[0-9a-f]{32}$")
STATE = "state.json"
UNFINISHED = ("queued", "running")  # a batch still being analysed is never purged under its own feet


class BatchStore:
    """The batches folder; ids are generated here and checked before any path is built from one."""

    def __init__(self, root: Path, retention_days: float) -> None:
        root.mkdir(parents=True, exist_ok=True)
        self.root = root
        self.retention_seconds = retention_days * 86400

    def new_id(self) -> str:
        return uuid.uuid4().hex

    def folder(self, batch_id: str) -> Path:
        if not _ID.match(batch_id):
            raise NotFound(f"No batch with id {batch_id!r}.", code="unknown_batch")
        return self.root / batch_id

    def save(self, state: dict[str, Any]) -> None:
        folder = self.folder(state["id"])
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / (STATE + ".tmp")
        temporary.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
        temporary.replace(folder / STATE)

    def load(self, batch_id: str) -> dict[str, Any]:
        path = self.folder(batch_id) / STATE
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise NotFound(f"No batch with id {batch_id!r} (it may have expired).", code="unknown_batch") from None
        if state["created_at"] < time.time() - self.retention_seconds:
            raise NotFound(f"No batch with id {batch_id!r} (it may have expired).", code="unknown_batch")
        return state

    def states(self) -> list[dict[str, Any]]:
        """Every batch with a readable state (a folder without one was never accepted)."""
        found = []
        for folder in self.root.iterdir():
            path = folder / STATE
            if not (_ID.match(folder.name) and path.is_file()):
                continue
            try:
                found.append(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                log.warning("unreadable batch state left alone", extra={"path": str(path)})
        return found

    def delete(self, batch_id: str) -> None:
        shutil.rmtree(self.folder(batch_id), ignore_errors=True)

    def purge_expired(self) -> int:
        """Delete every batch past the retention period: its photos, thumbnails and reports."""
        limit = time.time() - self.retention_seconds
        expired = [s["id"] for s in self.states() if s["created_at"] < limit and s["status"] not in UNFINISHED]
        for batch_id in expired:
            self.delete(batch_id)
        return len(expired)

    def delete_unaccepted(self) -> int:
        """Delete folders left by uploads that never got as far as a state (the server stopped mid-upload)."""
        orphans = [f for f in self.root.iterdir() if _ID.match(f.name) and not (f / STATE).is_file()]
        for folder in orphans:
            shutil.rmtree(folder, ignore_errors=True)
        return len(orphans)
