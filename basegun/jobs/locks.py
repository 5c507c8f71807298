"""Advisory file locks (`flock`) shared by every process on one data folder (the embedded job runner's, `jobs.lock`).

The kernel drops a lock when its process ends, even killed: a lock file left behind by a crash is free again, and
a held lock always means a live owner.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from basegun.runtime.files import FILE_MODE


class FileLock:
    """An exclusive lock on `path`, taken without waiting; `held` says whether this object holds it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._descriptor: int | None = None

    @property
    def held(self) -> bool:
        return self._descriptor is not None

    def acquire(self) -> bool:
        """Take the lock if no one holds it; True when held (now or already)."""
        if self._descriptor is not None:
            return True
        descriptor = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(descriptor)
            return False
        self._descriptor = descriptor
        return True

    def release(self) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)  # closing drops the lock
            self._descriptor = None
