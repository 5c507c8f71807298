"""The card detector: where an ID-1 card (bank card, identity card) lies in a photo, as an oriented box.

The card's known size turns pixels into centimetres for the measurement; this module only finds it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from basegun.onnx_session import OnnxSession
from basegun.preprocess import prepare_letterbox


@dataclass(frozen=True)
class CardDetection:
    """One card, in photo pixels.

    `corners` (4, 2) go around the box; `angle` is the long side's direction (radians, counter-clockwise on
    screen).
    """

    corners: np.ndarray
    confidence: float
    long_side: float
    short_side: float
    angle: float

    @property
    def center(self) -> np.ndarray:
        return self.corners.mean(axis=0)

    @property
    def diagonal(self) -> float:
        return math.hypot(self.long_side, self.short_side)


class CardDetector:
    """Owns the YOLOv5-OBB card network; its letterbox, thresholds, angle bins and card size: its manifest."""

    def __init__(self, session: OnnxSession) -> None:
        manifest = session.manifest
        if manifest.task != "oriented_detection" or manifest.decoding.get("kind") != "yolov5_obb":
            raise ValueError(f"{manifest.path}: not a yolov5_obb oriented detection manifest")
        self.session = session
        self.threshold = manifest.thresholds["detection"]
        self.nms_iou = float(manifest.decoding["nms_iou"])
        self.angle_bins = int(manifest.decoding["angle_bins"])
        long_mm, short_mm = (float(v) for v in manifest.raw["card_size_mm"])
        self.card_size_mm = (long_mm, short_mm)

    @property
    def card_diagonal_mm(self) -> float:
        return math.hypot(*self.card_size_mm)

    @property
    def card_aspect(self) -> float:
        """The true card's long side over its short side."""
        return self.card_size_mm[0] / self.card_size_mm[1]

    @property
    def input_size(self) -> int:
        return self.session.manifest.preprocessing.size

    def detect(self, image: Image.Image, threshold: float | None = None) -> list[CardDetection]:
        """Cards found, most confident first; confidence is objectness × class score."""
        boxed = prepare_letterbox(image, self.session.manifest.preprocessing)
        rows = self.session.run(boxed.tensor)[0][0]  # (anchors, 5 + classes + angle bins)
        classes = rows.shape[1] - 5 - self.angle_bins
        confidence = rows[:, 4] * rows[:, 5 : 5 + classes].max(axis=1)
        keep = np.flatnonzero(confidence >= (self.threshold if threshold is None else threshold))
        if keep.size == 0:
            return []
        rows, confidence = rows[keep], confidence[keep]
        # Bin i is the angle (i - bins/2) degrees, counter-clockwise on screen.
        degrees = np.argmax(rows[:, 5 + classes :], axis=1).astype(np.float32) - self.angle_bins / 2
        # OpenCV's rotated rectangles turn clockwise on screen (y down): the opposite sign.
        rotated = [
            ((float(r[0]), float(r[1])), (float(r[2]), float(r[3])), float(-d))
            for r, d in zip(rows, degrees, strict=True)
        ]
        chosen = np.asarray(cv2.dnn.NMSBoxesRotated(rotated, confidence.tolist(), 0.0, self.nms_iou), dtype=int)
        detections = []
        for index in chosen.reshape(-1):
            cx, cy, long_side, short_side = rows[index, :4]
            angle = math.radians(float(degrees[index]))
            corners = _corners(cx, cy, long_side, short_side, angle)
            detections.append(
                CardDetection(
                    corners=boxed.to_photo(corners),
                    confidence=float(confidence[index]),
                    long_side=float(long_side / boxed.ratio),
                    short_side=float(short_side / boxed.ratio),
                    angle=angle,
                )
            )
        return sorted(detections, key=lambda d: -d.confidence)


def _corners(cx: float, cy: float, long_side: float, short_side: float, angle: float) -> np.ndarray:
    """The four corners of an oriented box whose long side points at `angle` (y down, so sin is negated)."""
    along = np.array([math.cos(angle), -math.sin(angle)]) * long_side / 2
    across = np.array([math.sin(angle), math.cos(angle)]) * short_side / 2
    centre = np.array([cx, cy])
    return np.stack(
        [centre + along + across, centre + along - across, centre - along - across, centre - along + across]
    ).astype(np.float32)
