"""A task repeated on a timer in a background thread, stopped cleanly (retention purges)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Every:
    """Call `task()` every `seconds` until `stop()`; an error is logged and the next round still comes."""

    def __init__(self, seconds: float, task: Callable[[], object], name: str) -> None:
        self.seconds = seconds
        self.task = task
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stopping.wait(self.seconds):
            try:
                self.task()
            except Exception:
                log.exception("periodic task failed", extra={"task": self._thread.name})

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join()
