"""The server process's memory allocator, set for large short-lived buffers (decoded photos).

glibc raises its mmap threshold after the first large free, so later decoded photos land in per-thread heap arenas
that keep the memory after it is freed: a flood of 49-megapixel PNGs, decoded one at a time, still grew the server
to 1.24 GiB. A fixed 1 MiB threshold (buffers above it are returned to the system when freed) and two arenas
brought the same flood to 0.87 GiB (`python -m benchmarks.abuse --only png_49mp_flood`, RELIABILITY.md).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8


def return_large_buffers(threshold: int = 1 << 20, arenas: int = 2) -> bool:
    """Call once at start, before the worker threads exist; False where the C library is not glibc."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):
        log.info("allocator left as it is: not glibc")
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, threshold)) and bool(mallopt(M_ARENA_MAX, arenas))
