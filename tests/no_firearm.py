"""Photos without a firearm, made here: renders of things that sit beside firearms, and bundled photos.

The accuracy protocol (`benchmarks/accuracy`) and the tests use this set to judge the "is there a firearm?" answer.
Everything is generated at run time, so nothing needs a licence beyond the project's own (AGPL-3.0): the renders are
drawn with Pillow from fixed seeds, the photos are scikit-image's bundled sample data (its data README gives each
photo's licence: public domain or CC0/CC-BY, https://scikit-image.org/docs/stable/api/skimage.data.html), and crops
of the shared photos are cut at run time, never stored.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from basegun.networks.served import Models
from tests.images import landscape, skimage_photo, wall

Size = tuple[int, int]
MIN_CROP_SIDE = 120
WEAPON_MARGIN = 0.08  # of the photo's long side, around the weapon's box
SKIMAGE_PHOTOS = (
    "astronaut.png",
    "brick.png",
    "camera.png",
    "chelsea.png",
    "coffee.png",
    "coins.png",
    "grass.png",
    "gravel.png",
    "horse.png",
    "hubble_deep_field.jpg",
    "ihc.png",
    "motorcycle_left.png",
    "page.png",
    "retina.jpg",
    "rocket.jpg",
    "text.png",
)


def _table(size: Size, rng: np.random.Generator) -> Image.Image:
    """A table top or a cloth: one colour, a light gradient, grain."""
    width, height = size
    base = rng.uniform(60, 220, 3)
    gradient = np.linspace(-18, 18, width)[None, :, None]
    grain = rng.normal(0, 6, (height, width, 3))
    pixels = base[None, None, :] + gradient + grain
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _finish(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """A camera's softness and noise over a clean drawing."""
    soft = image.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.6, 1.4))))
    pixels = np.asarray(soft).astype(np.float32) + rng.normal(0, 4, (soft.height, soft.width, 3))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def magazine(seed: int = 0, size: Size = (900, 640)) -> Image.Image:
    """A detachable box magazine lying flat: a slightly curved dark body, a base plate, a cartridge on top."""
    rng = np.random.default_rng(seed)
    image = _table(size, rng)
    draw = ImageDraw.Draw(image)
    cx, cy = size[0] // 2, size[1] // 2
    length, width = int(size[1] * 0.7), int(size[0] * 0.12)
    curve = rng.uniform(0.0, 0.25)
    body = []
    for t in np.linspace(0, 1, 24):
        x = cx - width / 2 + curve * length * t * t
        body.append((x, cy - length / 2 + length * t))
    for t in np.linspace(1, 0, 24):
        x = cx + width / 2 + curve * length * t * t
        body.append((x, cy - length / 2 + length * t))
    colour = tuple(int(v) for v in rng.uniform(20, 70, 3))
    draw.polygon([(x + 8, y + 8) for x, y in body], fill=(25, 25, 25))
    draw.polygon(body, fill=colour)
    for k in range(5):  # witness holes
        y = cy - length / 3 + k * length / 8
        draw.ellipse((cx - 6, y - 6, cx + 6, y + 6), fill=(10, 10, 10))
    base_y = cy + length / 2
    draw.rectangle(
        (cx - width * 0.7 + curve * length, base_y - 10, cx + width * 0.7 + curve * length, base_y + 14),
        fill=(15, 15, 15),
    )
    draw.rectangle((cx - width / 3, cy - length / 2 - 40, cx + width / 3, cy - length / 2), fill=(190, 150, 60))
    return _finish(image, rng)


def _band(
    origin: tuple[float, float], direction: tuple[float, float], start: float, end: float, half: float
) -> list[tuple[float, float]]:
    """The four corners of a band along `direction` from `start` to `end`, `half` wide on each side."""
    (x, y), (dx, dy) = origin, direction
    nx, ny = -dy, dx
    return [
        (x + dx * start + nx * half, y + dy * start + ny * half),
        (x + dx * end + nx * half, y + dy * end + ny * half),
        (x + dx * end - nx * half, y + dy * end - ny * half),
        (x + dx * start - nx * half, y + dy * start - ny * half),
    ]


