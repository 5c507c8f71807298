"""Photo intake: the one module that decodes uploaded bytes into an upright RGB image, or refuses them.

Phone photos are large (12 MP and more) while the networks read 320–640 px, so JPEGs are decoded at a reduced
size through libjpeg's DCT scaling (Pillow's draft mode) whenever the caller says how much detail it needs.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

import pillow_heif
from PIL import ExifTags, Image, ImageFile, ImageOps, UnidentifiedImageError

from basegun.errors import ImageRejected, ImageTooLarge, UnsupportedImage

pillow_heif.register_heif_opener()
Image.init()  # register every plugin, so that `formats=` below can name them all

# Pillow opens MPO (multi-picture JPEG from phones) through its JPEG plugin: the first picture is the photo.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF", "BMP", "TIFF", "GIF")
ImageFile.LOAD_TRUNCATED_IMAGES = False


@dataclass(frozen=True)
class Limits:
    """What an upload may be; defaults come from the service settings."""

    max_bytes: int = 20 * 1024 * 1024
    max_pixels: int = 50_000_000
    min_side: int = 100


@dataclass(frozen=True)
class Detail:
    """The least detail a consumer needs: the decoded image keeps at least these sides (0: no need)."""

    min_short_side: int = 0
    min_long_side: int = 0

    def merge(self, other: Detail) -> Detail:
        return Detail(max(self.min_short_side, other.min_short_side), max(self.min_long_side, other.min_long_side))


FULL_DETAIL = Detail(min_short_side=1 << 30)
DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Photo:
    """An upright RGB photo; `original_size` is the upright size before any reduced decode."""

    image: Image.Image
    original_size: tuple[int, int]
    format: str

    @property
    def reduction(self) -> float:
        """Decoded width over original width (1.0 when decoded at full size)."""
        return self.image.width / self.original_size[0]


def check_size(size: int, limits: Limits) -> None:
    """Refuse empty or oversized uploads; the API also enforces the byte limit while the upload streams."""
    if size == 0:
        raise ImageRejected("The file is empty.", code="empty_file")
    if size > limits.max_bytes:
        raise ImageTooLarge(f"The file is larger than the limit of {limits.max_bytes // (1024 * 1024)} MB.")


def decode(data: bytes, limits: Limits = DEFAULT_LIMITS, detail: Detail = FULL_DETAIL) -> Photo:
    """Decode, orient upright and convert to RGB, at the least size that keeps `detail`."""
    check_size(len(data), limits)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except UnidentifiedImageError as exc:
        raise UnsupportedImage(
            "This file is not a photo in a format Basegun reads (JPEG, PNG, WebP, HEIC, BMP, TIFF, GIF)."
        ) from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(limits) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise _corrupt() from exc

    width, height = image.size
    if width * height > limits.max_pixels:
        raise _too_many_pixels(limits)
    if min(width, height) < limits.min_side:
        raise ImageRejected(
            f"The photo is too small to judge ({width}×{height} px); its shorter side must be at least "
            f"{limits.min_side} px.",
            code="image_too_small",
        )
    source_format = image.format or "unknown"
    try:
        upright = _upright_size(image)
        if image.format in ("JPEG", "MPO"):
            _draft(image, detail)
        image.load()
        image = ImageOps.exif_transpose(image)
        rgb = to_rgb(image)
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _corrupt() from exc
    return Photo(image=rgb, original_size=upright, format=source_format)


def _draft(image: Image.Image, detail: Detail) -> None:
    """Ask libjpeg for the smallest DCT scale (1/2, 1/4, 1/8) that still keeps the detail asked for."""
    short, long = min(image.size), max(image.size)
    factor = max(detail.min_short_side / short, detail.min_long_side / long, 1 / 8)  # 1/8: libjpeg's smallest
    if factor >= 1:
        return
    image.draft("RGB", (math.ceil(image.width * factor), math.ceil(image.height * factor)))


def _upright_size(image: Image.Image) -> tuple[int, int]:
    orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    width, height = image.size
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def to_rgb(image: Image.Image) -> Image.Image:
    """Any mode to 8-bit RGB; transparent areas become white, as a photo on a plain background would be."""
    if image.mode == "RGB":
        return image
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.point(lambda value: value / 256).convert("L")
    if image.mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")


def encode_jpeg(image: Image.Image, quality: int = 88) -> bytes:
    """Encode pixels only: no EXIF, GPS, ICC or comment ever leaves the service with an image."""
    pixels = image.convert("RGB")  # always a new image object: its metadata can be dropped safely
    pixels.info = {}
    buffer = io.BytesIO()
    pixels.save(buffer, format="JPEG", quality=quality, optimize=True)
    return buffer.getvalue()


def _too_many_pixels(limits: Limits) -> ImageRejected:
    return ImageRejected(
        f"The photo has too many pixels (limit {limits.max_pixels // 1_000_000} megapixels).",
        code="too_many_pixels",
    )


def _corrupt() -> ImageRejected:
    return ImageRejected("The photo is damaged or incomplete and cannot be read.", code="corrupt_image")
