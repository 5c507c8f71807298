"""procrastinate on PostgreSQL: the job queue of a fleet, in the database it already has (no other server).

- `run_batch(batch)`: the batch named by its reference (its id is a credential, kept out of the queue's logs), locked
  by it (two jobs of one batch never run at once), its priority minus its rank
  (the client's fewer open batches first). A worker stopping (SIGTERM) ends it with `WorkerStopping`, retried: the
  job goes back to the queue and resumes where it stopped.
- `send_mail(message_id)`: one job per message, locked by the message.
- `purge` (periodic): procrastinate defers one job per tick for the whole fleet, whichever workers are up.
- `recover` (periodic, every few seconds): the jobs of workers whose heartbeat stopped (killed, machine gone) go back
  to the queue, where another worker takes them up.
- `requeue_mail` (periodic, every `BASEGUN_MAIL_RETRY_SECONDS`): the mail not sent is queued again.

Workers: `basegun worker` runs two procrastinate workers in one process, one for batches (`--concurrency` of them
at once) and one for mail and the periodic tasks, so that a long batch never holds mail back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

import procrastinate
import sqlalchemy as sa
from procrastinate import JobContext, RetryStrategy
from procrastinate.exceptions import AlreadyEnqueued

from basegun.batch.work import WorkerStopping
from basegun.jobs.logs import job_logging
from basegun.jobs.tasks import Tasks

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 2.0  # how often a worker says it is alive
STALLED_SECONDS = 10.0  # a worker silent this long is dead: its jobs are taken up by another
RECOVER_CRON = "* * * * * */5"  # every 5 seconds
BATCHES, OTHER = "batches", "other"


def conninfo(database_url: str) -> str:
    """The libpq address of a SQLAlchemy URL (`postgresql+psycopg://…` → `postgresql://…`)."""
    return sa.make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


def cron_every(seconds: float) -> str:
    """A cron line (with procrastinate's seconds column) firing about every `seconds`."""
    if seconds < 60:
        return f"* * * * * */{max(1, round(seconds))}"
    if seconds < 3600:
        return f"*/{max(1, round(seconds / 60))} * * * *"
    return f"0 */{min(24, max(1, round(seconds / 3600)))} * * *"


def _tasks(context: JobContext) -> Tasks:
    tasks: Tasks = context.additional_context["tasks"]
    return tasks


def build_app(database_url: str, purge_every: float, mail_every: float) -> procrastinate.App:
    """The app and its tasks, not opened: `open()` to defer from sync code, `with_connector` for a worker."""
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=conninfo(database_url)))

    @app.task(
        name="basegun.run_batch",
        queue=BATCHES,
        pass_context=True,
        retry=RetryStrategy(retry_exceptions=[WorkerStopping]),
    )
    def run_batch(context: JobContext, batch: str) -> None:
        with job_logging(str(context.job.id)):
            _tasks(context).run_batch(batch)

    @app.task(name="basegun.send_mail", queue=OTHER, pass_context=True)
    def send_mail(context: JobContext, message_id: str) -> None:
        with job_logging(str(context.job.id)):
            _tasks(context).send_mail(message_id)

    @app.periodic(cron=cron_every(purge_every), periodic_id="purge")
    @app.task(name="basegun.purge", queue=OTHER, pass_context=True, queueing_lock="purge")
    def purge(context: JobContext, timestamp: int) -> None:
        with job_logging(str(context.job.id)):
            _tasks(context).purge()

    @app.periodic(cron=RECOVER_CRON, periodic_id="recover")
    @app.task(name="basegun.recover", queue=OTHER, pass_context=True, queueing_lock="recover")
    async def recover(context: JobContext, timestamp: int) -> None:
        with job_logging(str(context.job.id)):
            manager = context.app.job_manager
            for job in await manager.get_stalled_jobs(seconds_since_heartbeat=STALLED_SECONDS):
                log.warning("job of a dead worker taken up again", extra={"stalled_job": job.id, "task": job.task_name})
                await manager.retry_job(job)

    @app.periodic(cron=cron_every(mail_every), periodic_id="requeue_mail")
    @app.task(name="basegun.requeue_mail", queue=OTHER, pass_context=True, queueing_lock="requeue_mail")
    async def requeue_mail(context: JobContext, timestamp: int) -> None:
        """The mail not sent (its server down, or its job lost), queued again."""
        with job_logging(str(context.job.id)):
            for message_id in await asyncio.to_thread(_tasks(context).outbox.pending):
                with contextlib.suppress(AlreadyEnqueued):  # one is waiting already
                    await send_mail.configure(lock=message_id, queueing_lock=message_id).defer_async(
                        message_id=message_id
                    )

    return app


