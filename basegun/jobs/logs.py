"""Every log line written while a job runs carries the job's id (`job_id`), in its worker thread and in the threads
of the weapon pool it uses (`basegun/batch/runner.py` copies the context into them)."""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

job_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("job_id", default=None)


@contextmanager
def job_logging(identifier: str) -> Iterator[None]:
    token = job_id.set(identifier)
    try:
        yield
    finally:
        job_id.reset(token)


def install() -> None:
    """Add `job_id` to each record made while a job runs (the JSON formatter writes every extra attribute)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "adds_job_id", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if (current := job_id.get()) is not None:
            record.job_id = current
        return record

    factory.adds_job_id = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