def cartridges(seed: int = 0, size: Size = (900, 640)) -> Image.Image:
    """Loose cartridges on a table: brass cases, copper or lead bullets, some lying, some standing."""
    rng = np.random.default_rng(seed)
    image = _table(size, rng)
    draw = ImageDraw.Draw(image)
    count = int(rng.integers(5, 12))
    for _ in range(count):
        x, y = rng.uniform(0.1, 0.85) * size[0], rng.uniform(0.15, 0.8) * size[1]
        case_l, case_w = rng.uniform(60, 140), rng.uniform(18, 34)
        angle = rng.uniform(0, math.pi)
        direction = (math.cos(angle), math.sin(angle))
        brass = tuple(int(v) for v in (rng.uniform(170, 220), rng.uniform(130, 170), rng.uniform(40, 80)))
        bullet = (184, 115, 51) if rng.random() < 0.6 else (120, 120, 125)
        draw.polygon(_band((x + 5, y + 5), direction, 0, case_l, case_w / 2), fill=(40, 40, 40))  # shadow
        draw.polygon(_band((x, y), direction, 0, case_l, case_w / 2), fill=brass)
        neck = _band((x, y), direction, case_l, case_l, case_w / 2.2)
        tip = (x + direction[0] * (case_l + case_w), y + direction[1] * (case_l + case_w))
        draw.polygon([neck[0], tip, neck[2]], fill=bullet)
    return _finish(image, rng)


def knife(seed: int = 0, size: Size = (1000, 600)) -> Image.Image:
    """A kitchen or hunting knife: a long grey blade and a wooden handle."""
    rng = np.random.default_rng(seed)
    image = _table(size, rng)
    draw = ImageDraw.Draw(image)
    y = size[1] * rng.uniform(0.4, 0.6)
    x0 = size[0] * 0.15
    handle = size[0] * rng.uniform(0.2, 0.3)
    blade = size[0] * rng.uniform(0.35, 0.5)
    depth = size[1] * rng.uniform(0.08, 0.14)
    draw.rounded_rectangle((x0, y - depth / 2, x0 + handle, y + depth / 2), radius=20, fill=(110, 70, 35))
    for k in (0.3, 0.7):
        draw.ellipse((x0 + handle * k - 6, y - 6, x0 + handle * k + 6, y + 6), fill=(200, 200, 200))
    draw.polygon(
        [
            (x0 + handle, y - depth / 2),
            (x0 + handle + blade, y - depth / 2 + depth * 0.2),
            (x0 + handle + blade * 1.05, y),
            (x0 + handle, y + depth / 2),
        ],
        fill=(185, 188, 195),
    )
    return _finish(image, rng)


def tools(seed: int = 0, size: Size = (1000, 700)) -> Image.Image:
    """A hammer, a screwdriver and a spanner on a workbench."""
    rng = np.random.default_rng(seed)
    image = _table(size, rng)
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.rectangle((w * 0.1, h * 0.2, w * 0.6, h * 0.26), fill=(150, 100, 50))  # hammer handle
    draw.rectangle((w * 0.58, h * 0.1, w * 0.66, h * 0.36), fill=(70, 70, 75))  # hammer head
    draw.rectangle((w * 0.15, h * 0.5, w * 0.35, h * 0.57), fill=(200, 30, 30))  # screwdriver handle
    draw.rectangle((w * 0.35, h * 0.525, w * 0.7, h * 0.545), fill=(170, 170, 175))  # shaft
    draw.rectangle((w * 0.2, h * 0.78, w * 0.75, h * 0.83), fill=(160, 160, 165))  # spanner body
    draw.ellipse((w * 0.72, h * 0.72, w * 0.84, h * 0.89), fill=(160, 160, 165))
    draw.ellipse((w * 0.755, h * 0.77, w * 0.805, h * 0.84), fill=image.getpixel((int(w * 0.9), int(h * 0.9))))
    return _finish(image, rng)


def holster(seed: int = 0, size: Size = (800, 800)) -> Image.Image:
    """An empty leather holster: a brown pouch with a belt loop and stitching."""
    rng = np.random.default_rng(seed)
    image = _table(size, rng)
    draw = ImageDraw.Draw(image)
    w, h = size
    leather = tuple(int(v) for v in (rng.uniform(60, 120), rng.uniform(35, 60), rng.uniform(15, 30)))
    outline = [
        (w * 0.3, h * 0.2),
        (w * 0.7, h * 0.2),
        (w * 0.65, h * 0.5),
        (w * 0.55, h * 0.85),
        (w * 0.4, h * 0.85),
        (w * 0.35, h * 0.5),
    ]
    draw.polygon([(x + 8, y + 8) for x, y in outline], fill=(30, 25, 20))
    draw.polygon(outline, fill=leather)
    draw.rectangle((w * 0.38, h * 0.12, w * 0.62, h * 0.22), fill=tuple(max(0, c - 25) for c in leather))
    for t in np.linspace(0.25, 0.8, 16):
        draw.ellipse((w * 0.37 + t * 20 - 2, h * t - 2, w * 0.37 + t * 20 + 2, h * t + 2), fill=(220, 200, 160))
    return _finish(image, rng)


