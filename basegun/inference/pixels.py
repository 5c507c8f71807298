"""A budget of decoded pixels shared by everything that decodes photos at once (single answers and batches).

Memory follows pixels, not bytes: a flat 49-megapixel PNG is 160 KB on the wire and about 500 MiB once decoded and
prepared. With one such photo per worker, two workers took a server past 1.2 GiB. Each photo's work waits until its
pixels fit in the budget (by default one photo at the pixel limit, or four 12-megapixel ones), so memory stays
bounded whatever arrives; the count comes from the image header, read without decoding.
"""

from __future__ import annotations

import io
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PIL import Image


class PixelBudget:
    """At most `capacity` pixels being decoded and analysed at once; a larger photo waits for the whole budget."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.used = 0
        self._free = threading.Condition()

    @contextmanager
    def hold(self, pixels: int) -> Iterator[None]:
        pixels = min(max(pixels, 0), self.capacity)
        with self._free:
            self._free.wait_for(lambda: self.used + pixels <= self.capacity)
            self.used += pixels
        try:
            yield
        finally:
            with self._free:
                self.used -= pixels
                self._free.notify_all()


def pixels_in(source: bytes | Path) -> int:
    """The photo's pixel count from its header; 0 when unreadable (decoding then refuses it with its reason)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(source) if isinstance(source, bytes) else source) as image:
                return int(image.width * image.height)
    except Exception:  # any unreadable header: the decoder will say why, with its own error
        return 0
