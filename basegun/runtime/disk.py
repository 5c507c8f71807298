"""The data folder's disk budget: a quota, and a floor of free space, checked before work is accepted.

A full disk fails every SQLite write and every report: better to refuse one more batch (507 `storage_full`) while
what is stored stays readable. The folder's size is counted by walking it, at most every `RECOUNT_SECONDS`; bytes
written since are added as they are reported, so a burst of uploads cannot slip between two counts.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

from basegun.errors import StorageFull

RECOUNT_SECONDS = 10.0


class DiskBudget:
    """`room()` is what may still be written; `check(size)` refuses work that would not fit."""

    def __init__(self, folder: Path, quota_bytes: int, min_free_bytes: int) -> None:
        self.folder = folder
        self.quota = quota_bytes
        self.min_free = min_free_bytes
        self._lock = threading.Lock()
        self._counted = 0
        self._since = 0
        self._counted_at = -RECOUNT_SECONDS

    def used(self) -> int:
        """The folder's size in bytes (as last counted, plus what was written since)."""
        with self._lock:
            if time.monotonic() - self._counted_at >= RECOUNT_SECONDS:
                self._counted, self._since, self._counted_at = _size(self.folder), 0, time.monotonic()
            return self._counted + self._since

    def wrote(self, size: int) -> None:
        """Count bytes written before the next walk sees them."""
        with self._lock:
            self._since += size

    def room(self) -> int:
        """Bytes that may still be written: under the quota, and leaving the free space floor."""
        free = shutil.disk_usage(self.folder).free - self.min_free if self.folder.exists() else 0
        under_quota = self.quota - self.used() if self.quota else free
        return max(0, min(free, under_quota))

    def check(self, size: int = 0) -> int:
        """Refuse (`StorageFull`) when `size` more bytes would not fit; else the room left."""
        room = self.room()
        if size >= room:
            raise StorageFull(
                "The service's storage is full: nothing new can be accepted until old results expire or an "
                "operator frees space.",
            )
        return room


def _size(folder: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += (Path(root) / name).lstat().st_blocks * 512
            except OSError:
                continue  # deleted while counting
    return total
