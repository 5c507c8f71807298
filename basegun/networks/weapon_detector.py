"""The weapon keypoint network: where the weapon is, and its four measuring points.

It also answers "is there a firearm in this photo?", which the typology classifier cannot: it always names a class.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np
from PIL import Image

from basegun.inference.imaging import Detail
from basegun.inference.preprocess import prepare_letterbox
from basegun.inference.session import OnnxSession


@dataclass(frozen=True)
class WeaponDetection:
    """One weapon, in photo pixel coordinates."""

    score: float
    box: tuple[float, float, float, float]  # x1, y1, x2, y2
    keypoints: np.ndarray  # (4, 2): see the manifest's decoding.keypoints for their names


class WeaponDetector:
    """Owns the keypoint network; letterbox settings, threshold and keypoint names come from its manifest."""

    def __init__(self, session: OnnxSession) -> None:
        manifest = session.manifest
        if manifest.task != "pose":
            raise ValueError(f"{manifest.path}: not a pose manifest")
        self.session = session
        self.threshold = manifest.thresholds["detection"]
        self.presence_threshold = manifest.thresholds["presence"]
        self.nms_iou = float(manifest.decoding.get("nms_iou", 0.7))
        self.keypoint_names: list[str] = list(manifest.decoding["keypoints"])

    @property
    def input_size(self) -> int:
        return self.session.manifest.preprocessing.size

    @property
    def detail(self) -> Detail:
        return Detail(min_long_side=self.session.manifest.preprocessing.size)

    def best_score(self, image: Image.Image, size: int) -> float:
        """The best weapon score anywhere in the photo, letterboxed to `size` (smaller: cheaper; a presence check
        needs no measuring precision)."""
        prep = replace(self.session.manifest.preprocessing, size=size)
        return float(self.session.run(prepare_letterbox(image, prep).tensor)[0][0][4].max())

    def detect(self, image: Image.Image, threshold: float | None = None) -> list[WeaponDetection]:
        """Weapons found, best first; boxes under `threshold` (default: the manifest's) are dropped."""
        boxed = prepare_letterbox(image, self.session.manifest.preprocessing)
        rows = self.session.run(boxed.tensor)[0][0]  # (13, anchors)
        scores = rows[4]
        keep = np.flatnonzero(scores >= (self.threshold if threshold is None else threshold))
        if keep.size == 0:
            return []
        cx, cy, w, h = rows[0, keep], rows[1, keep], rows[2, keep], rows[3, keep]
        xywh = np.stack([cx - w / 2, cy - h / 2, w, h], axis=1)
        chosen = cv2.dnn.NMSBoxes(xywh.tolist(), scores[keep].tolist(), 0.0, self.nms_iou)
        detections = []
        for index in np.asarray(chosen, dtype=int).reshape(-1):
            anchor = keep[index]
            corners = np.array(
                [
                    [cx[index] - w[index] / 2, cy[index] - h[index] / 2],
                    [cx[index] + w[index] / 2, cy[index] + h[index] / 2],
                ]
            )
            x1, y1, x2, y2 = (float(v) for v in boxed.to_photo(corners).reshape(-1))
            points = boxed.to_photo(rows[5:, anchor].reshape(-1, 2))
            detections.append(
                WeaponDetection(
                    score=float(scores[anchor]),
                    box=(x1, y1, x2, y2),
                    keypoints=points,
                )
            )
        return sorted(detections, key=lambda d: -d.score)
