"""Text detection: where the lines of text are, as a DB (differentiable binarisation) network sees them.

The network gives, for each pixel, the probability that it lies inside a text line. Lines are the connected regions
above the pixel threshold; each region's minimum-area rectangle is kept when its mean probability passes the box
threshold, then grown back by the margin the network was trained to shrink text by (the DB "unclip").
"""

from __future__ import annotations

import cv2
import numpy as np

from basegun.errors import ModelUnavailable
from basegun.inference.preprocess import normalise
from basegun.inference.session import OnnxSession


def limit_long_side(pixels: np.ndarray, limit: int, stride: int) -> np.ndarray:
    """Scale down (never up) so the longer side is at most `limit`, each side a multiple of `stride`."""
    height, width = pixels.shape[:2]
    ratio = min(1.0, limit / max(height, width))
    new_h = max(stride, round(height * ratio / stride) * stride)
    new_w = max(stride, round(width * ratio / stride) * stride)
    return cv2.resize(pixels, (new_w, new_h), interpolation=cv2.INTER_LINEAR)


def order_corners(points: np.ndarray) -> np.ndarray:
    """Four corners as top-left, top-right, bottom-right, bottom-left (the reading order of the line)."""
    by_x = points[np.argsort(points[:, 0], kind="stable")]
    left = by_x[:2][np.argsort(by_x[:2, 1], kind="stable")]
    right = by_x[2:][np.argsort(by_x[2:, 1], kind="stable")]
    return np.array([left[0], right[0], right[1], left[1]], dtype=np.float32)


def reading_order(lines: list[tuple[np.ndarray, float]], same_line_px: float = 10) -> list[tuple[np.ndarray, float]]:
    """Top to bottom, then left to right among boxes whose tops are within `same_line_px` of the previous one."""
    by_top = sorted(lines, key=lambda line: float(line[0][0, 1]))
    row, previous_top, keyed = 0, None, []
    for corners, score in by_top:
        top = float(corners[0, 1])
        if previous_top is not None and top - previous_top >= same_line_px:
            row += 1
        previous_top = top
        keyed.append(((row, float(corners[0, 0])), (corners, score)))
    return [line for _, line in sorted(keyed, key=lambda item: item[0])]


class TextDetector:
    """Finds text lines in an RGB image; returns their corner points in that image's pixels, top to bottom."""

    def __init__(self, session: OnnxSession) -> None:
        manifest = session.manifest
        if manifest.task != "text_detection" or manifest.preprocessing.resize != "limit_long_side":
            raise ModelUnavailable(f"{manifest.path}: not a text detection manifest with 'limit_long_side' resizing")
        self.session = session
        self.prep = manifest.preprocessing
        self.pixel_threshold = manifest.thresholds["pixel"]
        self.box_threshold = manifest.thresholds["box"]
        self.unclip_ratio = float(manifest.decoding["unclip_ratio"])
        self.dilate = bool(manifest.decoding.get("dilate", False))
        self.max_candidates = int(manifest.decoding.get("max_candidates", 1000))
        self.min_box_side = float(manifest.decoding.get("min_box_side", 3))

    def detect(self, rgb: np.ndarray, long_side: int | None = None) -> list[tuple[np.ndarray, float]]:
        """(corners (4, 2) float32, score) for each line found; `long_side` overrides the manifest's size limit."""
        resized = limit_long_side(rgb, long_side or self.prep.size, self.prep.stride)
        probability = self.session.run(normalise(resized, self.prep))[0][0, 0]
        mask = (probability > self.pixel_threshold).astype(np.uint8)
        if self.dilate:
            mask = cv2.dilate(mask, np.ones((2, 2), np.uint8))
        contours, _ = cv2.findContours(mask, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        scale = np.array([rgb.shape[1] / probability.shape[1], rgb.shape[0] / probability.shape[0]], np.float32)
        limits = np.array([rgb.shape[1] - 1, rgb.shape[0] - 1], np.float32)
        lines = []
        for contour in contours[: self.max_candidates]:
            (cx, cy), (w, h), angle = cv2.minAreaRect(contour)
            if min(w, h) < self.min_box_side:
                continue
            score = self._mean_probability(probability, cv2.boxPoints(((cx, cy), (w, h), angle)))
            if score < self.box_threshold:
                continue
            # Growing a rectangle by `margin` on every side is what the DB polygon offset amounts to for a rectangle.
            margin = w * h * self.unclip_ratio / (2 * (w + h))
            grown = ((cx, cy), (w + 2 * margin, h + 2 * margin), angle)
            if min(w, h) + 2 * margin < self.min_box_side + 2:
                continue
            corners = np.clip(np.round(cv2.boxPoints(grown) * scale), 0, limits)
            corners = order_corners(corners)
            if min(np.linalg.norm(corners[0] - corners[1]), np.linalg.norm(corners[0] - corners[3])) <= 3:
                continue
            lines.append((corners, score))
        return reading_order(lines)

    @staticmethod
    def _mean_probability(probability: np.ndarray, corners: np.ndarray) -> float:
        """The mean text probability inside a box: how sure the network is that this region is text."""
        height, width = probability.shape
        x0, y0 = np.clip(np.floor(corners.min(axis=0)).astype(int), 0, [width - 1, height - 1])
        x1, y1 = np.clip(np.ceil(corners.max(axis=0)).astype(int), 0, [width - 1, height - 1])
        mask = np.zeros((y1 - y0 + 1, x1 - x0 + 1), np.uint8)
        cv2.fillPoly(mask, [(corners - [x0, y0]).astype(np.int32)], 1)
        return float(cv2.mean(probability[y0 : y1 + 1, x0 : x1 + 1], mask)[0])
