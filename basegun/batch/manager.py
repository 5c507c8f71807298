"""Batches received by the service: checked and stored at once, analysed in the background, one at a time.

Bounded on purpose, so that a station's seizure never starves a gendarme waiting for one answer: batches queue
behind each other, and a batch runs its weapons on a small pool of its own (by default half the inference
workers), beside the pool of single identifications (benchmarks/triage.py measures what a running batch costs
their latency).

A batch that was queued or running when the service stopped is marked `interrupted` (at shutdown, or at the
next start after a crash), with a report of the weapons already done: never silently lost.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from basegun.assess import WeaponResult
from basegun.batch.archive import BatchLimits, Upload, store_uploads, unpack_zip
from basegun.batch.intake import Intake
from basegun.batch.report import REPORT_FILES, Retention, build_report, now, split, write_reports
from basegun.batch.runner import Progress, run
from basegun.batch.store import UNFINISHED, BatchStore
from basegun.batch.texts import FLAGS, REASONS
from basegun.errors import BatchNotReady, NotFound
from basegun.service import Basegun
from basegun.weapon import Skipped

log = logging.getLogger(__name__)

PURGE_EVERY_SECONDS = 3600


class BatchManager:
    """Receives batches, runs them in the background, answers their progress and serves their reports."""

    def __init__(self, service: Basegun, limits: BatchLimits, workers: int) -> None:
        self.service = service
        self.limits = limits
        self.store = BatchStore(service.settings.data_dir / "batches", service.settings.retention_days)
        self.assessor = service.assessor
        self._weapons = ThreadPoolExecutor(workers, thread_name_prefix="batch")
        self._queue = ThreadPoolExecutor(1, thread_name_prefix="batch-queue")
        self._live: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._recover()
        self._purger = threading.Thread(target=self._purge_regularly, name="batch-purge", daemon=True)
        self._purger.start()

    # Receiving

    def submit_archive(self, archive: BinaryIO, name: str) -> dict[str, Any]:
        """Unpack a zip (one folder per weapon), refusing a hostile one; the batch then waits its turn."""
        return self._submit(name, lambda photos: unpack_zip(archive, photos, self.limits))

    def submit_files(self, uploads: list[Upload], name: str) -> dict[str, Any]:
        """Store uploaded photos (`folder/photo.jpg` names group them by weapon); the batch then waits its turn."""
        return self._submit(name, lambda photos: store_uploads(uploads, photos, self.limits))

    def _submit(self, name: str, unpack: Callable[[Path], Intake]) -> dict[str, Any]:
        batch_id = self.store.new_id()
        folder = self.store.folder(batch_id)
        try:
            intake = unpack(folder / "photos")
        except BaseException:
            self.store.delete(batch_id)
            raise
        created = now()
        state = {
            "id": batch_id,
            "name": name,
            "status": "queued",
            "created": created.isoformat(timespec="seconds"),
            "created_at": created.timestamp(),
            "expires": Retention(self.service.settings.retention_days, created).expires.isoformat(timespec="seconds"),
            "progress": Progress(intake.photo_count, len(intake.weapons)).to_dict(),
            "weapons": [],
            "skipped": [s.to_dict() for s in intake.skipped],
        }
        with self._lock:
            self.store.save(state)
            self._live[batch_id] = state
        self._queue.submit(self._execute, batch_id, intake)
        return self.status(batch_id)

    # Running

    def _execute(self, batch_id: str, intake: Intake) -> None:
        state = self._live[batch_id]
        folder = self.store.folder(batch_id)
        (folder / "thumbs").mkdir(exist_ok=True)
        self._update(state, status="running")

        def progress(p: Progress) -> None:
            state["progress"] = p.to_dict()  # kept in memory; written with each finished weapon

        def finished(index: int, result: WeaponResult) -> None:
            if result.thumbnail is not None:
                (folder / "thumbs" / f"{index:04d}.jpg").write_bytes(result.thumbnail)
            self._update(state, weapons=[*state["weapons"], {"index": index, **result.answer}])

        try:
            run(self.assessor, intake, self._weapons, progress, finished)
        except Exception:
            if self._stopping.is_set():  # the weapon pool was shut down under the batch
                self._finish(state, "interrupted")
                return
            log.exception("batch failed", extra={"batch": batch_id})
            self._finish(state, "failed", {"code": "internal_error", "detail": "The batch stopped on an error."})
            return
        self._finish(state, "finished")

    def _update(self, state: dict[str, Any], **changes: Any) -> None:
        with self._lock:
            state.update(changes)
            self.store.save(state)

    def _finish(self, state: dict[str, Any], status: str, error: dict[str, str] | None = None) -> None:
        """Write the reports (of the weapons done, for an interrupted batch), then the final state."""
        with self._lock:
            state.update(status=status, error=error)
            self._write_reports(state)
            self.store.save(state)
            self._live.pop(state["id"], None)

    def _write_reports(self, state: dict[str, Any]) -> None:
        folder = self.store.folder(state["id"])
        created = datetime.fromisoformat(state["created"])
        report = build_report(
            batch_id=state["id"],
            name=state["name"],
            created=created,
            status=state["status"],
            answers=_answers(state),
            skipped=[Skipped(**s) for s in state["skipped"]],
            catalog=self.service.catalog,
            model=self.service.identifier.model_info,
            retention=Retention(self.service.settings.retention_days, created),
        )
        thumbnails = {
            weapon["name"]: path.read_bytes()
            for weapon in state["weapons"]
            if (path := folder / "thumbs" / f"{weapon['index']:04d}.jpg").is_file()
        }
        write_reports(report, thumbnails, folder)

    # Answering

    def status(self, batch_id: str) -> dict[str, Any]:
        """The batch's progress and the weapons done so far (in batch order), with its reports' names once written."""
        with self._lock:
            live = self._live.get(batch_id)
            state = dict(live) if live is not None else self.store.load(batch_id)
        weapons, not_analysed = split(_answers(state), [Skipped(**s) for s in state["skipped"]])
        ready = state["status"] not in UNFINISHED
        return {
            "id": state["id"],
            "name": state["name"],
            "status": state["status"],
            "created": state["created"],
            "expires": state["expires"],
            "progress": state["progress"],
            "weapons": weapons,
            "skipped": state["skipped"],
            "not_analysed": not_analysed,
            "texts": {"flags": FLAGS, "reasons": REASONS},
            "error": state.get("error"),
            "reports": list(REPORT_FILES) if ready else None,  # the API turns each name into its address
        }

    def report_file(self, batch_id: str, name: str) -> Path:
        """A finished (or interrupted) batch's report file; `BatchNotReady` while it runs."""
        if name not in REPORT_FILES:
            raise NotFound(f"No report named {name!r}.", code="unknown_report")
        status = self.status(batch_id)["status"]
        path = self.store.folder(batch_id) / name
        if status in UNFINISHED or not path.is_file():
            raise BatchNotReady(f"The batch is {status}: its report is written when it ends.")
        return path

    # Start and stop

    def _recover(self) -> None:
        """At start: batches left queued or running by a stopped service are interrupted; expired ones go."""
        self.store.delete_unaccepted()
        purged = self.store.purge_expired()
        for state in self.store.states():
            if state["status"] in UNFINISHED:
                self._finish(state, "interrupted")
                log.warning("batch interrupted by a restart", extra={"batch": state["id"]})
        if purged:
            log.info("expired batches deleted", extra={"count": purged})

    def _purge_regularly(self) -> None:
        """Photos and reports must go when their time is up, even on a server that is never restarted."""
        while not self._stopping.wait(PURGE_EVERY_SECONDS):
            purged = self.store.purge_expired()
            if purged:
                log.info("expired batches deleted", extra={"count": purged})

    def close(self) -> None:
        """Stop: batches not finished are marked interrupted now, with a report of what was done."""
        self._stopping.set()
        self._purger.join()
        self._weapons.shutdown(wait=True, cancel_futures=True)
        self._queue.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            left = list(self._live.values())
        for state in left:
            self._finish(state, "interrupted")


def _answers(state: dict[str, Any]) -> list[dict[str, Any]]:
    """The weapons' answers in batch order (they are stored in the order they finished, with their index)."""
    ordered = sorted(state["weapons"], key=lambda weapon: weapon["index"])
    return [{key: value for key, value in weapon.items() if key != "index"} for weapon in ordered]


def batch_limits(service: Basegun) -> BatchLimits:
    """The batch limits for this service: one photo may be as large as a single upload."""
    return BatchLimits(max_photo_bytes=service.settings.max_upload_bytes)