class ProcrastinateQueue:
    """Defers jobs from this process (synchronously, from request threads)."""

    def __init__(self, database_url: str, purge_every: float, mail_every: float) -> None:
        self.database_url, self.purge_every, self.mail_every = database_url, purge_every, mail_every
        self.app = self.build()
        self.app.open()

    def build(self) -> procrastinate.App:
        """Another app on the same queue (a worker's: its own asynchronous pool)."""
        return build_app(self.database_url, self.purge_every, self.mail_every)

    def defer_batch(self, ref: str, rank: int) -> None:
        task = self.app.tasks["basegun.run_batch"]
        with contextlib.suppress(AlreadyEnqueued):
            task.configure(lock=ref, queueing_lock=ref, priority=-rank).defer(batch=ref)

    def defer_mail(self, message_ids: list[str]) -> None:
        task = self.app.tasks["basegun.send_mail"]
        for message_id in message_ids:
            with contextlib.suppress(AlreadyEnqueued):
                task.configure(lock=message_id, queueing_lock=message_id).defer(message_id=message_id)

    def close(self) -> None:
        self.app.close()


class ProcrastinateWorkers:
    """Two procrastinate workers on an app of their own (its tasks bound to its asynchronous connection pool): `run()`
    until stopped (a signal, or `stop()` from another thread)."""

    def __init__(self, queue: ProcrastinateQueue, tasks: Tasks, concurrency: int, stopping: threading.Event) -> None:
        self.app = queue.build()
        self.tasks = tasks
        self.concurrency = concurrency
        self.stopping = stopping
        self._loop: asyncio.AbstractEventLoop | None = None
        self._workers: list[asyncio.Task[None]] = []
        self._cancelled = False

    async def run(self, on_ready: Callable[[], None] = lambda: None) -> None:
        """Until `stop()`, or until one worker fails (the other is then stopped too, and the error raised)."""
        options: dict[str, Any] = {
            "additional_context": {"tasks": self.tasks},
            "install_signal_handlers": False,
            "update_heartbeat_interval": HEARTBEAT_SECONDS,
            "stalled_worker_timeout": STALLED_SECONDS,
            "delete_jobs": "successful",
        }
        async with self.app.open_async():
            workers = [
                asyncio.create_task(
                    self.app.run_worker_async(queues=[BATCHES], concurrency=self.concurrency, name=BATCHES, **options)
                ),
                asyncio.create_task(self.app.run_worker_async(queues=[OTHER], concurrency=2, name=OTHER, **options)),
            ]
            self._workers, self._loop = workers, asyncio.get_running_loop()
            on_ready()
            if not self.stopping.is_set():  # else asked to stop while it started
                await asyncio.wait(workers, return_when=asyncio.FIRST_COMPLETED)
            self._cancel()  # the other worker, when one failed; both, when a stop came while they started
            # Never `gather`: it returns at the first worker stopped, and a second cancel aborts the running jobs.
            await asyncio.wait(workers)
            for worker in workers:
                if not worker.cancelled() and (error := worker.exception()) is not None:
                    raise error

    def stop(self) -> None:
        """From any thread: running batches stop after the weapons under way and go back to the queue."""
        self.stopping.set()
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):  # its loop has ended already
                self._loop.call_soon_threadsafe(self._cancel)

    def _cancel(self) -> None:
        """Once only: a worker cancelled stops gracefully (it waits for its running jobs); cancelled again, it aborts
        them."""
        if not self._cancelled:
            self._cancelled = True
            for worker in self._workers:
                worker.cancel()
