"""The shared real photos, read once into memory and grouped the way the figures need them."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from basegun.settings import REPO_ROOT

# ../shared/photos beside the checkout; BASEGUN_SHARED_PHOTOS names another folder (a git worktree one level deeper).
PHOTOS = Path(os.environ.get("BASEGUN_SHARED_PHOTOS") or REPO_ROOT.parent / "shared" / "photos")
PHONE_PIXELS = 10_000_000  # a full-size phone photo (12 MP); web-size photos are well under 1 MP


@dataclass(frozen=True)
class Sample:
    """One photo: its bytes and what `labels.csv` says a correct answer is."""

    name: str
    data: bytes
    kind: str
    expected: str
    overall_cm: float | None
    barrel_cm: float | None
    pixels: int


def load(root: Path = PHOTOS) -> list[Sample]:
    """Every labelled photo; an empty list when the shared photos are absent."""
    labels = root / "labels.csv"
    if not labels.is_file():
        return []
    samples = []
    with labels.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            path = root / row["path"]
            with Image.open(path) as image:
                pixels = image.width * image.height
            samples.append(
                Sample(
                    name=row["path"],
                    data=path.read_bytes(),
                    kind=row["kind"],
                    expected=row["expected"],
                    overall_cm=float(row["overall_length_cm"]) if row["overall_length_cm"] else None,
                    barrel_cm=float(row["barrel_length_cm"]) if row["barrel_length_cm"] else None,
                    pixels=pixels,
                )
            )
    return samples


def small(samples: list[Sample]) -> list[Sample]:
    """Web-size photos of whole weapons."""
    return [s for s in samples if s.kind == "typology"]


def phone(samples: list[Sample]) -> list[Sample]:
    """Full-size phone photos (12 MP)."""
    return [s for s in samples if s.pixels >= PHONE_PIXELS]


def measurable(samples: list[Sample]) -> list[Sample]:
    """Photos with a card and a weapon of known lengths."""
    return [s for s in samples if s.kind == "measure" and s.overall_cm is not None]


def close_ups(samples: list[Sample]) -> list[Sample]:
    """Close-ups of markings (readable, unreadable, or none)."""
    return [s for s in samples if s.kind in ("alarm", "quality")]
