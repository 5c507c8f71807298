"""The card detector: where an ID-1 card (bank card, identity card) lies in a photo, as an oriented box.

The card's known size turns pixels into centimetres for the measurement; this module only finds it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

from basegun.inference.preprocess import prepare_letterbox
from basegun.inference.session import OnnxSession


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
    """Owns the YOLOv5-OBB card network; its letterbox, thresholds, anchors, angle bins and card size: its manifest.

    The network ends at its raw per-stride maps (`training/card_graph.py`): only the anchors whose card score passes
    are decoded into boxes, and the letterbox is padded to a multiple of the stride rather than to a square.
    """

    def __init__(self, session: OnnxSession) -> None:
        manifest = session.manifest
        if manifest.task != "oriented_detection" or manifest.decoding.get("kind") != "yolov5_obb":
            raise ValueError(f"{manifest.path}: not a yolov5_obb oriented detection manifest")
        self.session = session
        self.threshold = manifest.thresholds["detection"]
        self.nms_iou = float(manifest.decoding["nms_iou"])
        self.angle_bins = int(manifest.decoding["angle_bins"])
        self.strides = [int(stride) for stride in manifest.decoding["strides"]]
        self.anchors = [np.asarray(level, dtype=np.float32) for level in manifest.decoding["anchors"]]
        self.classes = len(manifest.classes)
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
        rows = self._rows(self.session.run(boxed.tensor), self.threshold if threshold is None else threshold)
        if rows.shape[0] == 0:
            return []
        confidence = rows[:, 4]
        # Bin i is the angle (i - bins/2) degrees, counter-clockwise on screen.
        degrees = np.argmax(rows[:, 5:], axis=1).astype(np.float32) - self.angle_bins / 2
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

    def _rows(self, maps: list[np.ndarray], threshold: float) -> np.ndarray:
        """The anchors whose confidence passes `threshold`, decoded as YOLOv5 does: (n, 5 + angle bins) rows of
        centre x, centre y, long side, short side (input pixels), confidence, then the raw angle bins."""
        rows = []
        for raw, stride, anchors in zip(maps, self.strides, self.anchors, strict=True):
            _, channels, cells_y, cells_x = raw.shape
            per_anchor = raw[0].reshape(len(anchors), channels // len(anchors), cells_y, cells_x)
            classes = _sigmoid(per_anchor[:, 5 : 5 + self.classes]).max(axis=1)
            confidence = _sigmoid(per_anchor[:, 4]) * classes
            anchor, y, x = np.nonzero(confidence >= threshold)
            if anchor.size == 0:
                continue
            picked = per_anchor[anchor, :, y, x]  # (n, channels)
            box = _sigmoid(picked[:, :4]) * 2
            centre = (box[:, :2] - 0.5 + np.stack([x, y], axis=1)) * stride
            sides = box[:, 2:4] ** 2 * anchors[anchor]
            found = confidence[anchor, y, x][:, None]
            rows.append(np.concatenate([centre, sides, found, picked[:, 5 + self.classes :]], axis=1))
        return np.concatenate(rows) if rows else np.empty((0, 5 + self.angle_bins), np.float32)


def _sigmoid(values: np.ndarray) -> np.ndarray:
    """The logistic function, through tanh: no overflow for very negative logits, which the card maps hold."""
    return 0.5 * (1 + np.tanh(values / 2))


def _corners(cx: float, cy: float, long_side: float, short_side: float, angle: float) -> np.ndarray:
    """The four corners of an oriented box whose long side points at `angle` (y down, so sin is negated)."""
    along = np.array([math.cos(angle), -math.sin(angle)]) * long_side / 2
    across = np.array([math.sin(angle), math.cos(angle)]) * short_side / 2
    centre = np.array([cx, cy])
    return np.stack(
        [centre + along + across, centre + along - across, centre - along - across, centre - along + across]
    ).astype(np.float32)
