"""`evaluate`: run a checkpoint or a served model over labelled photos and write its report.

OUT/report.json       every figure (top-1, top-3, per class, confusion, ECE, reliability table, levels)
OUT/per_class.csv     support, precision and recall per class
OUT/confusion.csv     rows: true class, columns: predicted class
OUT/confusion.png     the same, shaded by row
OUT/reliability.png   reliability diagram, with the expected calibration error in its title
OUT/predictions.csv   one row per photo: label, prediction, confidence, level
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from torch.utils.data import DataLoader
from tqdm import tqdm

from training.dataset import PhotoDataset, collate_images
from training.metrics import summarise
from training.plots import confusion_png, reliability_png
from training.predictors import Predictor
from training.runs import write_json
from training.samples import Sample, counts

BATCH = 16


@dataclass(frozen=True)
class Evaluation:
    report: dict[str, Any]
    probs: np.ndarray
    targets: np.ndarray

    @property
    def correct(self) -> np.ndarray:
        return self.probs.argmax(1) == self.targets


def predict(
    predictor: Predictor, samples: Sequence[Sample], workers: int = 0, progress: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Class probabilities (in the model's class order) and true class indices, in the order of `samples`."""
    dataset = PhotoDataset(samples, predictor.classes, predictor.detail)
    loader = DataLoader(dataset, batch_size=BATCH, num_workers=workers, collate_fn=collate_images)
    probs, targets = [], []
    for images, labels in tqdm(loader, desc="evaluate", unit="batch", disable=not progress, leave=False):
        probs.append(predictor.probabilities(images))
        targets.append(labels.numpy())
    return np.concatenate(probs).astype(np.float64), np.concatenate(targets)


def evaluate(
    predictor: Predictor,
    samples: Sequence[Sample],
    out_dir: Path | None = None,
    workers: int = 0,
    progress: bool = True,
) -> Evaluation:
    probs, targets = predict(predictor, samples, workers, progress)
    report = summarise(probs, targets, predictor.classes, predictor.thresholds or None)
    report["model"] = predictor.description
    report["thresholds"] = predictor.thresholds
    report["data"] = {"photos_per_class": counts(list(samples), predictor.classes)}
    evaluation = Evaluation(report, probs, targets)
    if out_dir is not None:
        write_report(out_dir, evaluation, samples, predictor.classes)
    return evaluation


def write_report(out_dir: Path, evaluation: Evaluation, samples: Sequence[Sample], classes: Sequence[str]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    report = evaluation.report
    write_json(out_dir / "report.json", report)
    confusion = np.asarray(report["confusion"])
    _write_csv(
        out_dir / "confusion.csv",
        ["true \\ predicted", *classes],
        [[name, *row] for name, row in zip(classes, confusion.tolist(), strict=True)],
    )
    _write_csv(
        out_dir / "per_class.csv",
        ["class", "support", "predicted", "correct", "precision", "recall"],
        [
            [c["class"], c["support"], c["predicted"], c["correct"], c["precision"], c["recall"]]
            for c in report["per_class"]
        ],
    )
    probs = evaluation.probs
    levels = _levels(probs.max(1), report["thresholds"])
    _write_csv(
        out_dir / "predictions.csv",
        ["path", "label", "predicted", "confidence", "level"],
        [
            [str(s.path), s.label, classes[p.argmax()], f"{p.max():.6f}", level]
            for s, p, level in zip(samples, probs, levels, strict=True)
        ],
    )
    confusion_png(out_dir / "confusion.png", confusion, classes)
    reliability_png(out_dir / "reliability.png", report["reliability"], report["ece"])


def _levels(confidence: np.ndarray, thresholds: dict[str, float]) -> list[str]:
    if not thresholds:
        return [""] * len(confidence)
    return [
        "high" if c >= thresholds["confidence_high"] else "medium" if c >= thresholds["confidence_medium"] else "low"
        for c in confidence
    ]


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
