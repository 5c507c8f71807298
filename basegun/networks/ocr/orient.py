"""Line orientation: turn over the lines that the classifier is sure are upside down (a slide shot from below)."""

from __future__ import annotations

import numpy as np

from basegun.errors import ModelUnavailable
from basegun.inference.session import OnnxSession
from basegun.networks.ocr.lines import fixed_height_batch


class LineOrienter:
    """Owns the 0°/180° classifier; input size, classes and the turn-over threshold come from its manifest."""

    def __init__(self, session: OnnxSession) -> None:
        manifest = session.manifest
        if manifest.task != "text_orientation" or manifest.preprocessing.resize != "fixed_height":
            raise ModelUnavailable(f"{manifest.path}: not a text orientation manifest with 'fixed_height' resizing")
        self.session = session
        self.prep = manifest.preprocessing
        self.upside_down = manifest.classes.index("180")
        self.threshold = manifest.thresholds["flip"]

    def upright(self, crops: list[np.ndarray]) -> list[np.ndarray]:
        if not crops:
            return crops
        probabilities = self.session.run(fixed_height_batch(crops, self.prep))[0]
        return [
            np.ascontiguousarray(crop[::-1, ::-1]) if p[self.upside_down] > self.threshold else crop
            for crop, p in zip(crops, probabilities, strict=True)
        ]
