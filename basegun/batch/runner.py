"""Running a batch: weapons in parallel on a few threads, progress in photos per second and time left.

Threads, not processes: ONNX Runtime, OpenCV and Pillow's decoders release the GIL, so threads sharing one set of
loaded models keep the cores busy. On two cores, two threads whose network runs use one core each came within a
few percent of two processes (benchmarks/triage.py), without a second copy of the models or its start-up time.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Executor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from basegun.answering.assess import WeaponAssessor, WeaponResult
from basegun.answering.weapon import Weapon
from basegun.inference.pixels import PixelBudget, pixels_in
from basegun.runtime.metrics import BATCH_PHOTOS


@dataclass
class Progress:
    """How far a batch has got; `rate` and `seconds_left` once a photo is done."""

    photos_total: int
    weapons_total: int
    photos_done: int = 0
    weapons_done: int = 0
    started: float = field(default_factory=time.monotonic)
    photos_before: int = 0  # done before this run started (a batch resumed): not counted in its rate

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def rate(self) -> float | None:
        """Photos per second so far in this run."""
        done = self.photos_done - self.photos_before
        return done / self.elapsed if done > 0 else None

    @property
    def seconds_left(self) -> float | None:
        rate = self.rate
        return (self.photos_total - self.photos_done) / rate if rate else None

    def line(self, width: int = 30) -> str:
        """A one-line progress bar for a terminal: `[#####-----] 12/40 photos · 1.8 photos/s · 16 s left`."""
        done = round(width * self.photos_done / self.photos_total) if self.photos_total else width
        rate, left = self.rate, self.seconds_left
        speed = f" · {rate:.1f} photos/s" if rate else ""
        remaining = f" · {_duration(left)} left" if left is not None and self.photos_done < self.photos_total else ""
        return f"[{'#' * done}{'-' * (width - done)}] {self.photos_done}/{self.photos_total} photos{speed}{remaining}"

    def to_dict(self) -> dict[str, Any]:
        rate, left = self.rate, self.seconds_left
        return {
            "photos_total": self.photos_total,
            "photos_done": self.photos_done,
            "weapons_total": self.weapons_total,
            "weapons_done": self.weapons_done,
            "photos_per_second": round(rate, 2) if rate else None,
            "seconds_left": round(left) if left is not None else None,
        }


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def run(
    assessor: WeaponAssessor,
    weapons: Sequence[Weapon],
    executor: Executor,
    on_progress: Callable[[Progress], None] = lambda _: None,
    on_weapon: Callable[[int, WeaponResult], None] = lambda _i, _r: None,
    pixels: PixelBudget | None = None,
    *,
    done: Collection[int] = (),
    fetch: Callable[[int, Weapon], AbstractContextManager[Weapon]] = lambda _i, weapon: nullcontext(weapon),
    stop: Callable[[], bool] = lambda: False,
) -> dict[int, WeaponResult]:
    """Assess every weapon of `weapons` but those in `done` on `executor` (its size bounds the parallel work); the
    results by position.

    `fetch(position, weapon)` gives the weapon with its photos readable (spooled from the object store) for as long as
    it is assessed. `on_weapon(position, result)` is called as each weapon finishes, from the worker thread that
    finished it. A weapon not yet started is left when `stop()` says so (a cancel, a worker stopping). With `pixels`,
    a weapon waits until its largest photo fits in the shared pixel budget (memory).
    """
    pixels = pixels or PixelBudget(1 << 62)
    already = sum(len(weapons[i].photos) for i in done)
    progress = Progress(
        photos_total=sum(len(w.photos) for w in weapons),
        weapons_total=len(weapons),
        photos_done=already,
        weapons_done=len(done),
        photos_before=already,
    )
    lock = threading.Lock()
    results: dict[int, WeaponResult] = {}

    def photo_done() -> None:
        BATCH_PHOTOS.inc()
        with lock:
            progress.photos_done += 1
            on_progress(progress)

    def one(position: int) -> None:
        if stop():
            return
        with fetch(position, weapons[position]) as weapon, pixels.hold(max(pixels_in(p.path) for p in weapon.photos)):
            result = assessor.assess(weapon, photo_done)
        with lock:
            progress.weapons_done += 1
            results[position] = result
            on_weapon(position, result)
            on_progress(progress)

    context = contextvars.copy_context  # a job's log lines carry its id in the pool's threads too
    futures = [executor.submit(context().run, one, i) for i in range(len(weapons)) if i not in done]
    try:
        for future in futures:
            future.result()
    finally:
        for future in futures:
            future.cancel()  # only those not started: after a failure, the batch stops there
    return results
