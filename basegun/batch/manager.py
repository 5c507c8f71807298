"""Batches received by the service: checked and stored at once, analysed in the background, one at a time.

Bounded on purpose, so that a station's seizure never starves a gendarme waiting for one answer: batches queue
behind each other, and a batch runs its weapons on a small pool of its own (by default half the inference
workers), beside the pool of single identifications (benchmarks/triage.py measures what a running batch costs
their latency). Each client has a few batches open at most, the service a few dozen, and the next batch to run is
taken from the client served least recently: one client's pile cannot hold every station back.

Several processes may serve one data folder (`--workers N`, two containers on one volume). Every one of them
accepts uploads; one runs batches: the process holding the runner lock (`batches/runner.lock`), found on disk
where any of them left it. Start-up recovery touches only what no live process owns: an upload folder whose lock
is free, a batch left `running` when the runner lock was free (its runner is dead: it is marked `interrupted`,
with a report of the weapons already done: never silently lost). Queued batches wait for the next runner.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from basegun.answering.answer_models import WeaponAnswer
from basegun.answering.assess import WeaponResult
from basegun.batch.archive import BatchLimits, Upload, store_uploads, unpack_zip
from basegun.batch.intake import Intake
from basegun.batch.locks import FileLock
from basegun.batch.report import REPORT_FILES, Retention, build_report, now, split, write_reports
from basegun.batch.runner import Progress, run
from basegun.batch.store import UNFINISHED, BatchStore
from basegun.batch.texts import FLAGS, REASONS
from basegun.errors import BatchNotReady, ClientLimitReached, LimitReached, NotFound
from basegun.runtime.disk import DiskBudget
from basegun.runtime.files import FILE_MODE, private_folder, write_private
from basegun.runtime.periodic import Every
from basegun.service import Basegun

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0  # how often a process without the runner lock looks again (the runner may have gone)
RETRY_AFTER_SECONDS = 60


def batch_ref(batch_id: str) -> str:
    """A batch id is the only credential to it: logs carry this short hash instead, enough to follow one batch."""
    return hashlib.sha256(batch_id.encode()).hexdigest()[:12]


class BatchManager:
    """Receives batches, runs them in the background, answers their progress and serves their reports."""

    def __init__(self, service: Basegun, limits: BatchLimits, workers: int) -> None:
        settings = service.settings
        self.service = service
        self.limits = limits
        self.max_open = settings.max_open_batches
        self.max_open_per_client = settings.max_open_batches_per_client
        self.store = BatchStore(settings.data_dir / "batches", settings.retention_days)
        self.disk = DiskBudget(settings.data_dir, settings.data_quota_bytes, settings.min_free_bytes)
        self.assessor = service.assessor
        self._salt = _salt(self.store.root / "client.key")
        self._weapons = ThreadPoolExecutor(workers, thread_name_prefix="batch")
        self._runner_lock = FileLock(self.store.root / "runner.lock")
        self._receiving: Counter[str] = Counter()
        self._served: dict[str, float] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        if self._runner_lock.acquire():  # before the service answers: a batch a crash left running reads interrupted
            self._recover()
        self._runner = threading.Thread(target=self._run_batches, name="batch-runner", daemon=True)
        self._runner.start()
        self._purger = Every(settings.purge_every_seconds, self.purge, "batch-purge")

    # Receiving

    def client_ref(self, client: str) -> str:
        """Who sent a batch, as stored: a keyed hash of the client's address, never the address."""
        return hashlib.sha256(self._salt + client.encode()).hexdigest()[:16]

    def admit(self, client: str, incoming: int = 0) -> None:
        """Refuse a new batch before its upload is read: too many open for this client or for all, or no room for
        `incoming` bytes."""
        self._count_open(self.client_ref(client))
        self.disk.check(incoming)

    def _count_open(self, ref: str, reserve: bool = False) -> None:
        """Refuse when `ref` (or everyone) has too many batches queued, running or being received; else, with
        `reserve`, count one more being received (checked and counted at once, so that parallel uploads of one
        client cannot all pass)."""
        open_batches = Counter(s.get("client", "") for s in self.store.states() if s["status"] in UNFINISHED)
        with self._lock:
            mine = open_batches[ref] + self._receiving[ref]
            total = sum(open_batches.values()) + sum(self._receiving.values())
            if mine >= self.max_open_per_client:
                raise ClientLimitReached(
                    f"This client already has {mine} batches waiting or running (at most "
                    f"{self.max_open_per_client}); send the next one when one has finished.",
                    code="too_many_batches",
                    retry_after=RETRY_AFTER_SECONDS,
                )
            if total >= self.max_open:
                raise LimitReached(
                    "The service has as many batches waiting as it takes; try again later.",
                    code="batch_queue_full",
                    retry_after=RETRY_AFTER_SECONDS,
                )
            if reserve:
                self._receiving[ref] += 1

    def submit_archive(self, archive: BinaryIO, name: str, client: str) -> dict[str, Any]:
        """Unpack a zip (one folder per weapon), refusing a hostile one; the batch then waits its turn."""
        return self._submit(name, client, lambda photos, room: unpack_zip(archive, photos, self.limits, room))

    def submit_files(self, uploads: list[Upload], name: str, client: str) -> dict[str, Any]:
        """Store uploaded photos (`folder/photo.jpg` names group them by weapon); the batch then waits its turn."""
        return self._submit(name, client, lambda photos, room: store_uploads(uploads, photos, self.limits, room))

    def _submit(self, name: str, client: str, unpack: Callable[[Path, int], Intake]) -> dict[str, Any]:
        ref = self.client_ref(client)
        self._count_open(ref, reserve=True)
        batch_id = self.store.new_id()
        try:
            with self.store.receiving(batch_id) as folder:
                try:
                    intake = unpack(folder / "photos", self.disk.check())
                except BaseException:
                    self.store.delete(batch_id)
                    raise
                self.disk.wrote(sum(p.path.stat().st_size for w in intake.weapons for p in w.photos))
                created = now()
                state = {
                    "id": batch_id,
                    "name": name,
                    "status": "queued",
                    "client": ref,
                    "created": created.isoformat(timespec="seconds"),
                    "created_at": created.timestamp(),
                    "expires": Retention(self.service.settings.retention_days, created).expires.isoformat(
                        timespec="seconds"
                    ),
                    "progress": Progress(intake.photo_count, len(intake.weapons)).to_dict(),
                    "error": None,
                }
                self.store.accept(state, intake)
        finally:
            with self._lock:
                self._receiving[ref] -= 1
        self._wake.set()
        return self.status(batch_id)

    # Running

    def _run_batches(self) -> None:
        """The runner: while this process holds the runner lock, run the queued batches one by one."""
        while not self._stopping.is_set():
            if not self._runner_lock.held and self._runner_lock.acquire():
                self._recover()
            try:
                batch_id = self._next() if self._runner_lock.held else None
                if batch_id is not None:
                    self._execute(batch_id)
                    continue
            except Exception:  # a batch deleted or unreadable under the runner: the others still run
                log.exception("batch runner error")
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()

    def _next(self) -> str | None:
        chosen = fair_next([s for s in self.store.states() if s["status"] == "queued"], self._served)
        if chosen is None:
            return None
        self._served[chosen.get("client", "")] = time.monotonic()
        return str(chosen["id"])

    def _execute(self, batch_id: str) -> None:
        state = self.store.load(batch_id)
        try:
            intake = self.store.intake(batch_id)
        except FileNotFoundError:  # queued by a version that kept no intake: it cannot be run
            self._finish(state, "interrupted")
            return
        thumbs = private_folder(self.store.folder(batch_id) / "thumbs")
        state["status"] = "running"
        self.store.save(state)
        saved = 0

        def progress(p: Progress) -> None:
            nonlocal saved
            state["progress"] = p.to_dict()
            if p.weapons_done != saved:  # written with each finished weapon: a small file
                saved = p.weapons_done
                self.store.save(state)

        def finished(index: int, result: WeaponResult) -> None:
            if result.thumbnail is not None:
                write_private(thumbs / f"{index:04d}.jpg", result.thumbnail)
            self.store.add_weapon(batch_id, result.answer.model_copy(update={"index": index}).model_dump(mode="json"))

        try:
            run(self.assessor, intake, self._weapons, progress, finished, self.service.pixels)
        except Exception:
            if self._stopping.is_set():  # the weapon pool was shut down under the batch
                self._finish(state, "interrupted")
                return
            log.exception("batch failed", extra={"batch": batch_ref(batch_id)})
            self._finish(state, "failed", {"code": "internal_error", "detail": "The batch stopped on an error."})
            return
        self._finish(state, "finished")

    def _finish(self, state: dict[str, Any], status: str, error: dict[str, str] | None = None) -> None:
        """Write the reports (of the weapons done, for an interrupted batch), then the final state; the photos go."""
        state.update(status=status, error=error)
        self._write_reports(state)
        self.store.delete_photos(state["id"])  # a crash before the state is saved: recovery writes them again
        self.store.save(state)

    def _write_reports(self, state: dict[str, Any]) -> None:
        folder = self.store.folder(state["id"])
        created = datetime.fromisoformat(state["created"])
        answers = self.store.weapons(state["id"])
        report = build_report(
            batch_id=state["id"],
            name=state["name"],
            created=created,
            status=state["status"],
            answers=[WeaponAnswer.model_validate(answer) for answer in _in_order(answers)],
            skipped=self.store.skipped(state["id"]),
            catalog=self.service.catalog,
            model=self.service.identifier.model,
            retention=Retention(self.service.settings.retention_days, created),
        )
        thumbnails = {
            weapon["name"]: path.read_bytes()
            for weapon in answers
            if (path := folder / "thumbs" / f"{weapon['index']:04d}.jpg").is_file()
        }
        write_reports(report, thumbnails, folder)

    # Answering

    def status(self, batch_id: str) -> dict[str, Any]:
        """The batch's progress and the weapons done so far (in batch order), with its reports' names once written."""
        state = self.store.load(batch_id)
        skipped = self.store.skipped(batch_id)
        weapons, not_analysed = split(
            [WeaponAnswer.model_validate(w) for w in _in_order(self.store.weapons(batch_id))], skipped
        )
        ready = state["status"] not in UNFINISHED
        return {
            "id": state["id"],
            "name": state["name"],
            "status": state["status"],
            "created": state["created"],
            "expires": state["expires"],
            "progress": state["progress"],
            "weapons": weapons,
            "skipped": [s.to_dict() for s in skipped],
            "not_analysed": not_analysed,
            "texts": {"flags": FLAGS, "reasons": REASONS},
            "error": state.get("error"),
            "reports": list(REPORT_FILES) if ready else None,  # the API turns each name into its address
        }

    def report_file(self, batch_id: str, name: str) -> Path:
        """A finished (or interrupted) batch's report file; `BatchNotReady` while it runs."""
        if name not in REPORT_FILES:
            raise NotFound(f"No report named {name!r}.", code="unknown_report")
        status = self.store.load(batch_id)["status"]
        path = self.store.folder(batch_id) / name
        if status in UNFINISHED or not path.is_file():
            raise BatchNotReady(f"The batch is {status}: its report is written when it ends.")
        return path

    # Start and stop

    def _recover(self) -> None:
        """On taking the runner lock: a batch left running had a runner that is gone; it is interrupted."""
        for state in self.store.states():
            if state["status"] == "running":
                self._finish(state, "interrupted")
                log.warning("batch interrupted by a restart", extra={"batch": batch_ref(state["id"])})
            elif state["status"] not in UNFINISHED:
                self.store.delete_photos(state["id"])  # a runner stopped between the report and this
        self.purge()

    def purge(self) -> None:
        """Photos and reports must go when their time is up, even on a server that is never restarted."""
        purged = self.store.purge_expired()
        abandoned = self.store.delete_abandoned()
        if purged or abandoned:
            log.info("expired batches deleted", extra={"count": purged, "abandoned_uploads": abandoned})

    def close(self) -> None:
        """Stop: a batch running is marked interrupted now, with a report of what was done; queued ones wait."""
        self._stopping.set()
        self._wake.set()
        self._purger.stop()
        self._weapons.shutdown(wait=True, cancel_futures=True)
        self._runner.join()
        self._runner_lock.release()


def fair_next(queued: list[dict[str, Any]], served: dict[str, float]) -> dict[str, Any] | None:
    """The oldest queued batch of the client served least recently (never served: first): clients take turns,
    and a client with ten batches waiting does not hold back one that sends its first."""
    if not queued:
        return None
    return min(queued, key=lambda s: (served.get(s.get("client", ""), float("-inf")), s["created_at"]))


def _in_order(answers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The weapons' answers in batch order (they are stored in the order they finished, with their index)."""
    ordered = sorted(answers, key=lambda weapon: weapon["index"])
    return [{key: value for key, value in weapon.items() if key != "index"} for weapon in ordered]


def _salt(path: Path) -> bytes:
    """A random key kept in the data folder, the same for every process serving it."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        for _ in range(50):  # another process is writing it
            if len(key := path.read_bytes()) == 32:
                return key
            time.sleep(0.01)
        raise RuntimeError(f"unreadable client key: {path}") from None
    key = secrets.token_bytes(32)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key)
    return key


def batch_limits(service: Basegun) -> BatchLimits:
    """The batch limits for this service: one photo may be as large as a single upload."""
    return BatchLimits(max_photo_bytes=service.settings.max_upload_bytes)
