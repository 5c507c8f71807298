"""The image-quality gate of the alarm check: real photos, and sharp ones degraded on purpose."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from basegun.answering.alarm.quality import MAX_BLUR_PX, assess
from basegun.inference.imaging import decode
from basegun.inference.manifest import Manifest
from basegun.networks.ocr.reader import READING_DETAIL
from basegun.settings import DEFAULT_MODELS_DIR

# The gate judges a photo as the text detector sees it.
DETECTOR_SIZE = Manifest.load(DEFAULT_MODELS_DIR / "ocr_det.json").preprocessing.size


def load(path: Path) -> Image.Image:
    return decode(path.read_bytes(), detail=READING_DETAIL).image


@pytest.fixture(scope="module")
def close_up(photos: Path) -> Image.Image:
    return load(photos / "alarm" / "alarm_gun_blow_f92.jpg")


def blurred(image: Image.Image, sigma: float) -> Image.Image:
    return Image.fromarray(cv2.GaussianBlur(np.asarray(image), (0, 0), sigma))


def test_assess_passes_sharp_close_up(close_up: Image.Image) -> None:
    quality = assess(close_up, DETECTOR_SIZE)
    assert quality.readable, quality
    assert quality.blur_px < MAX_BLUR_PX


@pytest.mark.parametrize("name", ["bad_quality.jpg", "low_quality_text.jpg"])
def test_assess_catches_blurred_photo(photos: Path, name: str) -> None:
    quality = assess(load(photos / "quality" / name), DETECTOR_SIZE)
    assert quality.problems == ("blurred",)


def test_assess_passes_every_sharp_shared_photo(photos: Path, labels: list[dict[str, str]]) -> None:
    sharp = [row["path"] for row in labels if row["kind"] != "quality"]
    refused = {path: assess(load(photos / path), DETECTOR_SIZE).problems for path in sharp}
    assert {path: problems for path, problems in refused.items() if problems} == {}


@pytest.mark.parametrize(("sigma", "readable"), [(0.5, True), (1.0, True), (2.0, False), (3.0, False)])
def test_assess_tracks_blur_added_to_sharp_photo(close_up: Image.Image, sigma: float, readable: bool) -> None:
    quality = assess(blurred(close_up, sigma), DETECTOR_SIZE)
    assert quality.readable is readable, quality
    assert quality.blur_px == pytest.approx(np.hypot(sigma, assess(close_up, DETECTOR_SIZE).blur_px), abs=0.4)


def test_assess_finds_dark_photo(close_up: Image.Image) -> None:
    dark = Image.fromarray((np.asarray(close_up) * 0.1).astype(np.uint8))
    assert assess(dark, DETECTOR_SIZE).problems == ("too_dark",)


def test_assess_finds_washed_out_photo(close_up: Image.Image) -> None:
    veiled = Image.fromarray((200 + np.asarray(close_up) * 0.1).astype(np.uint8))
    assert assess(veiled, DETECTOR_SIZE).problems == ("low_contrast",)


@pytest.mark.parametrize("box", [(0, 0, 621, 619), (80, 170, 380, 210)])  # half the close-up; a 40 px strip
def test_assess_never_refuses_a_sharp_photo_for_its_size(close_up: Image.Image, box: tuple[int, ...]) -> None:
    """Whether a small photo holds legible text is the OCR's to say: the gate names no size problem."""
    crop = close_up.crop(box)
    small = crop.resize((crop.width // 2, crop.height // 2), Image.Resampling.LANCZOS) if box[0] == 0 else crop
    quality = assess(small, DETECTOR_SIZE)
    assert quality.readable, quality
    assert "min_long_side_px" not in quality.to_dict()


def test_assess_judges_large_photo_at_detector_scale(close_up: Image.Image) -> None:
    """A 4× enlargement of a sharp photo is as legible to the OCR: its measured blur must not grow fourfold."""
    large = close_up.resize((close_up.width * 4, close_up.height * 4), Image.Resampling.BICUBIC)
    assert assess(large, DETECTOR_SIZE).readable
