"""Text-line images: cut a detected line out of the photo, and batch lines at a fixed height for a network."""

from __future__ import annotations

import math

import cv2
import numpy as np

from basegun.inference.manifest import Preprocessing
from basegun.inference.preprocess import normalise

# A crop this much taller than wide is a vertical line of text (a slide photographed in portrait): lay it down.
VERTICAL_RATIO = 1.5


def crop_line(rgb: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The line's quadrilateral, straightened into an upright rectangle (corners: tl, tr, br, bl)."""
    width = int(max(np.linalg.norm(corners[0] - corners[1]), np.linalg.norm(corners[2] - corners[3])))
    height = int(max(np.linalg.norm(corners[0] - corners[3]), np.linalg.norm(corners[1] - corners[2])))
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    crop = cv2.warpPerspective(rgb, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)
    if crop.shape[0] >= VERTICAL_RATIO * crop.shape[1]:
        crop = np.ascontiguousarray(np.rot90(crop))
    return crop


def fixed_height_batch(crops: list[np.ndarray], prep: Preprocessing) -> np.ndarray:
    """Scale each line to `prep.size` px high (width capped at `prep.max_width`), normalise, pad right with zeros."""
    height = prep.size
    widths = [max(1, math.ceil(height * c.shape[1] / c.shape[0])) for c in crops]
    if prep.max_width is not None:
        widths = [min(w, prep.max_width) for w in widths]
    batch = np.zeros((len(crops), 3, height, max([prep.min_width, *widths])), np.float32)
    for index, (crop, width) in enumerate(zip(crops, widths, strict=True)):
        resized = cv2.resize(crop, (width, height), interpolation=cv2.INTER_LINEAR)
        batch[index, :, :, :width] = normalise(resized, prep)[0]
    return batch
