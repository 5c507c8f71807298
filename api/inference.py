"""Bounded admission to the inference workers: a few requests wait, the next is told to come back (503 `busy`).

An unbounded queue only moves the failure: each waiting request holds its upload in memory, and by the time a
worker takes it the client may have given up. Here a request takes a slot before its upload is read, keeps it until
answered, and one whose client has hung up while it waited is not computed.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from starlette.requests import ClientDisconnect
from starlette.types import Receive

from api.errors import Busy
from api.metrics import refused
from basegun.inference.pixels import PixelBudget, pixels_in

T = TypeVar("T")
RETRY_AFTER_SECONDS = 2


class InferencePool:
    """`workers` threads running models; at most `queue` more requests waiting for one, and one client never holds
    more than half of the places (a flood from one address leaves room for every other station)."""

    def __init__(self, workers: int, queue: int, pixels: PixelBudget | None = None) -> None:
        self.executor = ThreadPoolExecutor(workers, thread_name_prefix="inference")
        self.capacity = workers + queue
        self.per_client = max(1, self.capacity // 2)
        self.pixels = pixels or PixelBudget(1 << 62)
        self.taken = 0  # touched from the event loop only
        self._by_client: Counter[str] = Counter()

    @contextmanager
    def slot(self, client: str = "") -> Iterator[None]:
        if self.taken >= self.capacity or self._by_client[client] >= self.per_client:
            refused(Busy.code)
            raise Busy(
                "The service is answering as many photos as it can; try again in a moment.",
                retry_after=RETRY_AFTER_SECONDS,
            )
        self.taken += 1
        self._by_client[client] += 1
        try:
            yield
        finally:
            self.taken -= 1
            self._by_client[client] -= 1
            if not self._by_client[client]:
                del self._by_client[client]

    async def run(self, receive: Receive, call: Callable[..., T], data: bytes, *args: object) -> T:
        """`call(data, *args)` on a worker once the photo's pixels fit in the memory budget, unless the client
        disconnects first (`ClientDisconnect`)."""
        gone = threading.Event()

        def job() -> T:
            with self.pixels.hold(pixels_in(data)):
                if gone.is_set():
                    raise ClientDisconnect()
                return call(data, *args)

        work = asyncio.wrap_future(self.executor.submit(contextvars.copy_context().run, job))  # logs keep the id
        watch = asyncio.ensure_future(_disconnect(receive))
        racing: set[asyncio.Future[Any]] = {work, watch}
        await asyncio.wait(racing, return_when=asyncio.FIRST_COMPLETED)
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
