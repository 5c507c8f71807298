"""Two independent network runs of one request, side by side: one core each, so a photo is answered sooner.

With one intra-op thread per run (the default, see settings), a lone request would otherwise leave a core idle.
Under load the extra runs just queue with the others: the work done is the same.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

_pool = ThreadPoolExecutor(os.cpu_count() or 1, thread_name_prefix="beside")


def beside(call: Callable[..., T], *args: Any) -> Future[T]:
    """Start `call(*args)` on another core; the caller goes on with its own work and collects the result."""
    return _pool.submit(call, *args)


def timed(call: Callable[..., T], *args: Any) -> tuple[T, float]:
    """The call's result and how long it took, in milliseconds."""
    started = time.perf_counter()
    result = call(*args)
    return result, (time.perf_counter() - started) * 1000
