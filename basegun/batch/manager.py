"""Batches received by the service: checked and stored at once, then analysed by a job (`basegun/jobs/`), on this
process or on any worker of the fleet.

Bounded on purpose, so that a station's seizure never starves a gendarme waiting for one answer. Each client has a
few batches open at most and the service a few dozen, counted in the database so that the limits hold across
replicas. A batch comes with a rank, how many batches its client already had open: lower ranks run first, so one
client's pile cannot hold every station back. A batch can be cancelled; the weapons done are kept in its report.
A station confirms or types each weapon's maker, model, calibre and serial number (`confirm_fields`).
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from basegun.answering.answer_models import WeaponAnswer
from basegun.answering.markings.closeups import weapon_markings
from basegun.answering.markings.confirmed import corrected
from basegun.answering.markings.result import FIELDS as MARKINGS_FIELDS
from basegun.batch.answer_models import WeaponFieldsForm
from basegun.batch.archive import BatchLimits, Upload, store_uploads, unpack_zip
from basegun.batch.intake import Intake
from basegun.batch.marked import weapon_answer, with_markings
from basegun.batch.report import REPORT_FILES, Retention, now, split
from basegun.batch.runner import Progress
from basegun.batch.store import FINAL, UNFINISHED, batch_ref
from basegun.batch.texts import FLAGS, REASONS
from basegun.batch.work import BatchWork
from basegun.errors import BatchNotReady, ClientLimitReached, LimitReached, NotFound
from basegun.runtime.files import private_folder
from basegun.service import Basegun

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60


class BatchManager:
    """Receives batches and hands each to the job queue (`queue(batch_ref, rank)`); answers progress, reports and
    cancel requests from the database and the object store, whichever process runs the batch."""

    def __init__(
        self,
        service: Basegun,
        work: BatchWork,
        limits: BatchLimits,
        queue: Callable[[str, int], None],
        client_key: bytes,
    ) -> None:
        settings = service.settings
        self.service = service
        self.work = work
        self.store = work.store
        self.limits = limits
        self.queue = queue
        self.max_open = settings.max_open_batches
        self.max_open_per_client = settings.max_open_batches_per_client
        self.disk = service.disk
        self.spool = private_folder(settings.data_dir / "spool")
        self._key = client_key

    # Receiving

    def client_ref(self, client: str) -> str:
        """Who sent a batch, as stored: a keyed hash of the client's address, never the address."""
        return hashlib.sha256(self._key + client.encode()).hexdigest()[:16]

    def admit(self, client: str, incoming: int = 0) -> None:
        """Refuse a new batch before its upload is read: too many open for this client or for all, or no room for
        `incoming` bytes."""
        mine, total = self.store.open_counts(self.client_ref(client))
        self._refuse_over(mine + 1, total + 1)
        self.disk.check(incoming)

    def _refuse_over(self, mine: int, total: int) -> None:
        if mine > self.max_open_per_client:
            raise ClientLimitReached(
                f"This client already has {mine - 1} batches waiting or running (at most "
                f"{self.max_open_per_client}); send the next one when one has finished.",
                code="too_many_batches",
                retry_after=RETRY_AFTER_SECONDS,
            )
        if total > self.max_open:
            raise LimitReached(
                "The service has as many batches waiting as it takes; try again later.",
                code="batch_queue_full",
                retry_after=RETRY_AFTER_SECONDS,
            )

    def submit_archive(self, archive: BinaryIO, name: str, client: str) -> dict[str, Any]:
        """Unpack a zip (one folder per weapon), refusing a hostile one; the batch then waits its turn."""
        return self._submit(name, client, lambda photos, room: unpack_zip(archive, photos, self.limits, room))

    def submit_files(self, uploads: list[Upload], name: str, client: str) -> dict[str, Any]:
        """Store uploaded photos (`folder/photo.jpg` names group them by weapon); the batch then waits its turn."""
        return self._submit(name, client, lambda photos, room: store_uploads(uploads, photos, self.limits, room))

    def _submit(self, name: str, client: str, unpack: Callable[[Path, int], Intake]) -> dict[str, Any]:
        """Counted first (a `receiving` row), unpacked into a spool folder, copied into the object store, queued."""
        ref = self.client_ref(client)
        batch_id = self.store.new_id()
        created = now()
        expires = Retention(self.service.settings.retention_days, created).expires.timestamp()
        mine, total = self.store.reserve(batch_id, ref, name, expires)
        spool = Path(tempfile.mkdtemp(prefix=f"{batch_id}-", dir=self.spool))
        try:
            self._refuse_over(mine, total)
            intake = unpack(spool / "photos", self.disk.check())
            for weapon in intake.weapons:
                for photo in weapon.photos:
                    self.store.put_photo(batch_id, photo.path)
            progress = Progress(intake.photo_count, len(intake.weapons)).to_dict()
            self.store.accept(batch_id, intake, rank=mine - 1, progress=progress)
        except BaseException:
            self.store.delete(batch_id)
            raise
        finally:
            shutil.rmtree(spool, ignore_errors=True)
        self.queue(batch_ref(batch_id), mine - 1)
        log.info("batch queued", extra={"batch": batch_ref(batch_id), "weapons": len(intake.weapons)})
        return self.status(batch_id)

    # Answering

    def status(self, batch_id: str) -> dict[str, Any]:
        """The batch's progress and the weapons done so far (in batch order), with its reports' names once written."""
        row = self.store.load(batch_id)
        answers = self.store.weapons(batch_id)
        done = [weapon_answer(answers[p], p) for p in sorted(answers)]
        weapons, not_analysed = split(done, row.skipped)
        return {
            "id": row.id,
            "name": row.name,
            "status": row.status,
            "created": _iso(row.created),
            "expires": _iso(row.expires),
            "progress": row.progress,
            "weapons": weapons,
            "skipped": [s.to_dict() for s in row.skipped],
            "not_analysed": not_analysed,
            "texts": {"flags": FLAGS, "reasons": REASONS},
            "error": row.error,
            "cancel_requested": row.cancel_requested,
            "reports": list(REPORT_FILES) if row.status in FINAL else None,  # the API turns each into its address
        }

    def report(self, batch_id: str, name: str) -> bytes:
        """A finished (or stopped) batch's report; `BatchNotReady` while it runs."""
        if name not in REPORT_FILES:
            raise NotFound(f"No report named {name!r}.", code="unknown_report")
        status = self.store.load(batch_id).status
        if status not in FINAL:
            raise BatchNotReady(f"The batch is {status}: its report is made once it ends.")
        return self.work.report(batch_id, name)

    def confirm_fields(self, batch_id: str, position: int, form: WeaponFieldsForm) -> WeaponAnswer:
        """Keep a weapon's maker, model, calibre and serial number as the station confirms them, over what was read:
        the reading of the close-up it chose (`form.markings_id`), else the weapon's markings as they stand. The
        answer as analysed keeps what was read; reports and status show what was confirmed. Nothing is kept when the
        batch, the weapon or the reading is unknown."""
        self.store.load(batch_id)
        answer = self.store.weapons(batch_id).get(position)
        if answer is None or not answer["photos_readable"]:  # not (yet) a weapon of the batch's report
            raise NotFound(f"The batch has no weapon {position} answered.", code="unknown_weapon")
        weapon = WeaponAnswer.model_validate({**answer, "index": position})  # as analysed, its flags unraised
        read = weapon.markings
        if form.markings_id is not None:
            reading = self.service.markings_reading(form.markings_id)
            read = weapon_markings(reading, [form.closeup] if form.closeup else [], form.markings_id)
        typed = form.model_dump(include=set(MARKINGS_FIELDS))
        markings = corrected(read, typed)
        if not self.store.confirm_markings(batch_id, position, markings.model_dump(mode="json")):
            raise NotFound(f"No batch with id {batch_id!r} (it may have expired).", code="unknown_batch")
        typed_names = [name for name in MARKINGS_FIELDS if getattr(markings, name).source == "typed"]
        log.info(
            "weapon fields confirmed", extra={"batch": batch_ref(batch_id), "position": position, "typed": typed_names}
        )
        return with_markings(weapon, markings)

    def cancel(self, batch_id: str) -> dict[str, Any]:
        """Ask the batch to stop: the job running it stops after the weapons under way, with a report of the weapons
        done; a batch still queued is cancelled at once (its job, when its turn comes, finds it ended). A batch
        already ended is left as it is."""
        row = self.store.load(batch_id)
        if row.status in UNFINISHED:
            self.store.request_cancel(batch_id)
            self.store.set_status(batch_id, "cancelled", when=("queued",))
            log.info("batch cancel requested", extra={"batch": batch_ref(batch_id)})
        return self.status(batch_id)


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds")


def batch_limits(service: Basegun) -> BatchLimits:
    """The batch limits for this service: one photo may be as large as a single upload."""
    return BatchLimits(max_photo_bytes=service.settings.max_upload_bytes)
