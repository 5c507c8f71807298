"""Batches kept on disk under the data folder: one folder per batch, so that a report survives a restart and
every process serving the same data folder sees the same batches.

`<data_dir>/batches/<id>/` holds:
- `state.json`: status, progress, who sent it (a keyed hash, never the address). Small, replaced atomically on each
  change; a batch without one was never accepted.
- `intake.json` (the weapons and their photos) and `skipped.json` (the files set aside), written once.
- `weapons.jsonl`: one line per weapon answer, appended as each finishes (never the whole list rewritten).
- `photos/` under generated names, deleted once the report is written; `thumbs/` (pixels only, no metadata);
  the three reports.
- `upload.lock`, held by the process receiving the batch until it is accepted.

Every file is created 0600 and every folder 0700. Batches older than the retention period are deleted.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from basegun.answering.weapon import PhotoFile, Skipped, Weapon
from basegun.batch.intake import Intake
from basegun.batch.locks import FileLock, held_elsewhere
from basegun.errors import NotFound
from basegun.runtime.files import append_private, private_folder, write_private

log = logging.getLogger(__name__)

_ID = re.compile(r"^[0-9a-f]{32}$")
STATE = "state.json"
UPLOAD_LOCK = "upload.lock"
UNFINISHED = ("queued", "running")  # a batch still being analysed is never purged under its own feet
ABANDONED_AFTER_SECONDS = 60  # an upload folder with no state and no live owner, older than this, is debris


class BatchStore:
    """The batches folder; ids are generated here and checked before any path is built from one."""

    def __init__(self, root: Path, retention_days: float) -> None:
        self.root = private_folder(root)
        self.retention_seconds = retention_days * 86400

    def new_id(self) -> str:
        return uuid.uuid4().hex

    def folder(self, batch_id: str) -> Path:
        if not _ID.match(batch_id):
            raise NotFound(f"No batch with id {batch_id!r}.", code="unknown_batch")
        return self.root / batch_id

    # Writing

    @contextmanager
    def receiving(self, batch_id: str) -> Iterator[Path]:
        """The new batch's folder, owned (locked) by this process while its upload is unpacked."""
        folder = private_folder(self.folder(batch_id))
        lock = FileLock(folder / UPLOAD_LOCK)
        lock.acquire()
        try:
            yield folder
        finally:
            lock.release()
            (folder / UPLOAD_LOCK).unlink(missing_ok=True)

    def accept(self, state: dict[str, Any], intake: Intake) -> None:
        """Record a received batch: its photos and skipped files, then its state (which makes it exist)."""
        folder = self.folder(state["id"])
        weapons = [{"name": w.name, "photos": [[p.name, p.path.name] for p in w.photos]} for w in intake.weapons]
        _write_json(folder / "intake.json", weapons)
        _write_json(folder / "skipped.json", [s.to_dict() for s in intake.skipped])
        self.save(state)

    def save(self, state: dict[str, Any]) -> None:
        _write_json(self.folder(state["id"]) / STATE, state)

    def add_weapon(self, batch_id: str, answer: dict[str, Any]) -> None:
        line = json.dumps(answer, ensure_ascii=False, separators=(",", ":")) + "\n"
        append_private(self.folder(batch_id) / "weapons.jsonl", line.encode("utf-8"))

    def delete(self, batch_id: str) -> None:
        shutil.rmtree(self.folder(batch_id), ignore_errors=True)

    def delete_photos(self, batch_id: str) -> None:
        """Once the report is written the photos have served: only the thumbnails (pixels only) stay."""
        shutil.rmtree(self.folder(batch_id) / "photos", ignore_errors=True)

    # Reading

    def load(self, batch_id: str) -> dict[str, Any]:
        path = self.folder(batch_id) / STATE
        try:
            state: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise NotFound(f"No batch with id {batch_id!r} (it may have expired).", code="unknown_batch") from None
        if state["created_at"] < time.time() - self.retention_seconds:
            raise NotFound(f"No batch with id {batch_id!r} (it may have expired).", code="unknown_batch")
        return state

    def weapons(self, batch_id: str) -> list[dict[str, Any]]:
        """The answers of the weapons done, in the order they finished (each with its `index` in the batch)."""
        path = self.folder(batch_id) / "weapons.jsonl"
        if not path.is_file():
            return list(self.load(batch_id).get("weapons", []))  # a batch kept by a version without the file
        answers = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                answers.append(json.loads(line))
            except ValueError:
                continue  # a line still being written by the runner
        return answers

    def skipped(self, batch_id: str) -> list[Skipped]:
        path = self.folder(batch_id) / "skipped.json"
        items = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else self.load(batch_id).get("skipped")
        return [Skipped(**item) for item in items or []]

    def intake(self, batch_id: str) -> Intake:
        folder = self.folder(batch_id)
        weapons = json.loads((folder / "intake.json").read_text(encoding="utf-8"))
        return Intake(
            weapons=[
                Weapon(w["name"], tuple(PhotoFile(name, folder / "photos" / file) for name, file in w["photos"]))
                for w in weapons
            ],
            skipped=self.skipped(batch_id),
        )

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

    # Clearing

    def purge_expired(self) -> int:
        """Delete every batch past the retention period: its photos, thumbnails and reports."""
        limit = time.time() - self.retention_seconds
        expired = [s["id"] for s in self.states() if s["created_at"] < limit and s["status"] not in UNFINISHED]
        for batch_id in expired:
            self.delete(batch_id)
        return len(expired)

    def delete_abandoned(self) -> int:
        """Delete folders of uploads that never got a state and that no live process is still receiving."""
        limit = time.time() - ABANDONED_AFTER_SECONDS
        abandoned = [
            folder
            for folder in self.root.iterdir()
            if _ID.match(folder.name)
            and not (folder / STATE).is_file()
            and _changed(folder) < limit
            and not held_elsewhere(folder / UPLOAD_LOCK)
        ]
        for folder in abandoned:
            shutil.rmtree(folder, ignore_errors=True)
        return len(abandoned)


def _changed(folder: Path) -> float:
    try:
        return folder.stat().st_mtime
    except FileNotFoundError:
        return time.time()


def _write_json(path: Path, value: object) -> None:
    write_private(path, json.dumps(value, ensure_ascii=False).encode("utf-8"))
