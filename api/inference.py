"""Bounded admission to the inference workers: a few requests wait, the next is told to come back (503 `busy`).

An unbounded queue only moves the failure: each waiting request holds its upload in memory, and by the time a
worker takes it the client may have given up. Here a request takes a slot before its upload is read, keeps it until
answered, and one whose client has hung up while it waited is not computed.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

from starlette.requests import ClientDisconnect
from starlette.types import Receive

from basegun.errors import Busy

T = TypeVar("T")
RETRY_AFTER_SECONDS = 2


class InferencePool:
    """`workers` threads running models; at most `queue` more requests waiting for one."""

    def __init__(self, workers: int, queue: int) -> None:
        self.executor = ThreadPoolExecutor(workers, thread_name_prefix="inference")
        self.capacity = workers + queue
        self.taken = 0  # touched from the event loop only

    @contextmanager
    def slot(self) -> Iterator[None]:
        if self.taken >= self.capacity:
            raise Busy(
                "The service is answering as many photos as it can; try again in a moment.",
                retry_after=RETRY_AFTER_SECONDS,
            )
        self.taken += 1
        try:
            yield
        finally:
            self.taken -= 1

    async def run(self, receive: Receive, call: Callable[..., T], *args: object) -> T:
        """`call(*args)` on a worker, unless the client disconnects first (`ClientDisconnect`)."""
        gone = threading.Event()

        def job() -> T:
            if gone.is_set():
                raise ClientDisconnect()
            return call(*args)

        work = asyncio.wrap_future(self.executor.submit(job))
        watch = asyncio.ensure_future(_disconnect(receive))
        await asyncio.wait({work, watch}, return_when=asyncio.FIRST_COMPLETED)
        if work.done():
            watch.cancel()
            return work.result()
        gone.set()
        work.cancel()  # dropped if no worker took it yet; a started run finishes, unanswered
        raise ClientDisconnect()

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


async def _disconnect(receive: Receive) -> None:
    """Returns when the client hangs up (the body has been read: nothing else may arrive)."""
    while (await receive())["type"] != "http.disconnect":
        pass
