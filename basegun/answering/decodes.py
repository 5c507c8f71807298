"""One photo's decodes, each made once: at the size the typology and weapon networks need, and larger only where a
later step needs more detail (a long gun's measurement, the markings' reading).

A decode at full size (a small photo, or a format libjpeg cannot reduce) is kept and given to a later step that needs
at least as much detail, since decoding again would give the same pixels; a reduced decode is not kept, as no step
asks twice for the same detail. Kept decodes are bounded (`KEEP_PIXELS`): a weapon's photos wait for its fused type
before the later steps, and a batch weapon may have many.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from basegun.answering.weapon import PhotoSource
from basegun.inference.imaging import Detail, Limits, Photo, decode

KEEP_PIXELS = 4_000_000  # about a 2,000 × 2,000 photo: a web-size photo is decoded once for every step


REDUCIBLE = ("JPEG", "MPO")  # the formats `decode` reduces (libjpeg's DCT scaling); others are always decoded whole


def share(detail: Detail, size: tuple[int, int]) -> float:
    """How much of a photo of `size` a decode for `detail` must keep (the scale `decode` asks libjpeg for)."""
    return max(detail.min_short_side / min(size), detail.min_long_side / max(size))


def covers(whole: Photo, made_for: Detail, wanted: Detail) -> bool:
    """Whether a decode for `wanted` would give the full-size `whole` again: always for a format that is never
    reduced; for a JPEG, when `wanted` keeps at least the share `made_for` did (libjpeg reduces less for more)."""
    if whole.format not in REDUCIBLE:
        return True
    return share(wanted, whole.original_size) >= share(made_for, whole.original_size)


@dataclass
class Decodes:
    """One photo, and its full-size decode while it may serve a later step."""

    source: PhotoSource
    limits: Limits
    _full: tuple[Detail, Photo] | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.source.name

    def data(self) -> bytes:
        """The photo's bytes, read again by each step rather than held (`OSError` when its file cannot be read)."""
        return self.source.read()

    def at(self, detail: Detail) -> Photo:
        """The photo decoded with at least `detail` (`ImageRejected` when it is not a usable photo)."""
        if self._full is not None and covers(self._full[1], self._full[0], detail):
            return self._full[1]
        photo = decode(self.data(), self.limits, detail)
        if photo.reduction == 1 and photo.image.width * photo.image.height <= KEEP_PIXELS:
            self._full = (detail, photo)
        return photo

    def release(self) -> None:
        """Forget the kept decode: the weapon is answered."""
        self._full = None
