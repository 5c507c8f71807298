"""The source photos of the protocol: every labelled shared photo, and the photos without a firearm.

A source is one real scene; its variants (`variants.py`) stay with it, so that cross-validation never splits them.
Photos without a firearm are the tests' set (`tests/no_firearm.py`) and crops of the shared photos that hold no
weapon (the card alone, the background beside the weapon), cut here at run time and never stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from PIL import Image

from basegun.models import Models
from benchmarks.accuracy.variants import jpeg, upright
from benchmarks.photos import Sample
from tests.no_firearm import no_firearm_set

Group = Literal["firearm", "no_firearm", "close_up"]
MIN_CROP_SIDE = 160
WEAPON_MARGIN = 0.08  # of the photo's long side, around the weapon's box


@dataclass(frozen=True)
class Source:
    """One source photo: what a right answer is, and where it comes from."""

    name: str
    group: Group
    expected: str | None  # typology key, alarm verdict, or None
    origin: str
    data: bytes


def _group(sample: Sample) -> Group:
    if sample.kind in ("alarm", "quality"):
        return "close_up"
    return "no_firearm" if "noWeapon" in sample.name else "firearm"


def labelled(samples: list[Sample]) -> list[Source]:
    return [Source(s.name, _group(s), s.expected or None, "shared photo (labels.csv)", s.data) for s in samples]


def generated() -> list[Source]:
    sources = []
    for name, image in no_firearm_set().items():
        origin = "scikit-image sample data" if name.startswith("skimage-") else "rendered here (tests/no_firearm.py)"
        sources.append(Source(name, "no_firearm", None, origin, jpeg(image.convert("RGB"))))
    return sources


def _outside(box: tuple[float, float, float, float], size: tuple[int, int]) -> list[tuple[int, int, int, int]]:
    """The four bands of the photo around a box: above, below, left of and right of it."""
    x1, y1, x2, y2 = (round(v) for v in box)
    w, h = size
    return [(0, 0, w, max(0, y1)), (0, min(h, y2), w, h), (0, 0, max(0, x1), h), (min(w, x2), 0, w, h)]


def weaponless_crops(models: Models, samples: list[Sample]) -> list[Source]:
    """Crops of the shared whole-weapon photos that hold no weapon: the widest band beside the weapon's box, and the
    card alone when one lies clear of the weapon."""
    sources = []
    for sample in samples:
        if sample.kind not in ("typology", "measure") or "noWeapon" in sample.name:
            continue
        image = upright(sample.data)
        found = models.weapons.detect(image, threshold=0.05)
        if not found:
            continue
        margin = WEAPON_MARGIN * max(image.size)
        x1, y1, x2, y2 = found[0].box
        box = (x1 - margin, y1 - margin, x2 + margin, y2 + margin)
        bands = [b for b in _outside(box, image.size) if min(b[2] - b[0], b[3] - b[1]) >= MIN_CROP_SIDE]
        stem = sample.name.rsplit(".", 1)[0]
        if bands:
            band = max(bands, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
            sources.append(_crop_source(f"{stem}#background", image, band))
        for card in models.card.detect(image)[:1]:
            cx1, cy1 = card.corners.min(axis=0)
            cx2, cy2 = card.corners.max(axis=0)
            pad = 0.4 * max(cx2 - cx1, cy2 - cy1)
            crop = (max(0, cx1 - pad), max(0, cy1 - pad), min(image.width, cx2 + pad), min(image.height, cy2 + pad))
            if _overlap(crop, box) or min(crop[2] - crop[0], crop[3] - crop[1]) < MIN_CROP_SIDE:
                continue
            sources.append(_crop_source(f"{stem}#card", image, tuple(int(v) for v in crop)))
    return sources


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _crop_source(name: str, image: Image.Image, box: tuple[int, ...]) -> Source:
    crop = image.crop(box)
    return Source(name, "no_firearm", None, "crop of a shared photo, cut at run time", jpeg(crop))


def every_source(models: Models, samples: list[Sample]) -> list[Source]:
    return [*labelled(samples), *generated(), *weaponless_crops(models, samples)]
