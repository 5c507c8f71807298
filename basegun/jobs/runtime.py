"""A process's side of the background work: what it defers, and whether (and how) it runs jobs itself.

`basegun serve` builds one with `run_here=settings.embedded_worker`; `basegun worker` builds one and calls
`run_forever()`. PostgreSQL: procrastinate (`queue.py`); SQLite: the embedded runner (`embedded.py`).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from basegun.batch.store import BatchStore
from basegun.batch.work import BatchWork
from basegun.jobs import logs
from basegun.jobs.embedded import EmbeddedRunner
from basegun.jobs.tasks import Tasks
from basegun.service import Basegun

if TYPE_CHECKING:  # procrastinate is imported only where PostgreSQL is used: an embedded service never loads it
    from basegun.jobs.queue import ProcrastinateQueue, ProcrastinateWorkers

log = logging.getLogger(__name__)

STOP_SECONDS = 120  # the longest a stop waits for the weapons under way


@dataclass(frozen=True)
class JobCounts:
    """The queue at a glance, for metrics: jobs waiting, running, failed for good, and waiting again after a failure
    or a dead worker (PostgreSQL); batches and unsent mail on SQLite (no failures kept, nothing retried)."""

    queued: int
    running: int
    failed: int
    retried: int


_PROCRASTINATE_COUNTS = sa.text(
    "SELECT count(*) FILTER (WHERE status = 'todo'), count(*) FILTER (WHERE status = 'doing'),"
    " count(*) FILTER (WHERE status = 'failed'), count(*) FILTER (WHERE status = 'todo' AND attempts > 0)"
    " FROM procrastinate_jobs"
)


class Jobs:
    """Defer with `defer_batch` and `mail_queued`; `start()` the runner when `run_here`; `close()` stops it."""

    def __init__(self, service: Basegun, *, run_here: bool, concurrency: int = 1, weapon_threads: int = 1) -> None:
        if service.records is None:
            raise ValueError("background jobs need the service's database")
        settings = service.settings
        logs.install()
        self.run_here = run_here
        self.stopping = threading.Event()
        self.store = BatchStore(service.records.database, service.objects)
        self._weapons = ThreadPoolExecutor(weapon_threads, thread_name_prefix="batch")
        self.batches = BatchWork(service, self.store, self._weapons, self.stopping.is_set)
        self.batches.clear_spool()
        self.tasks = Tasks(service, self.store, self.batches, service.records.outbox)
        self.queue: ProcrastinateQueue | None = None
        self.runner: EmbeddedRunner | None = None
        self._workers: ProcrastinateWorkers | None = None
        self._thread: threading.Thread | None = None
        if service.records.database.is_sqlite:
            if run_here:
                self.runner = EmbeddedRunner(
                    self.tasks,
                    settings.data_dir / "jobs.lock",
                    mail_every=settings.mail_retry_seconds,
                    purge_every=settings.purge_every_seconds,
                )
        else:
            from basegun.jobs.queue import ProcrastinateQueue, ProcrastinateWorkers

            self.queue = ProcrastinateQueue(
                settings.database, settings.purge_every_seconds, settings.mail_retry_seconds
            )
            if run_here:
                self._workers = ProcrastinateWorkers(self.queue, self.tasks, concurrency, self.stopping)
        service.records.mail_queued = self.mail_queued

    def defer_batch(self, ref: str, rank: int) -> None:
        if self.queue is not None:
            self.queue.defer_batch(ref, rank)
        elif self.runner is not None:
            self.runner.wake_batches()  # else a `basegun worker` on this data folder finds it within seconds

    def mail_queued(self) -> None:
        if self.queue is not None:
            self.queue.defer_mail(self.tasks.outbox.pending())
        elif self.runner is not None:
            self.runner.wake_mail()

    def counts(self) -> JobCounts:
        if self.queue is not None:
            with self.store.database.transaction() as connection:
                queued, running, failed, retried = connection.execute(_PROCRASTINATE_COUNTS).one()
            return JobCounts(queued, running, failed, retried)
        queued = len(self.store.ids_with_status("queued")) + len(self.tasks.outbox.pending())
        return JobCounts(queued, len(self.store.ids_with_status("running")), 0, 0)

    def start(self) -> None:
        """Run jobs in background threads of this process (the embedded worker)."""
        if self.runner is not None:
            self.runner.start()
        elif self._workers is not None:
            ready = threading.Event()
            workers = self._workers
            self._thread = threading.Thread(
                target=lambda: asyncio.run(workers.run(ready.set)), name="jobs-worker", daemon=True
            )
            self._thread.start()
            ready.wait(30)

    def run_forever(self) -> None:
        """`basegun worker`: run jobs in the foreground until SIGTERM or SIGINT, then stop cleanly."""
        if self._workers is not None:
            workers = self._workers

            async def main() -> None:
                loop = asyncio.get_running_loop()
                for signum in (signal.SIGTERM, signal.SIGINT):
                    loop.add_signal_handler(signum, workers.stop)
                await workers.run()

            asyncio.run(main())
            return
        assert self.runner is not None
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        self.runner.start()
        while not stop.wait(1):
            pass

    def close(self) -> None:
        """Batches running stop after the weapons under way; they resume on the next runner (this one restarted, or
        another worker)."""
        self.stopping.set()
        if self.runner is not None:
            self.runner.stop()
        if self._workers is not None:
            self._workers.stop()
        if self._thread is not None:
            self._thread.join(STOP_SECONDS)
        self._weapons.shutdown(wait=True, cancel_futures=True)
        if self.queue is not None:
            self.queue.close()
