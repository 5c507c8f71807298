"""Derived variants of a source photo that imitate field photos: smaller, recompressed, framed, rotated, blurred.

Each variant is bytes, as a phone or a messaging app would hand them to the service. A variant that would not differ
from its source (a long side already under the target) is skipped.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import numpy as np
from PIL import Image, ImageFilter

from basegun.inference.imaging import decode

WEAPON_LONG_SIDES = (1600, 800, 400)
STRIP_HEIGHTS = (40, 60, 80, 120)
SMALLER = (0.5, 0.25)
EXIF_ORIENTATION = 0x0112


def jpeg(image: Image.Image, quality: int = 90, exif: Image.Exif | None = None) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, **({"exif": exif} if exif is not None else {}))
    return buffer.getvalue()


def long_side(image: Image.Image, side: int) -> Image.Image | None:
    scale = side / max(image.size)
    if scale >= 1:
        return None
    return image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS)


def tight_crop(image: Image.Image) -> Image.Image:
    """A tight framing: a tenth off every side."""
    w, h = image.size
    return image.crop((w // 10, h // 10, w - w // 10, h - h // 10))


def loose_padding(image: Image.Image) -> Image.Image:
    """A distant shot: a quarter of each side added around, in the photo's own border colour."""
    w, h = image.size
    pixels = np.asarray(image)
    border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    colour = tuple(int(v) for v in np.median(border, axis=0))
    canvas = Image.new("RGB", (w + w // 2, h + h // 2), colour)
    canvas.paste(image, (w // 4, h // 4))
    return canvas


def exif_rotated(image: Image.Image) -> bytes:
    """The pixels stored sideways with an EXIF orientation tag that turns them upright, as phones do."""
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = 6  # rotate 90° clockwise to display
    return jpeg(image.transpose(Image.Transpose.ROTATE_90), exif=exif)


def blurred(image: Image.Image) -> Image.Image:
    """Out of focus: a Gaussian blur of one 300th of the long side (about 3 px on a 1000 px photo)."""
    return image.filter(ImageFilter.GaussianBlur(max(image.size) / 300))


Box = tuple[float, float, float, float]


def marking_strip(image: Image.Image, line: Box, height: int) -> Image.Image | None:
    """A strip `height` px tall around a line of markings, as a user would crop it: a fifth of the line's width on
    each side, and at least its own height above and below (more of the photo when `height` asks for more), scaled
    down to `height` when taller; None when the photo is not that tall."""
    x1, y1, x2, y2 = line
    middle, half = (y1 + y2) / 2, max(1.5 * (y2 - y1), height / 2)
    pad_x = 0.2 * (x2 - x1)
    box = (max(0, x1 - pad_x), max(0, middle - half), min(image.width, x2 + pad_x), min(image.height, middle + half))
    crop = image.crop(tuple(round(v) for v in box))
    if height > crop.height:
        return None
    return crop.resize((round(crop.width * height / crop.height), height), Image.Resampling.LANCZOS)


def smaller(image: Image.Image, factor: float) -> Image.Image:
    return image.resize((round(image.width * factor), round(image.height * factor)), Image.Resampling.LANCZOS)


def weapon_variants(image: Image.Image) -> Iterator[tuple[str, bytes]]:
    """The variants of a whole-weapon photo (or a photo without one), from its upright pixels."""
    for side in WEAPON_LONG_SIDES:
        resized = long_side(image, side)
        if resized is not None:
            yield f"long{side}", jpeg(resized)
    web = long_side(image, 1600) or image  # the remaining variants at a size a phone would send
    made: dict[str, Callable[[], bytes]] = {
        "jpeg_q40": lambda: jpeg(web, quality=40),
        "tight_crop": lambda: jpeg(tight_crop(web)),
        "loose_padding": lambda: jpeg(loose_padding(web)),
        "exif_rotation": lambda: exif_rotated(web),
        "blur": lambda: jpeg(blurred(web)),
    }
    for name, make in made.items():
        yield name, make()


def close_up_variants(image: Image.Image, line: Box | None) -> Iterator[tuple[str, bytes]]:
    """The variants of a close-up of markings: strips cut around its widest line of text (when one is found) and
    smaller copies of the whole photo."""
    for height in STRIP_HEIGHTS if line is not None else ():
        strip = marking_strip(image, line, height)
        if strip is not None:
            yield f"strip{height}", jpeg(strip)
    for factor in SMALLER:
        yield f"smaller{int(factor * 100)}", jpeg(smaller(image, factor))


def upright(data: bytes) -> Image.Image:
    """The source photo's upright RGB pixels at full size."""
    return decode(data).image
