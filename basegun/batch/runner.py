"""Running a batch: weapons in parallel on a few threads, progress in photos per second and time left.

Threads, not processes: ONNX Runtime, OpenCV and Pillow's decoders release the GIL, so threads sharing one set of
loaded models keep the cores busy. On two cores, two threads whose network runs use one core each came within a
few percent of two processes (benchmarks/triage.py), without a second copy of the models or its start-up time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from basegun.answering.assess import WeaponAssessor, WeaponResult
from basegun.batch.intake import Intake
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

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def rate(self) -> float | None:
        """Photos per second so far."""
        return self.photos_done / self.elapsed if self.photos_done else None

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
    intake: Intake,
    executor: Executor,
    on_progress: Callable[[Progress], None] = lambda _: None,
    on_weapon: Callable[[int, WeaponResult], None] = lambda _i, _r: None,
    pixels: PixelBudget | None = None,
) -> list[WeaponResult]:
    """Assess every weapon of `intake` on `executor` (its size bounds the parallel work); results in intake order.

    `on_weapon(index, result)` is called as each weapon finishes, from the worker thread that finished it. With
    `pixels`, a weapon waits until its largest photo fits in the shared pixel budget (memory).
    """
    pixels = pixels or PixelBudget(1 << 62)
    progress = Progress(photos_total=intake.photo_count, weapons_total=len(intake.weapons))
    lock = threading.Lock()

    def photo_done() -> None:
        BATCH_PHOTOS.inc()
        with lock:
            progress.photos_done += 1
            on_progress(progress)

    def one(index: int) -> WeaponResult:
        weapon = intake.weapons[index]
        with pixels.hold(max(pixels_in(photo.path) for photo in weapon.photos)):
            result = assessor.assess(weapon, photo_done)
        with lock:
            progress.weapons_done += 1
            on_weapon(index, result)
            on_progress(progress)
        return result

    futures = [executor.submit(one, index) for index in range(len(intake.weapons))]
    try:
        return [future.result() for future in futures]
    finally:
        for future in futures:
            future.cancel()  # only those not started: after a failure, the batch stops there
