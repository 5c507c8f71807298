"""Whether this process can take work: each dependency it needs (database, object store, models) checked on a timer
in the background, so that a request never waits on a check and a probe always gets an answer at once.

A check that does not return (a database behind a dropped network) holds the thread: after `stalled_after` seconds
that dependency is reported down by name until it answers again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from basegun.errors import BasegunError

log = logging.getLogger(__name__)

CHECK_EVERY_SECONDS = 2.0


@dataclass(frozen=True)
class Dependency:
    """Something the replica needs; `check()` returns when it works and raises when it does not."""

    name: str
    check: Callable[[], None]


@dataclass(frozen=True)
class Readiness:
    """Each dependency's state: `"ok"`, or why it is down (for the operator: no secret, no address)."""

    checks: dict[str, str] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return bool(self.checks) and all(state == "ok" for state in self.checks.values())

    @property
    def down(self) -> dict[str, str]:
        return {name: state for name, state in self.checks.items() if state != "ok"}


def reason(exc: Exception) -> str:
    """What an operator reads at /readyz: Basegun's own words, else the kind of error (its text may hold an address)."""
    return exc.detail if isinstance(exc, BasegunError) else type(exc).__name__


class ReadinessChecks:
    """Checks `dependencies` now, then every `every` seconds until `stop()`; `state()` never blocks."""

    def __init__(
        self, dependencies: list[Dependency], every: float = CHECK_EVERY_SECONDS, stalled_after: float | None = None
    ) -> None:
        self.dependencies = dependencies
        self.every = every
        self.stalled_after = stalled_after if stalled_after is not None else 5 * every
        self._lock = threading.Lock()
        self._checks: dict[str, str] = {}
        self._checking: tuple[str, float] | None = None
        self._stopping = threading.Event()
        self.run()
        self._thread = threading.Thread(target=self._loop, name="readiness", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stopping.wait(self.every):
            self.run()

    def run(self) -> None:
        """Check every dependency once, in turn; a change of state is logged."""
        for dependency in self.dependencies:
            with self._lock:
                self._checking = (dependency.name, time.monotonic())
            try:
                dependency.check()
                state = "ok"
            except Exception as exc:  # any failure of a dependency means not ready, whatever raised it
                state = reason(exc)
            with self._lock:
                self._checking = None
                before = self._checks.get(dependency.name)
                self._checks[dependency.name] = state
            if state != before:
                if state == "ok":
                    log.info("dependency up", extra={"dependency": dependency.name})
                else:
                    log.warning("dependency down", extra={"dependency": dependency.name, "reason": state})

    def state(self) -> Readiness:
        with self._lock:
            checks = dict(self._checks)
            if self._checking is not None:
                name, since = self._checking
                waited = time.monotonic() - since
                if waited > self.stalled_after:
                    checks[name] = f"no answer for {waited:.0f} s"
        return Readiness(checks)

    def stop(self) -> None:
        """Stop checking; a check held by a dependency that does not answer is left to end with the process."""
        self._stopping.set()
        self._thread.join(timeout=self.every)
