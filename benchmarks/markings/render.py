"""Markings drawn with Pillow in the finishes of real guns: engraved and stamped steel, white print on black polymer;
and as a phone sees them: on a curved slide, small, tilted, blurred, in low light. Seeded: the same every run."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core
FONTS = ("DejaVuSans-Bold.ttf", "DejaVuSansCondensed-Bold.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSansMono-Bold.ttf")
FINISHES = ("engraved", "stamped", "white_on_black", "curved", "small", "tilted", "blurred", "low_light")
CAP_HEIGHT_PX = 30  # a close-up taken by hand: capitals 30 px tall, as in the shared BLOW close-up at full size


def fonts_available() -> bool:
    return all((FONT_DIR / font).is_file() for font in FONTS)


def _surface(kind: str, size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Brushed steel (light), blued steel (dark) or black polymer, with their grain."""
    width, height = size
    base = {"steel": 165.0, "blued": 55.0, "polymer": 28.0}[kind]
    grain = rng.normal(0, 1, (height, width)).astype(np.float32)
    if kind != "polymer":
        grain = cv2.GaussianBlur(grain, (0, 0), sigmaX=12, sigmaY=0.6)  # brushed along the slide
        grain *= 6 / max(float(grain.std()), 1e-6)
    else:
        grain *= 3
    return np.clip(base + grain, 0, 255)


def _text_mask(lines: tuple[str, ...], font: ImageFont.FreeTypeFont, size: tuple[int, int], pad: int) -> np.ndarray:
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    y = pad
    for line in lines:
        draw.text((pad, y), line, font=font, fill=255)
        y += round(font.size * 1.45)
    return np.asarray(mask, np.float32) / 255


def draw(lines: tuple[str, ...], finish: str, seed: int) -> Image.Image:
    """One close-up of `lines` in `finish` (one of FINISHES)."""
    rng = np.random.default_rng(seed)
    font = ImageFont.truetype(str(FONT_DIR / FONTS[seed % len(FONTS)]), round(CAP_HEIGHT_PX / 0.73))
    pad = round(font.size * 0.8)
    width = max(round(font.getlength(line)) for line in lines) + 2 * pad
    height = round(font.size * 1.45) * len(lines) + 2 * pad
    mask = _text_mask(lines, font, (width, height), pad)
    surface = "polymer" if finish == "white_on_black" else ("blued" if finish in ("stamped", "low_light") else "steel")
    metal = _surface(surface, (width, height), rng)
    if finish == "white_on_black":
        grey = metal * (1 - mask) + 235 * mask
    elif surface == "blued":  # stamped: bright letters, the stamp's edge in shadow below
        shadow = np.roll(mask, (2, 2), axis=(0, 1))
        grey = np.clip(metal - 35 * shadow, 0, 255) * (1 - mask) + (150 + rng.normal(0, 6, mask.shape)) * mask
    else:  # engraved: dark grooves, their lower edge catching the light
        light = np.roll(mask, (1, 1), axis=(0, 1)) * (1 - mask)
        grey = np.clip(metal + 45 * light, 0, 255) * (1 - mask) + 70 * mask
    image = np.clip(grey, 0, 255).astype(np.uint8)
    if finish == "curved":  # a rounded slide: lines bow by a tenth of the height
        ys, xs = np.indices(image.shape, dtype=np.float32)
        bow = 0.1 * height * np.sin(np.pi * xs / width)
        image = cv2.remap(image, xs, ys - bow + 0.05 * height, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    picture = Image.fromarray(image).convert("RGB")
    if finish == "small":  # taken from further away: capitals 13 px
        factor = 13 / CAP_HEIGHT_PX
        picture = picture.resize((round(width * factor), round(height * factor)), Image.Resampling.LANCZOS)
    if finish == "tilted":
        angle = float(rng.choice([-1, 1]) * rng.uniform(7, 12))
        picture = picture.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(165, 165, 165))
    if finish == "blurred":
        picture = picture.filter(ImageFilter.GaussianBlur(1.6))
    if finish == "low_light":
        dark = np.asarray(picture, np.float32) * 0.35 + rng.normal(0, 4, (picture.height, picture.width, 1))
        picture = Image.fromarray(np.clip(dark, 0, 255).astype(np.uint8))
    return picture


def jpeg(image: Image.Image, quality: int = 85) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def blank(seed: int) -> bytes:
    """A close-up of bare brushed metal: no markings at all."""
    rng = np.random.default_rng(seed)
    return jpeg(Image.fromarray(_surface("steel", (640, 200), rng).astype(np.uint8)).convert("RGB"))
