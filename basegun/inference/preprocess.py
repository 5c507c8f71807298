"""Turn a decoded photo into a network input, exactly as the manifest says the network was trained."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from basegun.inference.manifest import CROP_AND_LETTERBOX, Preprocessing


@dataclass(frozen=True)
class Letterboxed:
    """A letterboxed input and how to map its pixels back to the photo: photo = (input - pad) / ratio."""

    tensor: np.ndarray
    ratio: float
    pad: tuple[float, float]

    def to_photo(self, xy: np.ndarray) -> np.ndarray:
        """Map (..., 2) input-pixel coordinates to photo coordinates."""
        return (xy - np.asarray(self.pad, dtype=np.float32)) / self.ratio


def shorter_side_center_crop(image: Image.Image, size: int) -> np.ndarray:
    """Scale the shorter side to `size` (Pillow bilinear, as torchvision's Resize), then centre-crop size×size."""
    width, height = image.size
    if width <= height:
        new_size = (size, int(size * height / width))
    else:
        new_size = (int(size * width / height), size)
    resized = image.resize(new_size, Image.Resampling.BILINEAR)
    left = round((new_size[0] - size) / 2.0)
    top = round((new_size[1] - size) / 2.0)
    return np.asarray(resized.crop((left, top, left + size, top + size)))


def square_letterbox(image: Image.Image, size: int, pad_value: tuple[int, int, int]) -> np.ndarray:
    """Scale the longer side to `size` (Pillow bilinear, as the crop), centre it on a size×size `pad_value` square.

    The whole photo is seen, ends of long guns included; the offset of the image is floor((size - side) / 2).
    """
    width, height = image.size
    ratio = size / max(width, height)
    new_size = (max(1, round(width * ratio)), max(1, round(height * ratio)))
    canvas = Image.new("RGB", (size, size), pad_value)
    canvas.paste(
        image.resize(new_size, Image.Resampling.BILINEAR), ((size - new_size[0]) // 2, (size - new_size[1]) // 2)
    )
    return np.asarray(canvas)


def letterbox(rgb: np.ndarray, prep: Preprocessing) -> tuple[np.ndarray, float, tuple[float, float]]:
    """Scale the longer side to `prep.size` (OpenCV linear) and pad, as YOLO's letterbox does."""
    height, width = rgb.shape[:2]
    ratio = min(prep.size / height, prep.size / width)
    new_w, new_h = round(width * ratio), round(height * ratio)
    pad_w, pad_h = prep.size - new_w, prep.size - new_h
    if prep.dynamic_shape:
        pad_w, pad_h = pad_w % prep.stride, pad_h % prep.stride
    pad_w, pad_h = pad_w / 2, pad_h / 2
    if (width, height) != (new_w, new_h):
        rgb = cv2.resize(rgb, (new_w, new_h), interpolation=cv2.INTER_LINEAR)
    top, bottom = round(pad_h - 0.1), round(pad_h + 0.1)
    left, right = round(pad_w - 0.1), round(pad_w + 0.1)
    pad = prep.pad_value if prep.channel_order == "RGB" else prep.pad_value[::-1]
    boxed = cv2.copyMakeBorder(rgb, top, bottom, left, right, cv2.BORDER_CONSTANT, value=pad)
    return boxed, ratio, (pad_w, pad_h)


def normalise(pixels: np.ndarray, prep: Preprocessing) -> np.ndarray:
    """HWC uint8 RGB → NCHW float32 with the manifest's scale, mean, std and channel order."""
    if prep.channel_order == "BGR":
        pixels = pixels[..., ::-1]
    tensor = pixels.astype(np.float32) * np.float32(prep.scale)
    mean = np.asarray(prep.mean, dtype=np.float32)
    std = np.asarray(prep.std, dtype=np.float32)
    if mean.any() or (std != 1).any():
        tensor = (tensor - mean) / std
    return np.ascontiguousarray(tensor.transpose(2, 0, 1)[None])


def prepare_views(image: Image.Image, prep: Preprocessing) -> np.ndarray:
    """A classification input batch: one view per the manifest's mode (crop, letterbox, or both), normalised."""
    views = []
    if prep.resize in ("shorter_side_center_crop", CROP_AND_LETTERBOX):
        views.append(shorter_side_center_crop(image, prep.size))
    if prep.resize in ("letterbox", CROP_AND_LETTERBOX):
        pad = prep.pad_value if prep.channel_order == "RGB" else prep.pad_value[::-1]
        views.append(square_letterbox(image, prep.size, pad))
    return np.concatenate([normalise(view, prep) for view in views])


def prepare_crop(image: Image.Image, prep: Preprocessing) -> np.ndarray:
    """A classification input: resize-and-crop then normalise."""
    return normalise(shorter_side_center_crop(image, prep.size), prep)


def prepare_letterbox(image: Image.Image, prep: Preprocessing) -> Letterboxed:
    """A detection input: letterbox then normalise, keeping the mapping back to the photo."""
    boxed, ratio, pad = letterbox(np.asarray(image), prep)
    return Letterboxed(tensor=normalise(boxed, prep), ratio=ratio, pad=pad)
