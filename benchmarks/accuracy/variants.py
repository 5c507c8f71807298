"""Derived variants of a source photo that imitate field photos: smaller, recompressed, framed, rotated, blurred,
a part of the weapon filling the frame, the weapon on a dark or a patterned floor.

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


def part_filling_the_frame(image: Image.Image) -> Image.Image:
    """A close-up of part of the weapon (a revolver's cylinder, a pistol's slide): the middle two fifths of the
    width and half of the height, where the shared photos have the weapon's action, enlarged back to the photo's
    size as a phone held close would give it."""
    w, h = image.size
    part = image.crop((3 * w // 10, h // 4, 7 * w // 10, 3 * h // 4))
    return part.resize((w, round(w * part.height / part.width)), Image.Resampling.LANCZOS)


def background(image: Image.Image, tolerance: float = 40.0) -> np.ndarray:
    """Where the photo shows its backdrop: pixels within `tolerance` (RGB distance) of the median border colour,
    softened over a few pixels so that a new floor meets the weapon without a jagged edge; 0 to 1, (height, width)."""
    pixels = np.asarray(image, dtype=np.float32)
    border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    distance = np.linalg.norm(pixels - np.median(border, axis=0), axis=2)
    mask = Image.fromarray(((distance < tolerance) * 255).astype(np.uint8))
    return np.asarray(mask.filter(ImageFilter.GaussianBlur(2)), dtype=np.float32)[..., None] / 255


def on_floor(image: Image.Image, floor: np.ndarray) -> Image.Image:
    """The weapon laid on another floor: its backdrop replaced by `floor` (height, width, 3), the weapon kept."""
    mask = background(image)
    return Image.fromarray((mask * floor + (1 - mask) * np.asarray(image, dtype=np.float32)).astype(np.uint8))


def dark_floor(image: Image.Image) -> Image.Image:
    """A dark wooden floor seen from above: planks of dark brown a thirtieth of the long side wide, with grain."""
    w, h = image.size
    rng = np.random.default_rng(0)
    plank = max(8, max(w, h) // 30)
    rows = np.arange(h)[:, None]
    shade = rng.uniform(0.7, 1.3, size=h // plank + 1)[rows // plank]  # each plank its own shade
    grain = 1 + 0.15 * np.sin(np.arange(w)[None, :] / 3.0 + rows / 7.0) + rng.normal(0, 0.05, size=(h, w))
    gaps = (rows % plank) < 2  # dark lines between planks
    value = np.clip(shade * grain * ~gaps + 0.3 * gaps, 0, 2)
    floor = value[..., None] * np.array([48.0, 32.0, 22.0])
    return on_floor(image, np.clip(floor, 0, 255))


def patterned_floor(image: Image.Image) -> Image.Image:
    """A tiled floor: light and dark square tiles, a twelfth of the long side each, with grey joints and noise."""
    w, h = image.size
    rng = np.random.default_rng(1)
    tile = max(16, max(w, h) // 12)
    rows, columns = np.arange(h)[:, None], np.arange(w)[None, :]
    light = ((rows // tile + columns // tile) % 2 == 0)[..., None]
    floor = np.where(light, np.array([205.0, 195.0, 170.0]), np.array([95.0, 60.0, 45.0]))
    joints = ((rows % tile) < 3) | ((columns % tile) < 3)
    floor = np.where(joints[..., None], 130.0, floor) + rng.normal(0, 8, size=(h, w, 1))
    return on_floor(image, np.clip(floor, 0, 255))


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
        "part_fills_frame": lambda: jpeg(part_filling_the_frame(web)),
        "dark_floor": lambda: jpeg(dark_floor(web)),
        "patterned_floor": lambda: jpeg(patterned_floor(web)),
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
