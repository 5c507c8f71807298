"""Photo intake: every format and mode is read upright in RGB; every bad input is refused with its own code."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageOps

from basegun.errors import ImageRejected
from basegun.inference.imaging import Detail, Limits, decode, encode_jpeg
from tests.images import encode, landscape

PHOTO = landscape(640, 480)


@pytest.mark.parametrize(
    ("fmt", "options"),
    [
        ("JPEG", {"quality": 90}),
        ("PNG", {}),
        ("WEBP", {"quality": 90}),
        ("HEIF", {"quality": 90}),
        ("BMP", {}),
        ("TIFF", {}),
        ("GIF", {}),
    ],
)
def test_decode_accepts_format(fmt: str, options: dict) -> None:
    photo = decode(encode(PHOTO, fmt, **options))
    assert photo.image.mode == "RGB"
    assert photo.image.size == PHOTO.size
    # lossy formats stay close to the source: the pixels are the photo's, not garbage
    assert np.abs(np.asarray(photo.image, dtype=float) - np.asarray(PHOTO, dtype=float)).mean() < 25


def test_decode_reads_first_frame_of_animated_gif() -> None:
    frames = [PHOTO, Image.new("RGB", PHOTO.size, (255, 0, 0))]
    data = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    pixels = np.asarray(decode(data).image, dtype=float)
    assert pixels[..., 0].mean() < 200  # not the all-red second frame


def test_decode_reads_mpo_primary_picture() -> None:
    second = Image.new("RGB", PHOTO.size, (0, 0, 255))
    data = encode(PHOTO, "MPO", save_all=True, append_images=[second])
    photo = decode(data)
    assert photo.format == "MPO"
    assert np.asarray(photo.image, dtype=float)[..., 2].mean() < 200


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_decode_applies_exif_orientation(orientation: int) -> None:
    stored = {3: PHOTO.rotate(180), 6: PHOTO.rotate(90, expand=True), 8: PHOTO.rotate(-90, expand=True)}[orientation]
    exif = Image.Exif()
    exif[ImageOps.ExifTags.Base.Orientation] = orientation
    photo = decode(encode(stored, "JPEG", quality=95, exif=exif))
    assert photo.image.size == PHOTO.size
    assert photo.original_size == PHOTO.size
    assert np.abs(np.asarray(photo.image, dtype=float) - np.asarray(PHOTO, dtype=float)).mean() < 6


@pytest.mark.parametrize("mode", ["L", "P", "CMYK", "RGBA", "LA", "I;16", "1"])
def test_decode_converts_mode_to_rgb(mode: str) -> None:
    fmt = "JPEG" if mode == "CMYK" else "TIFF" if mode == "I;16" else "PNG"
    if mode == "I;16":  # a true 16-bit grey photo, full 0-65535 range
        source = Image.fromarray(np.asarray(PHOTO.convert("L"), dtype=np.uint16) * 257)
    else:
        source = PHOTO.convert(mode)
    photo = decode(encode(source, fmt))
    assert photo.image.mode == "RGB"
    assert photo.image.size == PHOTO.size
    assert 20 < np.asarray(photo.image).mean() < 235


def test_decode_composites_transparency_on_white() -> None:
    clear = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    photo = decode(encode(clear, "PNG"))
    assert np.asarray(photo.image).min() == 255


def test_decode_reduces_large_jpeg_to_the_detail_asked() -> None:
    big = landscape(4000, 3000)
    data = encode(big, "JPEG", quality=85)
    photo = decode(data, detail=Detail(min_short_side=320, min_long_side=640))
    assert photo.original_size == (4000, 3000)
    assert photo.image.width < 4000
    assert min(photo.image.size) >= 320
    assert max(photo.image.size) >= 640
    assert decode(data).image.size == (4000, 3000)


def test_decode_asked_for_no_detail_gives_libjpegs_smallest_scale() -> None:
    data = encode(landscape(4000, 3000), "JPEG", quality=85)
    assert decode(data, detail=Detail()).image.size == (500, 375)  # once a ZeroDivisionError inside Pillow


def _code(data: bytes, limits: Limits | None = None) -> str:
    with pytest.raises(ImageRejected) as caught:
        decode(data, limits or Limits())
    return caught.value.code


def test_decode_rejects_empty_file() -> None:
    assert _code(b"") == "empty_file"


def test_decode_rejects_text_file() -> None:
    assert _code(b"this is not a photo\n" * 20) == "unsupported_format"


def test_decode_rejects_unsupported_image_format() -> None:
    assert _code(encode(PHOTO, "PPM")) == "unsupported_format"


def test_decode_rejects_truncated_jpeg() -> None:
    data = encode(PHOTO, "JPEG", quality=90)
    assert _code(data[: len(data) // 2]) == "corrupt_image"


def test_decode_rejects_corrupt_png() -> None:
    data = bytearray(encode(PHOTO, "PNG"))
    data[200:400] = b"\x00" * 200
    assert _code(bytes(data)) == "corrupt_image"


def test_decode_rejects_file_over_byte_limit() -> None:
    data = encode(PHOTO, "PNG")
    assert _code(data, Limits(max_bytes=len(data) - 1)) == "file_too_large"


def test_decode_rejects_decompression_bomb() -> None:
    bomb = encode(Image.new("L", (12_000, 12_000)), "PNG")  # 144 MP in a few hundred kB
    assert len(bomb) < 1_000_000
    assert _code(bomb) == "too_many_pixels"


def test_decode_rejects_tiny_image() -> None:
    assert _code(encode(PHOTO.resize((120, 80)), "PNG")) == "image_too_small"


def test_encode_jpeg_strips_all_metadata() -> None:
    exif = Image.Exif()
    exif[ImageOps.ExifTags.Base.Make] = "PhoneMaker"
    exif[ImageOps.ExifTags.Base.GPSInfo] = {1: "N", 2: (48.0, 51.0, 24.0)}
    source = encode(PHOTO, "JPEG", exif=exif, comment=b"seized at home")
    assert Image.open(io.BytesIO(source)).getexif()
    clean = Image.open(io.BytesIO(encode_jpeg(decode(source).image)))
    assert not clean.getexif()
    assert "comment" not in clean.info
    assert "icc_profile" not in clean.info
