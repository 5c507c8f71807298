"""The typology classifier: which of the 12 kinds of firearm a photo shows, with honest confidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from PIL import Image

from basegun.imaging import Detail
from basegun.onnx_session import OnnxSession
from basegun.preprocess import prepare_crop

ConfidenceLevel = Literal["high", "medium", "low"]


@dataclass(frozen=True)
class TypologyPrediction:
    """Class probabilities, best first."""

    ranked: list[tuple[str, float]]
    level: ConfidenceLevel

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

    @property
    def detail(self) -> Detail:
        return Detail(min_short_side=self.session.manifest.preprocessing.size)

    def level(self, confidence: float) -> ConfidenceLevel:
        if confidence >= self._high:
            return "high"
        return "medium" if confidence >= self._medium else "low"

    def probabilities(self, image: Image.Image) -> np.ndarray:
        """The class probabilities, in manifest class order."""
        tensor = prepare_crop(image, self.session.manifest.preprocessing)
        return self.session.run(tensor)[0][0]

    def rank(self, probabilities: np.ndarray) -> TypologyPrediction:
        order = np.argsort(-probabilities)
        ranked = [(self.classes[i], float(probabilities[i])) for i in order]
        return TypologyPrediction(ranked=ranked, level=self.level(ranked[0][1]))

    def predict(self, image: Image.Image) -> TypologyPrediction:
        return self.rank(self.probabilities(image))
