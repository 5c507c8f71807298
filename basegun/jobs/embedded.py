"""The embedded runner (SQLite, no settings): the task code run by two threads of the serving process, its work read
from the tables themselves: batches `queued` or `running`, messages not sent.

No queue of its own to keep in step with the tables: what a crash cut short is still in them, so a batch left
`running` resumes when the service starts again, from its first weapon not answered. Several processes may serve one
data folder: the one holding `jobs.lock` (a `flock`, dropped by the kernel when its process dies, even SIGKILLed)
runs the jobs, the others only receive; when the holder dies another takes the lock and the work.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from basegun.batch.store import batch_ref
from basegun.batch.work import WorkerStopping
from basegun.jobs.locks import FileLock
from basegun.jobs.logs import job_logging
from basegun.jobs.tasks import Tasks

log = logging.getLogger(__name__)

POLL_SECONDS = 2.0  # how often a process without the lock looks again (its holder may have gone)


class EmbeddedRunner:
    """`start()` the threads; `wake_batches()` and `wake_mail()` after queueing work; `stop()` before closing."""

    def __init__(self, tasks: Tasks, lock_path: Path, mail_every: float, purge_every: float) -> None:
        self.tasks = tasks
        self.mail_every = mail_every
        self.purge_every = purge_every
        self.stopping = threading.Event()
        self._lock = FileLock(lock_path)
        self._batches_wake = threading.Event()
        self._mail_wake = threading.Event()
        self._threads = [
            threading.Thread(target=self._run_batches, name="jobs-batches", daemon=True),
            threading.Thread(target=self._run_mail_and_purge, name="jobs-mail", daemon=True),
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def wake_batches(self) -> None:
        self._batches_wake.set()

    def wake_mail(self) -> None:
        self._mail_wake.set()

    def stop(self) -> None:
        """A batch running stops after the weapons under way and stays `running`: it resumes at the next start."""
        self.stopping.set()
        self._batches_wake.set()
        self._mail_wake.set()
        for thread in self._threads:
            thread.join()
        self._lock.release()

    def _run_batches(self) -> None:
        while not self.stopping.is_set():
            if self._lock.acquire():
                batch_id = self._next()
                if batch_id is not None:
                    ref = batch_ref(batch_id)
                    try:
                        with job_logging(f"batch-{ref}"):
                            self.tasks.run_batch(ref)
                    except WorkerStopping:
                        return
                    except Exception:  # the database down for a while…: tried again after a pause
                        log.exception("batch job failed")
                        self.stopping.wait(POLL_SECONDS)
                    continue
            self._batches_wake.wait(POLL_SECONDS)
            self._batches_wake.clear()
        self._mail_wake.set()

    def _next(self) -> str | None:
        """A batch left `running` first (only the lock holder runs batches, one at a time: its runner is gone), then
        the next queued by rank and age."""
        running = self.tasks.store.ids_with_status("running")
        return running[0] if running else self.tasks.store.next_queued()

    def _run_mail_and_purge(self) -> None:
        next_purge = 0.0
        while not self.stopping.is_set():
            if self._lock.held:
                if time.monotonic() >= next_purge:
                    self._job("purge", self.tasks.purge)
                    next_purge = time.monotonic() + self.purge_every
                for message_id in self.tasks.outbox.pending():
                    if self.stopping.is_set():
                        return
                    self._job(f"mail-{message_id[:8]}", functools.partial(self.tasks.send_mail, message_id))
            wait = min(self.mail_every, max(0.0, next_purge - time.monotonic())) if self._lock.held else POLL_SECONDS
            self._mail_wake.wait(wait)
            self._mail_wake.clear()

    @staticmethod
    def _job(name: str, task: Callable[[], object]) -> None:
        with job_logging(name):
            try:
                task()
            except Exception:  # the thread must outlive any one failure (a database down for a while…)
                log.exception("job failed")