def toys(seed: int = 0, size: Size = (900, 700)) -> Image.Image:
    """Toy building blocks and a ball: bright simple shapes."""
    rng = np.random.default_rng(seed)
    image = _table(size, rng)
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(4, 9))):
        colour = tuple(int(v) for v in rng.choice([0, 40, 200, 240], 3))
        x, y = rng.uniform(0.05, 0.8) * size[0], rng.uniform(0.05, 0.75) * size[1]
        s = rng.uniform(60, 160)
        if rng.random() < 0.3:
            draw.ellipse((x, y, x + s, y + s), fill=colour)
        else:
            draw.rectangle((x, y, x + s * rng.uniform(0.6, 1.8), y + s), fill=colour)
    return _finish(image, rng)


RENDERS: dict[str, Callable[[int], Image.Image]] = {
    "magazine": magazine,
    "cartridges": cartridges,
    "knife": knife,
    "tools": tools,
    "holster": holster,
    "toys": toys,
}


def renders(seeds: tuple[int, ...] = (0, 1)) -> dict[str, Image.Image]:
    """Every render, once per seed: `magazine-0`, `magazine-1`, …"""
    return {f"{name}-{seed}": draw(seed) for name, draw in RENDERS.items() for seed in seeds}


def bundled_photos() -> dict[str, Image.Image]:
    """scikit-image's sample photos (no download: they ship in its wheel), as RGB."""
    return {f"skimage-{name.split('.')[0]}": skimage_photo(name).convert("RGB") for name in SKIMAGE_PHOTOS}


def _bands(box: tuple[float, ...], size: tuple[int, int]) -> list[tuple[int, int, int, int]]:
    """The four bands of the photo around a box: above, below, left of and right of it."""
    x1, y1, x2, y2 = (round(v) for v in box)
    w, h = size
    return [(0, 0, w, max(0, y1)), (0, min(h, y2), w, h), (0, 0, max(0, x1), h), (min(w, x2), 0, w, h)]


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def no_firearm_crops(models: Models, photos: dict[str, Image.Image]) -> dict[str, Image.Image]:
    """Crops of photos of a weapon that hold none: the widest band beside the weapon's box (with a margin), and the
    card alone where it lies clear of the weapon. Cut at run time from the shared photos, never stored."""
    crops = {}
    for name, image in photos.items():
        found = models.weapons.detect(image, threshold=0.05)
        if not found:
            continue
        margin = WEAPON_MARGIN * max(image.size)
        x1, y1, x2, y2 = found[0].box
        box = (x1 - margin, y1 - margin, x2 + margin, y2 + margin)
        bands = [b for b in _bands(box, image.size) if min(b[2] - b[0], b[3] - b[1]) >= MIN_CROP_SIDE]
        if bands:
            crops[f"{name}#background"] = image.crop(max(bands, key=lambda b: (b[2] - b[0]) * (b[3] - b[1])))
        for card in models.card.detect(image)[:1]:
            (cx1, cy1), (cx2, cy2) = card.corners.min(axis=0), card.corners.max(axis=0)
            pad = 0.25 * max(cx2 - cx1, cy2 - cy1)
            crop = (max(0, cx1 - pad), max(0, cy1 - pad), min(image.width, cx2 + pad), min(image.height, cy2 + pad))
            if not _overlap(crop, found[0].box) and min(crop[2] - crop[0], crop[3] - crop[1]) >= MIN_CROP_SIDE:
                crops[f"{name}#card"] = image.crop(tuple(round(v) for v in crop))
    return crops


def no_firearm_set() -> dict[str, Image.Image]:
    """The whole set: generated scenes, renders and bundled photos, by name."""
    return {"wall": wall(), "landscape": landscape(), **renders(), **bundled_photos()}
