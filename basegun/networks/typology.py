"""The typology classifier: which of the 12 kinds of firearm a photo shows, with honest confidence.

The manifest's preprocessing may ask for two views of the photo (the centre crop the network was trained on, and the
whole photo letterboxed, which keeps the ends of long guns); each view's probabilities are tempered by the manifest's
calibration temperature, then averaged. Whether the views agree is evidence that a firearm is there at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from PIL import Image

from basegun.inference.imaging import Detail
from basegun.inference.preprocess import prepare_views
from basegun.inference.session import OnnxSession

ConfidenceLevel = Literal["high", "medium", "low"]


@dataclass(frozen=True)
class TypologyPrediction:
    """Class probabilities, best first."""

    ranked: list[tuple[str, float]]
    level: ConfidenceLevel
    views_agree: bool = True

    @property
    def key(self) -> str:
        return self.ranked[0][0]

    @property
    def confidence(self) -> float:
        return self.ranked[0][1]


class TypologyClassifier:
    """Owns the typology network; preprocessing, classes and confidence thresholds come from its manifest."""

    def __init__(self, session: OnnxSession) -> None:
        manifest = session.manifest
        if manifest.task != "classification" or not manifest.classes:
            raise ValueError(f"{manifest.path}: not a classification manifest with classes")
        self.session = session
        self.classes = manifest.classes
        self._medium = manifest.thresholds["confidence_medium"]
        self._high = manifest.thresholds["confidence_high"]
        self.temperature = float(manifest.decoding.get("temperature", 1.0))  # applied here, not inside the network

    @property
    def input_size(self) -> int:
        return self.session.manifest.preprocessing.size

    @property
    def detail(self) -> Detail:
        return Detail(min_short_side=self.input_size)

    def level(self, confidence: float) -> ConfidenceLevel:
        if confidence >= self._high:
            return "high"
        return "medium" if confidence >= self._medium else "low"

    def view_probabilities(self, image: Image.Image) -> np.ndarray:
        """The network's probabilities for each view the manifest asks for, (views, classes), in one batch: measured
        faster here than one run per view side by side, which a second busy core slows down."""
        return self.session.run(prepare_views(image, self.session.manifest.preprocessing))[0]

    def combine(self, views: np.ndarray) -> np.ndarray:
        """Temper each view's probabilities (softmax of log p / T), then average the views."""
        if self.temperature != 1.0:
            logits = np.log(np.maximum(views.astype(np.float64), 1e-12)) / self.temperature
            logits -= logits.max(axis=1, keepdims=True)
            views = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
        return views.mean(axis=0).astype(np.float32)

    def probabilities(self, image: Image.Image) -> np.ndarray:
        """The class probabilities, in manifest class order."""
        return self.combine(self.view_probabilities(image))

    def rank(self, probabilities: np.ndarray, views_agree: bool = True) -> TypologyPrediction:
        order = np.argsort(-probabilities)
        ranked = [(self.classes[i], float(probabilities[i])) for i in order]
        return TypologyPrediction(ranked=ranked, level=self.level(ranked[0][1]), views_agree=views_agree)

    @staticmethod
    def views_agree(views: np.ndarray) -> bool:
        """Every view names the same typology."""
        return bool((views.argmax(axis=1) == views[0].argmax()).all())

    def predict(self, image: Image.Image) -> TypologyPrediction:
        views = self.view_probabilities(image)
        return self.rank(self.combine(views), views_agree=self.views_agree(views))
