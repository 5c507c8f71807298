"""What a log line is about: the request or the job being handled, in context variables that every log line reads.

The API sets the request id for each request (`api/middleware.py`); a worker sets the job id around each job with
`job_context`. Work handed to another thread keeps them only when it runs in a copy of the context
(`contextvars.copy_context().run`, as `starlette.concurrency.run_in_threadpool` and `api/inference.py` do).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
job_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("job_id", default=None)


@contextmanager
def job_context(job: int | str) -> Iterator[None]:
    """Every log line written inside carries `job_id` (a procrastinate job's id)."""
    token = job_id.set(str(job))
    try:
        yield
    finally:
        job_id.reset(token)


def fields() -> dict[str, str]:
    """The ids of the work in hand, for a log line: the request id always, the job id inside a job."""
    current = {"request_id": request_id.get()}
    job = job_id.get()
    if job is not None:
        current["job_id"] = job
    return current
