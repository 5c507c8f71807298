"""The source photos of the protocol: every labelled shared photo, and the photos without a firearm.

A source is one real scene; its variants (`variants.py`) stay with it, so that cross-validation never splits them.
Photos without a firearm are the tests' set (`tests/no_firearm.py`) and crops of the shared photos that hold no
weapon (the card alone, the background beside the weapon), cut here at run time and never stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from basegun.networks.served import Models
from benchmarks.accuracy.variants import jpeg, upright
from benchmarks.photos import Sample
from tests.no_firearm import no_firearm_crops, no_firearm_set

Group = Literal["firearm", "no_firearm", "close_up"]


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


def weaponless_crops(models: Models, samples: list[Sample]) -> list[Source]:
    """Crops of the shared whole-weapon photos that hold no weapon (`tests/no_firearm.py`), cut at run time."""
    photos = {
        s.name.rsplit(".", 1)[0]: upright(s.data)
        for s in samples
        if s.kind in ("typology", "measure") and "noWeapon" not in s.name
    }
    origin = "crop of a shared photo, cut at run time"
    return [Source(n, "no_firearm", None, origin, jpeg(c)) for n, c in no_firearm_crops(models, photos).items()]


def every_source(models: Models, samples: list[Sample]) -> list[Source]:
    return [*labelled(samples), *generated(), *weaponless_crops(models, samples)]
