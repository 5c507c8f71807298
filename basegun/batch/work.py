"""Running one batch, as the job `run_batch` does on whichever process takes it (`basegun/jobs/`).

Resumable by construction: each weapon's answer is a row of its own, written as it finishes, so a run that takes up
a batch cut short (a SIGKILLed worker, a service restarted) analyses only the weapons not yet answered, and a weapon
answered twice by two runs (a job taken up while its first worker still ran) is counted once. Photos are spooled
from the object store one weapon at a time, and deleted from the store once the batch has ended. Its reports are
made from its rows when asked for (`report`), so that they carry the markings a station confirmed after the end.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from basegun.answering.assess import WeaponResult
from basegun.answering.weapon import PhotoFile, Weapon
from basegun.batch.marked import weapon_answer
from basegun.batch.report import Retention, build_report, render_report
from basegun.batch.runner import Progress, run
from basegun.batch.store import ABANDONED_AFTER_SECONDS, FINAL, BatchRow, BatchStore, photo_key
from basegun.errors import NotFound
from basegun.runtime.files import private_folder, write_private
from basegun.service import Basegun

log = logging.getLogger(__name__)

INTERNAL_ERROR = {"code": "internal_error", "detail": "The batch stopped on an error."}


class WorkerStopping(Exception):
    """The process running the batch is stopping: the job goes back to the queue, and resumes where it stopped."""


class BatchWork:
    """`run(batch_id)` analyses what is left of a batch; `report(batch_id, name)` makes one of its reports."""

    def __init__(self, service: Basegun, store: BatchStore, weapons: Executor, stopping: Callable[[], bool]) -> None:
        self.service = service
        self.store = store
        self.weapons = weapons
        self.stopping = stopping
        self.spool = private_folder(service.settings.data_dir / "spool")

    def clear_spool(self) -> int:
        """Spool folders older than an hour were left by a process killed mid-upload or mid-weapon: they go (a
        younger one may belong to another process on this data folder)."""
        limit = time.time() - ABANDONED_AFTER_SECONDS
        old = [path for path in self.spool.iterdir() if path.stat().st_mtime < limit]
        for path in old:
            shutil.rmtree(path, ignore_errors=True)
        return len(old)

    def run(self, batch_id: str) -> None:
        try:
            row = self.store.load(batch_id)
        except NotFound:
            log.info("batch gone before its turn (expired or deleted)")
            return
        if row.status in FINAL:
            return  # ended already: cancelled while queued, or finished by a run this job was a retry of
        if row.cancel_requested:
            self._end(row, "cancelled")
            return
        self.store.set_status(batch_id, "running", when=("queued", "running"))
        done = self.store.weapons(batch_id)
        weapons = [
            Weapon(w["name"], tuple(PhotoFile(name, Path(file)) for name, file in w["photos"])) for w in row.intake
        ]
        if done:
            log.info("batch resumed", extra={"weapons_done": len(done), "weapons": len(weapons)})

        def stop() -> bool:
            return self.stopping() or self.store.cancel_requested(batch_id)

        def progress(p: Progress) -> None:
            self.store.save_progress(batch_id, p.to_dict())

        def finished(position: int, result: WeaponResult) -> None:
            answer = result.answer.model_dump(mode="json", exclude={"index"})
            counted = self.store.add_weapon(batch_id, position, answer, result.thumbnail)
            log.info("weapon answered", extra={"position": position, "counted": counted})

        try:
            run(
                self.service.assessor,
                weapons,
                self.weapons,
                progress,
                finished,
                self.service.pixels,
                done=set(done),
                fetch=lambda _position, weapon: self._spooled(batch_id, weapon),
                stop=stop,
            )
        except Exception:
            if self.stopping():  # the weapon pool was shut down under the batch
                raise WorkerStopping from None
            log.exception("batch failed")
            self._end(row, "failed", INTERNAL_ERROR)
            return
        if self.store.cancel_requested(batch_id):
            self._end(row, "cancelled")
        elif self.stopping() and len(self.store.weapons(batch_id)) < len(weapons):
            raise WorkerStopping
        else:
            self._end(row, "finished")

    @contextmanager
    def _spooled(self, batch_id: str, weapon: Weapon) -> Iterator[Weapon]:
        """The weapon with its photos copied from the object store into a private temporary folder."""
        folder = Path(tempfile.mkdtemp(prefix=f"{batch_id}-", dir=self.spool))
        try:
            photos = []
            for photo in weapon.photos:
                path = folder / photo.path.name
                write_private(path, self.store.objects.get(photo_key(batch_id, photo.path.name)))
                photos.append(PhotoFile(photo.name, path))
            yield Weapon(weapon.name, tuple(photos))
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def _end(self, row: BatchRow, status: str, error: dict[str, str] | None = None) -> None:
        """The final status, then the photos go (the reports are made from the rows and thumbnails when asked). A
        batch another run has ended is left."""
        if self.store.set_status(row.id, status, when=("queued", "running"), error=error):
            log.info("batch ended", extra={"status": status})
        self.store.delete_photos(row.id)

    def report(self, batch_id: str, name: str) -> bytes:
        """One of the batch's reports, made from its rows as they are now: the weapons done, each with its markings
        as the station last confirmed them, so that every replica serves the same report whoever typed what."""
        row = self.store.load(batch_id)
        answers = self.store.weapons(batch_id)
        created = datetime.fromtimestamp(row.created, UTC)
        report = build_report(
            batch_id=row.id,
            name=row.name,
            created=created,
            status=row.status,
            answers=[weapon_answer(answers[p], p) for p in sorted(answers)],
            skipped=row.skipped,
            catalog=self.service.catalog,
            model=self.service.identifier.model,
            retention=Retention(self.service.settings.retention_days, created),
        )
        thumbnails = {}
        if name == "report.html":  # the only one that shows them
            stored = self.store.thumbnails(batch_id)
            thumbnails = {answers[p]["name"]: data for p, data in stored.items() if p in answers}
        return render_report(report, name, thumbnails)
