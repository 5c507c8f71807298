"""How multipart uploads are held while a request is read: in memory up to a small size, on disk beyond.

Starlette keeps each uploaded part in memory up to 1 MiB before spilling it to a temporary file: 900 parts of 1 MB
took a server from 230 to 1,083 MiB. Its `MultiPartParser.spool_max_size` is the one knob, a class attribute.
"""

from __future__ import annotations

from starlette.formparsers import MultiPartParser


def spool_to_disk_beyond(size: int) -> None:
    """Parts over `size` bytes go to a temporary file while the request is read."""
    MultiPartParser.spool_max_size = size
