"""Files Basegun writes under its data folder: readable by the service's own user only (0600, folders 0700).

Batch photos, answers and reports concern investigations: no other account on the machine may read them, whatever
the umask of the process that started the service.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(path: Path) -> Path:
    """Create `path` (and its missing parents, which `mkdir(parents=True)` would make with the umask's mode) readable
    by the service's user only."""
    if not path.parent.is_dir():
        private_folder(path.parent)
    path.mkdir(mode=FOLDER_MODE, exist_ok=True)
    return path


def create_private(path: Path) -> BinaryIO:
    """Open a new file (or truncate one) for writing, created 0600."""
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE), "wb")


def write_private(path: Path, data: bytes) -> None:
    """Replace `path` atomically (a reader never sees half a file) with a 0600 file."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")  # one per writer
    with create_private(temporary) as handle:
        handle.write(data)
    temporary.replace(path)


def append_private(path: Path, data: bytes) -> None:
    """Append to `path`, created 0600 if new; one `write` call, so a line is never interleaved with another."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
    try:
        os.write(descriptor, data)
    finally:
        os.close(descriptor)
