"""Close-ups of markings made at run time: strips cut from a real close-up, and marking strips rendered with Pillow.

Field close-ups of alarm-gun markings are long thin strips (72–237 px tall, 273–675 px wide in the issue's unseen
set). Nothing here is stored: every strip is derived or drawn when a study or a test asks for it, from a seed.

- `derived`: crops of a real close-up around the marking's position, 40–120 px tall, then smaller copies,
  recompressed copies and enlarged copies (someone zooming in before cropping).
- `rendered`: a maker and model of the listed alarm guns (and sometimes a calibre line) in a DejaVu font, light
  engraving on dark metal or dark stamping on bright metal, on a textured background, slightly turned, blurred,
  noisy and JPEG-compressed. Each has a `source` name: its variants share it, so that studies never split one
  source across training and held-out folds.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core (installed by `make`)
FONTS = (
    "DejaVuSans-Bold.ttf",
    "DejaVuSans.ttf",
    "DejaVuSerif-Bold.ttf",
    "DejaVuSansMono-Bold.ttf",
    "DejaVuSerif.ttf",
    "DejaVuSansMono.ttf",
)
# Listed alarm-gun markings as they are engraved (maker and model), and calibre lines that may sit under them.
MARKINGS = (
    "ZORAKI MOD. 925",
    "BLOW F92 AUTO",
    "KIMAR 75 AUTO",
    "ZORAKI R2",
    "BLOW C75",
    "KIMAR 911",
    "ZORAKI 918",
    "BLOW F92",
    "ZORAKI 2906",
    "KIMAR 92 AUTO",
)
SECOND_LINES = ("CAL. 9mm P.A.K.", "9mm P.A. KNALL", "MADE IN TURKEY", "")
STRIP_HEIGHTS = (32, 40, 56, 72, 100, 150, 237)


@dataclass(frozen=True)
class Strip:
    """One close-up: JPEG bytes, what it shows (`expected`, a listed model's text or ""), and its source's name."""

    name: str
    source: str
    data: bytes
    expected: str
    copy: str = ""  # how it was copied from its source ("" for the source itself)


def fonts_available() -> bool:
    return all((FONT_DIR / font).is_file() for font in FONTS)


def jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def render(text: str, height: int, seed: int, second: str = "", blur: float | None = None) -> Image.Image:
    """A marking strip `height` px tall: engraved or stamped text on textured metal, as a phone would see it."""
    rng = np.random.default_rng(seed)
    font_path = FONT_DIR / FONTS[seed % len(FONTS)]
    lines = [text, second] if second and height >= 56 else [text]
    share = rng.uniform(0.22, 0.5) if len(lines) == 1 else rng.uniform(0.2, 0.32)  # cap height over strip
    size = max(8, round(height * share / 0.73))  # DejaVu's capitals are about 0.73 em
    font = ImageFont.truetype(str(font_path), size)
    small = ImageFont.truetype(str(font_path), max(8, round(size * 0.7)))
    widths = [font.getlength(lines[0]), *(small.getlength(line) for line in lines[1:])]
    margin = rng.uniform(0.3, 1.2) * height
    width = round(max(widths) + 2 * margin)
    dark_metal = bool(rng.integers(0, 2))
    base = rng.uniform(35, 80) if dark_metal else rng.uniform(150, 205)
    ink = base + (rng.uniform(70, 130) if dark_metal else -rng.uniform(70, 120))
    # Brushed metal: a gradient along the strip plus fine horizontal streaks.
    gradient = np.linspace(-1, 1, width)[None, :] * rng.uniform(5, 25)
    streaks = cv2.GaussianBlur(rng.normal(0, 6, (height, width)).astype(np.float32), (0, 0), sigmaX=6, sigmaY=0.6)
    canvas = Image.fromarray(np.clip(base + gradient + streaks, 0, 255).astype(np.uint8))
    mask = Image.new("L", canvas.size, 0)
    draw = ImageDraw.Draw(mask)
    line_height = [size * 1.05, *([small.size * 1.1] * (len(lines) - 1))]
    top = (height - sum(line_height)) / 2
    for line, line_font, step in zip(lines, [font, small, small], line_height, strict=False):
        draw.text((margin, top), line, fill=255, font=line_font)
        top += step
    ink_layer = Image.new("L", canvas.size, int(np.clip(ink, 0, 255)))
    canvas.paste(ink_layer, (0, 0), mask)
    image = canvas.rotate(float(rng.uniform(-2, 2)), resample=Image.Resampling.BICUBIC, fillcolor=int(base))
    sharp = np.asarray(image, np.float32)
    sigma = float(rng.uniform(0.3, 1.2)) if blur is None else blur
    soft = cv2.GaussianBlur(sharp, (0, 0), sigma) if sigma > 0 else sharp
    noisy = soft + rng.normal(0, rng.uniform(2, 6), soft.shape)
    tint = np.array([1.0, rng.uniform(0.97, 1.0), rng.uniform(0.92, 1.0)], np.float32)
    rgb = np.clip(noisy[..., None] * tint, 0, 255).astype(np.uint8)
    return Image.fromarray(rgb)


def rendered(count: int = 48, first_seed: int = 0) -> Iterator[Strip]:
    """`count` rendered strips, every marking in every height in turn, each its own source."""
    for index in range(count):
        seed = first_seed + index
        text = MARKINGS[index % len(MARKINGS)]
        height = STRIP_HEIGHTS[(index // len(MARKINGS) + index) % len(STRIP_HEIGHTS)]
        second = SECOND_LINES[index % len(SECOND_LINES)]
        quality = (35, 60, 90)[index % 3]
        image = render(text, height, seed, second)
        yield Strip(f"rendered {index}: {text!r} h{height} q{quality}", f"rendered-{index}", jpeg(image, quality), text)


# Where the listed marking lies in the shared close-up `alarm/alarm_gun_blow_f92.jpg` (its text line box, in px):
# the strips are cut around it as a user cropping the photo would.
BLOW_F92_BOX = (101, 176, 183, 193)


def derived(
    close_up: bytes, box: tuple[int, int, int, int] = BLOW_F92_BOX, expected: str = "BLOW F92"
) -> Iterator[Strip]:
    """Strips 40–120 px tall cut around `box`, with smaller, recompressed and enlarged copies of each."""
    photo = Image.open(io.BytesIO(close_up)).convert("RGB")
    left, top, _, bottom = box
    middle = (top + bottom) / 2
    for height in (40, 60, 80, 120):
        for width in (240, 330, 450):
            for shift in (-0.25, 0.0, 0.25):  # the marking above, at or below the strip's middle
                y0 = round(middle - height / 2 + shift * height / 2)
                x0 = max(0, left - round(0.1 * width))
                crop = photo.crop((x0, y0, min(photo.width, x0 + width), y0 + height))
                source = f"blow-f92 h{height} w{width} s{shift:+.2f}"
                yield Strip(source, source, jpeg(crop, 92), expected)
                if shift != 0.0:
                    continue
                smaller = crop.resize((round(crop.width * 0.8), round(crop.height * 0.8)), Image.Resampling.LANCZOS)
                if smaller.height >= 32:
                    yield Strip(f"{source} x0.8", source, jpeg(smaller, 92), expected, "smaller copy")
                yield Strip(f"{source} q40", source, jpeg(crop, 40), expected, "recompressed q40")
                larger = crop.resize((crop.width * 2, crop.height * 2), Image.Resampling.BICUBIC)
                yield Strip(f"{source} x2", source, jpeg(larger, 85), expected, "enlarged x2")


def blurred(data: bytes, sigma: float) -> bytes:
    """The strip blurred by a Gaussian of `sigma` px (0: unchanged)."""
    if sigma <= 0:
        return data
    pixels = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), np.float32)
    return jpeg(Image.fromarray(np.clip(cv2.GaussianBlur(pixels, (0, 0), sigma), 0, 255).astype(np.uint8)), 92)


def scaled(data: bytes, factor: float) -> bytes:
    image = Image.open(io.BytesIO(data)).convert("RGB")
    size = (max(1, round(image.width * factor)), max(1, round(image.height * factor)))
    return jpeg(image.resize(size, Image.Resampling.LANCZOS), 92)
