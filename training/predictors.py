"""What can be evaluated: a training checkpoint (PyTorch) or a served model (ONNX manifest), behind one interface.

A checkpoint is run through the training evaluation transform with its run's calibration temperature; a manifest is
run through `basegun`'s own classifier (`TypologyClassifier`: its manifest's views, calibration and averaging, then
`OnnxSession`), exactly as served.
Both read photos through the same `basegun.inference.imaging.decode`, at the detail the model asks for.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import torch
from PIL import Image

from basegun.inference.imaging import Detail
from basegun.inference.manifest import Preprocessing
from basegun.inference.session import OnnxSession
from basegun.networks.typology import TypologyClassifier
from training.errors import DataError
from training.networks import Probabilities
from training.runs import Run
from training.transforms import eval_transform


class Predictor(Protocol):
    classes: tuple[str, ...]
    thresholds: dict[str, float]
    detail: Detail
    description: dict[str, Any]

    def probabilities(self, images: list[Image.Image]) -> np.ndarray: ...


class TorchPredictor:
    def __init__(self, run: Run, checkpoint: Path | None = None) -> None:
        config = run.config()
        checkpoint = checkpoint or run.best
        calibration = run.calibration()
        temperature = calibration["temperature"] if calibration else 1.0
        prep = Preprocessing.from_dict(config.data.preprocessing)
        self.classes = config.data.classes
        self.thresholds = calibration["thresholds"] if calibration else {}
        self.detail = Detail(min_short_side=prep.size)
        self.network = Probabilities(run.network(checkpoint), temperature).eval()
        self.transform = eval_transform(prep)
        self.description = {"kind": "checkpoint", "path": str(checkpoint), "temperature": temperature}

    def probabilities(self, images: list[Image.Image]) -> np.ndarray:
        with torch.no_grad():
            return self.network(torch.stack([self.transform(image) for image in images])).numpy()


class OnnxPredictor:
    def __init__(self, manifest: Path) -> None:
        self.classifier = TypologyClassifier(OnnxSession.from_manifest_path(manifest, os.cpu_count() or 1))
        served = self.classifier.session.manifest
        self.classes = served.classes
        self.thresholds = dict(served.thresholds)
        self.detail = self.classifier.detail
        self.description = {
            "kind": "onnx",
            "path": str(manifest),
            "name": served.name,
            "version": served.version,
        }

    def probabilities(self, images: list[Image.Image]) -> np.ndarray:
        return np.stack([self.classifier.probabilities(image) for image in images])


def load_predictor(path: Path) -> Predictor:
    """A manifest (.json), a run folder (its best checkpoint) or a checkpoint file (.pt) inside a run folder."""
    if path.suffix == ".json":
        return OnnxPredictor(path)
    if path.is_dir():
        return TorchPredictor(Run(path))
    if path.suffix == ".pt":
        return TorchPredictor(Run(path.parent), path)
    raise DataError(f"{path}: expected a model manifest (.json), a run folder or a checkpoint (.pt)")
