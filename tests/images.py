"""Images made by the tests: every format and mode Basegun must read, and photos with no firearm in them."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def wall(width: int = 800, height: int = 600, seed: int = 0) -> Image.Image:
    """A blank painted wall: one colour with a little sensor noise."""
    rng = np.random.default_rng(seed)
    pixels = rng.normal((205, 198, 186), 5, (height, width, 3))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def landscape(width: int = 960, height: int = 640, seed: int = 1) -> Image.Image:
    """Sky over rolling green fields, with texture."""
    rng = np.random.default_rng(seed)
    y = np.arange(height)[:, None]
    x = np.arange(width)[None, :]
    horizon = height * 0.45 + 30 * np.sin(x / 90.0)
    sky = np.stack([110 + 60 * y / height, 160 + 40 * y / height, 235 - 20 * y / height], -1) + 0 * x[..., None]
    field = np.stack([50 + 0 * y + 0 * x, 120 + 20 * np.sin(x / 15.0 + y / 9.0), 40 + 0 * y + 0 * x], -1)
    pixels = np.where((y > horizon)[..., None], field, sky) + rng.normal(0, 8, (height, width, 3))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def skimage_photo(name: str) -> Image.Image:
    """A real photo shipped inside scikit-image's wheel (no download)."""
    import skimage

    return Image.open(Path(skimage.__file__).parent / "data" / name)


def no_firearm_photos() -> dict[str, Image.Image]:
    """Photos with no firearm: generated scenes and everyday objects from scikit-image's bundled data."""
    return {
        "wall": wall(),
        "landscape": landscape(),
        "coffee_cup": skimage_photo("coffee.png"),
        "cat": skimage_photo("chelsea.png"),
        "coins": skimage_photo("coins.png"),
        "brick_wall": skimage_photo("brick.png"),
        "grass": skimage_photo("grass.png"),
        "horse": skimage_photo("horse.png"),
    }


def gps_photo() -> bytes:
    """A phone-like JPEG whose EXIF names a maker and a GPS position."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (45.0, 45.0, 0.0), 3: "E", 4: (4.0, 50.0, 0.0)}
    buffer = io.BytesIO()
    landscape().save(buffer, "JPEG", exif=exif, comment=b"taken at home")
    return buffer.getvalue()
